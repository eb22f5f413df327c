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
};
