import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { z } from 'zod';
import { presetSchema, type TrainingSpeedStatus } from '../contract/index.ts';
import { CHARS_TO_BEST } from '../engine/presets.ts';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { BACKEND_NAMES, type BackendName } from '../engine/types.ts';

export const TRAINING_SPEED_FILE = 'training-speed.json';

const speed = z.number().positive().finite();

/** What training-speed.json holds: one measurement, valid for the backend and machine it names. */
const recordSchema = z.object({
  version: z.literal(1),
  backend: z.enum(BACKEND_NAMES),
  machine: z.string(),
  measuredAt: z.string(),
  charsPerSecond: z.object({ small: speed, medium: speed, large: speed }),
  measured: z.array(presetSchema).min(1),
});

export type TrainingSpeedRecord = z.infer<typeof recordSchema>;

/** The processor model and core count: a measurement from another machine (a moved data folder) is not reused. */
export function machineId(): string {
  const list = cpus();
  return `${list[0]?.model.trim() ?? 'unknown'} x${list.length}`;
}

/** The stored measurement if it is readable and was made with this backend on this machine; null otherwise. */
export async function readTrainingSpeed(file: string, backend: BackendName): Promise<TrainingSpeedRecord | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success || parsed.data.backend !== backend || parsed.data.machine !== machineId()) return null;
  return parsed.data;
}

export async function writeTrainingSpeed(file: string, record: TrainingSpeedRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function speedStatus(record: TrainingSpeedRecord): TrainingSpeedStatus {
  const minutes = (p: 'medium' | 'large'): number => CHARS_TO_BEST[p] / record.charsPerSecond[p] / 60;
  return {
    charsPerSecond: record.charsPerSecond,
    measured: record.measured,
    measuredAt: record.measuredAt,
    minutesToBest: { medium: minutes('medium'), large: minutes('large') },
  };
}
