import { describe, expect, it } from 'vitest';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import {
  DRAFT_END_NOTE,
  findDraftSpans,
  findProvenanceNotes,
  formatProvenanceNote,
  parseProvenanceNote,
  provenanceNoteKind,
  withoutDrafts,
  wrapDraft,
  type DraftProvenance,
} from '../../../src-main/fountain/provenance.ts';

const NOIR: DraftProvenance = {
  model: 'Noir',
  mode: 'scene',
  temperature: 0.8,
  seed: 42,
  date: new Date(2026, 10, 27, 9, 15),
};
const START = '[[Understudy draft: model "Noir", temperature 0.80, seed 42, mode scene, 2026-11-27 09:15]]';
const LEGACY = '[[Understudy draft: model "Noir", temperature 0.80, seed 42, 2026-11-27 09:15]]';

const SCRIPT = `Title: The Night Bus
Author: A. Writer

INT. BUS - NIGHT

June boards. The driver nods.

JUNE
(quietly)
One to Harrow Point.
Please.

DRIVER
Last stop.

CUT TO:

EXT. HARROW POINT - DAWN

Fog.
`;

/** Elements a reader sees, in order: what Fountain makes of a script once notes are passed over. */
function elements(text: string): [string, string][] {
  return parseFountain(text)
    .lines.filter((line) => line.type !== 'note')
    .map((line) => [line.type, line.text]);
}

/** The script with `draft` inserted at `at` the way the editor inserts it. */
function insertWrapped(script: string, at: number, draft: string): string {
  const atLineStart = at === 0 || script[at - 1] === '\n';
  return script.slice(0, at) + wrapDraft(draft, NOIR, { atLineStart }) + script.slice(at);
}

describe('provenance notes', () => {
  it('formats a start note with the mode after the seed, and an end note', () => {
    expect(formatProvenanceNote(NOIR)).toBe(START);
    expect(formatProvenanceNote({ ...NOIR, mode: undefined })).toBe(LEGACY);
    expect(formatProvenanceNote({ ...NOIR, mode: 'sce, ne]]' })).toContain(' seed 42, mode sce ne, 2026');
    expect(DRAFT_END_NOTE).toBe('[[End of Understudy draft]]');
  });

  it('reads back what a start note says, with or without a mode (notes written before modes existed)', () => {
    expect(parseProvenanceNote(START)).toEqual({
      model: 'Noir',
      mode: 'scene',
      temperature: 0.8,
      seed: 42,
      date: '2026-11-27 09:15',
    });
    expect(parseProvenanceNote(LEGACY)).toEqual({
      model: 'Noir',
      temperature: 0.8,
      seed: 42,
      date: '2026-11-27 09:15',
    });
    const quoted = formatProvenanceNote({ ...NOIR, model: 'The "Big" one' });
    expect(parseProvenanceNote(quoted)?.model).toBe('The "Big" one');
    expect(parseProvenanceNote(formatProvenanceNote(parseProvenanceNote(START) ?? NOIR))).toEqual(
      parseProvenanceNote(START),
    );
    expect(parseProvenanceNote('[[Understudy draft: my own words]]')).toBeNull();
    expect(parseProvenanceNote(DRAFT_END_NOTE)).toBeNull();
  });

  it('tells a start note from an end note and from any other text', () => {
    expect(
      [START, LEGACY, '[[ understudy DRAFT: mine ]]', DRAFT_END_NOTE, '[[end of understudy draft ]]'].map(
        provenanceNoteKind,
      ),
    ).toEqual(['start', 'start', 'start', 'end', 'end']);
    expect(provenanceNoteKind(`${START} and more [[x]]`)).toBeNull();
    expect(provenanceNoteKind('[[End of Understudy draft, I think]]')).toBeNull();
    expect(provenanceNoteKind('[[A note about the Understudy draft]]')).toBeNull();
  });
});

describe('wrapDraft', () => {
  it('puts the notes on lines of their own when the draft starts and ends at a line start', () => {
    expect(wrapDraft('BOB\nHi.\n', NOIR)).toBe(`${START}\nBOB\nHi.\n${DRAFT_END_NOTE}\n`);
  });

  it('keeps the notes inline mid-line', () => {
    expect(wrapDraft('window', NOIR, { atLineStart: false })).toBe(`${START}window${DRAFT_END_NOTE}`);
    expect(wrapDraft('BOB\nHi.', NOIR)).toBe(`${START}\nBOB\nHi.${DRAFT_END_NOTE}`);
    expect(wrapDraft(' and waits.\n', NOIR, { atLineStart: false })).toBe(`${START} and waits.\n${DRAFT_END_NOTE}\n`);
  });

  it('changes nothing Fountain reads, wherever the draft goes', () => {
    const drafts = ['BOB\nYou came back.\n', 'MARA\nNo.\n\n', 'She sits.', ' and waits.\n', '\n\nLATER\n'];
    const positions = [...SCRIPT.matchAll(/\n/g)].map((m) => m.index + 1).filter((at) => at >= 40);
    positions.push(SCRIPT.indexOf('boards') + 'boards'.length, SCRIPT.indexOf('Last') + 'Last'.length);
    for (const at of positions) {
      for (const draft of drafts) {
        const plain = SCRIPT.slice(0, at) + draft + SCRIPT.slice(at);
        const wrapped = insertWrapped(SCRIPT, at, draft);
        expect(elements(wrapped), `draft ${JSON.stringify(draft)} at ${at}`).toEqual(elements(plain));
      }
    }
  });
});

