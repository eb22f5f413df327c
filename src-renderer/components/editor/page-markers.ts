import { StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { paginate, type Paper } from '../../../src-main/fountain/paginate.ts';
import { fountainOf } from './fountain-language.ts';

/** Typing pauses this long before the script is paginated again; until then the markers move with the text. */
export const PAGE_MARKER_DELAY_MS = 300;

export interface PageStart {
  /** Document offset of the line the page starts with. */
  pos: number;
  /** What the page prints top right: `2.`, `3.` ... */
  label: string;
}

/**
 * Where pages 2, 3 ... begin, as the Fountain core's paginator lays the script out: at the first source line that
 * begins on the page (a speech carried over with (CONT'D) began on the page before, so the rule goes under it).
 */
export function pageStarts(state: EditorState, paper: Paper): PageStart[] {
  const { pages } = paginate(fountainOf(state), { paper });
  const starts: PageStart[] = [];
  let last = -1;
  pages.forEach((page, index) => {
    const lines = page.rows.flat().flatMap((cell) => (cell.line === undefined ? [] : [cell.line]));
    const begun = lines.filter((line) => line > last);
    const first = begun.length > 0 ? Math.min(...begun) : last;
    if (index > 0 && first >= 0) {
      starts.push({ pos: state.doc.line(Math.min(first + 1, state.doc.lines)).from, label: page.label ?? '' });
    }
    last = Math.max(last, ...lines);
  });
  return starts;
}

class PageMarker extends WidgetType {
  constructor(readonly label: string) {
    super();
  }
  override eq(other: PageMarker): boolean {
    return other.label === this.label;
  }
  toDOM(): HTMLElement {
    const marker = document.createElement('div');
    marker.className = 'cm-page-marker';
    marker.setAttribute('role', 'separator');
    marker.setAttribute('aria-label', `Page ${this.label.replace(/\.$/, '')}`);
    marker.dataset['page'] = this.label;
    const label = marker.appendChild(document.createElement('span'));
    label.textContent = this.label;
    return marker;
  }
  override get estimatedHeight(): number {
    return 20;
  }
}

const setPageStarts = StateEffect.define<readonly PageStart[]>();

const pageMarkerField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(markers, transaction) {
    let next = markers.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(setPageStarts)) {
        next = Decoration.set(
          effect.value.map(({ pos, label }) =>
            Decoration.widget({ widget: new PageMarker(label), block: true, side: -1 }).range(pos),
          ),
          true,
        );
      }
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The page starts shown now (offsets in the current text). */
export function shownPageStarts(state: EditorState): PageStart[] {
  const starts: PageStart[] = [];
  const cursor = state.field(pageMarkerField, false)?.iter();
  while (cursor?.value) {
    const widget = cursor.value.spec['widget'] as PageMarker;
    starts.push({ pos: cursor.from, label: widget.label });
    cursor.next();
  }
  return starts;
}

function paginator(paper: Paper): Extension {
  return ViewPlugin.fromClass(
    class {
      #timer: ReturnType<typeof setTimeout> | undefined;
      constructor(readonly view: EditorView) {
        this.#schedule(0);
      }
      update(update: ViewUpdate): void {
        if (update.docChanged) this.#schedule(PAGE_MARKER_DELAY_MS);
      }
      destroy(): void {
        clearTimeout(this.#timer);
      }
      // Paginating a long script takes milliseconds, so it runs once typing pauses, never on the keystroke.
      #schedule(delay: number): void {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => {
          this.view.dispatch({ effects: setPageStarts.of(pageStarts(this.view.state, paper)) });
        }, delay);
      }
    },
  );
}

/** A thin rule with the page number where each printed page begins (as Final Draft and Beat show them). */
export function pageMarkers(paper: Paper = 'letter'): Extension {
  return [pageMarkerField, paginator(paper)];
}
