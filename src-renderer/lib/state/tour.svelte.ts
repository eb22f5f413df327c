import { CORPUS_EXTENSIONS_TEXT } from '../../../src-main/contract/index.ts';
export interface TourStep {
  /** The `data-tour` anchor the step points at. */
  target: 'generate' | 'corpora' | 'training';
  title: string;
  body: string;
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    target: 'generate',
    title: 'Generate a scene',
    body: 'Put the cursor where the scene should continue and press Generate scene (or Ctrl/⌘+Enter). Pick a draft and Insert it; Ctrl/⌘+Z takes it back.',
  },
  {
    target: 'corpora',
    title: 'Bring your own writing',
    body: `Import your scripts and manuscripts here (${CORPUS_EXTENSIONS_TEXT}), or drop files on this panel. Nothing leaves your computer.`,
  },
  {
    target: 'training',
    title: 'Train a model in your style',
    body: 'Pick the corpora and a preset, give it a few minutes, and watch the loss fall. The new model becomes available to Generate.',
  },
];

/** The first-run tour: three steps, dismissible at any point; `onDone` remembers it in the settings. */
export class Tour {
  #index = $state<number | null>(null);

  constructor(private readonly onDone: () => void) {}

  get open(): boolean {
    return this.#index !== null;
  }
  get index(): number {
    return this.#index ?? 0;
  }
  get step(): TourStep | null {
    return this.#index === null ? null : (TOUR_STEPS[this.#index] ?? null);
  }
  get isLast(): boolean {
    return this.#index === TOUR_STEPS.length - 1;
  }

  start(): void {
    this.#index = 0;
  }

  next(): void {
    if (this.#index === null) return;
    if (this.isLast) this.dismiss();
    else this.#index += 1;
  }

  back(): void {
    if (this.#index !== null && this.#index > 0) this.#index -= 1;
  }

  dismiss(): void {
    if (this.#index === null) return;
    this.#index = null;
    this.onDone();
  }
}
