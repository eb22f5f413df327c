import { findHiddenSpans, stripHidden } from './hidden-spans.ts';
import type { HiddenSpan } from './types.ts';

/** Where an inserted draft came from; it travels with the text in the notes that bound the draft. */
export interface DraftProvenance {
  model: string;
  /** The Generate mode that wrote it (`scene`, `continue`, `line`, `action`, `heading`); older notes have none. */
  mode?: string;
  temperature: number;
  seed: number;
  /** When the draft was generated; ISO string or Date (a note read back gives the string it shows). */
  date: Date | string;
}

/** Closes the draft that the last unclosed start note opened. */
export const DRAFT_END_NOTE = '[[End of Understudy draft]]';

const START_NOTE = /^\[\[\s*Understudy draft\s*:/i;
const END_NOTE = /^\[\[\s*End of Understudy draft\s*\]\]$/i;
// The fields a start note was written with; `mode` is absent from notes written before modes existed.
const START_FIELDS =
  /^\[\[\s*Understudy draft\s*:\s*model "(.*)",\s*temperature (\d+(?:\.\d+)?),\s*seed (\d+),(?:\s*mode ([^,\]]+),)?\s*([^\]]*?)\s*\]\]$/is;

/**
 * The note before a draft:
 * `[[Understudy draft: model "Noir", temperature 0.80, seed 42, mode scene, 2026-11-27 09:15]]`.
 * Mode comes after the seed so that notes with and without it start alike.
 */
export function formatProvenanceNote(provenance: DraftProvenance): string {
  const model = sanitizeNoteText(provenance.model);
  const temperature = provenance.temperature.toFixed(2);
  const mode = sanitizeNoteText(provenance.mode ?? '').replace(/,/g, '');
  const modeField = mode === '' ? '' : ` mode ${mode},`;
  return `[[Understudy draft: model "${model}", temperature ${temperature}, seed ${provenance.seed},${modeField} ${formatDate(provenance.date)}]]`;
}

