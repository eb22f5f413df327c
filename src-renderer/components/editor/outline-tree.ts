import { findDraftSpans } from '../../../src-main/fountain/provenance.ts';
import type { FountainDocument } from '../../../src-main/fountain/types.ts';

/** A section (`#`, `##` ...) or a scene of the script, with what it spans in the text. */
export interface OutlineNode {
  kind: 'section' | 'scene';
  /** The heading or section title as it prints (forcing marks removed). */
  text: string;
  /** 0-based line of the heading or `#` line. */
  line: number;
  /** Section depth (number of `#`); scenes have none. */
  depth?: number;
  /** The scene's `#n#` number, or its position among scenes. */
  number?: string;
  /** Synopses (`=`) written under this item, before the next one. */
  synopses: string[];
  /** Document offsets the item moves as: a scene to the next heading or section, a section with all it holds. */
  from: number;
  to: number;
  children: OutlineNode[];
}

/**
 * The script's outline: sections nest by depth, a scene belongs to the deepest section above it, and a synopsis to
 * the item above it. A draft inserted with its provenance notes starts where its start note starts.
 */
export function buildOutline(document: FountainDocument, text: string): OutlineNode[] {
  const roots: OutlineNode[] = [];
  const open: OutlineNode[] = [];
  const flat: OutlineNode[] = [];
  let scenes = 0;
  for (const line of document.lines) {
    if (line.type === 'synopsis') {
      flat.at(-1)?.synopses.push(line.text);
      continue;
    }
    if (line.type !== 'section' && line.type !== 'scene-heading') continue;
    const node: OutlineNode = {
      kind: line.type === 'section' ? 'section' : 'scene',
      text: line.text,
      line: line.index,
      synopses: [],
      from: line.from,
      to: text.length,
      children: [],
    };
    if (node.kind === 'section') {
      node.depth = line.depth ?? 1;
      while ((open.at(-1)?.depth ?? 0) >= node.depth) open.pop();
    } else {
      node.number = line.sceneNumber ?? String(++scenes);
      if (line.sceneNumber !== undefined) scenes++;
    }
    (open.at(-1)?.children ?? roots).push(node);
    if (node.kind === 'section') open.push(node);
    flat.push(node);
  }
  setRanges(flat, text);
  return roots;
}

function setRanges(flat: readonly OutlineNode[], text: string): void {
  const starts = chunkStarts(flat, text);
  flat.forEach((node, index) => {
    node.from = starts[index] ?? node.from;
    if (node.kind === 'scene') node.to = starts[index + 1] ?? text.length;
  });
  flat.forEach((node, index) => {
    if (node.kind !== 'section') return;
    const next = flat.findIndex(
      (other, at) => at > index && other.kind === 'section' && (other.depth ?? 1) <= (node.depth ?? 1),
    );
    node.to = next === -1 ? text.length : (flat[next]?.from ?? text.length);
  });
}

/** Where each item starts: its own line, or a draft's start note when the item opens that draft. */
function chunkStarts(flat: readonly OutlineNode[], text: string): number[] {
  const drafts = findDraftSpans(text);
  const starts: number[] = [];
  let previous = 0;
  for (const node of flat) {
    const draft = drafts.find((span) => span.from < node.from && node.from < span.to);
    const opensDraft =
      draft !== undefined && draft.from >= previous && text.slice(draft.body.from, node.from).trim() === '';
    const start = opensDraft ? lineStart(text, draft.from) : node.from;
    starts.push(start);
    previous = node.from;
  }
  return starts;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Every item in document order. */
export function flatten(nodes: readonly OutlineNode[]): OutlineNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

/** The siblings list holding the item at `line`, and its place in it. */
function locate(nodes: OutlineNode[], line: number): { siblings: OutlineNode[]; index: number } | undefined {
  const index = nodes.findIndex((node) => node.line === line);
  if (index !== -1) return { siblings: nodes, index };
  for (const node of nodes) {
    const found = locate(node.children, line);
    if (found) return found;
  }
  return undefined;
}

/** The innermost item holding a document offset: the scene it is in, or the section whose heading part it is in. */
export function itemAt(nodes: readonly OutlineNode[], offset: number): OutlineNode | undefined {
  let found: OutlineNode | undefined;
  for (const node of flatten(nodes)) {
    if (node.from > offset) break;
    if (offset <= node.to) found = node;
  }
  return found;
}

export interface OutlineMove {
  /** One replacement of the text between `from` and `to`. */
  from: number;
  to: number;
  insert: string;
  /** Where the moved item starts afterwards. */
  movedTo: number;
}

/**
 * Moves a section past its previous or next sibling (undefined at either end of its list). A scene swaps with the
 * neighbouring scene, or steps over a section's heading into that section (or out of its own), one boundary a press.
 */
export function moveBySibling(
  nodes: OutlineNode[],
  text: string,
  line: number,
  direction: 'up' | 'down',
): OutlineMove | undefined {
  const place = locate(nodes, line);
  const node = place?.siblings[place.index];
  if (!place || !node) return undefined;
  if (node.kind === 'scene') return moveScene(flatten(nodes), text, node, direction);
  const neighbour = place.siblings[place.index + (direction === 'up' ? -1 : 1)];
  if (!neighbour) return undefined;
  return relocate(text, node, direction === 'up' ? neighbour.from : neighbour.to);
}

/** The items in document order each own the text up to the next one; a scene swaps with the one beside it. */
function moveScene(
  flat: readonly OutlineNode[],
  text: string,
  scene: OutlineNode,
  direction: 'up' | 'down',
): OutlineMove | undefined {
  const index = flat.indexOf(scene);
  if (direction === 'up') {
    const above = flat[index - 1];
    return above && relocate(text, scene, above.from);
  }
  const below = flat[index + 1];
  return below && relocate(text, scene, flat[index + 2]?.from ?? text.length);
}

/** Moves an item to just before another (or to the end of the script when `beforeLine` is undefined). */
export function moveBefore(
  nodes: OutlineNode[],
  text: string,
  line: number,
  beforeLine: number | undefined,
): OutlineMove | undefined {
  const all = flatten(nodes);
  const node = all.find((candidate) => candidate.line === line);
  const target = beforeLine === undefined ? text.length : all.find((candidate) => candidate.line === beforeLine)?.from;
  if (!node || target === undefined || (target >= node.from && target <= node.to)) return undefined;
  return relocate(text, node, target);
}

/** Moves the text of `block` so that it starts at `target`, an item boundary outside it. */
function relocate(text: string, block: { from: number; to: number }, target: number): OutlineMove {
  if (target < block.from) {
    const { text: insert } = swapped(text.slice(target, block.from), text.slice(block.from, block.to));
    return { from: target, to: block.to, insert, movedTo: target };
  }
  const { text: insert, firstAt } = swapped(text.slice(block.from, block.to), text.slice(block.to, target));
  return { from: block.from, to: target, insert, movedTo: block.from + firstAt };
}

/**
 * `first` then `second` becomes `second` then `first`: the blank lines between them stay between them (at least
 * one, so a heading still follows a blank line) and the script's trailing line breaks stay at its end.
 */
export function swapped(first: string, second: string): { text: string; firstAt: number } {
  const end = /\n*$/.exec(second)?.[0] ?? '';
  const secondBody = second.slice(0, second.length - end.length);
  const firstBody = first.replace(/\n*$/, '');
  const found = first.slice(firstBody.length);
  const gap = found.length >= 2 ? found : '\n\n';
  return { text: `${secondBody}${gap}${firstBody}${end}`, firstAt: secondBody.length + gap.length };
}
