import {
  classifyLine,
  contentLines,
  contextAfter,
  START_CONTEXT,
  startsTitlePage,
  type LineContext,
} from './classify.ts';
import { normalizeLineBreaks } from './parse.ts';
import type { LineType } from './types.ts';

/** A finished line and the element it is. */
export interface MachineLine {
  text: string;
  type: LineType;
}

/** Marks that force an element or open something a draft must not contain, at the start of a line. */
const FORCING_STARTS = new Set(['.', '!', '@', '>', '<', '~', '#', '=', '^', '[', ']', '/', '*/']);

/**
 * Everything `allows` depends on, as a short string: two states with the same key allow the same characters,
 * so a sampler can cache one logit mask per key.
 */
export type MaskKey = string;

/**
 * Fountain's line rules, fed one character at a time (the incremental twin of `classifyFountain`, with the same
 * per-line rules). A line's element can depend on whether the next line is blank, so each finished line is
 * resolved when the next one shows whether it has text; `current` says what the line being written is so far.
 *
 * `allows(ch)` is the form a draft must keep: no notes, boneyard, sections, synopses, page breaks or forcing
 * marks; parentheticals close on their line; a scene heading and a transition are followed by a blank line; a cue
 * is followed by speech; never two blank lines in a row.
 */
export class FountainLineMachine {
  #line = '';
  /** The previous line, until the current one shows whether it is blank. */
  #pending: string | null = null;
  /** The context of the pending line, or of the current line once the pending one is resolved. */
  #context: LineContext = START_CONTEXT;
  #previousType: LineType | null = null;
  #titlePage: 'maybe' | 'inside' | 'done';
  readonly #lines: MachineLine[] = [];
  /** Facts about the pending line, computed once when it ends. */
  #pendingFacts: { ifBlank: LineType; ifText: LineType } | null = null;

  constructor(atDocumentStart = true) {
    this.#titlePage = atDocumentStart ? 'maybe' : 'done';
  }

  /** A machine in the state at the end of `prefix` (a prime): notes and boneyard in it are skipped as the parser does. */
  static after(prefix: string, atDocumentStart = true): FountainLineMachine {
    const machine = new FountainLineMachine(atDocumentStart);
    const lines = contentLines(normalizeLineBreaks(prefix));
    lines.forEach((line, index) => {
      machine.feedText(line);
      if (index < lines.length - 1) machine.feed('\n');
    });
    return machine;
  }

  /** The lines resolved so far, in order. */
  get lines(): readonly MachineLine[] {
    return this.#lines;
  }

  /** The line being written (without its line break). */
  get line(): string {
    return this.#line;
  }

