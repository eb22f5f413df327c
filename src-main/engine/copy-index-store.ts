import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { CopyIndex } from './copy-index.ts';

/** Lives in the model's directory; a cache of the corpora, so losing it costs only a rebuild. */
export const COPY_INDEX_FILE = 'copy-index.bin';

async function readStored(file: string): Promise<CopyIndex | undefined> {
  try {
    return CopyIndex.deserialize(await readFile(file));
  } catch {
    return undefined; // missing, unreadable or damaged: all mean "build it again"
  }
}

/**
 * The model's copy index for these corpora and window: the stored one if it is intact and was built from exactly
 * these texts with this window, else a new one, written back atomically.
 */
export async function loadOrBuildCopyIndex(
  modelDir: string,
  corpora: readonly { readonly text: string }[],
  windowChars: number,
): Promise<CopyIndex> {
  const texts = corpora.map((corpus) => corpus.text);
  const file = join(modelDir, COPY_INDEX_FILE);
  const stored = await readStored(file);
  if (stored?.fits(texts, windowChars)) return stored;
  const index = CopyIndex.build(texts, windowChars);
  // A model directory we may not write (the bundled demo model) still gets its index, rebuilt on each load.
  await writeFileAtomic(file, index.serialize()).catch(() => undefined);
  return index;
}
