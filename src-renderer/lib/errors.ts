import type { ErrorInfo } from '../../src-main/contract/index.ts';

/** What a writer should read for an error: the main process's message, or a plain hint for the common codes. */
export function describeError(error: ErrorInfo): string {
  switch (error.code) {
    case 'E_NO_ACTIVE_MODEL':
      return 'No model is active yet. Train one in the Training tab, or pick one in Models.';
    case 'E_MODEL_NOT_FOUND':
      return 'That model is no longer on disk. Pick another one in Models.';
    case 'E_ENGINE_BUSY':
      return 'The engine is busy with another job. Wait for it to finish, or stop it first.';
    case 'E_ENGINE_CRASHED':
      return `The engine stopped unexpectedly and was restarted. ${error.message}`;
    case 'E_NO_CORPORA':
      return 'Pick at least one corpus to train on.';
    default:
      return error.message;
  }
}
