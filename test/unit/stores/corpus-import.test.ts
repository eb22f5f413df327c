import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CorpusStore } from '../../../src-main/corpora/corpus-store.ts';
import { fountainToFdx } from '../../../src-main/documents/fdx.ts';
import { wrapDraft } from '../../../src-main/fountain/provenance.ts';
import { SettingsStore } from '../../../src-main/settings/settings-store.ts';
import { makeDocx } from './helpers/make-docx.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

const PROSE = 'It was a dark and stormy night; the rain fell in torrents.\nExcept at occasional intervals.\n';
const LEGACY = 'Crème brûlée at the café. “Don’t,” she said — naïve façade… €5, déjà vu, señor Æsop.\n';
const SCREENPLAY = 'INT. OFFICE - DAY\n\nA phone rings.\n\nDANA\nGet that.\n\nLEE\n(sighing)\nFine.\n\nDANA\nThanks.\n';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Case {
  file: string;
  bytes: () => Buffer;
  text: string;
  encoding: string;
  format: string;
  kind?: string;
}

const IMPORTS: Case[] = [
  { file: 'plain.txt', bytes: () => Buffer.from(PROSE), text: PROSE, encoding: 'utf-8', format: 'txt', kind: 'prose' },
  {
    file: 'bom.txt',
    bytes: () => Buffer.concat([BOM, Buffer.from(`${PROSE}bom`)]),
    text: `${PROSE}bom\n`,
    encoding: 'utf-8-bom',
    format: 'txt',
  },
  {
    file: 'utf16le.txt',
    bytes: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${PROSE}le 🎭`, 'utf16le')]),
    text: `${PROSE}le 🎭\n`,
    encoding: 'utf-16le',
    format: 'txt',
  },
  {
    file: 'utf16be.txt',
    bytes: () => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${PROSE}be 日本`, 'utf16le').swap16()]),
    text: `${PROSE}be 日本\n`,
    encoding: 'utf-16be',
    format: 'txt',
  },
  {
    file: 'legacy.txt',
    bytes: () => iconv.encode(LEGACY.replace(/\n/g, '\r\n'), 'windows-1252'),
    text: LEGACY,
    encoding: 'windows-1252',
    format: 'txt',
  },
  {
    file: 'notes.md',
    bytes: () => Buffer.from('# Notes\r\n\r\nSome *markdown*.\r\n'),
    text: '# Notes\n\nSome *markdown*.\n',
    encoding: 'utf-8',
    format: 'md',
  },
  {
    file: 'office.fountain',
    bytes: () => Buffer.from(SCREENPLAY),
    text: SCREENPLAY,
    encoding: 'utf-8',
    format: 'fountain',
    kind: 'screenplay',
  },
  {
    file: 'office.fdx',
    bytes: () => Buffer.from(fountainToFdx(`${SCREENPLAY}\nThe end.\n`)),
    text: `${SCREENPLAY}\nThe end.\n`,
    encoding: 'utf-8',
    format: 'fdx',
    kind: 'screenplay',
  },
  {
    file: 'draft.docx',
    bytes: () => makeDocx(['Chapter One', 'The door “creaked”.']),
    text: 'Chapter One\n\nThe door “creaked”.\n',
    encoding: 'docx',
    format: 'docx',
  },
  {
    file: 'gutenberg.txt',
    bytes: () =>
      Buffer.from(
        'The Project Gutenberg eBook of Tales\r\n\r\n*** START OF THE PROJECT GUTENBERG EBOOK TALES ***\r\n\r\nOnce upon a time.\r\n\r\n*** END OF THE PROJECT GUTENBERG EBOOK TALES ***\r\nLicence text.\r\n',
      ),
    text: 'Once upon a time.\n',
    encoding: 'utf-8',
    format: 'txt',
  },
];

interface Refusal {
  file: string;
  bytes: () => Buffer;
  code: string;
}

const REFUSALS: Refusal[] = [
  { file: 'empty.txt', bytes: () => Buffer.alloc(0), code: 'E_EMPTY' },
  { file: 'blank.fountain', bytes: () => Buffer.from(' \r\n\t\r\n'), code: 'E_EMPTY' },
  {
    file: 'binary.txt',
    bytes: () => Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xff, 0xff]),
    code: 'E_BINARY',
  },
  { file: 'picture.md', bytes: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), code: 'E_BINARY' },
  { file: 'huge.txt', bytes: () => Buffer.alloc(5000, 'a'), code: 'E_TOO_LARGE' },
  { file: 'slides.pdf', bytes: () => Buffer.from('%PDF-1.7'), code: 'E_UNSUPPORTED_TYPE' },
  { file: 'fake.docx', bytes: () => Buffer.from('not a zip'), code: 'E_IO' },
  {
    file: 'broken.fdx',
    bytes: () => Buffer.from('<FinalDraft><Content><Paragraph></FinalDraft>'),
    code: 'E_FDX_INVALID',
  },
];

