import { classifyFountain, cueName } from './classify.ts';
import { LINES_PER_PAGE, printedHeight } from './layout.ts';
import { FountainLineMachine } from './line-machine.ts';
import { SCENE_HEADING, SCENE_HEADING_PREFIXES } from './patterns.ts';
import type { LineType } from './types.ts';

/** What Generate writes: a whole scene, a continuation, one character's speech, an action beat, a heading. */
export const DRAFT_MODES = ['scene', 'continue', 'line', 'action', 'heading'] as const;
export type DraftMode = (typeof DRAFT_MODES)[number];

export interface DraftSpec {
  mode: DraftMode;
  /** Names a cue may use when `castLock` is on (the script's and the corpora's characters). */
  cast: readonly string[];
  castLock: boolean;
  /** Who speaks in `line` mode. */
  speaker?: string;
  /** Locations a heading may use when `locationLock` is on (`BUS`, `HARROW POINT BUS DEPOT`). */
  locations?: readonly string[];
  locationLock?: boolean;
  /** `scene` mode: the scene ends at the first block boundary past this many printed lines. */
  targetLines?: number;
}

/** Printed lines of a page (one page is about a minute of screen time). */
export const DRAFT_LINES_PER_PAGE = LINES_PER_PAGE;
/** Longer than any line of a screenplay (a long action paragraph wraps to about five printed lines). */
const MAX_LINE_CHARS = 400;
/** Source lines of one block (a speech, a beat) past which it ends at its next line break. */
const MAX_BLOCK_LINES = 6;
/** Characters of a cue's extension before it must close: `(O.S.)`, `(CONT'D)`, `(INTO PHONE)`. */
const MAX_EXTENSION_CHARS = 12;

interface TrieNode {
  id: number;
  children: Map<string, TrieNode>;
  terminal: boolean;
}

function trie(words: Iterable<string>): TrieNode {
  let next = 0;
  const node = (): TrieNode => ({ id: next++, children: new Map(), terminal: false });
  const root = node();
  for (const word of words) {
    let at = root;
    for (const ch of word) {
      let child = at.children.get(ch);
      if (child === undefined) at.children.set(ch, (child = node()));
      at = child;
    }
    at.terminal = true;
  }
  return root;
}

