import type { EngineStatus, PresetName } from '../../src-main/contract/index.ts';
import { formatCount } from './format.ts';
import { PRESET_INFO } from './state/training.svelte.ts';

const BACKEND_TEXT: Readonly<Record<EngineStatus['backend'], string>> = {
  tensorflow: 'native TensorFlow, the fastest',
  wasm: 'WebAssembly: good, but slower than native TensorFlow',
  cpu: 'plain JavaScript, the slowest',
};

/** Why the recommended preset is recommended, from the measured training speed when there is one. */
export function recommendationText(status: EngineStatus): string {
  const chosen = PRESET_INFO[status.recommendedPreset].label;
  const speed = status.trainingSpeed;
  if (speed === null) {
    return (
      `${chosen} is recommended because the engine runs on ${status.backend} here (${BACKEND_TEXT[status.backend]}). ` +
      'Understudy is measuring how fast this computer trains and will update this advice in a moment.'
    );
  }
  const rate = (p: PresetName): string =>
    `${PRESET_INFO[p].label} at ${speed.measured.includes(p) ? '' : 'about '}${formatCount(Math.round(speed.charsPerSecond[p]))}`;
  const minutes = (p: 'medium' | 'large'): string => formatCount(Math.max(1, Math.round(speed.minutesToBest[p])));
  const measured =
    `${chosen} is recommended: this computer trains ${rate('small')}, ${rate('medium')} and ${rate('large')} ` +
    `characters a second (${status.backend}), so `;
  switch (status.recommendedPreset) {
    case 'small':
      return `${measured}Medium would need about ${minutes('medium')} minutes to reach its best on a 1 MB text; the aim is about 10.`;
    case 'medium':
      return `${measured}Medium reaches its best on a 1 MB text in about ${minutes('medium')} minutes; Large would need about ${minutes('large')}.`;
    case 'large':
      return `${measured}Large reaches its best on a 1 MB text in about ${minutes('large')} minutes.`;
  }
}
