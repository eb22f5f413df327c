import type { EngineStatus, ErrorInfo, ModelSummary, UnderstudyApi } from '../../../src-main/contract/index.ts';

/** The trained models on disk, the active one, and the engine's status (backend, recommended preset). */
export class Models {
  #list = $state.raw<ModelSummary[]>([]);
  #activeId = $state<string | null>(null);
  #status = $state.raw<EngineStatus | null>(null);
  #error = $state.raw<ErrorInfo | null>(null);
  #loaded = $state(false);
  #busyId = $state<string | null>(null);
  #detailsId = $state<string | null>(null);

  constructor(private readonly api: UnderstudyApi) {}

  get list(): readonly ModelSummary[] {
    return this.#list;
  }
  get activeId(): string | null {
    return this.#activeId;
  }
  get active(): ModelSummary | null {
    return this.#list.find((model) => model.id === this.#activeId) ?? null;
  }
  get status(): EngineStatus | null {
    return this.#status;
  }
  /** A status main pushed (the training speed was measured). */
  setStatus(status: EngineStatus): void {
    this.#status = status;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get busyId(): string | null {
    return this.#busyId;
  }
  get details(): ModelSummary | null {
    return this.#list.find((model) => model.id === this.#detailsId) ?? null;
  }

  async load(): Promise<void> {
    const [list, status] = await Promise.all([this.api.models.list(), this.api.engine.getStatus()]);
    if (list.ok) this.#list = sortNewestFirst(list.value);
    else this.#error = list.error;
    if (status.ok) {
      this.#status = status.value;
      this.#activeId = status.value.activeModelId;
    } else this.#error = status.error;
    this.#loaded = true;
  }

  /** Keeps the list and active model in step with main (training adds models, another window may switch). */
  listen(): () => void {
    return this.api.models.onChanged(({ activeModelId }) => {
      this.#activeId = activeModelId;
      void this.load();
    });
  }

  async setActive(id: string): Promise<boolean> {
    return this.#guard(id, async () => {
      const result = await this.api.models.setActive({ id });
      if (result.ok) {
        this.#activeId = result.value.id;
        this.#replace(result.value);
      }
      return result;
    });
  }

  async rename(id: string, name: string): Promise<boolean> {
    return this.#guard(id, async () => {
      const result = await this.api.models.rename({ id, name });
      if (result.ok) this.#replace(result.value);
      return result;
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.#guard(id, async () => {
      const result = await this.api.models.delete({ id });
      if (result.ok) {
        this.#list = this.#list.filter((model) => model.id !== id);
        if (this.#activeId === id) this.#activeId = null;
        if (this.#detailsId === id) this.#detailsId = null;
      }
      return result;
    });
  }

  showDetails(id: string | null): void {
    this.#detailsId = this.#detailsId === id ? null : id;
  }

  dismissError(): void {
    this.#error = null;
  }

  #replace(model: ModelSummary): void {
    const known = this.#list.some((entry) => entry.id === model.id);
    this.#list = known
      ? this.#list.map((entry) => (entry.id === model.id ? model : entry))
      : sortNewestFirst([...this.#list, model]);
  }

  async #guard(id: string, work: () => Promise<{ ok: true } | { ok: false; error: ErrorInfo }>): Promise<boolean> {
    this.#busyId = id;
    this.#error = null;
    try {
      const result = await work();
      if (!result.ok) this.#error = result.error;
      return result.ok;
    } finally {
      this.#busyId = null;
    }
  }
}

function sortNewestFirst(models: ModelSummary[]): ModelSummary[] {
  return [...models].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}
