import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requests } from '../../../src-main/contract/index.ts';
import { CorpusStore } from '../../../src-main/corpora/corpus-store.ts';
import { importUploads } from '../../../src-main/corpora/uploads.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('importing uploaded bytes (browser picker and drop)', () => {
  let dataDir: string;
  let store: CorpusStore;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'understudy-uploads-'));
    store = await CorpusStore.open(dataDir, { samplePath: null });
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports through the file pipeline and reports refusals under the original names', async () => {
    const report = await importUploads(store, [
      { name: 'Pilot.fountain', base64: b64('INT. HOUSE - DAY\n\nMARA\nHello.\n') },
      { name: 'Pilot.fountain', base64: b64('EXT. FIELD - NIGHT\n\nJONAH\nWho is there?\n') },
      { name: 'setup.exe', base64: b64('MZ') },
      { name: 'empty.txt', base64: '' },
      { name: 'again.txt', base64: b64('INT. HOUSE - DAY\n\nMARA\nHello.\n') },
    ]);
    expect(report.imported.map((c) => c.name)).toEqual(['Pilot', 'Pilot']);
    expect(report.imported.every((c) => c.source.path === null)).toBe(true);
    expect(report.failed.map((f) => [f.path, f.error.code])).toEqual([
      ['setup.exe', 'E_UNSUPPORTED_TYPE'],
      ['empty.txt', 'E_EMPTY'],
    ]);
    expect(report.failed[0]?.error.message).toContain('setup.exe');
    expect(report.duplicates.map((d) => d.path)).toEqual(['again.txt']);
    expect(store.list().map((c) => c.name)).toEqual(['Pilot', 'Pilot']);
  });

  it('never writes outside its temp folder, whatever the name says', async () => {
    const report = await importUploads(store, [{ name: '../../../../tmp/evil.txt', base64: b64('A quiet line.\n') }]);
    expect(report.imported.map((c) => c.name)).toEqual(['evil']);
  });

  it('is limited by the contract to 100 files and 64 MB of base64 per request', () => {
    const schema = requests['corpora:importUploads'].input;
    expect(schema.safeParse({ files: [] }).success).toBe(false);
    expect(schema.safeParse({ files: [{ name: 'a.txt', base64: 'QQ==' }] }).success).toBe(true);
    const big = 'A'.repeat(33 * 1024 * 1024);
    expect(
      schema.safeParse({
        files: [
          { name: 'a.txt', base64: big },
          { name: 'b.txt', base64: big },
        ],
      }).success,
    ).toBe(false);
  });
});