const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
/** What a heading is written with: capitals, digits and a little punctuation (`INT. BUS - NIGHT`, `EXT. 5TH AVE.`). */
const HEADING_CHAR = /[\p{Lu}\p{N} .'’/&,#-]/u;
/** What a stage play puts before a speech: one to four words, then a colon. */
const SPEAKER_LABEL = /^[\p{L}][\p{L}'’.-]*(?: [\p{L}'’.-]+){0,3}$/u;
/** Characters of a cue extension: `(V.O.)`, `(CONT'D)`, `(O.S.)`. */
const EXTENSION_CHAR = /[\p{Lu}\p{N} .'’-]/u;

type Phase = 'lead' | 'heading' | 'body' | 'done';

/** Lines that are what they are whatever follows them. */
const SETTLED: ReadonlySet<LineType> = new Set(['action', 'dialogue', 'parenthetical']);

/**
 * Where a locked cue line is: spelling a name along the trie; off it and needing a lower-case letter (then it is
 * action, not a cue); or past a full name into an extension.
 */
type CueState =
  | { at: 'name'; node: TrieNode }
  | { at: 'needs-lower' }
  | { at: 'extension-space' }
  | { at: 'extension' }
  | { at: 'extension-closed' };

/**
 * A draft's form while it is sampled: the line machine's Fountain rules, plus the mode's shape (a scene opens
 * with a heading and ends at a block boundary past its length; a line is one speech; an action beat is one
 * paragraph; a heading is one heading), plus the cast lock (a cue spells a known name, letter by letter along a
 * trie) and the location lock (the same for headings). `allows` and `maskKey` serve the sampler's logit masks;
 * `feed` takes each drawn character.
 */
export class DraftForm {
  readonly #machine: FountainLineMachine;
  readonly #spec: DraftSpec;
  readonly #cast: TrieNode;
  readonly #headings: TrieNode;
  /** The model can write `(` and `)`, so a cue may take an extension. */
  readonly #extensions: boolean;
  #phase: Phase;
  #cue: CueState | null = null;
  /** The heading line's place on the heading trie; null once past the trie (free upper-case text). */
  #heading: TrieNode | null = null;
  /** The current line started a block (a blank line above it, outside a speech). */
  #lineAtBlockStart = false;
  /** `line` mode: the cue has been written. */
  #spoke = false;
  /** The mode's body has some text. */
  #wroteBody = false;
  #printedLines = 0;
  /** Source lines of the current block (since the last blank line). */
  #blockLines = 0;
  #leadLength = 0;
  #text = '';
  #cleanEnd = 0;

  /**
   * `alphabet`: the characters the model can write, when known. Names, headings and extensions it cannot spell
   * are left out, so the form never leads a draft where no character of the model may follow.
   */
  constructor(prime: string, spec: DraftSpec, alphabet?: ReadonlySet<string>) {
    this.#machine = FountainLineMachine.after(prime);
    this.#spec = spec;
    const spellable = (word: string): boolean => alphabet === undefined || [...word].every((ch) => alphabet.has(ch));
    this.#extensions = spellable('()');
    const speaker = spec.mode === 'line' ? spec.speaker : undefined;
    const names = speaker !== undefined ? [speaker] : spec.cast;
    const cueNames = names.map((name) => name.trim()).filter((name) => name !== '' && !LOWER.test(name));
    this.#cast = trie(cueNames.filter(spellable));
    const locked = spec.locationLock === true && (spec.locations?.length ?? 0) > 0;
    const locations = (spec.locations ?? []).map((location) => location.trim().toUpperCase());
    const headings = SCENE_HEADING_PREFIXES.flatMap((prefix) =>
      locked ? locations.map((location) => `${prefix}${location}`) : [prefix],
    );
    this.#headings = trie(headings.filter(spellable));
    // Without line breaks a draft can only carry on the line it is on.
    if (alphabet !== undefined && !alphabet.has('\n') && spec.mode !== 'continue')
      throw new RangeError(`a model without line breaks cannot write a ${spec.mode}`);
    this.#phase = spec.mode === 'continue' ? 'body' : 'lead';
    this.#enterLine();
  }

  get mode(): DraftMode {
    return this.#spec.mode;
  }

  /** The draft is complete (a scene, speech, beat or heading ended): the sampler stops this alternative. */
  get done(): boolean {
    return this.#phase === 'done';
  }

  /** Characters at the draft's start that finish the text before it (a speech, a line) before the mode begins. */
  get leadLength(): number {
    return this.#leadLength;
  }

  /** Printed lines of the draft so far (screenplay layout: about 55 a page). */
  get printedLines(): number {
    return this.#printedLines;
  }

  /** The draft cut back to its last complete element: what an alternative that ran out of length keeps. */
  get complete(): string {
    return this.#phase === 'done' ? this.#text : this.#text.slice(0, this.#cleanEnd);
  }

  allows(ch: string): boolean {
    // Wrapping up: a line break wherever one may come (a draft that runs long still ends in shape).
    if (ch !== '\n' && this.#mustBreak() && this.#allowsHere('\n')) return false;
    return this.#allowsHere(ch);
  }

  #allowsHere(ch: string): boolean {
    if (this.#phase === 'done' || !this.#machine.allows(ch)) return false;
    if (this.#phase === 'lead') {
      // First a fresh block: line breaks wherever the text before allows one.
      if (!this.#machine.atBlockStart) return ch === '\n' || !this.#machine.allows('\n');
      return this.#firstPhase() === 'heading' ? this.#headings.children.has(ch) : this.#allowsBody(ch);
    }
    if (this.#phase === 'heading') return this.#allowsHeading(ch);
    return this.#allowsBody(ch);
  }

  /** Two states with the same key allow the same characters. */
  maskKey(): string {
    const cue = this.#cue;
    const line = this.#machine.line;
    return [
      this.#machine.maskKey(),
      this.#phase,
      this.#mustBreak() ? 'W' : '-',
      this.#machine.atBlockStart ? 'S' : '-',
      this.#lineAtBlockStart ? 'B' : '-',
      cue === null ? '-' : cue.at === 'name' ? `n${cue.node.id}` : cue.at,
      cue?.at === 'extension' && this.#longExtension() ? 'X' : '-',
      this.#heading?.id ?? '-',
      Math.min(line.length, 2),
      line.endsWith(' ') ? 's' : '-',
      LOWER.test(line) ? 'l' : '-',
      UPPER.test(line.slice(-1)) ? 'U' : '-',
      SPEAKER_LABEL.test(line) ? (/ TO$/.test(line) ? 'T' : 'L') : '-',
      // Whether one more character could open a heading depends on the line's first three or four characters;
      // whether an action beat may end here, on what the line reads as.
      this.#lineAtBlockStart && line.length <= 4 ? line : '',
      this.#spec.mode === 'action' && this.#lineAtBlockStart ? Object.values(this.#machine.current).join() : '',
    ].join('|');
  }

  feed(ch: string): void {
    const resolvedBefore = this.#machine.lines.length;
    const startedBlock = this.#phase === 'lead' && this.#machine.atBlockStart && ch !== '\n';
    this.#machine.feed(ch);
    this.#text += ch;
    if (startedBlock) {
      this.#phase = this.#firstPhase();
      this.#leadLength = this.#text.length - 1;
      if (this.#phase === 'heading') this.#cue = null;
    }
    if (this.#phase === 'body' && ch.trim() !== '') this.#wroteBody = true;
    for (const line of this.#machine.lines.slice(resolvedBefore)) this.#lineEnded(line.type, line.text);
    if (ch === '\n') {
      this.#blockLines = this.#machine.atBlockStart ? 0 : this.#blockLines + 1;
      this.#enterLine();
    } else this.#advance(ch);
    if (this.#phase === 'body' && this.#ended()) this.#phase = 'done';
    if (this.#isClean()) this.#cleanEnd = this.#text.length;
  }

  /**
   * The draft should end its line now: a line has grown past any screenplay line, a block past any speech or
   * beat, or a scene past its length (at a line's end, or anywhere once well past it).
   */
  #mustBreak(): boolean {
    const line = this.#machine.line;
    if (line.length >= MAX_LINE_CHARS) return true;
    if (this.#phase !== 'body') return false;
    if (this.#blockLines >= MAX_BLOCK_LINES && line === '') return true;
    if (this.#spec.mode !== 'scene') return false;
    const target = this.#spec.targetLines ?? DRAFT_LINES_PER_PAGE;
    return this.#printedLines >= target * 1.5 || (this.#printedLines >= target && line === '');
  }

  #firstPhase(): Phase {
    return this.#spec.mode === 'scene' || this.#spec.mode === 'heading' ? 'heading' : 'body';
  }

  #allowsHeading(ch: string): boolean {
    const line = this.#machine.line;
    // The blank line below a finished heading.
    if (line === '' && ch === '\n') return true;
    if (ch === '\n') return (this.#heading === null || this.#heading.terminal) && !line.endsWith(' ');
    if (!HEADING_CHAR.test(ch)) return false;
    if (this.#heading === null) return true;
    if (this.#heading.children.has(ch)) return true;
    // Past a whole prefix (or a whole locked location): free text, e.g. the location or ` - NIGHT`.
    return this.#heading.terminal;
  }

  #allowsBody(ch: string): boolean {
    const atBlockStart = this.#machine.atBlockStart;
    const line = this.#machine.line;
    const mode = this.#spec.mode;
    const startsBlock = atBlockStart || this.#lineAtBlockStart;
    // One scene at a time: a block never opens a new heading.
    if (startsBlock && mode !== 'line' && SCENE_HEADING.test(line + ch)) return false;
    if (mode === 'action' && startsBlock && ch === '\n') {
      const { ifText, ifBlank } = this.#machine.current;
      return ifText === 'action' && ifBlank === 'action';
    }
    if (this.#cue !== null || (atBlockStart && this.#cuesLocked())) return this.#allowsCue(ch);
    return this.#keepsScreenplayLayout(ch, line, startsBlock);
  }

  /**
   * Steers a model that learned another layout (a stage play's `NAME: speech`, capitals for emphasis) into
   * screenplay form: a line never opens with a speaker label, and outside a cue no line opens with a word in
   * capitals (a cue is where a name in capitals goes; a one-letter word such as `A` or `I` is fine).
   */
  #keepsScreenplayLayout(ch: string, line: string, startsBlock: boolean): boolean {
    if (ch === ':' && SPEAKER_LABEL.test(line)) return this.#cuesFree() && startsBlock && / TO$/.test(line);
    // Two capitals in a row before any lower-case letter: a name or a shout in capitals at the start of a line.
    const capitals = UPPER.test(ch) && UPPER.test(line.slice(-1)) && !LOWER.test(line);
    return !capitals || (startsBlock && this.#cuesFree());
  }

  /** New names may become cues (the cast lock is off, outside `line` mode). */
  #cuesFree(): boolean {
    return !this.#spec.castLock && this.#spec.mode !== 'line';
  }

  #longExtension(): boolean {
    const line = this.#machine.line;
    return line.length - line.lastIndexOf('(') > MAX_EXTENSION_CHARS;
  }

  #cuesLocked(): boolean {
    if (this.#spec.mode === 'line') return !this.#spoke;
    return this.#spec.castLock && this.#spec.mode !== 'action';
  }

  #allowsCue(ch: string): boolean {
    const cue = this.#cue ?? { at: 'name', node: this.#cast };
    const strict = this.#spec.mode === 'line';
    switch (cue.at) {
      case 'name':
        if (ch === '\n') return cue.node.terminal;
        if (cue.node.children.has(ch)) return true;
        if (cue.node.terminal && ch === ' ') return this.#extensions;
        // Off the trie: a line that is not a name must become action (a lower-case letter before it ends), and
        // leaves a name only after its first letter ("The bus...", never "JUNEBUG").
        if (strict) return false;
        return cue.node === this.#cast || (this.#machine.line.length === 1 && LOWER.test(ch));
      case 'needs-lower':
        // `(` and `^` would make the capitals before them a cue with an extension or a dual mark.
        return ch !== '\n' && ch !== '(' && ch !== '^' && this.#keepsScreenplayLayout(ch, this.#machine.line, true);
      case 'extension-space':
        return ch === '(';
      case 'extension':
        // An extension is a word or two (`V.O.`, `CONT'D`, `ON PHONE`): a long one closes.
        return ch === ')' || (EXTENSION_CHAR.test(ch) && !this.#longExtension());
      case 'extension-closed':
        return ch === '\n';
    }
  }

  #enterLine(): void {
    this.#lineAtBlockStart = this.#machine.atBlockStart;
    this.#cue =
      this.#lineAtBlockStart && this.#cuesLocked() && this.#phase !== 'heading'
        ? { at: 'name', node: this.#cast }
        : null;
    const headingNext = this.#phase === 'heading' || (this.#phase === 'lead' && this.#firstPhase() === 'heading');
    this.#heading = headingNext ? this.#headings : null;
  }

  #advance(ch: string): void {
    if (this.#heading !== null) this.#heading = this.#heading.children.get(ch) ?? null;
    const cue = this.#cue;
    if (cue === null) return;
    if (cue.at === 'name') {
      const child = cue.node.children.get(ch);
      if (child !== undefined) this.#cue = { at: 'name', node: child };
      else if (cue.node.terminal && ch === ' ') this.#cue = { at: 'extension-space' };
      else this.#cue = LOWER.test(ch) ? null : { at: 'needs-lower' };
    } else if (cue.at === 'needs-lower') {
      if (LOWER.test(ch)) this.#cue = null;
    } else if (cue.at === 'extension-space') this.#cue = { at: 'extension' };
    else if (cue.at === 'extension' && ch === ')') this.#cue = { at: 'extension-closed' };
  }

  #lineEnded(type: LineType, text: string): void {
    // The lead finishes the text before the draft: it is not the mode's to count.
    if (this.#phase === 'lead') return;
    this.#printedLines += printedHeight(type, text);
    if (this.#phase === 'heading' && type === 'scene-heading') {
      this.#phase = this.#spec.mode === 'heading' ? 'done' : 'body';
    }
    if (this.#spec.mode === 'line' && type === 'character') this.#spoke = true;
  }

  /** The mode's end, at a block boundary: a speech or a beat written; a scene past its length. */
  #ended(): boolean {
    if (!this.#machine.atBlockStart || !this.#wroteBody) return false;
    const mode = this.#spec.mode;
    if (mode === 'line') return this.#spoke;
    if (mode === 'action') return true;
    if (mode === 'scene') return this.#printedLines >= (this.#spec.targetLines ?? DRAFT_LINES_PER_PAGE);
    return false;
  }

  /** A point the draft may stop at: no cue waiting for speech, no open parenthetical, no heading half written. */
  #isClean(): boolean {
    if (this.#phase === 'done') return true;
    const machine = this.#machine;
    if (this.#phase !== 'body' || !this.#wroteBody) return false;
    if (machine.atBlockStart) return true;
    // Other modes end only at block boundaries; a continuation may end after any finished line of text.
    if (this.#spec.mode !== 'continue' || !machine.allows('\n')) return false;
    if (machine.line === '') return true;
    const { ifText, ifBlank } = machine.current;
    return ifText === ifBlank && SETTLED.has(ifBlank);
  }
}

/** Who would speak next: the speaker before the last one (dialogue alternates), else someone else of the cast. */
export function nextSpeaker(prime: string, cast: readonly string[]): string | undefined {
  const cues = classifyFountain(prime)
    .lines.filter((line) => line.type === 'character')
    .map((line) => cueName(line.text));
  const last = cues.at(-1);
  const before = [...cues].reverse().find((name) => name !== last);
  if (before !== undefined && cast.includes(before)) return before;
  return cast.find((name) => name !== last) ?? cast[0];
}
