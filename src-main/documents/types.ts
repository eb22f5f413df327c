/** Plain data types of the document store, shared with the contract (no Node imports here). */

/** What the editor last saw of a file on disk; `save` refuses to overwrite anything else. */
export interface FileVersion {
  mtimeMs: number;
  size: number;
  /** SHA-256 (hex) of the file's bytes. */
  hash: string;
}

export type LineEnding = 'lf' | 'crlf';

export interface OpenedDocument {
  path: string;
  /** Identifies the document for recovery copies: its absolute path, or `untitled:<uuid>`. */
  docKey: string;
  /** Always with LF line endings; `lineEnding` says what the file used so a save can keep it. */
  text: string;
  lineEnding: LineEnding;
  version: FileVersion;
  /** A recovery copy newer than the file (left by a crash), if any. */
  recovery: RecoverySummary | null;
}

export interface NewDocument {
  docKey: string;
  path: null;
  text: string;
}

export interface SaveResult {
  path: string;
  docKey: string;
  version: FileVersion;
}

export interface RecoverySummary {
  docKey: string;
  path: string | null;
  savedAt: string;
  chars: number;
  preview: string;
}

export interface Recovery extends RecoverySummary {
  text: string;
}
