import type { ErrorInfo, FileVersion, RecoverySummary, UnderstudyApi } from '../../../src-main/contract/index.ts';

export type RecoveryInfo = RecoverySummary;

export type AutosaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';
export type SaveOutcome = 'saved' | 'needs-path' | 'conflict' | 'error';

/** Copies the unsaved text to the recovery area this often while it keeps changing. */
export const AUTOSAVE_MS = 3000;

function newDocKey(): string {
  return `untitled:${crypto.randomUUID()}`;
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The screenplay being edited: its text, file, dirty state, saving, and the autosave to a recovery copy. */
export class DocumentSession {
  #text = $state.raw('');
  #savedText = $state.raw('');
  #path = $state<string | null>(null);
  #name = $state('Untitled screenplay');
  #docKey = newDocKey();
  #version: FileVersion | null = null;
  #autosave = $state<AutosaveState>('idle');
  /** Epoch milliseconds of the last recovery copy. */
  #autosavedAt = $state<number | null>(null);
  #recoveredText: string | null = null;
  #recoveries = $state.raw<RecoveryInfo[]>([]);
  #error = $state.raw<ErrorInfo | null>(null);
  #recent = $state.raw<string[]>([]);
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever a different text is loaded (new, open, restore), not when the writer types. */
  #loads = $state(0);

  readonly dirty = $derived(this.#text !== this.#savedText);
  readonly title = $derived(this.#path === null ? this.#name : baseName(this.#path));
  readonly windowTitle = $derived(`${this.dirty ? '● ' : ''}${this.title} — Understudy`);

  constructor(
    private readonly api: UnderstudyApi,
    private readonly autosaveMs = AUTOSAVE_MS,
  ) {}

  get text(): string {
    return this.#text;
  }
  get loads(): number {
    return this.#loads;
  }
  get path(): string | null {
    return this.#path;
  }
  get docKey(): string {
    return this.#docKey;
  }
  get autosave(): AutosaveState {
    return this.#autosave;
  }
  get autosavedAt(): number | null {
    return this.#autosavedAt;
  }
  get recoveries(): readonly RecoveryInfo[] {
    return this.#recoveries;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }
  get recent(): readonly string[] {
    return this.#recent;
  }

  /** An unsaved document; `dirty` stays false until the writer changes it. */
  newDocument(text = '', name = 'Untitled screenplay'): void {
    this.#cancelAutosave();
    this.#docKey = newDocKey();
    this.#path = null;
    this.#version = null;
    this.#name = name;
    this.#text = text;
    this.#savedText = text;
    this.#recoveredText = text;
    this.#autosave = 'idle';
    this.#loads += 1;
  }

  setText(text: string): void {
    if (text === this.#text) return;
    this.#text = text;
    this.#scheduleAutosave();
  }

  async open(path: string): Promise<boolean> {
    const result = await this.api.documents.open({ path });
    if (!result.ok) {
      this.#error = result.error;
      return false;
    }
    this.#cancelAutosave();
    const file = result.value;
    this.#path = file.path;
    this.#docKey = file.docKey;
    this.#version = file.version;
    this.#text = file.text;
    this.#savedText = file.text;
    this.#recoveredText = file.text;
    this.#autosave = 'idle';
    this.#error = null;
    this.#loads += 1;
    if (file.recovery) this.#recoveries = [file.recovery, ...this.#recoveries.filter((r) => r.docKey !== file.docKey)];
    void this.loadRecent();
    return true;
  }

  /** Saves to the current file; `needs-path` when it has none yet (the caller asks for one). */
  async save(force = false): Promise<SaveOutcome> {
    if (this.#path === null) return 'needs-path';
    return this.#write(this.#path, force ? null : this.#version, force);
  }

  async saveAs(path: string): Promise<SaveOutcome> {
    return this.#write(path, null, true);
  }

  /** Writes the recovery copy now if the text moved on since the last one. */
  async autosaveNow(): Promise<void> {
    this.#cancelAutosave();
    const text = this.#text;
    if (text === this.#recoveredText) {
      this.#autosave = this.dirty ? 'saved' : 'idle';
      return;
    }
    this.#autosave = 'saving';
    const result = await this.api.documents.writeRecovery({ docKey: this.#docKey, text, path: this.#path });
    if (result.ok) {
      this.#recoveredText = text;
      this.#autosavedAt = Date.now();
      this.#autosave = 'saved';
    } else {
      this.#autosave = 'error';
      this.#error = result.error;
    }
  }

  /** Recovery copies left by a crash (offered at start-up). */
  async loadRecoveries(): Promise<void> {
    const result = await this.api.documents.listRecoveries();
    if (result.ok) this.#recoveries = result.value;
  }

  async loadRecent(): Promise<void> {
    const result = await this.api.documents.listRecent();
    if (result.ok) this.#recent = result.value;
  }

  /** Loads a recovery copy into the editor as unsaved changes of its file (or a new untitled document). */
  async restore(docKey: string): Promise<boolean> {
    const result = await this.api.documents.readRecovery({ docKey });
    if (!result.ok) {
      this.#error = result.error;
      return false;
    }
    const recovery = result.value;
    if (recovery.path !== null && recovery.path !== this.#path && !(await this.open(recovery.path))) {
      this.newDocument('', baseName(recovery.path));
    } else if (recovery.path === null) {
      this.newDocument('', 'Recovered screenplay');
      this.#savedText = '';
    }
    this.#docKey = recovery.docKey;
    this.#text = recovery.text;
    this.#recoveredText = recovery.text;
    this.#recoveries = this.#recoveries.filter((r) => r.docKey !== docKey);
    this.#loads += 1;
    return true;
  }

  async discardRecovery(docKey: string): Promise<void> {
    await this.api.documents.discardRecovery({ docKey });
    this.#recoveries = this.#recoveries.filter((r) => r.docKey !== docKey);
  }

  dismissError(): void {
    this.#error = null;
  }

  dispose(): void {
    this.#cancelAutosave();
  }

  async #write(path: string, baseVersion: FileVersion | null, force: boolean): Promise<SaveOutcome> {
    const text = this.#text;
    const result = await this.api.documents.save({ path, text, baseVersion, force, fromDocKey: this.#docKey });
    if (!result.ok) {
      this.#error = result.error;
      return result.error.code === 'E_CONFLICT' ? 'conflict' : 'error';
    }
    this.#cancelAutosave();
    this.#path = result.value.path;
    this.#docKey = result.value.docKey;
    this.#version = result.value.version;
    this.#savedText = text;
    this.#recoveredText = text;
    this.#autosave = 'idle';
    this.#error = null;
    if (this.#text !== text) this.#scheduleAutosave();
    void this.loadRecent();
    return 'saved';
  }

  #scheduleAutosave(): void {
    if (this.#timer !== undefined) return;
    this.#autosave = 'pending';
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.autosaveNow();
    }, this.autosaveMs);
  }

  #cancelAutosave(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
