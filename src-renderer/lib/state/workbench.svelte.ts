import {
  CORPUS_EXTENSIONS,
  SCRIPT_EXTENSIONS,
  SCRIPT_SAVE_EXTENSIONS,
  extensionOf,
  fountainToFdx,
  fountainToPdf,
  type DamagedItem,
  type UnderstudyApi,
} from '../../../src-main/contract/index.ts';
import { download, withExtension } from '../print-export.ts';
import type { DraftProvenance } from '../../../src-main/fountain/provenance.ts';
import type { ShortcutId } from '../shortcuts.ts';
import { AppStatus } from './app-status.svelte.ts';
import { Corpora } from './corpora.svelte.ts';
import { baseName, DocumentSession } from './document.svelte.ts';
import { Generation, PRIME_CHARS, type ScriptFacts } from './generation.svelte.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import type { FountainDocument } from '../../../src-main/fountain/types.ts';
import type { DraftMode } from '../draft-modes.ts';
import { Layout } from './layout.svelte.ts';
import { Models } from './models.svelte.ts';
import { Settings, applyTheme } from './settings.svelte.ts';
import { Toasts } from './toasts.svelte.ts';
import { Tour } from './tour.svelte.ts';
import { Training } from './training.svelte.ts';

/** What the workbench needs from the editor component (ScreenplayEditor's exported functions). */
export interface EditorHandle {
  getTextBeforeCursor(maxChars?: number): string;
  insertAtCursor(text: string, provenance?: DraftProvenance | string): void;
  focus(): void;
}

export interface FirstRun {
  /** The sample screenplay opened on the first launch (and when nothing else is open). */
  sampleText: string;
  sampleName: string;
}

const SCRIPT_FILTER = { name: 'Screenplay', extensions: SCRIPT_EXTENSIONS.map((extension) => extension.slice(1)) };
const FOUNTAIN_FILTER = { name: 'Fountain', extensions: SCRIPT_SAVE_EXTENSIONS.map((extension) => extension.slice(1)) };
const CORPUS_FILTER = { name: 'Writing', extensions: CORPUS_EXTENSIONS.map((extension) => extension.slice(1)) };

export type PathMode = 'open' | 'saveAs' | 'import';
export type PathRequest = { mode: PathMode; suggested: string };

/** The app's controller: owns every state object and the actions that span them (generate -> insert, save...). */
export class Workbench {
  readonly toasts = new Toasts();
  readonly layout = new Layout();
  readonly status: AppStatus;
  readonly settings: Settings;
  readonly generation: Generation;
  readonly models: Models;
  readonly training: Training;
  readonly corpora: Corpora;
  readonly document: DocumentSession;
  readonly tour: Tour;
  #editor: EditorHandle | null = null;
  #pathRequest = $state.raw<PathRequest | null>(null);
  #resolvePath: ((path: string | null) => void) | null = null;
  #started = $state(false);

  constructor(
    readonly api: UnderstudyApi,
    private readonly firstRun: FirstRun,
  ) {
    this.status = new AppStatus(api);
    this.settings = new Settings(api);
    this.generation = new Generation(api);
    this.models = new Models(api);
    this.training = new Training(api, (event) => {
      if (event.type === 'started' || event.type === 'done') void this.models.load();
      if (event.type === 'done' && event.reason !== 'cancelled') {
        this.toasts.show('Training finished: your new model is in Models.', {
          tone: 'info',
          action: { label: 'Use it', run: async () => void (await this.models.setActive(event.modelId)) },
        });
      }
    });
    this.corpora = new Corpora(api, this.toasts);
    this.document = new DocumentSession(api);
    this.tour = new Tour(() => this.settings.set('tourSeen', true));
  }

  get started(): boolean {
    return this.#started;
  }
  get pathRequest(): PathRequest | null {
    return this.#pathRequest;
  }

  #damaged = $state.raw<readonly DamagedItem[]>([]);

  /** Stored items found damaged at start-up (left on disk as they were), named to the writer until dismissed. */
  get damaged(): readonly DamagedItem[] {
    return this.#damaged;
  }

