/** Stable error codes: the renderer switches on these, so never rename one. */
export type ErrorCode =
  | 'E_INVALID_INPUT'
  | 'E_FORBIDDEN'
  | 'E_INTERNAL'
  | 'E_NOT_FOUND'
  | 'E_UNSUPPORTED_TYPE'
  | 'E_EMPTY'
  | 'E_BINARY'
  | 'E_TOO_LARGE'
  | 'E_IO'
  | 'E_DUPLICATE'
  | 'E_READ_ONLY'
  | 'E_CONFLICT'
  | 'E_INVALID_SETTINGS'
  | 'E_MODEL_CORRUPT'
  | 'E_MODEL_VERSION'
  | 'E_MODEL_NOT_FOUND'
  | 'E_NO_ACTIVE_MODEL'
  | 'E_ENGINE_CRASHED'
  | 'E_ENGINE_BUSY'
  | 'E_CANCELLED'
  | 'E_NO_CORPORA'
  | 'E_FDX_INVALID'
  | 'E_DISK_FULL'
  | 'E_PERMISSION';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** An error that crosses the IPC boundary as data, keeping its code (Electron would keep only `message`). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Any thrown value as data: an AppError keeps its code, anything else becomes E_INTERNAL with its message. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toInfo();
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
