import '../editor/jsdom-ranges';
import { cleanup, fireEvent, render, within } from '@testing-library/svelte';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFountain } from '../../../../src-main/fountain/parse.ts';
import { scriptReport } from '../../../../src-main/fountain/reports.ts';
import { reportPdf } from '../../../../src-renderer/components/reports/report-pdf.ts';
import { testIds } from '../../../../src-renderer/lib/test-ids.ts';
import ReportsWithEditor from './ReportsWithEditor.svelte';

const SCRIPT = `INT. KITCHEN - NIGHT

Mara waits.

MARA (V.O.)
I waited all night for you.

JON
Go home.

EXT. DEPOT - DAY

JON
Tickets.

BRAM
None left, none at all.

MARA
Two.
`;

afterEach(() => cleanup());

function mount(value = SCRIPT, onJump?: (line: number) => void) {
  const result = render(ReportsWithEditor, { props: { value, onJump } });
  const panel = result.getByTestId(testIds.reportsPanel);
  const rows = () =>
    within(panel)
      .queryAllByTestId(testIds.reportsRow)
      .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()));
  const tab = (id: string) =>
    panel.querySelector(`[data-testid="${testIds.reportsTab}"][data-tab="${id}"]`) as HTMLElement;
  const sort = (key: string) => panel.querySelector(`[data-sort-key="${key}"]`) as HTMLElement;
  return { ...result, panel, rows, tab, sort };
}

describe('the Reports panel over the real editor and core', () => {
  it('lists characters by speeches, with words, scenes and first appearance, and sorts by any column', async () => {
    const { rows, sort } = mount();
    expect(rows()).toEqual([
      ['MARA', '2', '7', '2', 'p. 1, sc. 1'],
      ['JON', '2', '3', '2', 'p. 1, sc. 1'],
      ['BRAM', '1', '5', '1', 'p. 1, sc. 2'],
    ]);
    await fireEvent.click(sort('words'));
    expect(rows().map((row) => row[0])).toEqual(['JON', 'BRAM', 'MARA']);
    await fireEvent.click(sort('words'));
    expect(rows().map((row) => row[0])).toEqual(['MARA', 'BRAM', 'JON']);
    await fireEvent.click(sort('name'));
    expect(rows().map((row) => row[0])).toEqual(['BRAM', 'JON', 'MARA']);
  });

  it('shows locations and scenes in their tabs, with INT/EXT, times and eighths', async () => {
    const { rows, tab, getByTestId } = mount();
    await fireEvent.click(tab('locations'));
    expect(rows()).toEqual([
      ['KITCHEN', '1', 'INT', 'NIGHT', expect.stringMatching(/^\d\/8$/)],
      ['DEPOT', '1', 'EXT', 'DAY', expect.stringMatching(/^\d\/8$/)],
    ]);
    await fireEvent.click(tab('scenes'));
    expect(rows().map((row) => row.slice(0, 3))).toEqual([
      ['1', 'INT. KITCHEN - NIGHT', '1'],
      ['2', 'EXT. DEPOT - DAY', '1'],
    ]);
    expect(rows().map((row) => row[4])).toEqual(['MARA, JON', 'JON, BRAM, MARA']);
    expect(getByTestId(testIds.reportsSummary).textContent).toMatch(
      /^1 page, screen time about 1 min · printed length \d\/8 pages in eighths · 2 scenes · 3 speaking characters · 2 locations$/,
    );
  });

  it('locks scene numbers as one undo step, keeps the cursor, numbers a new scene 1A, and unlocks', async () => {
    const view = mount();
    const { component, getByTestId } = view;
    const cursor = SCRIPT.indexOf('Tickets');
    component.select(cursor);
    await fireEvent.click(getByTestId(testIds.reportsLock));
    await tick();
    const locked = component.text();
    expect(locked).toContain('INT. KITCHEN - NIGHT #1#\n');
    expect(locked).toContain('EXT. DEPOT - DAY #2#\n');
    expect(component.cursor()).toBe(locked.indexOf('Tickets'));
    // The panel follows the editor: locked now, so it offers unlocking.
    expect(getByTestId(testIds.reportsUnlock).textContent).toContain('Unlock');
    expect(component.undo()).toBe(true);
    await tick();
    expect(component.text()).toBe(SCRIPT);
    expect(view.queryByTestId(testIds.reportsUnlock)).toBeNull();

    cleanup();
    const next = mount(locked.replace('EXT. DEPOT', 'INT. HALL - DAY\n\nNew.\n\nEXT. DEPOT'));
    await fireEvent.click(next.tab('scenes'));
    expect(next.rows().map((row) => row[0])).toEqual(['1', '1A', '2']);
    await fireEvent.click(next.getByTestId(testIds.reportsUnlock));
    await tick();
    expect(next.component.text()).not.toMatch(/#\w+#/);
    expect(next.rows().map((row) => row[0])).toEqual(['1', '2', '3']);
  });

  it('a scene row jumps to its heading line', async () => {
    const lines: number[] = [];
    const { rows, tab, panel } = mount(SCRIPT, (line) => lines.push(line));
    await fireEvent.click(tab('scenes'));
    expect(rows()).toHaveLength(2);
    const second = within(panel).getAllByTestId(testIds.reportsRow)[1] as HTMLElement;
    await fireEvent.click(second);
    expect(lines).toEqual([SCRIPT.split('\n').indexOf('EXT. DEPOT - DAY')]);
  });

  it('updates as the script changes', async () => {
    const { component, rows, tab } = mount();
    expect(rows()).toHaveLength(3);
    component.insert(SCRIPT.length, '\nINT. ROOF - DAWN\n\nZED\nHello up here.\n');
    await tick();
    expect(rows().map((row) => row[0])).toEqual(['MARA', 'JON', 'BRAM', 'ZED']);
    await fireEvent.click(tab('locations'));
    expect(rows().at(-1)?.slice(0, 4)).toEqual(['ROOF', '1', 'INT', 'DAWN']);
  });
});

describe('the printable report', () => {
  it('is a PDF with the summary and every table, readable by poppler', async () => {
    const bytes = await reportPdf(scriptReport(parseFountain(SCRIPT)), 'The test script');
    const path = join(mkdtempSync(join(tmpdir(), 'understudy-report-')), 'report.pdf');
    writeFileSync(path, bytes);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('The test script: report');
    expect(text).toMatch(/1 page, screen time about 1 min .* 2 scenes/);
    for (const word of [
      'Characters',
      'Locations',
      'Scenes',
      'MARA',
      'BRAM',
      'DEPOT',
      'INT. KITCHEN - NIGHT',
      'NIGHT',
    ]) {
      expect(text).toContain(word);
    }
  });

  it('runs onto more pages for a long cast and prints characters the font lacks as ?', async () => {
    const cast = Array.from({ length: 120 }, (_, i) => `INT. ROOM ${i} - DAY\n\nSPEAKER ${i} 李\nLine.\n`).join('\n');
    const bytes = await reportPdf(scriptReport(parseFountain(cast)), 'Long');
    const path = join(mkdtempSync(join(tmpdir(), 'understudy-report-')), 'long.pdf');
    writeFileSync(path, bytes);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' })).toContain('SPEAKER 119 ?');
  });
});
