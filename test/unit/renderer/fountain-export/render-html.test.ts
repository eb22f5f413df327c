import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineHtml } from '../../../../src-renderer/lib/export/inline-html';
import { renderScreenplayHtml } from '../../../../src-renderer/lib/export/render-html';

const sample = readFileSync(
  resolve(import.meta.dirname, '../../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

const classes = (document: Document, selector: string): string[] =>
  [...document.querySelectorAll(selector)].map((element) => element.className);

describe('renderScreenplayHtml', () => {
  it('produces a complete, script-free document with the print stylesheet for the paper', () => {
    const letter = renderScreenplayHtml(sample, { paper: 'letter' });
    const a4 = renderScreenplayHtml(sample, { paper: 'a4' });
    expect(letter.startsWith('<!doctype html>')).toBe(true);
    const document = parse(letter);
    expect(document.title).toBe('The Last Bus to Harrow Point');
    expect(document.querySelectorAll('script')).toHaveLength(0);
    const css = document.querySelector('style')?.textContent ?? '';
    expect(css).toContain('size: 8.5in 11in');
    expect(css).toMatch(/@top-right\s*{\s*content: counter\(page\) "\."/);
    expect(parse(a4).querySelector('style')?.textContent).toContain('size: 210mm 297mm');
    expect(document.body.className).toBe('paper-letter');
  });

  it('builds the title page from the title block', () => {
    const document = parse(renderScreenplayHtml(sample, { paper: 'letter' }));
    const page = document.querySelector('section.title-page');
    expect(page?.querySelector('.title')?.textContent).toBe('The Last Bus to Harrow Point');
    expect(page?.querySelector('.credit')?.textContent).toBe('Written by');
    expect(page?.querySelector('.authors')?.textContent).toBe('Understudy Sample');
    expect(page?.querySelector('.contact')?.textContent).toBe('Understudy\nsample@understudy.invalid');
    expect(page?.querySelector('.draft-date')?.textContent).toBe('November 2026');
    expect(parse(renderScreenplayHtml('INT. A - DAY\n\nHi.', { paper: 'a4' })).querySelector('.title-page')).toBeNull();
  });

  it('lays the script out as screenplay elements and leaves out what does not print', () => {
    const document = parse(renderScreenplayHtml(sample, { paper: 'letter' }));
    const script = document.querySelector('main.script');
    expect(script?.querySelectorAll('h2.scene-heading')).toHaveLength(5);
    expect(script?.querySelector('h2.scene-heading')?.textContent).toBe('EXT. HARROW POINT BUS DEPOT - NIGHT');
    const firstSpeech = script?.querySelector('.dialogue-block');
    expect([...(firstSpeech?.children ?? [])].map((child) => child.className)).toEqual([
      'character',
      'parenthetical',
      'dialogue',
    ]);
    expect(firstSpeech?.querySelector('.character')?.textContent).toBe('DESMOND');
    expect(firstSpeech?.querySelector('.dialogue')?.textContent).toBe(
      "Last one, ma'am. You want Harrow Point, this is it.",
    );
    expect(classes(document, '.transition')).toHaveLength(2);
    expect(script?.querySelector('.centered')?.textContent).toBe('THE END');
    const text = script?.textContent ?? '';
    expect(text).not.toContain('ACT ONE');
    expect(text).not.toContain('Two strangers');
    expect(text).not.toContain('Keep it in her eyes');
    expect(text).not.toContain('My mother used to say');
  });

  it('joins action lines, pairs dual dialogue, numbers scenes and breaks pages', () => {
    const script = 'INT. A - DAY #4#\n\nOne line\nand the next.\n\nBOB\nHi.\n\nANN ^\nHello.\n\n===\n\n~La la';
    const document = parse(renderScreenplayHtml(script, { paper: 'letter' }));
    expect([...document.querySelectorAll('main > *')].map((element) => element.className)).toEqual([
      'scene-heading',
      'action',
      'dual-dialogue',
      'page-break',
      'lyrics',
    ]);
    expect(document.querySelector('.action')?.textContent).toBe('One line\nand the next.');
    expect(document.querySelectorAll('.dual-dialogue > .dialogue-block')).toHaveLength(2);
    expect([...document.querySelectorAll('.scene-number')].map((n) => n.textContent)).toEqual(['4', '4']);
  });

  it('escapes HTML and renders Fountain emphasis', () => {
    expect(inlineHtml('<b> & *it* **bold** ***both*** _under_ \\*not\\*')).toBe(
      '&lt;b&gt; &amp; <em>it</em> <strong>bold</strong> <strong><em>both</em></strong> <u>under</u> *not*',
    );
    const document = parse(
      renderScreenplayHtml('Title: <script>x</script>\n\nA <img src=x onerror=alert(1)>.', { paper: 'letter' }),
    );
    expect(document.querySelectorAll('script, img')).toHaveLength(0);
    expect(parse(renderScreenplayHtml('Title: **Big**\n  _Night_\n\nHi.', { paper: 'a4' })).title).toBe('Big Night');
    expect(document.querySelector('.action')?.textContent).toBe('A <img src=x onerror=alert(1)>.');
  });
});
