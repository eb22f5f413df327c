import type { ErrorInfo, UnderstudyApi } from '../../src-main/contract/index.ts';
import type { Ports } from './state/workbench.svelte.ts';

const missing: ErrorInfo = { code: 'E_INTERNAL', message: 'This part of Understudy is not connected yet.' };
const fail = async () => ({ ok: false as const, error: missing });

/** Adapts the typed contract to the small ports the state classes use. */
export function createPorts(_api: UnderstudyApi): Ports {
  return {
    settings: { load: fail, save: fail },
    corpora: {
      list: async () => ({ ok: true, value: [] }),
      importFiles: fail,
      preview: fail,
      rename: fail,
      setIncluded: fail,
      remove: fail,
      restore: fail,
    },
    documents: {
      open: fail,
      save: fail,
      writeRecovery: fail,
      listRecoveries: async () => ({ ok: true, value: [] }),
      readRecovery: fail,
      discardRecovery: fail,
      recentFiles: async () => ({ ok: true, value: [] }),
    },
  };
}
