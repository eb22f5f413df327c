/**
 * The character vocabulary: Unicode code points (a surrogate pair is one character), sorted by code point when
 * built from texts; a fine-tune keeps its base's order and appends the characters new to it (see `extendedBy`).
 * Unknown-character policy: characters not in the vocabulary are skipped when encoding (and counted);
 * generation only ever emits vocabulary characters.
 */
export class Vocab {
  private readonly index: Map<number, number>;

  private constructor(readonly codePoints: readonly number[]) {
    this.index = new Map(codePoints.map((cp, i) => [cp, i]));
  }

  static fromTexts(texts: Iterable<string>): Vocab {
    const seen = new Set<number>();
    for (const text of texts) {
      for (const ch of text) seen.add(ch.codePointAt(0) ?? 0);
    }
    return new Vocab([...seen].sort((a, b) => a - b));
  }

  static fromCodePoints(codePoints: readonly number[]): Vocab {
    return new Vocab([...codePoints]);
  }

  /**
   * This vocabulary with the characters of `texts` it lacks appended, in code-point order: every known character
   * keeps its index, so a model's weights for them still apply. `added` is how many are new.
   */
  extendedBy(texts: Iterable<string>): { vocab: Vocab; added: number[] } {
    const seen = new Set<number>();
    for (const text of texts) {
      for (const ch of text) {
        const cp = ch.codePointAt(0) ?? 0;
        if (!this.index.has(cp)) seen.add(cp);
      }
    }
    const added = [...seen].sort((a, b) => a - b);
    return { vocab: new Vocab([...this.codePoints, ...added]), added };
  }

  get size(): number {
    return this.codePoints.length;
  }

  has(ch: string): boolean {
    return this.index.has(ch.codePointAt(0) ?? -1);
  }

  indexOf(ch: string): number | undefined {
    return this.index.get(ch.codePointAt(0) ?? -1);
  }

  /** Encodes text to indices, skipping characters outside the vocabulary. */
  encode(text: string): { ids: Int32Array; unknown: number } {
    const ids: number[] = [];
    let unknown = 0;
    for (const ch of text) {
      const id = this.index.get(ch.codePointAt(0) ?? -1);
      if (id === undefined) unknown += 1;
      else ids.push(id);
    }
    return { ids: Int32Array.from(ids), unknown };
  }

  char(id: number): string {
    const cp = this.codePoints[id];
    if (cp === undefined) throw new RangeError(`character index ${id} outside a vocabulary of ${this.size}`);
    return String.fromCodePoint(cp);
  }

  decode(ids: Iterable<number>): string {
    let out = '';
    for (const id of ids) out += this.char(id);
    return out;
  }
}
