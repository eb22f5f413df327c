import { z } from 'zod';
import type { CorpusPreview, CorpusSummary, ImportReport } from '../corpora/types.ts';
import { request } from './define.ts';

export type * from '../corpora/types.ts';
export { SAMPLE_CORPUS_ID, SAMPLE_CORPUS_NAME } from '../corpora/corpus-meta.ts';

const id = z.string().min(1).max(200);
const filePath = z.string().min(1).max(4096);

export const corporaRequests = {
  'corpora:list': request<CorpusSummary[]>()(z.undefined()),
  /** Files and folders (recursively); each file is imported, reported as a duplicate, or refused with a code. */
  'corpora:importFiles': request<ImportReport>()(z.object({ paths: z.array(filePath).min(1).max(10_000) })),
  /** Files that arrive as bytes (browser file picker, drag and drop): at most 64 MB of base64 per request. */
  'corpora:importUploads': request<ImportReport>()(
    z.object({
      files: z
        .array(z.object({ name: z.string().min(1).max(255), base64: z.string().max(64 * 1024 * 1024) }))
        .min(1)
        .max(100)
        .refine((files) => files.reduce((n, f) => n + f.base64.length, 0) <= 64 * 1024 * 1024, {
          message: 'uploads over 48 MB must be imported from disk',
        }),
    }),
  ),
  'corpora:preview': request<CorpusPreview>()(
    z.object({ id, maxChars: z.number().int().min(1).max(200_000).optional() }),
  ),
  'corpora:rename': request<CorpusSummary>()(z.object({ id, name: z.string().trim().min(1).max(200) })),
  'corpora:setIncluded': request<CorpusSummary>()(z.object({ id, included: z.boolean() })),
  /** Moves the corpus to the trash; `corpora:restore` undoes it. */
  'corpora:delete': request<void>()(z.object({ id })),
  'corpora:restore': request<CorpusSummary>()(z.object({ id })),
};
