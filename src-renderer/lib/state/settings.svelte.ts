import {
  DEFAULT_SETTINGS,
  type ErrorInfo,
  type PresetName,
  type UnderstudyApi,
} from '../../../src-main/contract/index.ts';
import { uiSettings } from '../ports.ts';
import type { GenerationControls } from './generation.svelte.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** The settings the UI reads and writes (main owns the schema, defaults and validation). */
export interface UiSettings extends GenerationControls {
  preset: PresetName;
  theme: ThemeChoice;
  tourSeen: boolean;
}

/** Main's defaults, narrowed to what the UI uses. */
export const UI_DEFAULTS: Readonly<UiSettings> = {
  temperature: DEFAULT_SETTINGS.temperature,
  length: DEFAULT_SETTINGS.length,
  alternatives: DEFAULT_SETTINGS.alternatives,
  topP: DEFAULT_SETTINGS.topP,
  seed: DEFAULT_SETTINGS.seed,
  preset: DEFAULT_SETTINGS.preset,
  theme: DEFAULT_SETTINGS.theme,
  tourSeen: DEFAULT_SETTINGS.tourSeen,
};

/** Local copy of the settings: changes show at once and are written to main shortly after (coalesced). */
export class Settings {
  #values = $state<UiSettings>({ ...UI_DEFAULTS });
  #loaded = $state(false);
  #error = $state.raw<ErrorInfo | null>(null);
  #pending: Partial<UiSettings> = {};
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: UnderstudyApi,
    private readonly saveDelayMs = 400,
  ) {}

  get values(): Readonly<UiSettings> {
    return this.#values;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }
  /** The generation controls as one plain object. */
  get controls(): GenerationControls {
    const { temperature, length, alternatives, topP, seed } = this.#values;
    return { temperature, length, alternatives, topP, seed };
  }

  async load(): Promise<void> {
    const result = await this.api.settings.get();
    if (result.ok) this.#values = { ...UI_DEFAULTS, ...pick(uiSettings(result.value)) };
    else this.#error = result.error;
    this.#loaded = true;
  }

  /** Takes in changes stored elsewhere (another window, main); edits not yet written win. */
  listen(onApplied: (values: Readonly<UiSettings>) => void = () => {}): () => void {
    return this.api.settings.onChanged((stored) => {
      const incoming = pick(uiSettings(stored));
      for (const key of Object.keys(this.#pending)) delete incoming[key as keyof UiSettings];
      this.#values = { ...this.#values, ...incoming };
      onApplied(this.#values);
    });
  }

  set<K extends keyof UiSettings>(key: K, value: UiSettings[K]): void {
    this.#values[key] = value;
    this.#pending = { ...this.#pending, [key]: value };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.saveDelayMs);
  }

  /** Writes what changed now (e.g. before the window closes). */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    const patch = this.#pending;
    this.#pending = {};
    if (Object.keys(patch).length === 0) return;
    const result = await this.api.settings.update(patch);
    this.#error = result.ok ? null : result.error;
  }
}

function pick(values: Partial<UiSettings>): Partial<UiSettings> {
  const known: Partial<UiSettings> = {};
  for (const key of Object.keys(UI_DEFAULTS) as (keyof UiSettings)[]) {
    if (values[key] !== undefined) Object.assign(known, { [key]: values[key] });
  }
  return known;
}

/** Applies the theme to the document: `system` follows `prefers-color-scheme`. */
export function applyTheme(theme: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
