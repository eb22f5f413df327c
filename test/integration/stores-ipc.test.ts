import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fdxToFountain,
  SAMPLE_CORPUS_ID,
  type Result,
  type Settings,
  type UnderstudyApi,
} from '../../src-main/contract/index.ts';
import { startInMemoryApp } from '../support/app-server.ts';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('corpora, documents and settings over the in-memory transport', () => {
  let api: UnderstudyApi;
  let dir: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-stores-ipc-'));
    ({ api, close } = await startInMemoryApp());
  });

  afterAll(async () => {
    await close?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the read-only sample, imports files with per-file refusals, and manages corpora', async () => {
    const [sample] = value(await api.corpora.list());
    expect(sample).toMatchObject({
      id: SAMPLE_CORPUS_ID,
      readOnly: true,
      estimatedTrainingSeconds: { medium: expect.any(Number) },
    });
    expect(await api.corpora.rename({ id: SAMPLE_CORPUS_ID, name: 'Mine' })).toMatchObject({
      ok: false,
      error: { code: 'E_READ_ONLY' },
    });

    const inbox = join(dir, 'inbox');
    await mkdir(inbox);
    await writeFile(join(inbox, 'pilot.fountain'), 'INT. BAR - NIGHT\n\nMAX\nAnother.\n\nJO\nNo.\n');
    await writeFile(join(inbox, 'again.txt'), 'INT. BAR - NIGHT\r\n\r\nMAX\r\nAnother.\r\n\r\nJO\r\nNo.\r\n');
    await writeFile(join(inbox, 'deck.pptx'), 'x');
    const report = value(await api.corpora.importFiles({ paths: [inbox] }));
    expect(report.failed).toEqual([
      {
        path: join(inbox, 'deck.pptx'),
        error: { code: 'E_UNSUPPORTED_TYPE', message: expect.stringContaining('deck.pptx') },
      },
    ]);
    expect(report.imported).toHaveLength(1);
    expect(report.duplicates).toHaveLength(1);
    const corpus = report.imported[0];
    if (!corpus) throw new Error('nothing imported');
    expect(corpus.stats).toMatchObject({ kind: 'screenplay', characterNames: ['JO', 'MAX'] });

    expect(value(await api.corpora.preview({ id: corpus.id, maxChars: 16 }))).toEqual({
      text: 'INT. BAR - NIGHT',
      truncated: true,
    });
    expect(value(await api.corpora.rename({ id: corpus.id, name: 'Bar scene' })).name).toBe('Bar scene');
    expect(value(await api.corpora.setIncluded({ id: corpus.id, included: false })).included).toBe(false);
    value(await api.corpora.delete({ id: corpus.id }));
    expect(value(await api.corpora.list()).map((c) => c.id)).toEqual([SAMPLE_CORPUS_ID]);
    expect(value(await api.corpora.restore({ id: corpus.id })).name).toBe('Bar scene');
    expect(await api.corpora.importFiles({ paths: [] })).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_INPUT' },
    });
  });

  it('saves documents atomically, detects outside changes, keeps recovery copies and exports FDX', async () => {
    const draft = value(await api.documents.new());
    value(await api.documents.writeRecovery({ docKey: draft.docKey, text: 'EXT. PIER - DAWN\n' }));
    expect(value(await api.documents.listRecoveries()).map((r) => r.docKey)).toEqual([draft.docKey]);

    const file = join(dir, 'pier.fountain');
    const saved = value(
      await api.documents.saveAs({ path: file, text: 'EXT. PIER - DAWN\n', fromDocKey: draft.docKey }),
    );
    expect(value(await api.documents.listRecoveries())).toEqual([]);
    expect(value(await api.documents.listRecent())[0]).toBe(file);

    await writeFile(file, 'EXT. PIER - DUSK\n');
    const conflict = await api.documents.save({ path: file, text: 'mine\n', baseVersion: saved.version });
    expect(conflict).toMatchObject({ ok: false, error: { code: 'E_CONFLICT' } });
    const opened = value(await api.documents.open({ path: file }));
    expect(opened.text).toBe('EXT. PIER - DUSK\n');
    value(await api.documents.save({ path: file, text: 'EXT. PIER - DUSK\n\nGulls.\n', baseVersion: opened.version }));
    expect(value(await api.documents.getFileVersion({ path: file }))?.hash).not.toBe(opened.version.hash);

    const fdx = join(dir, 'pier.fdx');
    value(await api.documents.exportFdx({ path: fdx, text: 'EXT. PIER - DUSK\n\nGulls.\n' }));
    expect(fdxToFountain(await readFile(fdx, 'utf8'))).toBe('EXT. PIER - DUSK\n\nGulls.\n');
    expect(await api.documents.open({ path: join(dir, 'gone.fountain') })).toMatchObject({
      ok: false,
      error: { code: 'E_NOT_FOUND' },
    });
  });

  it('validates settings, stores them and announces every change', async () => {
    expect(value(await api.settings.get())).toMatchObject({ theme: 'system', preset: 'medium' });
    const changes: Settings[] = [];
    const unsubscribe = api.settings.onChanged((settings) => changes.push(settings));
    const updated = value(await api.settings.update({ theme: 'dark', temperature: 1.1 }));
    expect(updated).toMatchObject({ theme: 'dark', temperature: 1.1 });
    const refused = await api.settings.update({ temperature: 7 });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_SETTINGS', message: expect.stringContaining('temperature') },
    });
    expect(value(await api.settings.get()).temperature).toBe(1.1);
    expect(value(await api.settings.reset()).theme).toBe('system');
    unsubscribe();
    expect(changes.map((s) => s.theme)).toEqual(['dark', 'system']);
  });
});