  /**
   * The element the current line is so far, if the next line has text (`ifText`) or is blank (`ifBlank`); a
   * line with no text yet is `blank`.
   */
  get current(): { ifText: LineType; ifBlank: LineType } {
    if (this.#titlePage === 'inside' || (this.#titlePage === 'maybe' && startsTitlePage(this.#line)))
      return { ifText: 'title-page', ifBlank: 'title-page' };
    if (this.#line.trim() === '') {
      const type = this.#context.inDialogue && this.#pending === null && this.#line.length >= 2 ? 'dialogue' : 'blank';
      return { ifText: type, ifBlank: type };
    }
    const context = this.#pending === null ? this.#context : contextAfter(this.#context, this.#pendingType(false));
    return {
      ifText: classifyLine(this.#line, context, false).type,
      ifBlank: classifyLine(this.#line, context, true).type,
    };
  }

  /** At the start of a line with a blank line above it (or at the start of the text), outside a speech. */
  get atBlockStart(): boolean {
    const facts = this.#facts();
    return facts.lineEmpty && facts.afterBlankLine && !facts.needsSpeech;
  }

  /** Feeds one character (a code point; `\n` ends the line). */
  feed(ch: string): void {
    if (ch === '\n') {
      this.#endLine();
      return;
    }
    this.#line += ch;
    if (this.#pending !== null && ch.trim() !== '' && this.#titlePage === 'done') this.#resolve(false);
  }

  feedText(text: string): void {
    for (const ch of text) this.feed(ch);
  }

  /** Ends the text (its last line may be empty, as after a final line break): the last lines are resolved. */
  finish(): readonly MachineLine[] {
    this.#endLine();
    if (this.#pending !== null) this.#resolve(true);
    return this.#lines;
  }

  /** An independent copy (one per alternative of a batch). */
  clone(): FountainLineMachine {
    const copy = new FountainLineMachine(false);
    copy.#line = this.#line;
    copy.#pending = this.#pending;
    copy.#context = this.#context;
    copy.#previousType = this.#previousType;
    copy.#titlePage = this.#titlePage;
    copy.#pendingFacts = this.#pendingFacts;
    copy.#lines.push(...this.#lines);
    return copy;
  }

  #endLine(): void {
    const line = this.#line;
    this.#line = '';
    if (this.#titlePage === 'maybe') this.#titlePage = startsTitlePage(line) ? 'inside' : 'done';
    if (this.#titlePage === 'inside') {
      if (line.trim() !== '') {
        this.#push({ text: line, type: 'title-page' });
        return;
      }
      this.#titlePage = 'done';
    }
    if (this.#pending !== null) this.#resolve(line.trim() === '');
    this.#pending = line;
    this.#pendingFacts = {
      ifBlank: classifyLine(line, this.#context, true).type,
      ifText: classifyLine(line, this.#context, false).type,
    };
  }

  #pendingType(nextBlank: boolean): LineType {
    const facts = this.#pendingFacts;
    return facts === null ? 'blank' : nextBlank ? facts.ifBlank : facts.ifText;
  }

  #resolve(nextBlank: boolean): void {
    const text = this.#pending ?? '';
    const type = this.#pendingType(nextBlank);
    this.#push({ text, type });
    this.#context = contextAfter(this.#context, type);
    this.#pending = null;
    this.#pendingFacts = null;
  }

  #push(line: MachineLine): void {
    this.#lines.push(line);
    this.#previousType = line.type;
  }

  #facts(): DraftFacts {
    const lineEmpty = this.#line === '';
    const pendingBlank = this.#pending !== null ? this.#pendingType(true) : this.#previousType;
    const facts = this.#pendingFacts;
    const needsBlank =
      this.#pending !== null && (facts?.ifBlank === 'scene-heading' || facts?.ifBlank === 'transition');
    const needsSpeech = this.#pending !== null && facts?.ifText === 'character' && !needsBlank;
    const inDialogue = (facts === null ? this.#context : contextAfter(this.#context, facts.ifText)).inDialogue;
    const trimmed = this.#line.trim();
    const parenthetical = !inDialogue || !trimmed.startsWith('(') ? 'none' : trimmed.endsWith(')') ? 'closed' : 'open';
    return {
      lineEmpty,
      afterBlankLine: pendingBlank === null || pendingBlank === 'blank',
      needsBlank,
      needsSpeech,
      inDialogue,
      parenthetical,
      last: this.#line.slice(-1),
    };
  }

  /** Whether a draft may continue with `ch` here (see the class comment). */
  allows(ch: string): boolean {
    return allowsWith(this.#facts(), ch);
  }

  /** Two states with the same key allow the same characters. */
  maskKey(): MaskKey {
    const f = this.#facts();
    const last = f.last === '[' || f.last === '/' ? f.last : f.last === '' ? '' : 'x';
    return [
      f.lineEmpty ? 'e' : 'l',
      f.afterBlankLine ? 'b' : '-',
      f.needsBlank ? 'B' : '-',
      f.needsSpeech ? 'S' : '-',
      f.inDialogue ? 'd' : '-',
      f.parenthetical[0],
      last,
    ].join('');
  }
}

/** What `allows` reads of a machine's state; `maskKey` joins it. */
interface DraftFacts {
  lineEmpty: boolean;
  /** The line above is blank (or the text starts here). */
  afterBlankLine: boolean;
  /** The line above must be followed by a blank line (a heading or a transition). */
  needsBlank: boolean;
  /** The line above is a cue that needs speech below it. */
  needsSpeech: boolean;
  /** The current line, once it has text, is part of a speech. */
  inDialogue: boolean;
  parenthetical: 'none' | 'open' | 'closed';
  last: string;
}

function allowsWith(f: DraftFacts, ch: string): boolean {
  if (ch === '\n') {
    if (f.parenthetical === 'open') return false;
    if (f.lineEmpty) return !f.afterBlankLine && !f.needsSpeech;
    return !f.needsBlank;
  }
  if (ch < ' ') return false;
  if (f.needsBlank) return false;
  if (f.parenthetical === 'closed') return false;
  if (f.parenthetical === 'open' && ch === '(') return false;
  if ((f.last === '[' && ch === '[') || (f.last === '/' && ch === '*')) return false;
  if (f.lineEmpty) {
    if (ch === ' ' || FORCING_STARTS.has(ch)) return false;
    if (ch === '(' && !f.inDialogue) return false;
  }
  return true;
}
