import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentStore } from '../../../src-main/documents/document-store.ts';
import { fdxToFountain } from '../../../src-main/documents/fdx.ts';
import { findDraftSpans, withoutDrafts, wrapDraft } from '../../../src-main/fountain/provenance.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

async function setup() {
  const dir = await tempDir();
  const store = await DocumentStore.open(path.join(dir, 'data'));
  return { dir, store, data: path.join(dir, 'data') };
}

describe('DocumentStore', () => {
  it('creates, saves, reopens and remembers recent files', async () => {
    const { dir, store } = await setup();
    const draft = store.newDocument();
    expect(draft).toMatchObject({ path: null, text: '', docKey: expect.stringMatching(/^untitled:/) });
    const file = path.join(dir, 'scripts', 'pilot.fountain');
    const saved = await store.saveAs(file, 'INT. LAB - NIGHT\n', { fromDocKey: draft.docKey });
    const opened = await store.openFile(file);
    expect(opened).toMatchObject({
      path: file,
      docKey: file,
      text: 'INT. LAB - NIGHT\n',
      lineEnding: 'lf',
      recovery: null,
    });
    expect(opened.version).toEqual(saved.version);
    const other = path.join(dir, 'other.fountain');
    await store.saveAs(other, 'x');
    expect(await store.recentFiles()).toEqual([other, file]);
    await store.openFile(file);
    expect(await store.recentFiles()).toEqual([file, other]);
    expect(await store.forgetRecent(other)).toEqual([file]);
  });

  it('refuses to overwrite a file changed by another program unless forced', async () => {
    const { dir, store } = await setup();
    const file = path.join(dir, 'scene.fountain');
    await writeFile(file, 'v1\n');
    const opened = await store.openFile(file);
    await writeFile(file, 'changed elsewhere\n');
    expect((await store.fileVersion(file))?.hash).not.toBe(opened.version.hash);
    await expect(store.save(file, 'mine\n', { baseVersion: opened.version })).rejects.toMatchObject({
      code: 'E_CONFLICT',
    });
    expect(await readFile(file, 'utf8')).toBe('changed elsewhere\n');
    const forced = await store.save(file, 'mine\n', { baseVersion: opened.version, force: true });
    const again = await store.save(file, 'mine, more\n', { baseVersion: forced.version });
    expect(await readFile(file, 'utf8')).toBe('mine, more\n');
    await expect(store.save(file, 'new?\n', { baseVersion: null })).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(again.version.size).toBe(11);
  });

  it('keeps CRLF line endings and the file mode, and leaves no temp files behind', async () => {
    const { dir, store } = await setup();
    const file = path.join(dir, 'windows.fountain');
    await writeFile(file, 'a\r\nb\r\n', { mode: 0o600 });
    const opened = await store.openFile(file);
    expect(opened).toMatchObject({ text: 'a\nb\n', lineEnding: 'crlf' });
    await store.save(file, 'a\nb\nc\n', { baseVersion: opened.version, lineEnding: opened.lineEnding });
    expect(await readFile(file, 'utf8')).toBe('a\r\nb\r\nc\r\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['data', 'windows.fountain']);
  });

  it('keeps recovery copies, offers them after a crash, and drops them once saved', async () => {
    const { dir, data, store } = await setup();
    const file = path.join(dir, 'act1.fountain');
    await writeFile(file, 'saved\n');
    const draft = store.newDocument();
    await store.writeRecovery(draft.docKey, 'untitled work');
    await store.writeRecovery(file, 'saved\nplus unsaved\n', file);

    const afterCrash = await DocumentStore.open(data);
    const recoveries = await afterCrash.listRecoveries();
    expect(recoveries.map((r) => r.docKey).sort()).toEqual([draft.docKey, file].sort());
    expect((await afterCrash.openFile(file)).recovery).toMatchObject({ docKey: file, chars: 19 });
    expect((await afterCrash.readRecovery(draft.docKey)).text).toBe('untitled work');

    const opened = await afterCrash.openFile(file);
    await afterCrash.save(file, 'saved\nplus unsaved\n', { baseVersion: opened.version });
    await afterCrash.saveAs(path.join(dir, 'new.fountain'), 'untitled work', { fromDocKey: draft.docKey });
    expect(await afterCrash.listRecoveries()).toEqual([]);
    await expect(afterCrash.readRecovery(draft.docKey)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('discards a recovery copy identical to the file on disk', async () => {
    const { dir, store } = await setup();
    const file = path.join(dir, 'same.fountain');
    await writeFile(file, 'same\n');
    await store.writeRecovery(file, 'same\n', file);
    expect(await store.listRecoveries()).toEqual([]);
  });

  it('cleans temp leftovers of an interrupted save (on open, and at start-up for recent files) and refuses what is not a screenplay', async () => {
    const { dir, store } = await setup();
    const file = path.join(dir, 'x.fountain');
    await writeFile(file, 'ok\n');
    await writeFile(path.join(dir, '.x.fountain.abc123.understudy-tmp'), 'half');
    await store.openFile(file);
    expect(await readdir(dir)).toEqual(['data', 'x.fountain']);
    await writeFile(path.join(dir, '.x.fountain.def456.understudy-tmp'), 'half again');
    await DocumentStore.open(path.join(dir, 'data'));
    expect(await readdir(dir)).toEqual(['data', 'x.fountain']);
    await expect(store.openFile(path.join(dir, 'missing.fountain'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(store.openFile(path.join(dir, 'image.png'))).rejects.toMatchObject({ code: 'E_UNSUPPORTED_TYPE' });
  });

  it('keeps the notes that bound an inserted draft through save, reload (CRLF too) and FDX export', async () => {
    const { dir, store } = await setup();
    const provenance = { model: 'Noir', mode: 'continue', temperature: 0.7, seed: 3, date: '2026-01-02T03:04:00' };
    const script = `INT. KITCHEN - NIGHT\n\nShe waits.\n\n${wrapDraft('BOB\nYou came back.\n', provenance)}\nShe opens the ${wrapDraft('window', provenance, { atLineStart: false })}.\n`;
    const drafts = findDraftSpans(script);
    expect(drafts).toHaveLength(2);

    const file = path.join(dir, 'kitchen.fountain');
    await store.saveAs(file, script);
    const reopened = await store.openFile(file);
    expect(reopened.text).toBe(script);
    expect(findDraftSpans(reopened.text)).toEqual(drafts);

    await store.save(file, reopened.text, { baseVersion: reopened.version, lineEnding: 'crlf' });
    expect(await readFile(file, 'utf8')).toContain('[[End of Understudy draft]]\r\n');
    const crlf = await store.openFile(file);
    expect(crlf).toMatchObject({ text: script, lineEnding: 'crlf' });

    const fdx = path.join(dir, 'kitchen.fdx');
    await store.exportFdx(fdx, crlf.text);
    const imported = fdxToFountain(await readFile(fdx, 'utf8'));
    expect(findDraftSpans(imported).map((span) => span.provenance)).toEqual(drafts.map((span) => span.provenance));
    expect(withoutDrafts(imported).text).toBe('INT. KITCHEN - NIGHT\n\nShe waits.\n\nShe opens the .\n');
  });

  it('opens a Final Draft file as Fountain, never saves Fountain over it, and saves it as .fountain', async () => {
    const { dir, store } = await setup();
    const script = 'Title: Pier\n\nEXT. PIER - DUSK #6A#\n\nGulls.\n\n===\n\nMARA\n~Row, row\n\nCUT TO:\n';
    const fdx = path.join(dir, 'pier.fdx');
    await store.exportFdx(fdx, script);
    const exported = await readFile(fdx, 'utf8');
    const opened = await store.openFile(fdx);
    expect(opened).toMatchObject({ path: fdx, docKey: fdx, text: script, lineEnding: 'lf', recovery: null });
    expect(await store.recentFiles()).toEqual([fdx]);
    expect(await store.fileVersion(fdx)).toEqual(opened.version);

    await expect(store.save(fdx, `${script}More.\n`, { baseVersion: opened.version })).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_TYPE',
      message: expect.stringContaining('save the script as .fountain'),
    });
    await expect(store.saveAs(fdx, 'x')).rejects.toMatchObject({ code: 'E_UNSUPPORTED_TYPE' });
    expect(await readFile(fdx, 'utf8')).toBe(exported);

    await store.writeRecovery(fdx, `${script}More.\n`, fdx);
    expect((await store.listRecoveries()).map((r) => r.docKey)).toEqual([fdx]);
    const fountain = path.join(dir, 'pier.fountain');
    await store.saveAs(fountain, `${script}More.\n`, { fromDocKey: fdx });
    expect(await readFile(fountain, 'utf8')).toBe(`${script}More.\n`);
    expect(await store.listRecoveries()).toEqual([]);
    expect(await readFile(fdx, 'utf8')).toBe(exported);
  });

  it('drops a recovery copy of a .fdx identical to its converted text, and names the line of a broken .fdx', async () => {
    const { dir, store } = await setup();
    const fdx = path.join(dir, 'same.fdx');
    await store.exportFdx(fdx, 'INT. LAB - NIGHT\n');
    await store.writeRecovery(fdx, 'INT. LAB - NIGHT\n', fdx);
    expect(await store.listRecoveries()).toEqual([]);
    const broken = path.join(dir, 'broken.fdx');
    await writeFile(
      broken,
      '<FinalDraft>\n<Content>\n<Paragraph Type="Action"><Text>x</Paragraph>\n</Content>\n</FinalDraft>\n',
    );
    await expect(store.openFile(broken)).rejects.toMatchObject({
      code: 'E_FDX_INVALID',
      message: expect.stringContaining('line 3'),
    });
    await expect(store.openFile(path.join(dir, 'notes.docx'))).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_TYPE',
      message: expect.stringContaining('.fdx'),
    });
  });
});