async function storeWithFiles(files: readonly { file: string; bytes: () => Buffer }[], maxBytes?: number) {
  const dir = await tempDir();
  const inbox = path.join(dir, 'inbox');
  await mkdir(inbox);
  for (const { file, bytes } of files) await writeFile(path.join(inbox, file), bytes());
  const store = await CorpusStore.open(path.join(dir, 'data'), { samplePath: null, ...(maxBytes ? { maxBytes } : {}) });
  return { store, inbox, data: path.join(dir, 'data') };
}

describe('corpus import matrix', () => {
  it.each(IMPORTS)('imports $file ($encoding)', async ({ file, bytes, text, encoding, format, kind }) => {
    const { store, inbox } = await storeWithFiles([{ file, bytes }]);
    const corpus = await store.importFile(path.join(inbox, file));
    expect(await store.readText(corpus.id)).toBe(text);
    expect(corpus.source).toMatchObject({ encoding, format, path: path.join(inbox, file) });
    expect(corpus.stats.chars).toBe(Array.from(text).length);
    if (kind) expect(corpus.stats.kind).toBe(kind);
    expect(store.list().map((c) => c.id)).toEqual([corpus.id]);
  });

  it.each(REFUSALS)('refuses $file with $code, naming the file, storing nothing', async ({ file, bytes, code }) => {
    const { store, inbox, data } = await storeWithFiles([{ file, bytes }], 4096);
    await expect(store.importFile(path.join(inbox, file))).rejects.toMatchObject({
      code,
      message: expect.stringContaining(file),
    });
    expect(store.list()).toEqual([]);
    expect(await readdir(path.join(data, 'corpora'))).toEqual([]);
  });

  it('refuses an unreadable path with E_IO', async () => {
    const { store, inbox } = await storeWithFiles([]);
    await symlink(path.join(inbox, 'missing.txt'), path.join(inbox, 'dangling.txt'));
    await expect(store.importFile(path.join(inbox, 'dangling.txt'))).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('reports duplicate content (even in another encoding) instead of storing it twice', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'a.txt', bytes: () => Buffer.from(LEGACY) },
      { file: 'b.txt', bytes: () => iconv.encode(LEGACY, 'windows-1252') },
    ]);
    const report = await store.importPaths([path.join(inbox, 'a.txt'), path.join(inbox, 'b.txt')]);
    expect(report.imported).toHaveLength(1);
    expect(report.duplicates).toEqual([
      { path: path.join(inbox, 'b.txt'), existingId: report.imported[0]?.id, existingName: 'a' },
    ]);
    await expect(store.importFile(path.join(inbox, 'a.txt'))).rejects.toMatchObject({ code: 'E_DUPLICATE' });
    expect(store.list()).toHaveLength(1);
  });

  it('imports a folder recursively, skipping hidden entries and reporting unsupported files', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'one.txt', bytes: () => Buffer.from('First text.\n') },
      { file: '.DS_Store', bytes: () => Buffer.from([0, 0, 0, 1]) },
      { file: 'cover.jpg', bytes: () => Buffer.from([0xff, 0xd8, 0xff]) },
    ]);
    await mkdir(path.join(inbox, 'act two'));
    await writeFile(path.join(inbox, 'act two', 'two.fountain'), SCREENPLAY);
    const report = await store.importPaths([inbox]);
    expect(report.imported.map((c) => c.name).sort()).toEqual(['one', 'two']);
    expect(report.failed).toEqual([
      {
        path: path.join(inbox, 'cover.jpg'),
        error: { code: 'E_UNSUPPORTED_TYPE', message: expect.stringContaining('cover.jpg') },
      },
    ]);
  });
});

