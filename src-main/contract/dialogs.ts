import { z } from 'zod';
import { request } from './define.ts';

const fileFilter = z.object({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(20) });

/**
 * Native file dialogs. They exist only in the desktop app: over the loopback transport every one answers
 * `{ supported: false }` and the renderer asks for a path in its own dialog instead.
 */
export type DialogResult<T> = { supported: false } | { supported: true; value: T };

export const dialogRequests = {
  'dialogs:openFiles': request<DialogResult<string[]>>()(
    z.object({
      title: z.string().max(200).optional(),
      filters: z.array(fileFilter).max(10).optional(),
      multiple: z.boolean().optional(),
      directories: z.boolean().optional(),
    }),
  ),
  'dialogs:saveFile': request<DialogResult<string | null>>()(
    z.object({
      title: z.string().max(200).optional(),
      defaultPath: z.string().max(4096).optional(),
      filters: z.array(fileFilter).max(10).optional(),
    }),
  ),
  /** Prints a self-contained HTML document (the screenplay print view) to a PDF file; desktop app only. */
  'dialogs:printToPdf': request<DialogResult<{ path: string; bytes: number }>>()(
    z.object({
      html: z.string().max(50_000_000),
      // Only ever a PDF: a renderer must not be able to overwrite other files through this request.
      path: z
        .string()
        .min(5)
        .max(4096)
        .regex(/\.pdf$/i, 'must end in .pdf'),
      paper: z.enum(['letter', 'a4']),
    }),
  ),
};
