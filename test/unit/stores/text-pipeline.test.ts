import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, looksBinary } from '../../../src-main/corpora/decode.ts';
import { normaliseText, stripGutenberg } from '../../../src-main/corpora/normalise.ts';
import { computeStats, DEFAULT_CHARS_PER_SECOND, estimateTrainingSeconds } from '../../../src-main/corpora/stats.ts';

const LEGACY_TEXT =
  'The café on the corner served crème brûlée. “Don’t go,” she said — and he stayed. ' +
  'Naïve façades, señor; déjà vu at the Thé dansant. Æsop’s fables… are they worth €5?\n';

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM, and UTF-16 with a BOM', () => {
    const text = 'Ünïcödé — 日本語 🎭\n';
    const utf8 = Buffer.from(text, 'utf8');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(decodeText(utf8, 'a.txt')).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 'a.txt')).toEqual({
      text,
      encoding: 'utf-8-bom',
    });
    expect(decodeText(le, 'a.txt')).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(be, 'a.txt')).toEqual({ text, encoding: 'utf-16be' });
  });

  it('falls back to the detected legacy encoding, reading 0x80-0x9F as windows-1252', () => {
    const decoded = decodeText(iconv.encode(LEGACY_TEXT, 'windows-1252'), 'old.txt');
    expect(decoded).toEqual({ text: LEGACY_TEXT, encoding: 'windows-1252' });
  });

  it('refuses binary content with E_BINARY naming the file', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    expect(looksBinary(png)).toBe(true);
    expect(looksBinary(Buffer.from('plain\ttext\f\r\n'))).toBe(false);
    expect(() => decodeText(Buffer.from([0x41, 0x00, 0x42, 0x00, 0x43]), 'photo.txt')).toThrow(
      expect.objectContaining({ code: 'E_BINARY', message: expect.stringContaining('photo.txt') }),
    );
  });
});

describe('normaliseText', () => {
  it('applies NFC, LF line endings, and drops BOMs and control characters except tab and newline', () => {
    const raw = '\uFEFF\n\nCafe\u0301\r\nline\u0007two\rthree\tcol\u0000\u001b\u0085\n\n  \n';
    expect(normaliseText(raw)).toEqual({ text: 'Café\nlinetwo\nthree\tcol\n', gutenbergStripped: false });
  });

  it('strips a Project Gutenberg header and licence but keeps the book', () => {
    const book =
      'The Project Gutenberg eBook of Hamlet\n\nThis eBook is for the use of anyone anywhere.\n\n' +
      '*** START OF THE PROJECT GUTENBERG EBOOK HAMLET ***\n\n\nACT I\n\nWho’s there?\n\n' +
      '*** END OF THE PROJECT GUTENBERG EBOOK HAMLET ***\n\nSection 1. General Terms of Use...\n';
    expect(normaliseText(book)).toEqual({ text: 'ACT I\n\nWho’s there?\n', gutenbergStripped: true });
    const old =
      'Header\n*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\nBody.\nEnd of the Project Gutenberg EBook of X\nlicence';
    expect(stripGutenberg(old)).toEqual({ text: '\nBody.\n', gutenbergStripped: true });
    expect(stripGutenberg('A book that merely mentions *** START OF THE PROJECT GUTENBERG EBOOK')).toMatchObject({
      gutenbergStripped: false,
    });
  });

  it('returns empty text for whitespace only', () => {
    expect(normaliseText(' \r\n\t\u0000\n').text).toBe('');
  });
});

describe('computeStats', () => {
  it('counts code points, words, lines and distinct characters', () => {
    const stats = computeStats('a b 🎭\ncc\n');
    expect(stats).toMatchObject({ chars: 9, words: 4, lines: 2, distinctChars: 6, kind: 'prose', characterNames: [] });
  });

  it('detects a screenplay and its character names, most frequent first', () => {
    const script = [
      'INT. KITCHEN - NIGHT',
      '',
      'Rain on the window.',
      '',
      'ANNA',
      'Where were you?',
      '',
      'BEN (V.O.)',
      '(softly)',
      'Out.',
      '',
      'ANNA',
      'All night?',
      '',
      'CUT TO:',
      '',
      'EXT. STREET - DAY',
      '',
      'BEN',
      'Yes.',
      '',
    ].join('\n');
    expect(computeStats(script)).toMatchObject({ kind: 'screenplay', characterNames: ['ANNA', 'BEN'] });
  });

  it('detects a stage play from speaker lines', () => {
    const play =
      'First Citizen:\nBefore we proceed.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are resolved?\n\nMENENIUS:\nWhy, masters.\n';
    expect(computeStats(play)).toMatchObject({
      kind: 'stage play',
      characterNames: ['First Citizen', 'All', 'MENENIUS'],
    });
  });

  it('estimates training time per preset from throughput', () => {
    expect(estimateTrainingSeconds(12_000, { small: 6000, medium: 2000, large: 1000 }, 2)).toEqual({
      small: 4,
      medium: 12,
      large: 24,
    });
    expect(estimateTrainingSeconds(2000).medium).toBe(Math.ceil(2000 / DEFAULT_CHARS_PER_SECOND.medium));
  });
});
