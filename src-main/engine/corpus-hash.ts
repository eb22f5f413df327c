import { createHash } from 'node:crypto';
import type { CorpusInput, CorpusRef } from './types.ts';

export function corpusRef(corpus: CorpusInput): CorpusRef {
  return {
    id: corpus.id,
    name: corpus.name,
    sha256: createHash('sha256').update(corpus.text, 'utf8').digest('hex'),
    chars: Array.from(corpus.text).length,
  };
}