describe('findDraftSpans', () => {
  it('finds each bounded draft, notes included, with what its start note says', () => {
    const at = SCRIPT.indexOf('DRIVER');
    const text = insertWrapped(SCRIPT, at, 'BOB\nWait.\n\n');
    const [span, ...rest] = findDraftSpans(text);
    expect(rest).toEqual([]);
    expect(text.slice(span?.from, span?.to)).toBe(`${START}\nBOB\nWait.\n\n${DRAFT_END_NOTE}`);
    expect(text.slice(span?.body.from, span?.body.to)).toBe('\nBOB\nWait.\n\n');
    expect(span?.provenance).toMatchObject({ model: 'Noir', mode: 'scene', seed: 42 });
  });

  it('finds drafts at line starts and mid-line, and several in one script', () => {
    const mid = SCRIPT.indexOf('boards') + 'boards'.length;
    const text = insertWrapped(insertWrapped(SCRIPT, SCRIPT.indexOf('Fog.'), 'Rain.\n'), mid, ' quickly');
    expect(findDraftSpans(text).map((span) => text.slice(span.body.from, span.body.to))).toEqual([
      ' quickly',
      '\nRain.\n',
    ]);
  });

  it('takes a draft inserted inside another as part of it', () => {
    const inner = wrapDraft('inner', NOIR, { atLineStart: false });
    const text = `Before.\n\n${START}\nOuter ${inner} text.\n${DRAFT_END_NOTE}\n\nAfter.\n`;
    const spans = findDraftSpans(text);
    expect(spans).toHaveLength(1);
    expect(text.slice(spans[0]?.from, spans[0]?.to)).toBe(`${START}\nOuter ${inner} text.\n${DRAFT_END_NOTE}`);
  });

  it('bounds nothing with a start note never closed or an end note never opened', () => {
    expect(findDraftSpans(`A.\n\n${START}\nB.\n\nC.\n`)).toEqual([]);
    expect(findDraftSpans(`A.\n${DRAFT_END_NOTE}\nB.\n`)).toEqual([]);
    expect(findDraftSpans(`${LEGACY}\nBOB\nHi.\n`)).toEqual([]);
    // An unclosed outer start note leaves a closed draft inside it bounded.
    const text = `${START}\nA.\n\n${START}\nB.\n${DRAFT_END_NOTE}\n\nC.\n`;
    expect(findDraftSpans(text).map((span) => text.slice(span.body.from, span.body.to))).toEqual(['\nB.\n']);
  });

  it('still bounds a draft whose start note the writer has edited, and ignores notes in boneyard', () => {
    const edited = `[[Understudy draft: the good one]]\nB.\n${DRAFT_END_NOTE}\n`;
    expect(findDraftSpans(edited)).toEqual([
      { from: 0, to: edited.length - 1, body: { from: 34, to: 38 }, provenance: null },
    ]);
    expect(findDraftSpans(`/* ${START}\nB.\n${DRAFT_END_NOTE} */\n`)).toEqual([]);
    expect(findProvenanceNotes(`A ${START} b\n${DRAFT_END_NOTE}`).map((n) => [n.kind, n.ownLine])).toEqual([
      ['start', false],
      ['end', true],
    ]);
  });
});

describe('withoutDrafts', () => {
  it('undoes every insertion exactly, and what remains reads as the same Fountain', () => {
    const drafts = ['BOB\nYou came back.\n', 'She sits.', ' and waits.\n', 'INT. HALL - DAY\n\nDust.\n\n'];
    const positions = [...SCRIPT.matchAll(/\n/g)].map((m) => m.index + 1).filter((at) => at < SCRIPT.length);
    positions.push(SCRIPT.indexOf('nods') + 'nods'.length);
    for (const at of positions) {
      for (const draft of drafts) {
        const wrapped = insertWrapped(SCRIPT, at, draft);
        const result = withoutDrafts(wrapped);
        expect(result.text, `draft ${JSON.stringify(draft)} at ${at}`).toBe(SCRIPT);
        expect(result.removedChars).toBe(wrapped.length - SCRIPT.length);
        expect(result.drafts).toHaveLength(1);
      }
    }
  });

  it('keeps one blank line where the writer wrote on after the draft', () => {
    const draft = wrapDraft('BOB\nHi.\n', NOIR);
    const result = withoutDrafts(`INT. A - DAY\n\n${draft}\nShe leaves.\n`);
    expect(result.text).toBe('INT. A - DAY\n\nShe leaves.\n');
    expect(elements(result.text)).toEqual(elements('INT. A - DAY\n\nShe leaves.\n'));
    expect(withoutDrafts(`${draft}\n\nINT. A - DAY\n`).text).toBe('INT. A - DAY\n');
  });

  it('removes a nested draft with its outer one, leaves an unclosed one in, and counts code points', () => {
    const inner = wrapDraft('inner', NOIR, { atLineStart: false });
    expect(withoutDrafts(`A.\n\n${START}\nOuter ${inner}.\n${DRAFT_END_NOTE}\n\nB.\n`).text).toBe('A.\n\nB.\n');
    const unclosed = `A.\n\n${START}\nB.\n`;
    expect(withoutDrafts(unclosed)).toEqual({ text: unclosed, removedChars: 0, drafts: [] });
    const emoji = withoutDrafts(`A ${wrapDraft('🎭', NOIR, { atLineStart: false })} b\n`);
    expect(emoji).toMatchObject({ text: 'A  b\n', removedChars: START.length + 1 + DRAFT_END_NOTE.length });
  });
});
