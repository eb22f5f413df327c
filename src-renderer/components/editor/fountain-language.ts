import { StateField, type EditorState, type Extension, type Range } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import type { ClassifiedLine, FountainDocument, LineType } from '../../../src-main/fountain/types.ts';

/** The parsed script, kept in step with the document: the navigator, counts and completion read it. */
export const fountainDocument = StateField.define<FountainDocument>({
  create: (state) => parseFountain(state.doc.toString()),
  update: (value, transaction) => (transaction.docChanged ? parseFountain(transaction.state.doc.toString()) : value),
});

export function fountainOf(state: EditorState): FountainDocument {
  return state.field(fountainDocument);
}

const lineDecorations = new Map<string, Decoration>();
function lineDecoration(type: string): Decoration {
  let decoration = lineDecorations.get(type);
  if (!decoration) {
    decoration = Decoration.line({ class: `cm-fountain-${type}`, attributes: { 'data-fountain': type } });
    lineDecorations.set(type, decoration);
  }
  return decoration;
}

const marks = {
  note: Decoration.mark({ class: 'cm-fountain-note-span' }),
  boneyard: Decoration.mark({ class: 'cm-fountain-boneyard-span' }),
  marker: Decoration.mark({ class: 'cm-fountain-marker' }),
  titleKey: Decoration.mark({ class: 'cm-fountain-title-key' }),
  sceneNumber: Decoration.mark({ class: 'cm-fountain-scene-number' }),
  extension: Decoration.mark({ class: 'cm-fountain-extension' }),
  bold: Decoration.mark({ class: 'cm-fountain-bold' }),
  italic: Decoration.mark({ class: 'cm-fountain-italic' }),
  underline: Decoration.mark({ class: 'cm-fountain-underline' }),
};

const EMPHASIS: [RegExp, Decoration][] = [
  [/(?<!\\)\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, marks.bold],
  [/(?<!\\)\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, marks.italic],
  [/(?<![\\*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?!\*)/g, marks.bold],
  [/(?<![\\*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)/g, marks.italic],
  [/(?<!\\)_(?=\S)(.+?)(?<=\S)_/g, marks.underline],
];

/** Per element, the parts of a line to mark: forcing characters, title keys, scene numbers, emphasis. */
const LINE_MARKS: Partial<Record<LineType, [RegExp, Decoration][]>> = {
  'title-page': [[/^[A-Za-z][A-Za-z ]*:/g, marks.titleKey], ...EMPHASIS],
  'scene-heading': [[/(?<=^\s*)\.(?!\.)/g, marks.marker], [/#[^#\s]*#(?=\s*$)/g, marks.sceneNumber], ...EMPHASIS],
  action: [[/(?<=^\s*)!/g, marks.marker], ...EMPHASIS],
  character: [
    [/(?<=^\s*)@/g, marks.marker],
    [/\(.*\)/g, marks.extension],
  ],
  dialogue: EMPHASIS,
  parenthetical: EMPHASIS,
  transition: [[/(?<=^\s*)>/g, marks.marker]],
  centered: [[/(?<=^\s*)>|<(?=\s*$)/g, marks.marker], ...EMPHASIS],
  lyrics: [[/(?<=^\s*)~/g, marks.marker], ...EMPHASIS],
  section: [[/(?<=^\s*)#+/g, marks.marker]],
  synopsis: [[/(?<=^\s*)=/g, marks.marker]],
};

function lineMarks(line: ClassifiedLine, into: Range<Decoration>[]): void {
  for (const [pattern, decoration] of LINE_MARKS[line.type] ?? []) {
    for (const match of line.source.matchAll(pattern)) {
      const from = line.from + match.index;
      into.push(decoration.range(from, from + match[0].length));
    }
  }
}

function buildDecorations(view: EditorView): DecorationSet {
  const document = fountainOf(view.state);
  const ranges: Range<Decoration>[] = [];
  for (const { from, to } of view.visibleRanges) {
    const first = view.state.doc.lineAt(from).number - 1;
    const last = view.state.doc.lineAt(to).number - 1;
    for (let index = first; index <= last; index++) {
      const line = document.lines[index];
      if (!line || line.type === 'blank') continue;
      ranges.push(lineDecoration(line.type).range(line.from));
      lineMarks(line, ranges);
    }
    for (const span of document.hidden) {
      if (span.to <= from || span.from >= to) continue;
      ranges.push(marks[span.kind].range(Math.max(span.from, from), Math.min(span.to, to)));
    }
  }
  return Decoration.set(ranges, true);
}

const fountainHighlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = buildDecorations(view);
    }
    update(update: ViewUpdate): void {
      if (update.docChanged || update.viewportChanged) this.decorations = buildDecorations(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/** Fountain support: the parsed-script field and line/mark decorations for every element. */
export function fountain(): Extension {
  return [fountainDocument, fountainHighlighter];
}
