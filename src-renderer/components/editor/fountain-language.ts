import { StateField, type EditorState, type Extension, type Range } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { parseFountain } from '../../lib/fountain/parse.ts';
import type { ClassifiedLine, FountainDocument } from '../../lib/fountain/types.ts';

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

const EMPHASIS: [RegExp, Decoration[]][] = [
  [/(?<!\\)\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, [marks.bold, marks.italic]],
  [/(?<![\\*])\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*(?!\*)/g, [marks.bold]],
  [/(?<![\\*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)/g, [marks.italic]],
  [/(?<!\\)_(?=\S)(.+?)(?<=\S)_/g, [marks.underline]],
];

/** Marks inside one line: forcing characters, title keys, scene numbers, cue extensions, emphasis. */
function lineMarks(line: ClassifiedLine, into: Range<Decoration>[]): void {
  const { source, from } = line;
  const lead = source.length - source.trimStart().length;
  const forced = /^[.@!>~=#]+/.exec(source.slice(lead));
  if (
    forced &&
    ['scene-heading', 'character', 'action', 'transition', 'lyrics', 'synopsis', 'section'].includes(line.type)
  )
    into.push(marks.marker.range(from + lead, from + lead + forced[0].length));
  if (line.type === 'centered') {
    into.push(marks.marker.range(from + lead, from + lead + 1));
    const close = source.lastIndexOf('<');
    into.push(marks.marker.range(from + close, from + close + 1));
  }
  if (line.type === 'title-page') {
    const key = /^\s*[A-Za-z][A-Za-z ]*:/.exec(source);
    if (key && !/^(\t| {3})/.test(source)) into.push(marks.titleKey.range(from, from + key[0].length));
  }
  if (line.type === 'scene-heading' && line.sceneNumber !== undefined) {
    const number = /#[^#]*#\s*$/.exec(source);
    if (number)
      into.push(marks.sceneNumber.range(from + number.index, from + number.index + number[0].trimEnd().length));
  }
  if (line.type === 'character') {
    const extension = /\(.*\)/.exec(source);
    if (extension)
      into.push(marks.extension.range(from + extension.index, from + extension.index + extension[0].length));
  }
  if (
    ['action', 'dialogue', 'parenthetical', 'lyrics', 'centered', 'scene-heading', 'title-page'].includes(line.type)
  ) {
    for (const [pattern, decorations] of EMPHASIS) {
      for (const match of source.matchAll(pattern)) {
        for (const decoration of decorations)
          into.push(decoration.range(from + match.index, from + match.index + match[0].length));
      }
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
