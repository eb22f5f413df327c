import { PRESET_NAMES, type BackendName, type PresetName } from '../contract/vocabulary.ts';

export { PRESET_NAMES };

/** The recommendation's promise: a 1 MB corpus reaches its best validation loss in about this long. */
export const TIME_TO_BEST_SECONDS = 600;

/**
 * Characters a preset trains on before its validation loss is lowest on a 1 MB corpus, from the PyTorch reference
 * curves on tinyshakespeare (../shared/reference): Medium at step 3,000 of batch 32 x 100. Large has a reference
 * only at batch 128 (best at step 1,000, 12.8 M characters), which overstates what batch 32 needs (Medium: 25.6 M
 * at batch 128), so Large is recommended cautiously. Small is the floor of the recommendation and needs no figure.
 */
export const CHARS_TO_BEST: Readonly<Record<Exclude<PresetName, 'small'>, number>> = {
  medium: 9_600_000,
  large: 12_800_000,
};

/** Whether a preset training at this speed reaches its best within TIME_TO_BEST_SECONDS. */
export function qualifies(preset: PresetName, charsPerSecond: number): boolean {
  return preset === 'small' || charsPerSecond * TIME_TO_BEST_SECONDS >= CHARS_TO_BEST[preset];
}

/**
 * The largest preset that fits a 1 MB corpus's best validation loss into about 10 minutes at the measured speed.
 * Before a measurement exists: Medium on native TensorFlow, Small otherwise. Pure (no tfjs), so the main process
 * can answer it without loading TensorFlow.
 */
export function recommendedPreset(
  backend: BackendName,
  charsPerSecond?: Readonly<Record<PresetName, number>> | null,
): PresetName {
  if (charsPerSecond === undefined || charsPerSecond === null) return backend === 'tensorflow' ? 'medium' : 'small';
  return [...PRESET_NAMES].reverse().find((p) => qualifies(p, charsPerSecond[p])) ?? 'small';
}
