import type { DocumentStore } from '../documents/document-store.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function documentsHandlers(documents: DocumentStore) {
  return {
    'documents:new': () => documents.newDocument(),
    'documents:open': ({ path }) => documents.openFile(path),
    'documents:save': ({ path, text, ...options }) => documents.save(path, text, options),
    'documents:saveAs': ({ path, text, ...options }) => documents.saveAs(path, text, options),
    'documents:exportFdx': ({ path, text }) => documents.exportFdx(path, text),
    'documents:exportPdf': ({ path, text, ...options }) => documents.exportPdf(path, text, options),
    'documents:getFileVersion': ({ path }) => documents.fileVersion(path),
    'documents:writeRecovery': ({ docKey, text, path }) => documents.writeRecovery(docKey, text, path ?? null),
    'documents:listRecoveries': () => documents.listRecoveries(),
    'documents:readRecovery': ({ docKey }) => documents.readRecovery(docKey),
    'documents:discardRecovery': ({ docKey }) => documents.discardRecovery(docKey),
    'documents:listRecent': () => documents.recentFiles(),
    'documents:forgetRecent': ({ path }) => documents.forgetRecent(path),
  } satisfies DomainHandlers<'documents'>;
}
