import type { ImportReport, Result, Settings, UnderstudyApi } from '../../src-main/contract/index.ts';
import type { ImportOutcome } from './state/corpora.svelte.ts';
import { baseName } from './state/document.svelte.ts';
import type { UiSettings } from './state/settings.svelte.ts';
import type { Ports } from './state/workbench.svelte.ts';

function outcome(report: ImportReport): ImportOutcome {
  return {
    imported: report.imported,
    duplicates: report.duplicates.map((dup) => ({ name: baseName(dup.path), existingName: dup.existingName })),
    failed: report.failed.map((failure) => ({ name: baseName(failure.path), error: failure.error })),
  };
}

function map<T, U>(result: Result<T>, f: (value: T) => U): Result<U> {
  return result.ok ? { ok: true, value: f(result.value) } : result;
}

function uiSettings(settings: Settings): Partial<UiSettings> {
  const { temperature, length, alternatives, topP, seed, preset, theme, tourSeen } = settings;
  return { temperature, length, alternatives, topP, seed, preset, theme, tourSeen };
}

/** Adapts the typed contract to the small ports the state classes use. */
export function createPorts(api: UnderstudyApi): Ports {
  return {
    settings: {
      load: async () => map(await api.settings.get(), uiSettings),
      save: async (patch) => api.settings.update(patch),
      onChanged: (listener) => api.settings.onChanged((settings) => listener(uiSettings(settings))),
    },
    corpora: {
      list: () => api.corpora.list(),
      importFiles: async (files) => map(await api.corpora.importUploads({ files }), outcome),
      importPaths: async (paths) => map(await api.corpora.importFiles({ paths }), outcome),
      preview: (id) => api.corpora.preview({ id, maxChars: 4000 }),
      rename: (id, name) => api.corpora.rename({ id, name }),
      setIncluded: (id, included) => api.corpora.setIncluded({ id, included }),
      remove: (id) => api.corpora.delete({ id }),
      restore: (id) => api.corpora.restore({ id }),
    },
    documents: {
      open: (path) => api.documents.open({ path }),
      save: (input) => api.documents.save(input),
      writeRecovery: (docKey, text, path) => api.documents.writeRecovery({ docKey, text, path }),
      listRecoveries: () => api.documents.listRecoveries(),
      readRecovery: (docKey) => api.documents.readRecovery({ docKey }),
      discardRecovery: (docKey) => api.documents.discardRecovery({ docKey }),
      recentFiles: () => api.documents.listRecent(),
    },
  };
}