  dismissDamaged(): void {
    this.#damaged = [];
  }

  attachEditor(editor: EditorHandle | null): void {
    this.#editor = editor;
  }

  /** Loads everything, opens the right document, offers recovery, and starts the tour on a first launch. */
  async start(): Promise<void> {
    await Promise.all([this.status.load(), this.settings.load(), this.models.load(), this.corpora.load()]);
    applyTheme(this.settings.values.theme);
    this.training.suggestPreset(this.models.status?.recommendedPreset ?? this.settings.values.preset);
    const trainingRunId = this.models.status?.trainingRunId;
    if (trainingRunId) this.training.follow(trainingRunId);
    await Promise.all([this.document.loadRecoveries(), this.document.loadRecent()]);
    const damaged = await this.api.app.listDamaged();
    if (damaged.ok) this.#damaged = damaged.value;
    const last = this.document.recent[0];
    const reopened =
      (await this.#openLaunchFiles()) ||
      (this.settings.values.tourSeen && last !== undefined && (await this.document.open(last)));
    if (!reopened) {
      this.document.newDocument(this.firstRun.sampleText, this.firstRun.sampleName);
      this.document.dismissError();
    }
    if (!this.settings.values.tourSeen) this.tour.start();
    this.#started = true;
  }

  /** Subscriptions that live as long as the window. */
  listen(): () => void {
    const stops = [
      this.status.listen(),
      this.models.listen(),
      this.api.engine.onStatusChanged((status) => {
        // A measured speed may change the recommendation (followed unless the writer picked a preset) and the
        // time estimates of every corpus.
        this.models.setStatus(status);
        if (!this.training.active) this.training.suggestPreset(status.recommendedPreset);
        void this.corpora.load();
      }),
      this.settings.listen((values) => applyTheme(values.theme)),
      this.api.app.onOpenFileRequested(() => void this.#openLaunchFiles()),
    ];
    return () => {
      clearTimeout(this.#prepareTimer);
      for (const stop of stops) stop();
      this.training.detach();
      this.document.dispose();
      void this.settings.flush();
    };
  }

  setTheme(theme: 'system' | 'light' | 'dark'): void {
    this.settings.set('theme', theme);
    applyTheme(theme);
  }

  async generate(): Promise<void> {
    const model = this.models.active;
    if (!model) {
      this.layout.showTab('generate');
      this.toasts.error('No model is active yet: train one, or pick one in Models.');
      return;
    }
    if (this.generation.running) return;
    this.layout.showTab('generate');
    const prime = this.#editor?.getTextBeforeCursor(PRIME_CHARS) ?? this.document.text;
    await this.generation.generate(
      prime,
      this.settings.controls,
      { id: model.id, name: model.name },
      this.#scriptFacts(),
    );
  }

  #lineSpeaker = $state<string | null>(null);

  /** Who a line is written for; null: whoever would speak next. */
  get lineSpeaker(): string | null {
    return this.#lineSpeaker;
  }
  set lineSpeaker(speaker: string | null) {
    this.#lineSpeaker = speaker;
  }

  /** The names a cue may use: the script's characters, then those of the writer's own included corpora. */
  castOf(script: FountainDocument): string[] {
    const imported = this.corpora.included.filter((corpus) => corpus.origin === 'import');
    const names = [...script.characters, ...imported.flatMap((corpus) => corpus.stats.characterNames)];
    return names.filter((name, index) => names.indexOf(name) === index);
  }

  #scriptFacts(): ScriptFacts {
    const script = parseFountain(this.document.text);
    const cast = this.castOf(script);
    const speaker = this.#lineSpeaker !== null && cast.includes(this.#lineSpeaker) ? this.#lineSpeaker : undefined;
    return { cast, locations: script.locations, ...(speaker === undefined ? {} : { speaker }) };
  }

  #prepareTimer: ReturnType<typeof setTimeout> | undefined;

  /** After the writer pauses, primes the model on the text before the cursor so Generate starts at once. */
  cursorSettled(delayMs = 1000): void {
    clearTimeout(this.#prepareTimer);
    this.#prepareTimer = setTimeout(() => {
      if (!this.models.active || this.generation.running || !this.#editor) return;
      // The same text Generate would send, so the engine's prime cache matches.
      void this.api.generation.prepare({ prime: this.#editor.getTextBeforeCursor(PRIME_CHARS) });
    }, delayMs);
  }

  /** Inserts the chosen draft at the cursor (or over the selection) as one undo step, with its provenance. */
  insertDraft(index: number): boolean {
    const draft = this.generation.draft(index);
    if (!draft || !this.#editor) return false;
    this.#editor.insertAtCursor(draft.text, draft.provenance);
    this.generation.discard();
    this.#editor.focus();
    return true;
  }

  async startTraining(): Promise<void> {
    this.settings.set('preset', this.training.preset);
    const ids = this.corpora.included.map((corpus) => corpus.id);
    if (await this.training.start(ids)) this.layout.showTab('training');
  }

  /** Trains a stopped model further, with the budget set in the Training panel. */
  async continueTraining(modelId: string): Promise<void> {
    this.layout.showTab('training');
    await this.training.continueModel(modelId);
  }

  newDocument(): void {
    if (this.document.dirty && !confirmDiscard()) return;
    this.document.newDocument('');
    this.#editor?.focus();
  }

  /** Screenplays the OS asked us to open (file association, command line, a second launch); the last one wins. */
  async #openLaunchFiles(): Promise<boolean> {
    const result = await this.api.app.takeLaunchFiles();
    const path = result.ok ? result.value.at(-1) : undefined;
    if (path === undefined) return false;
    await this.open(path);
    return this.document.path === path;
  }

  async open(path?: string): Promise<void> {
    if (this.document.dirty && !confirmDiscard()) return;
    const target = path ?? (await this.#askPath('open', this.document.recent[0] ?? ''));
    if (target === null) return;
    if (await this.document.open(target)) this.toasts.show(`Opened ${this.document.title}.`);
  }

  async save(): Promise<boolean> {
    // A script opened from Final Draft is saved as Fountain beside it, never over the .fdx.
    if (extensionOf(this.document.path ?? '') === '.fdx') return this.saveAs();
    const outcome = await this.document.save();
    if (outcome === 'needs-path') return this.saveAs();
    return this.#reportSave(outcome);
  }

  async saveAs(): Promise<boolean> {
    const suggested =
      this.document.path?.replace(/\.fdx$/i, '.fountain') ??
      `${this.document.title.replace(/[\\/:*?"<>|]/g, '').trim() || 'Untitled'}.fountain`;
    const path = await this.#askPath('saveAs', suggested);
    if (path === null) return false;
    return this.#reportSave(await this.document.saveAs(path));
  }

  /** Imports a file or a whole folder by its location on this computer. */
  async importFromPath(): Promise<void> {
    const path = await this.#askPath('import', '');
    if (path !== null) await this.corpora.importPaths([path]);
  }

  /** The desktop app's own file dialog, several files at once; false where there is none (use the file picker). */
  async importWithDialog(): Promise<boolean> {
    const result = await this.api.dialogs.openFiles({
      title: 'Import your writing',
      filters: [CORPUS_FILTER],
      multiple: true,
    });
    if (!result.ok || !result.value.supported) return false;
    await this.corpora.importPaths(result.value.value);
    return true;
  }

  /** The paginator's PDF: written by main where the writer chose in the desktop app, downloaded in a browser. */
  async exportPdf(paper: 'letter' | 'a4', sceneNumbers = false): Promise<void> {
    const name = withExtension(this.document.title, 'pdf');
    const text = this.document.text;
    const target = await this.api.dialogs.saveFile({
      title: 'Export PDF',
      defaultPath: name,
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    });
    if (!target.ok || !target.value.supported)
      return download(name, await fountainToPdf(text, { paper, sceneNumbers }), 'application/pdf');
    if (target.value.value === null) return;
    const written = await this.api.documents.exportPdf({ path: target.value.value, text, paper, sceneNumbers });
    if (written.ok) this.toasts.show(`Exported ${baseName(written.value.path)}.`);
    else this.toasts.error(written.error.message);
  }

  /** Final Draft: written by main next to where the writer chose, or downloaded in a browser. */
  async exportFdx(): Promise<void> {
    const name = withExtension(this.document.title, 'fdx');
    const target = await this.api.dialogs.saveFile({
      title: 'Export Final Draft',
      defaultPath: name,
      filters: [{ name: 'Final Draft', extensions: ['fdx'] }],
    });
    if (!target.ok || !target.value.supported)
      return download(name, fountainToFdx(this.document.text), 'application/xml');
    if (target.value.value === null) return;
    const written = await this.api.documents.exportFdx({ path: target.value.value, text: this.document.text });
    if (written.ok) this.toasts.show(`Exported ${baseName(written.value.path)}.`);
    else this.toasts.error(written.error.message);
  }

  /** Answers the in-app path prompt (the browser has no native file dialogs). */
  answerPath(path: string | null): void {
    const resolve = this.#resolvePath;
    this.#resolvePath = null;
    this.#pathRequest = null;
    resolve?.(path === null || path.trim() === '' ? null : path.trim());
  }

  handleShortcut(id: ShortcutId): void {
    switch (id) {
      case 'generate':
        void this.generate();
        break;
      case 'stopGeneration':
        void this.generation.stop();
        break;
      case 'insertDraft':
        this.insertDraft(0);
        break;
      case 'save':
        void this.save();
        break;
      case 'saveAs':
        void this.saveAs();
        break;
      case 'open':
        void this.open();
        break;
      case 'newDocument':
        this.newDocument();
        break;
      case 'help':
        this.layout.toggleHelp();
        break;
      case 'showGenerate':
        this.layout.showTab('generate');
        break;
      case 'showTraining':
        this.layout.showTab('training');
        break;
      case 'showModels':
        this.layout.showTab('models');
        break;
      case 'focusEditor':
        this.#editor?.focus();
        break;
      case 'togglePageMarkers':
        this.settings.set('pageMarkers', !this.settings.values.pageMarkers);
        break;
      default:
        this.settings.set('mode', id.slice('mode:'.length) as DraftMode);
        this.layout.showTab('generate');
    }
  }

  /** A native dialog in the desktop app; over the loopback transport the app asks for a path itself. */
  async #askPath(mode: PathMode, suggested: string): Promise<string | null> {
    const native = await this.#nativePath(mode, suggested);
    if (native !== undefined) return native;
    this.#resolvePath?.(null);
    this.#pathRequest = { mode, suggested };
    return new Promise((resolve) => (this.#resolvePath = resolve));
  }

  /** `undefined` when there is no native dialog. */
  async #nativePath(mode: PathMode, suggested: string): Promise<string | null | undefined> {
    if (mode === 'saveAs') {
      const result = await this.api.dialogs.saveFile({ defaultPath: suggested, filters: [FOUNTAIN_FILTER] });
      return result.ok && result.value.supported ? result.value.value : undefined;
    }
    const result = await this.api.dialogs.openFiles(
      mode === 'open' ? { filters: [SCRIPT_FILTER] } : { title: 'Import your writing', filters: [CORPUS_FILTER] },
    );
    return result.ok && result.value.supported ? (result.value.value[0] ?? null) : undefined;
  }

  async #reportSave(outcome: Awaited<ReturnType<DocumentSession['save']>>): Promise<boolean> {
    if (outcome === 'saved') {
      this.toasts.show(`Saved ${this.document.title}.`);
      return true;
    }
    if (outcome === 'conflict') {
      this.toasts.show('The file changed on disk since you opened it.', {
        tone: 'error',
        action: { label: 'Overwrite', run: async () => void this.#reportSave(await this.document.save(true)) },
      });
    } else if (this.document.error) {
      this.toasts.error(this.document.error.message);
    }
    return false;
  }
}

function confirmDiscard(): boolean {
  return typeof window === 'undefined' || window.confirm('Discard the unsaved changes to this screenplay?');
}