/** Note text cannot contain `]]` or an empty line, or the note would end early. */
export function sanitizeNoteText(text: string): string {
  return text
    .replace(/\]\]|\[\[/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** What a start note says (with or without a mode), or `null` for any other note or one edited past reading. */
export function parseProvenanceNote(note: string): DraftProvenance | null {
  const match = START_FIELDS.exec(note.trim());
  if (!match) return null;
  const [, model = '', temperature = '', seed = '', mode, date = ''] = match;
  const provenance: DraftProvenance = { model, temperature: Number(temperature), seed: Number(seed), date };
  if (mode !== undefined) provenance.mode = mode.trim();
  return provenance;
}

/** `start` for a note that opens a draft (whatever its fields say), `end` for one that closes it. */
export function provenanceNoteKind(note: string): 'start' | 'end' | null {
  const trimmed = note.trim();
  if (END_NOTE.test(trimmed)) return 'end';
  // One note, not a note followed by more text and another note.
  return START_NOTE.test(trimmed) && trimmed.indexOf(']]') === trimmed.length - 2 ? 'start' : null;
}

/**
 * The draft between its notes. The start note has a line of its own where the draft starts a line, the end note
 * where the draft ends one; Fountain's classifier passes over such lines, so the script reads as it would with the
 * bare draft. Elsewhere the notes sit inline.
 */
export function wrapDraft(
  text: string,
  provenance: DraftProvenance,
  { atLineStart = true }: { atLineStart?: boolean } = {},
): string {
  const end = text.endsWith('\n') ? `${DRAFT_END_NOTE}\n` : DRAFT_END_NOTE;
  return `${formatProvenanceNote(provenance)}${atLineStart ? '\n' : ''}${text}${end}`;
}

export interface ProvenanceNote {
  kind: 'start' | 'end';
  /** Offsets of the note, brackets included, `to` exclusive. */
  from: number;
  to: number;
  /** Nothing but whitespace, other notes or boneyard shares its line: Fountain passes the line over. */
  ownLine: boolean;
}

/** Every start and end note outside boneyard, in order; `hidden` is `findHiddenSpans(text)` if already known. */
export function findProvenanceNotes(
  text: string,
  hidden: readonly HiddenSpan[] = findHiddenSpans(text),
): ProvenanceNote[] {
  const notes: ProvenanceNote[] = [];
  hidden.forEach((span, index) => {
    if (span.kind !== 'note') return;
    const kind = provenanceNoteKind(text.slice(span.from, span.to));
    if (kind) notes.push({ kind, from: span.from, to: span.to, ownLine: isAloneOnLine(text, hidden, index) });
  });
  return notes;
}

function isAloneOnLine(text: string, hidden: readonly HiddenSpan[], index: number): boolean {
  const span = hidden[index];
  if (!span) return false;
  const lineFrom = span.from === 0 ? 0 : text.lastIndexOf('\n', span.from - 1) + 1;
  const lineEnd = text.indexOf('\n', span.to);
  const lineTo = lineEnd === -1 ? text.length : lineEnd;
  let first = index;
  while (first > 0 && (hidden[first - 1]?.to ?? 0) > lineFrom) first--;
  let last = index + 1;
  while (last < hidden.length && (hidden[last]?.from ?? lineTo) < lineTo) last++;
  return stripHidden(text.slice(lineFrom, lineTo), lineFrom, hidden.slice(first, last)).trim() === '';
}

export interface DraftSpan {
  /** From the start note's `[[` to just after the end note's `]]`. */
  from: number;
  to: number;
  /** The draft itself: from just after the start note to the end note's `[[`. */
  body: { from: number; to: number };
  /** What the start note says, or `null` when a writer has edited it past reading. */
  provenance: DraftProvenance | null;
}

/**
 * Every bounded draft, outermost first to last: an end note closes the latest open start note, so a draft inserted
 * inside another is part of it. A start note that is never closed bounds nothing (nor does a stray end note):
 * leaving a draft in is better than leaving out the writer's own pages after a deleted end note.
 */
export function findDraftSpans(text: string): DraftSpan[] {
  const open: ProvenanceNote[] = [];
  const closed: DraftSpan[] = [];
  for (const note of findProvenanceNotes(text)) {
    if (note.kind === 'start') {
      open.push(note);
      continue;
    }
    const start = open.pop();
    if (!start) continue;
    closed.push({
      from: start.from,
      to: note.to,
      body: { from: start.to, to: note.from },
      provenance: parseProvenanceNote(text.slice(start.from, start.to)),
    });
  }
  // Matched pairs nest or are disjoint; keep those that no other pair contains.
  closed.sort((a, b) => a.from - b.from);
  const outermost: DraftSpan[] = [];
  for (const span of closed) {
    if (span.from >= (outermost.at(-1)?.to ?? 0)) outermost.push(span);
  }
  return outermost;
}

export interface WithoutDrafts {
  text: string;
  /** Characters (code points) taken out: drafts, their notes, and the line breaks that held them. */
  removedChars: number;
  drafts: DraftSpan[];
}

/**
 * The script without its bounded drafts, notes included. Undoes `wrapDraft` exactly, and where a blank line before
 * a draft meets one after it, keeps one, so the rest reads as the same Fountain.
 */
export function withoutDrafts(text: string): WithoutDrafts {
  const drafts = findDraftSpans(text);
  if (drafts.length === 0) return { text, removedChars: 0, drafts };
  let out = '';
  let cursor = 0;
  let removedChars = 0;
  for (const draft of drafts) {
    out += text.slice(cursor, draft.from);
    const endNoteOwnsLine = (draft.body.to === 0 || text[draft.body.to - 1] === '\n') && text[draft.to] === '\n';
    let next = endNoteOwnsLine ? draft.to + 1 : draft.to;
    if (endsBlank(out)) next = skipBlankLines(text, next);
    removedChars += countChars(text.slice(draft.from, next));
    cursor = next;
  }
  return { text: out + text.slice(cursor), removedChars, drafts };
}

/** At the start of the script or just after a blank line. */
function endsBlank(out: string): boolean {
  return out === '' || /(?:^|\n)[ \t]*\n$/.test(out);
}

function skipBlankLines(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const lineEnd = text.indexOf('\n', at);
    const end = lineEnd === -1 ? text.length : lineEnd;
    if (!/^[ \t]*$/.test(text.slice(at, end))) return at;
    at = end + 1;
  }
  return Math.min(at, text.length);
}

function countChars(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function formatDate(date: Date | string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return sanitizeNoteText(String(date));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())} ${pad(value.getHours())}:${pad(value.getMinutes())}`;
}
