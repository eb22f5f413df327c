// @vitest-environment node
/**
 * The desktop app's Export PDF: the renderer sends the script to `documents:exportPdf`, and main writes the
 * paginator's PDF with the one writer. Driven through the real handler table over the in-memory transport.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paginate } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import { startInMemoryApp } from '../../support/app-server.ts';

const run = promisify(execFile);
const FIXTURE = resolve(import.meta.dirname, '../../fixtures/fountain/14-long-night-shift.fountain');

describe('documents:exportPdf', () => {
  let app: Awaited<ReturnType<typeof startInMemoryApp>>;
  let dir: string;

  beforeAll(async () => {
    [app, dir] = await Promise.all([startInMemoryApp(), mkdtemp(join(tmpdir(), 'understudy-export-pdf-'))]);
  });

  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the paginator’s pages, title page first, with scene numbers when asked', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const path = join(dir, 'night.pdf');
    const result = await app.api.documents.exportPdf({ path, text, paper: 'letter', sceneNumbers: true });
    expect(result).toEqual({ ok: true, value: { path, bytes: (await readFile(path)).byteLength } });
    const { stdout } = await run('pdfinfo', [path]);
    const pages = paginate(parseFountain(text), { paper: 'letter', sceneNumbers: true }).pages.length;
    expect(Number(/Pages:\s+(\d+)/.exec(stdout)?.[1])).toBe(pages + 1);
    const { stdout: body } = await run('pdftotext', ['-layout', path, '-']);
    expect(body).toMatch(/^\s*1\s+EXT\. HARBOUR PIER - NIGHT\s+1\s*$/m);
  });

  it('refuses a path that is not a .pdf, and a paper it does not know, with codes', async () => {
    const text = 'INT. A - DAY\n\nHi.\n';
    const wrong = join(dir, 'night.fountain');
    const refused = await app.api.documents.exportPdf({ path: wrong, text, paper: 'a4', sceneNumbers: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED_TYPE' } });
    expect(existsSync(wrong)).toBe(false);
    const input = { path: join(dir, 'x.pdf'), text, paper: 'legal', sceneNumbers: false } as unknown as Parameters<
      typeof app.api.documents.exportPdf
    >[0];
    const invalid = await app.api.documents.exportPdf(input);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });
});
