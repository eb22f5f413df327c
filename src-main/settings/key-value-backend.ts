import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { errnoCode } from '../fs/errno.ts';

/** The whole settings document as one value: electron-store in the app, a JSON file under plain Node. */
export interface KeyValueBackend {
  /** `null` when nothing has been stored yet. */
  read(): Promise<Record<string, unknown> | null>;
  write(values: Record<string, unknown>): Promise<void>;
  /** Where the last read put an unreadable stored document aside (`null`: nothing was damaged). */
  readonly setAside?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 or a TypeError: bytes flipped inside a string must not pass as a valid value. */
function decodeStrict(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** A JSON file replaced atomically; an unreadable file is kept aside as `*.corrupt-<time>` and treated as empty. */
export class JsonFileBackend implements KeyValueBackend {
  setAside: string | null = null;

  constructor(readonly file: string) {}

  async read(): Promise<Record<string, unknown> | null> {
    let text: string;
    try {
      text = decodeStrict(await readFile(this.file));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      if (!(error instanceof TypeError)) throw error;
      text = '';
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return parsed;
    } catch {
      // Fall through: a damaged file is moved aside rather than overwritten.
    }
    this.setAside = `${this.file}.corrupt-${Date.now()}`;
    await rename(this.file, this.setAside);
    return null;
  }

  async write(values: Record<string, unknown>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(values, null, 2)}\n`);
  }
}
