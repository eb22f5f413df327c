import type { ClassifiedLine } from '../../../src-main/fountain/types.ts';

export type DialoguePart = { kind: 'parenthetical' | 'dialogue' | 'lyrics'; lines: string[] };

/** The printable script as blocks: what a page shows, in order, without notes, sections or synopses. */
export type PrintBlock =
  | { kind: 'scene-heading'; text: string; sceneNumber?: string }
  | { kind: 'action' | 'centered' | 'lyrics'; lines: string[] }
  | { kind: 'transition'; text: string }
  | { kind: 'dialogue'; cue: string; dual: boolean; parts: DialoguePart[] }
  | { kind: 'page-break' };

type Paragraph = Extract<PrintBlock, { lines: string[] }>;
type Dialogue = Extract<PrintBlock, { kind: 'dialogue' }>;

export function printBlocks(lines: readonly ClassifiedLine[]): PrintBlock[] {
  const blocks: PrintBlock[] = [];
  let open: Paragraph | Dialogue | undefined;
  for (const line of lines) {
    switch (line.type) {
      case 'title-page':
      case 'note':
      case 'boneyard':
        break;
      case 'blank':
      case 'section':
      case 'synopsis':
        open = undefined;
        break;
      case 'scene-heading':
        blocks.push(
          line.sceneNumber === undefined
            ? { kind: 'scene-heading', text: line.text }
            : { kind: 'scene-heading', text: line.text, sceneNumber: line.sceneNumber },
        );
        open = undefined;
        break;
      case 'transition':
        blocks.push({ kind: 'transition', text: line.text });
        open = undefined;
        break;
      case 'page-break':
        blocks.push({ kind: 'page-break' });
        open = undefined;
        break;
      case 'character':
        open = { kind: 'dialogue', cue: line.text, dual: line.dual === true, parts: [] };
        blocks.push(open);
        break;
      case 'dialogue':
      case 'parenthetical':
      case 'lyrics':
        if (open?.kind === 'dialogue') {
          addPart(open, line.type, line.text);
          break;
        }
        open = addParagraph(blocks, open, line.type === 'lyrics' ? 'lyrics' : 'action', line.text);
        break;
      case 'action':
      case 'centered':
        open = addParagraph(blocks, open, line.type, line.text);
        break;
    }
  }
  return blocks;
}

function addPart(dialogue: Dialogue, kind: DialoguePart['kind'], text: string): void {
  const last = dialogue.parts.at(-1);
  // Consecutive speech lines are one paragraph; each parenthetical stands alone.
  if (last && last.kind === kind && kind !== 'parenthetical') last.lines.push(text);
  else dialogue.parts.push({ kind, lines: [text] });
}

function addParagraph(
  blocks: PrintBlock[],
  open: Paragraph | Dialogue | undefined,
  kind: Paragraph['kind'],
  text: string,
): Paragraph {
  if (open && open.kind === kind) {
    open.lines.push(text);
    return open;
  }
  const paragraph: Paragraph = { kind, lines: [text] };
  blocks.push(paragraph);
  return paragraph;
}
