import {
  DEFAULT_SETTINGS,
  GENERATION_DEFAULTS,
  type ErrorInfo,
  type GenerationSettings,
  type Settings as StoredSettings,
  type UnderstudyApi,
} from '../../../src-main/contract/index.ts';

/** The settings the UI reads and writes: every generation setting, plus these (main owns schema and defaults). */
const UI_KEYS = [
  ...(Object.keys(GENERATION_DEFAULTS) as (keyof GenerationSettings)[]),
  'preset',
  'theme',
  'tourSeen',
  'pageMarkers',
] as const;

export type UiSettings = Pick<StoredSettings, (typeof UI_KEYS)[number]>;
export type ThemeChoice = UiSettings['theme'];

/** Main's defaults, narrowed to what the UI uses. */
export const UI_DEFAULTS: Readonly<UiSettings> = pick(DEFAULT_SETTINGS) as UiSettings;

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
  /** The generation settings as one plain object. */
  get controls(): GenerationSettings {
    const controls: Partial<GenerationSettings> = {};
    for (const key of Object.keys(GENERATION_DEFAULTS) as (keyof GenerationSettings)[])
      Object.assign(controls, { [key]: this.#values[key] });
    return controls as GenerationSettings;
  }

  async load(): Promise<void> {
    const result = await this.api.settings.get();
    if (result.ok) this.#values = { ...UI_DEFAULTS, ...pick(result.value) };
    else this.#error = result.error;
    this.#loaded = true;
  }

  /** Takes in changes stored elsewhere (another window, main); edits not yet written win. */
  listen(onApplied: (values: Readonly<UiSettings>) => void = () => {}): () => void {
    return this.api.settings.onChanged((stored) => {
      const incoming = pick(stored);
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

/** The UI's part of a settings object (stored settings, or a change to them). */
function pick(values: Partial<StoredSettings>): Partial<UiSettings> {
  const known: Partial<UiSettings> = {};
  for (const key of UI_KEYS) {
    if (values[key] !== undefined) Object.assign(known, { [key]: values[key] });
  }
  return known;
}

/** Applies the theme to the document: `system` follows `prefers-color-scheme`. */
export function applyTheme(theme: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
