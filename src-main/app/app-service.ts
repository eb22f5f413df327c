import {
  AppError,
  corpusFormatOf,
  extensionOf,
  type AppInfo,
  type BackendName,
  type CorpusFormat,
  type DamagedItem,
} from '../contract/index.ts';

export interface AppServiceOptions {
  name: string;
  version: string;
  dataDir: string;
  shell: AppInfo['shell'];
  /** Resolves the backend the engine actually runs on. */
  backend: () => Promise<BackendName>;
  /** Hands an https URL to the operating system (Electron's shell.openExternal); absent in the browser. */
  openExternal?: (url: string) => Promise<void>;
  /** Screenplays named on the command line or by the OS at launch. */
  launchFiles?: readonly string[];
  /** Collects the damaged items of every store. */
  damaged?: () => Promise<DamagedItem[]>;
}

export class AppService {
  #launchFiles: string[];

  constructor(private readonly options: AppServiceOptions) {
    this.#launchFiles = [...(options.launchFiles ?? [])];
  }

  /** Queues a file the OS asked us to open; the renderer collects the queue when it starts or is nudged. */
  queueOpen(path: string): void {
    this.#launchFiles.push(path);
  }

  takeLaunchFiles(): string[] {
    const files = this.#launchFiles;
    this.#launchFiles = [];
    return files;
  }

  async listDamaged(): Promise<DamagedItem[]> {
    return (await this.options.damaged?.()) ?? [];
  }

  async getInfo(): Promise<AppInfo> {
    const { name, version, dataDir, shell } = this.options;
    return {
      name,
      version,
      dataDir,
      shell,
      platform: process.platform,
      backend: await this.options.backend(),
    };
  }

  async openExternal(url: string): Promise<void> {
    if (!isSafeExternalUrl(url))
      throw new AppError('E_FORBIDDEN', `Only https links open outside Understudy (got "${url}").`);
    await this.options.openExternal?.(url);
  }
}

export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Files the OS hands the app to open (its file associations): Fountain, and Final Draft converted on open. */
const OS_OPENED_FORMATS: readonly (CorpusFormat | undefined)[] = ['fountain', 'fdx'];

/** The screenplay files among command-line arguments (Electron passes its own flags and the app path too). */
export function screenplayArgs(argv: readonly string[]): string[] {
  return argv.filter((arg) => !arg.startsWith('-') && OS_OPENED_FORMATS.includes(corpusFormatOf(extensionOf(arg))));
}