describe('corpus import: drafts Understudy wrote', () => {
  const provenance = { model: 'Noir', mode: 'scene', temperature: 0.8, seed: 42, date: '2026-11-27T09:15:00' };
  const draft = wrapDraft('BOB\nYou came back.\n', provenance);
  // SCREENPLAY with a generated speech after the first action line, as the editor inserts it.
  const withDraft = SCREENPLAY.replace('A phone rings.\n\n', `A phone rings.\n\n${draft}\n`);
  const left = { count: 1, chars: draft.length + 1 };

  it('leaves a bounded draft out of a .fountain and says how much', async () => {
    const { store, inbox } = await storeWithFiles([{ file: 'office.fountain', bytes: () => Buffer.from(withDraft) }]);
    const report = await store.importPaths([path.join(inbox, 'office.fountain')]);
    const [corpus] = report.imported;
    expect(corpus?.excludedDrafts).toEqual(left);
    expect(await store.readText(corpus?.id ?? '')).toBe(SCREENPLAY);
    expect(corpus?.stats.characterNames).not.toContain('BOB');
    expect(store.list()[0]?.excludedDrafts).toEqual(left);
  });

  it('leaves it out of an .fdx exported with the draft, and the same text is a duplicate', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'office.fdx', bytes: () => Buffer.from(fountainToFdx(withDraft)) },
      { file: 'plain.fountain', bytes: () => Buffer.from(SCREENPLAY) },
    ]);
    const report = await store.importPaths([path.join(inbox, 'office.fdx'), path.join(inbox, 'plain.fountain')]);
    expect(report.imported.map((c) => c.excludedDrafts)).toEqual([left]);
    expect(await store.readText(report.imported[0]?.id ?? '')).toBe(SCREENPLAY);
    expect(report.duplicates.map((d) => d.existingName)).toEqual(['office']);
  });

  it('keeps drafts when the setting is off, and in files that are not screenplays', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'office.fountain', bytes: () => Buffer.from(withDraft) },
      { file: 'notes.txt', bytes: () => Buffer.from(`${withDraft}\nMore notes.\n`) },
    ]);
    store.setExcludeGeneratedDrafts(false);
    const off = await store.importFile(path.join(inbox, 'office.fountain'));
    expect(await store.readText(off.id)).toBe(withDraft);
    expect(off.excludedDrafts).toBeUndefined();
    store.setExcludeGeneratedDrafts(true);
    const prose = await store.importFile(path.join(inbox, 'notes.txt'));
    expect(prose.excludedDrafts).toBeUndefined();
    expect(await store.readText(prose.id)).toBe(`${withDraft}\nMore notes.\n`);
  });

  it('refuses a screenplay that is nothing but a draft, and counts none in a script without one', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'only.fountain', bytes: () => Buffer.from(draft) },
      { file: 'office.fountain', bytes: () => Buffer.from(SCREENPLAY) },
    ]);
    await expect(store.importFile(path.join(inbox, 'only.fountain'))).rejects.toMatchObject({
      code: 'E_EMPTY',
      message: expect.stringContaining('only.fountain'),
    });
    expect((await store.importFile(path.join(inbox, 'office.fountain'))).excludedDrafts).toEqual({
      count: 0,
      chars: 0,
    });
  });

  it('is on by default, also in settings saved before the setting existed', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 3, tourSeen: true }));
    const settings = await SettingsStore.openInDirectory(dir);
    expect(settings.get()).toMatchObject({ tourSeen: true, excludeGeneratedDrafts: true });
    expect(settings.repairedKeys).toEqual([]);
    await expect(settings.update({ excludeGeneratedDrafts: 'no' })).rejects.toMatchObject({
      code: 'E_INVALID_SETTINGS',
    });
  });
});

describe('corpus import: stage plays', () => {
  const PLAY =
    'HAMLET:\nTo be, or not to be.\n\nOPHELIA:\nGood my lord,\nHow does your honour?\n\nHAMLET:\nI humbly thank you.\n\nEnter POLONIUS.\n\nPOLONIUS:\nMy lord!\n';

  it('keeps a stage play as Fountain (cue lines and dialogue) and says it was converted', async () => {
    const { store, inbox } = await storeWithFiles([{ file: 'hamlet.txt', bytes: () => Buffer.from(PLAY) }]);
    const [corpus] = (await store.importPaths([path.join(inbox, 'hamlet.txt')])).imported;
    expect(corpus?.convertedFrom).toBe('stage play');
    expect(corpus?.stats.kind).toBe('stage play');
    expect(corpus?.stats.characterNames).toEqual(['HAMLET', 'OPHELIA', 'POLONIUS']);
    const text = await store.readText(corpus?.id ?? '');
    expect(text).toBe(
      'HAMLET\nTo be, or not to be.\n\nOPHELIA\nGood my lord,\nHow does your honour?\n\nHAMLET\nI humbly thank you.\n\nEnter POLONIUS.\n\nPOLONIUS\nMy lord!\n',
    );
  });

  it('leaves prose and screenplays as they are', async () => {
    const { store, inbox } = await storeWithFiles([
      { file: 'prose.txt', bytes: () => Buffer.from(PROSE) },
      { file: 'office.fountain', bytes: () => Buffer.from(SCREENPLAY) },
    ]);
    const report = await store.importPaths([path.join(inbox, 'prose.txt'), path.join(inbox, 'office.fountain')]);
    expect(report.imported.map((corpus) => corpus.convertedFrom)).toEqual([undefined, undefined]);
    expect(await store.readText(report.imported[1]?.id ?? '')).toBe(SCREENPLAY);
  });
});
