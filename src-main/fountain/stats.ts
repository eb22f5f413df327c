import { isPrinted } from './layout.ts';
import { countPages } from './paginate.ts';
import type { FountainDocument } from './types.ts';

export interface ScriptStats {
  words: number;
  scenes: number;
  /** Printed US Letter pages as the paginator lays them out, title page excluded. */
  pages: number;
}

/** Counts only what prints: no title page, notes, boneyard, sections or synopses. */
export function scriptStats(document: FountainDocument): ScriptStats {
  let words = 0;
  for (const line of document.lines) {
    if (isPrinted(line.type)) words += countWords(line.text);
  }
  return { words, scenes: document.scenes.length, pages: countPages(document.lines) };
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}
