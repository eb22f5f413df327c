import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { errnoCode } from '../fs/errno.ts';

/** The whole settings document as one value: electron-store in the app, a JSON file under plain Node. */
export interface KeyValueBackend {
  /** `null` when nothing has been stored yet. */
  read(): Promise<Record<string, unknown> | null>;
  write(values: Record<string, unknown>): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON file replaced atomically; an unreadable file is kept aside as `*.corrupt-<time>` and treated as empty. */
export class JsonFileBackend implements KeyValueBackend {
  constructor(readonly file: string) {}

  async read(): Promise<Record<string, unknown> | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return parsed;
    } catch {
      // Fall through: a damaged file is moved aside rather than overwritten.
    }
    await rename(this.file, `${this.file}.corrupt-${Date.now()}`);
    return null;
  }

  async write(values: Record<string, unknown>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(values, null, 2)}\n`);
  }
}
