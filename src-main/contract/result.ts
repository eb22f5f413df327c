import type { ErrorInfo } from './errors.ts';

/** What every request resolves to on the renderer side: errors cross as data with stable codes. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ErrorInfo): Result<T> {
  return { ok: false, error };
}

/** Narrows an envelope to its value or throws its error; for callers that prefer exceptions. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const error = new Error(result.error.message) as Error & { code: string };
  error.code = result.error.code;
  throw error;
}
