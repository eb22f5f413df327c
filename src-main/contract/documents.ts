import { z } from 'zod';
import type {
  FileVersion,
  NewDocument,
  OpenedDocument,
  Recovery,
  RecoverySummary,
  SaveResult,
} from '../documents/types.ts';
import { request } from './define.ts';

export type * from '../documents/types.ts';
/** Pure Fountain <-> Final Draft conversion, usable in the renderer as well as in main. */
export { fdxToFountain, fountainToFdx } from '../documents/fdx.ts';
/** The one screenplay PDF writer (pdf-lib over the Fountain core's paginator): main and the browser mode both print with it. */
export { fountainToPdf } from '../export/pdf.ts';

const filePath = z.string().min(1).max(4096);
const docKey = z.string().min(1).max(4200);
const text = z.string().max(50_000_000);
const lineEnding = z.enum(['lf', 'crlf']);

export const fileVersionSchema = z.object({
  mtimeMs: z.number(),
  size: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const documentsRequests = {
  'documents:new': request<NewDocument>()(z.undefined()),
  /** A `.fdx` opens converted to Fountain (`E_FDX_INVALID` naming the line if damaged); saving it is refused. */
  'documents:open': request<OpenedDocument>()(z.object({ path: filePath })),
  /** Fails with `E_CONFLICT` if the file on disk is not `baseVersion`, unless `force`. */
  'documents:save': request<SaveResult>()(
    z.object({
      path: filePath,
      text,
      baseVersion: fileVersionSchema.nullable(),
      force: z.boolean().optional(),
      lineEnding: lineEnding.optional(),
      fromDocKey: docKey.optional(),
    }),
  ),
  'documents:saveAs': request<SaveResult>()(
    z.object({ path: filePath, text, lineEnding: lineEnding.optional(), fromDocKey: docKey.optional() }),
  ),
  'documents:exportFdx': request<{ path: string }>()(z.object({ path: filePath, text })),
  'documents:exportPdf': request<{ path: string; bytes: number }>()(
    z.object({ path: filePath, text, paper: z.enum(['letter', 'a4']), sceneNumbers: z.boolean() }),
  ),
  'documents:getFileVersion': request<FileVersion | null>()(z.object({ path: filePath })),
  /** Autosave target; how often to call it is the editor's business. */
  'documents:writeRecovery': request<void>()(z.object({ docKey, text, path: filePath.nullable().optional() })),
  'documents:listRecoveries': request<RecoverySummary[]>()(z.undefined()),
  'documents:readRecovery': request<Recovery>()(z.object({ docKey })),
  'documents:discardRecovery': request<void>()(z.object({ docKey })),
  'documents:listRecent': request<string[]>()(z.undefined()),
  'documents:forgetRecent': request<string[]>()(z.object({ path: filePath })),
};
