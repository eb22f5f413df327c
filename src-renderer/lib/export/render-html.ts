import { parseFountain } from '../../../src-main/fountain/parse.ts';
import type { TitleField } from '../../../src-main/fountain/types.ts';
import { escapeHtml, inlineHtml } from './inline-html.ts';
import { printStylesheet, type Paper } from './print-css.ts';
import { printBlocks, type PrintBlock } from './print-blocks.ts';

export interface RenderOptions {
  paper: Paper;
}

/**
 * A complete, script-free HTML document of the screenplay in standard layout, ready for Electron's
 * `printToPDF` or Chromium's `page.pdf({ preferCSSPageSize: true })`.
 */
export function renderScreenplayHtml(text: string, { paper }: RenderOptions): string {
  const document = parseFountain(text);
  const title = fieldText(document.titlePage, 'title') ?? 'Untitled screenplay';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(plainText(title))}</title>`,
    `<style>${printStylesheet(paper)}</style>`,
    '</head>',
    `<body class="paper-${paper}">`,
    renderTitlePage(document.titlePage),
    '<main class="script">',
    ...mergeDualDialogue(printBlocks(document.lines).map(renderBlock)),
    '</main>',
    '</body>',
    '</html>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** Title text for the document head: one line, emphasis markers dropped. */
function plainText(value: string): string {
  return value
    .replace(/(?<!\\)[*_]/g, '')
    .replace(/\\([*_])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function fieldText(fields: readonly TitleField[], ...keys: string[]): string | undefined {
  const field = fields.find((candidate) => keys.includes(candidate.key));
  return field && field.lines.length > 0 ? field.lines.join('\n') : undefined;
}

function renderTitlePage(fields: readonly TitleField[]): string {
  if (fields.length === 0) return '';
  const paragraph = (className: string, ...keys: string[]): string => {
    const value = fieldText(fields, ...keys);
    return value === undefined ? '' : `<p class="${className}">${multiline(value)}</p>`;
  };
  const centred = [
    paragraph('title', 'title'),
    paragraph('credit', 'credit'),
    paragraph('authors', 'author', 'authors'),
    paragraph('source', 'source'),
    paragraph('notes', 'notes'),
  ].join('');
  const contact = [paragraph('contact', 'contact', 'contact info'), paragraph('copyright', 'copyright')].join('');
  const dated = [paragraph('draft-date', 'draft date', 'date'), paragraph('revision', 'revision')].join('');
  return (
    '<section class="title-page">' +
    `<div class="title-block">${centred}</div>` +
    `<div class="contact-block"><div>${contact}</div><div>${dated}</div></div>` +
    '</section>'
  );
}

function multiline(value: string): string {
  return value.split('\n').map(inlineHtml).join('\n');
}

interface RenderedBlock {
  html: string;
  dual: boolean;
}

function renderBlock(block: PrintBlock): RenderedBlock {
  switch (block.kind) {
    case 'scene-heading': {
      const numbers =
        block.sceneNumber === undefined
          ? ''
          : ['left', 'right']
              .map((side) => `<span class="scene-number ${side}">${escapeHtml(block.sceneNumber ?? '')}</span>`)
              .join('');
      return { html: `<h2 class="scene-heading">${numbers}${inlineHtml(block.text)}</h2>`, dual: false };
    }
    case 'action':
    case 'centered':
    case 'lyrics':
      return { html: `<p class="${block.kind}">${multiline(block.lines.join('\n'))}</p>`, dual: false };
    case 'transition':
      return { html: `<p class="transition">${inlineHtml(block.text)}</p>`, dual: false };
    case 'page-break':
      return { html: '<div class="page-break"></div>', dual: false };
    case 'dialogue': {
      const parts = block.parts.map((part) => `<p class="${part.kind}">${multiline(part.lines.join('\n'))}</p>`);
      const html = `<div class="dialogue-block"><p class="character">${inlineHtml(block.cue)}</p>${parts.join('')}</div>`;
      return { html, dual: block.dual };
    }
  }
}

/** A cue marked `^` sits beside the dialogue block just before it. */
function mergeDualDialogue(blocks: readonly RenderedBlock[]): string[] {
  const html: string[] = [];
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1];
    const canPair = block.dual && previous?.html.startsWith('<div class="dialogue-block">') && !previous.dual;
    if (canPair) html.push(`<div class="dual-dialogue">${html.pop() ?? ''}${block.html}</div>`);
    else html.push(block.html);
  });
  return html;
}
