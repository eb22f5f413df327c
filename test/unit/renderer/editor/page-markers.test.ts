import './jsdom-ranges';
import { EditorView } from '@codemirror/view';
import { cleanup, render } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { paginate } from '../../../../src-main/fountain/paginate';
import { parseFountain } from '../../../../src-main/fountain/parse';
import ScreenplayEditor from '../../../../src-renderer/components/editor/ScreenplayEditor.svelte';
import { pageStarts, shownPageStarts } from '../../../../src-renderer/components/editor/page-markers';
import { testIds } from '../../../../src-renderer/lib/test-ids';

const sample = readFileSync(
  resolve(import.meta.dirname, '../../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

afterEach(() => cleanup());

function mount(value: string, props: Record<string, unknown> = {}) {
  const result = render(ScreenplayEditor, { props: { value, ...props } });
  const root = result.getByTestId(testIds.screenplayEditor).querySelector('.cm-editor');
  const view = root instanceof HTMLElement ? EditorView.findFromDOM(root) : null;
  if (!view) throw new Error('CodeMirror did not mount');
  const markers = () => [...result.container.querySelectorAll<HTMLElement>('.cm-page-marker')];
  return { ...result, view, markers };
}

/** The first source line that begins on each page after the first, by the paginator itself. */
function expectedStarts(text: string, paper: 'letter' | 'a4' = 'letter'): { line: number; label: string }[] {
  const seen = new Set<number>();
  return paginate(parseFountain(text), { paper }).pages.flatMap((page, index) => {
    const lines = page.rows.flat().flatMap((cell) => (cell.line === undefined ? [] : [cell.line]));
    const begun = lines.filter((line) => !seen.has(line));
    for (const line of lines) seen.add(line);
    return index === 0 ? [] : [{ line: Math.min(...begun), label: page.label ?? '' }];
  });
}

/** A long script: the sample's scenes over and over, 120 pages or more. */
function longScript(): string {
  const body = sample.slice(sample.indexOf('EXT. HARROW POINT BUS DEPOT'));
  let text = 'Title: Long\n\n';
  while (paginate(parseFountain(text)).pages.length < 120) text += `${body}\n\n`;
  return text;
}

describe('page-break markers', () => {
  it('marks where each page after the first begins in the sample, as the paginator lays it out', async () => {
    const { view } = mount(sample);
    const expected = expectedStarts(sample);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(shownPageStarts(view.state)).toHaveLength(expected.length), { timeout: 2000 });
    // The paginator's page count is the markers plus the first page, which prints no number.
    expect(shownPageStarts(view.state).length + 1).toBe(paginate(parseFountain(sample)).pages.length);
    expect(shownPageStarts(view.state).map((start) => start.label)).toEqual(expected.map((start) => start.label));
    const lines = shownPageStarts(view.state).map((start) => view.state.doc.lineAt(start.pos).number - 1);
    expect(lines).toEqual(expected.map((start) => start.line));
  });

  it('draws a numbered rule right before the first line of each page', async () => {
    const script = 'INT. A - DAY\n\nOne.\n\n===\n\nINT. B - DAY\n\nTwo.\n\n===\n\nThree.';
    const { markers } = mount(script);
    expect(expectedStarts(script)).toHaveLength(2);
    await vi.waitFor(() => expect(markers()).toHaveLength(2), { timeout: 2000, interval: 20 });
    expect(markers().map((marker) => marker.textContent)).toEqual(['2.', '3.']);
    expect(markers().map((marker) => marker.nextElementSibling?.textContent)).toEqual(['INT. B - DAY', 'Three.']);
    expect(markers()[0]?.getAttribute('role')).toBe('separator');
    expect(markers()[0]?.getAttribute('aria-label')).toBe('Page 2');
  });

  it("puts the rule under a speech carried over with (CONT'D), at the first line that begins on the new page", async () => {
    const speech = Array.from({ length: 30 }, (_, index) => `Sentence number ${index + 1} of a speech that runs on.`);
    const script = [
      'INT. HALL - DAY',
      '',
      ...Array.from({ length: 20 }, () => 'She waits.\n'),
      'ANN',
      speech.join(' '),
      '',
      'BOB',
      'Done?',
    ].join('\n');
    const pages = paginate(parseFountain(script)).pages;
    const cue = script.split('\n').indexOf('ANN');
    const carried = pages[1]?.rows.flat().find((cell) => cell.kind === 'character');
    expect(carried?.text).toBe("ANN (CONT'D)");
    expect(carried?.line).toBe(cue);
    const { view } = mount(script);
    await vi.waitFor(() => expect(shownPageStarts(view.state)).toHaveLength(pages.length - 1));
    const first = shownPageStarts(view.state)[0];
    expect(view.state.doc.lineAt(first?.pos ?? 0).text).toBe('BOB');
  });

  it('follows the text as the writer types, then the paginator once typing pauses', async () => {
    const { view } = mount(sample);
    await vi.waitFor(() => expect(shownPageStarts(view.state)).toHaveLength(expectedStarts(sample).length));
    const before = shownPageStarts(view.state).map((start) => start.pos);
    view.dispatch({ changes: { from: 0, insert: 'X' }, userEvent: 'input.type' });
    expect(shownPageStarts(view.state).map((start) => start.pos)).toEqual(before.map((pos) => pos + 1));
    // A forced page break near the top adds a page.
    const at = view.state.doc.line(20).from;
    view.dispatch({ changes: { from: at, insert: '\n===\n\n' }, userEvent: 'input.type' });
    const text = view.state.doc.toString();
    const expected = expectedStarts(text);
    expect(expected.length).toBe(expectedStarts(sample).length + 1);
    await vi.waitFor(() =>
      expect(shownPageStarts(view.state).map((start) => start.label)).toEqual(expected.map((s) => s.label)),
    );
    expect(shownPageStarts(view.state).map((start) => view.state.doc.lineAt(start.pos).number - 1)).toEqual(
      expected.map((start) => start.line),
    );
  });

  it('vanish when turned off and come back when turned on; A4 paper paginates as A4', async () => {
    const script = 'INT. A - DAY\n\nOne.\n\n===\n\nTwo.';
    const { markers, rerender, view } = mount(script);
    await vi.waitFor(() => expect(markers()).toHaveLength(1));
    await rerender({ pageMarkers: false });
    expect(markers()).toHaveLength(0);
    expect(shownPageStarts(view.state)).toHaveLength(0);
    await new Promise((done) => setTimeout(done, 400));
    expect(markers()).toHaveLength(0);
    await rerender({ pageMarkers: true });
    await vi.waitFor(() => expect(markers()).toHaveLength(1));
    await rerender({ value: sample, paper: 'a4' });
    const a4 = expectedStarts(sample, 'a4');
    await vi.waitFor(() =>
      expect(shownPageStarts(view.state).map((start) => view.state.doc.lineAt(start.pos).number - 1)).toEqual(
        a4.map((start) => start.line),
      ),
    );
  });

  it('keeps pagination off the keystroke path of a 120-page script', async () => {
    const text = longScript();
    const pages = paginate(parseFountain(text)).pages.length;
    const { view } = mount(text);
    await vi.waitFor(() => expect(shownPageStarts(view.state)).toHaveLength(pages - 1), { timeout: 5000 });
    const started = performance.now();
    const paginated = pageStarts(view.state, 'letter');
    const paginateMs = performance.now() - started;
    expect(paginated).toHaveLength(pages - 1);
    const times: number[] = [];
    for (let index = 0; index < 20; index++) {
      const head = view.state.doc.line(40).from;
      const start = performance.now();
      view.dispatch({ changes: { from: head, insert: 'a' }, userEvent: 'input.type' });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[10] ?? Infinity;
    // Generous bounds for a shared machine: a keystroke stays interactive and does not wait for the paginator.
    expect(median).toBeLessThan(150);
    expect(paginateMs).toBeLessThan(2000);
    // The markers catch up once typing pauses.
    await vi.waitFor(
      () =>
        expect(shownPageStarts(view.state).map((s) => s.pos)).toEqual(
          pageStarts(view.state, 'letter').map((s) => s.pos),
        ),
      { timeout: 5000 },
    );
  });
});
