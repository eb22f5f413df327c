import type { CorpusStore } from '../corpora/corpus-store.ts';
import { importUploads } from '../corpora/uploads.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function corporaHandlers(corpora: CorpusStore) {
  return {
    'corpora:list': () => corpora.list(),
    'corpora:importFiles': ({ paths }) => corpora.importPaths(paths),
    'corpora:importUploads': ({ files }) => importUploads(corpora, files),
    'corpora:preview': ({ id, maxChars }) => corpora.preview(id, maxChars),
    'corpora:rename': ({ id, name }) => corpora.rename(id, name),
    'corpora:setIncluded': ({ id, included }) => corpora.setIncluded(id, included),
    'corpora:delete': ({ id }) => corpora.delete(id),
    'corpora:restore': ({ id }) => corpora.restore(id),
  } satisfies DomainHandlers<'corpora'>;
}
