import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport, Result } from '../../src-main/contract/index.ts';
import type { Runtime } from '../../src-main/services.ts';
import { startTestRuntime } from '../support/app-server.ts';
import { recordFigures } from './support/figures.ts';

const ctx = { trusted: true, origin: 'hostile-files' };
const IMPORT_TIMEOUT_MS = 90_000;

let runtime: Runtime;
let stop: () => Promise<void>;
let dir: string;
let inputsTried = 0;
const notes: string[] = [];

async function docx(documentXml: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file('word/document.xml', documentXml);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const FILES: Record<string, () => Promise<Buffer | { sparseBytes: number }>> = {
  'invalid-utf8.txt': async () =>
    Buffer.from([0x49, 0x4e, 0x54, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x0a].concat(Array(200).fill(0x41))),
  'nul-bytes.txt': async () =>
    Buffer.concat([Buffer.from('INT. BAR\n'), Buffer.alloc(4096), Buffer.from('MAX\nHi.\n')]),
  'sparse-2gb.txt': async () => ({ sparseBytes: 2 * 1024 ** 3 + 1 }),
  'entity-bomb.fdx': async () =>
    Buffer.from(
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><FinalDraft DocumentType="Script"><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>`,
    ),
  'deep-10000.fdx': async () =>
    Buffer.from(
      `<?xml version="1.0"?><FinalDraft><Content>${'<Paragraph Type="Action"><Text>'.repeat(10_000)}x${'</Text></Paragraph>'.repeat(10_000)}</Content></FinalDraft>`,
    ),
  'zip-bomb.docx': async () =>
    docx(
      `<w:document ${W}><w:body><w:p><w:r><w:t>${'a'.repeat(64 * 1024 * 1024)}</w:t></w:r></w:p></w:body></w:document>`,
    ),
  'one-line-40mb.txt': async () =>
    Buffer.from('All work and no play makes Jack a dull boy. '.repeat(Math.ceil((40 * 1024 * 1024) / 44))),
  'code-points-100k.txt': async () => {
    const chars: string[] = [];
    for (let cp = 0x4e00; chars.length < 100_000; cp += 1)
      if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
    return Buffer.from(chars.join(' '));
  },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'understudy-hostile-'));
  ({ runtime, close: stop } = await startTestRuntime());
});

afterAll(async () => {
  await stop?.();
  await rm(dir, { recursive: true, force: true });
  recordFigures('hostile-files', { inputsTried, notes });
});

describe('hostile files are imported or refused with a code, in bounded time and memory', () => {
  it.each(Object.keys(FILES))('%s', async (name) => {
    const file = path.join(dir, name);
    const content = await (FILES[name] as () => Promise<Buffer | { sparseBytes: number }>)();
    if (Buffer.isBuffer(content)) await writeFile(file, content);
    else {
      const handle = await open(file, 'w');
      await handle.truncate(content.sparseBytes);
      await handle.close();
    }
    inputsTried += 1;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const result = (await Promise.race([
      runtime.dispatch('corpora:importFiles', { paths: [file] }, ctx),
      new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), IMPORT_TIMEOUT_MS))),
    ])) as Result<ImportReport> | 'timeout';
    clearTimeout(timer);
    const ms = performance.now() - started;
    expect(result).not.toBe('timeout');
    if (result === 'timeout') return;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const outcome = result.value.imported[0]
      ? `imported (${result.value.imported[0].stats.chars ?? '?'} chars)`
      : (result.value.failed[0]?.error.code ?? (result.value.duplicates.length ? 'duplicate' : 'nothing'));
    notes.push(`${name}: ${outcome} in ${ms.toFixed(0)} ms`);
    expect(result.value.failed.every((f) => f.error.code !== 'E_INTERNAL')).toBe(true);
    expect(await runtime.dispatch('app:ping', { echo: 'alive' }, ctx)).toMatchObject({ ok: true });
  });
});
