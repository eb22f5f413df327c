import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fdxToFountain, fountainToFdx } from '../../../src-main/documents/fdx.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';

const word = fc.constantFrom('rain', 'pier', 'gulls', 'rope', 'lamp', 'door', 'salt', 'night', 'boat', 'bread');
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const upperWords = words.map((w) => w.toUpperCase());
const emphasised = fc.tuple(word, fc.constantFrom('', '*', '**', '_')).map(([w, mark]) => `${mark}${w}${mark}`);
const sentence = fc
  .tuple(word, fc.array(emphasised, { maxLength: 4 }))
  .map(([first, rest]) => [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ') + '.');
const note = words.map((w) => `[[${w}]]`);
const sceneNumber = fc.option(fc.constantFrom('1', '6A', '12', '3B'), { nil: undefined });
const numbered = (heading: string, number: string | undefined): string =>
  number === undefined ? heading : `${heading} #${number}#`;

const heading = fc.oneof(
  fc
    .tuple(upperWords, fc.constantFrom('DAY', 'NIGHT'), sceneNumber)
    .map(([w, t, n]) => numbered(`INT. ${w} - ${t}`, n)),
  fc.tuple(words, sceneNumber).map(([w, n]) => numbered(`.${w}`, n)),
);
const action = fc.oneof(
  fc.array(sentence, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
  fc.tuple(sentence, note, sentence).map(([a, n, b]) => `${a.slice(0, -1)} ${n} ${b}`),
  upperWords.map((w) => `!INT. ${w}`),
  upperWords.map((w) => `!${w} TO:`),
);
const cue = fc.oneof(
  fc.tuple(fc.constantFrom('MARA', 'JOHN', 'BOB'), fc.constantFrom('', ' (V.O.)')).map(([n, e]) => n + e),
  fc.constantFrom('@McCLANE', '@de Wit'),
);
const speechLine = fc.oneof(
  sentence,
  words.map((w) => `(${w})`),
  words.map((w) => `~${w}`),
);
const speech = (dual: boolean) =>
  fc
    .tuple(cue, fc.array(speechLine, { minLength: 1, maxLength: 3 }))
    .map(([c, lines]) => [dual ? `${c} ^` : c, ...lines].join('\n'));
const block = fc.oneof(
  heading,
  action,
  speech(false),
  fc.tuple(speech(false), speech(true)).map(([a, b]) => `${a}\n\n${b}`),
  fc.constantFrom('CUT TO:', 'SMASH CUT TO:', '> FADE OUT.', '> BLACK.'),
  upperWords.map((w) => `> ${w} <`),
  fc.constant('==='),
  fc.tuple(fc.integer({ min: 1, max: 3 }), words).map(([depth, w]) => `${'#'.repeat(depth)} ${w}`),
  sentence.map((s) => `= ${s}`),
  note,
);
const titlePage = fc
  .subarray(['Title', 'Credit', 'Author', 'Source', 'Draft date', 'Contact'], { minLength: 0 })
  .chain((keys) =>
    fc.tuple(...keys.map((key) => fc.array(words, { minLength: 1, maxLength: 2 }).map((values) => ({ key, values })))),
  )
  .map((fields) =>
    fields
      .map(({ key, values }) =>
        values.length === 1 ? `${key}: ${values[0]}` : [`${key}:`, ...values.map((v) => `   ${v}`)].join('\n'),
      )
      .join('\n'),
  );
const script = fc
  .tuple(titlePage, fc.array(block, { maxLength: 14 }))
  .map(([title, blocks]) => `${title === '' ? '' : `${title}\n\n`}${blocks.join('\n\n')}\n`);

/** Everything the core represents of a script: its title page, each element's facts, and its notes. */
function elements(text: string) {
  const parsed = parseFountain(text);
  return {
    titlePage: parsed.titlePage,
    lines: parsed.lines
      .filter((line) => line.type !== 'blank' && line.type !== 'title-page')
      .map(({ type, text: printed, sceneNumber: number, dual, forced, depth }) => ({
        type,
        text: printed,
        number,
        dual,
        forced,
        depth,
      })),
    notes: parsed.hidden.map((span) => text.slice(span.from, span.to)),
  };
}

describe('fdx: Fountain -> FDX -> Fountain keeps what the core parses', () => {
  it('gives the same elements, scene numbers, dual dialogue, forcing, lyrics, page breaks, notes and title page', () => {
    fc.assert(
      fc.property(script, (source) => {
        expect(elements(fdxToFountain(fountainToFdx(source)))).toEqual(elements(source));
      }),
      { numRuns: 300 },
    );
  });

  it('is a fixed point after one trip: exporting the read-back script gives the same file', () => {
    fc.assert(
      fc.property(script, (source) => {
        const once = fountainToFdx(source);
        expect(fountainToFdx(fdxToFountain(once))).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});
