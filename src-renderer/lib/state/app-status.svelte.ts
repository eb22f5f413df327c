import type { AppInfo, ErrorInfo, UnderstudyApi } from '../../../src-main/contract/index.ts';

/** What the status bar shows: the app's version, backend and data directory, and whether main is alive. */
export class AppStatus {
  #info = $state<AppInfo | undefined>();
  #error = $state<ErrorInfo | undefined>();
  #beats = $state(0);
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly api: UnderstudyApi) {}

  get info() {
    return this.#info;
  }
  get error() {
    return this.#error;
  }
  get beats() {
    return this.#beats;
  }

  async load(): Promise<void> {
    const result = await this.api.app.getInfo();
    if (result.ok) this.#info = result.value;
    else this.#error = result.error;
  }

  listen(): () => void {
    this.#unsubscribe?.();
    this.#unsubscribe = this.api.app.onHeartbeat(() => {
      this.#beats += 1;
    });
    return () => this.stop();
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
