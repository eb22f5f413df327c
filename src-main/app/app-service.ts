import { AppError, type AppInfo, type BackendName } from '../contract/index.ts';

export interface AppServiceOptions {
  name: string;
  version: string;
  dataDir: string;
  shell: AppInfo['shell'];
  /** Resolves the backend the engine actually runs on. */
  backend: () => Promise<BackendName>;
  /** Hands an https URL to the operating system (Electron's shell.openExternal); absent in the browser. */
  openExternal?: (url: string) => Promise<void>;
}

export class AppService {
  constructor(private readonly options: AppServiceOptions) {}

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
