import { createHash } from 'node:crypto';
import { AppError } from '../contract/errors.ts';

/** The shortest window marking at most 0.5% of unrelated prose and of held-out corpus (bench/results/copy-rule.json). */
export const DEFAULT_COPY_WINDOW = 24;

export const COPY_INDEX_FORMAT_VERSION = 1;

/** A stretch of a draft found verbatim in the corpora, in UTF-16 offsets (`to` exclusive), as editors count. */
export interface CopySpan {
  from: number;
  to: number;
}

/** An incremental cursor over one draft, for masking while sampling: O(1) per call. */
export interface CopyMatcher {
  /** Whether appending the code point `ch` would make the last K code points a window of the corpora. */
  wouldCopy(ch: string): boolean;
  /** Appends every code point of `text`. */
  push(text: string): void;
}

// Two polynomial hashes modulo primes below 2^31; bases below 2^20 keep every product under 2^53, exact in a double.
const P1 = 2_147_483_647;
const P2 = 2_147_483_629;
const B1 = 1_000_003;
const B2 = 917_503;

const MAGIC = 0x49504355; // "UCPI", little-endian
const HEADER_BYTES = 60;
const CHECKSUM_BYTES = 32;
const MAX_WINDOW = 4096;

function corrupt(detail: string): AppError {
  return new AppError('E_MODEL_CORRUPT', `the copy index is damaged: ${detail}`);
}

function powMod(base: number, exponent: number, modulus: number): number {
  let result = 1;
  for (let i = 0; i < exponent; i++) result = (result * base) % modulus;
  return result;
}

/** murmur3's finaliser: spreads the two hashes over 32 bits before they pick a slot and a fingerprint. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function codePointOf(ch: string): number {
  const cp = ch.codePointAt(0);
  if (cp === undefined || ch.length !== (cp > 0xffff ? 2 : 1)) {
    throw new AppError('E_INVALID_INPUT', `expected one character, got ${JSON.stringify(ch)}`);
  }
  return cp;
}

function checkWindow(windowChars: number): void {
  if (!Number.isInteger(windowChars) || windowChars < 1 || windowChars > MAX_WINDOW) {
    throw new AppError('E_INVALID_INPUT', `the copy window must be a whole number from 1 to ${MAX_WINDOW}`);
  }
}

/** sha256 over the texts' own sha256 digests, sorted: the index holds a set of windows, so order does not matter. */
export function corporaHash(texts: readonly string[]): string {
  const digests = texts.map((text) => createHash('sha256').update(text, 'utf8').digest('hex')).sort();
  return createHash('sha256').update(digests.join('\n')).digest('hex');
}

/** The last K code points and their two hashes, rolled one code point at a time. */
class RollingWindow {
  readonly #ring: Int32Array;
  readonly #drop1: number;
  readonly #drop2: number;
  #next = 0;
  #filled = 0;
  #h1 = 0;
  #h2 = 0;
  /** The hashes of the window `peek` last looked at: fields, not a returned pair, so the hot loop allocates nothing. */
  peeked1 = 0;
  peeked2 = 0;

  constructor(readonly size: number) {
    this.#ring = new Int32Array(size);
    this.#drop1 = powMod(B1, size, P1);
    this.#drop2 = powMod(B2, size, P2);
  }

  /** Hashes the window that `cp` would end into `peeked1`/`peeked2`; false while that window is shorter than K. */
  peek(cp: number): boolean {
    const oldest = this.#ring[this.#next] ?? 0; // 0 until the ring is full, so nothing is dropped
    let h1 = (this.#h1 * B1 + cp - oldest * this.#drop1) % P1;
    let h2 = (this.#h2 * B2 + cp - oldest * this.#drop2) % P2;
    if (h1 < 0) h1 += P1;
    if (h2 < 0) h2 += P2;
    this.peeked1 = h1;
    this.peeked2 = h2;
    return this.#filled >= this.size - 1;
  }

  /** Appends `cp`; true when the window now ending at it is K code points long. */
  advance(cp: number): boolean {
    const complete = this.peek(cp);
    this.#h1 = this.peeked1;
    this.#h2 = this.peeked2;
    this.#ring[this.#next] = cp;
    this.#next = this.#next + 1 === this.size ? 0 : this.#next + 1;
    if (this.#filled < this.size) this.#filled++;
    return complete;
  }
}

/**
 * Open addressing with linear probing over 32-bit fingerprints (0 marks an empty slot), at most half full. A window
 * absent from the corpora is falsely found when an occupied slot on its probe path holds its fingerprint: under
 * 2.5 probes on average at load 0.5, so about 2.5 / 2^32 = 6e-10 per looked-up window.
 */
class FingerprintTable {
  #entries: number;

  constructor(
    readonly slots: Uint32Array,
    entries: number,
  ) {
    this.#entries = entries;
  }

  static withCapacity(windows: number): FingerprintTable {
    return new FingerprintTable(new Uint32Array(2 * windows + 1), 0);
  }

  get entries(): number {
    return this.#entries;
  }

  #start(h1: number, h2: number): number {
    return mix32(h1 ^ Math.imul(h2, 0x9e3779b1)) % this.slots.length;
  }

  #fingerprint(h1: number, h2: number): number {
    return mix32(h2 ^ Math.imul(h1 ^ 0x5bd1e995, 0xcc9e2d51)) || 1;
  }

  add(h1: number, h2: number): void {
    const fingerprint = this.#fingerprint(h1, h2);
    const { slots } = this;
    for (let slot = this.#start(h1, h2); ; slot = slot + 1 === slots.length ? 0 : slot + 1) {
      const held = slots[slot];
      if (held === fingerprint) return;
      if (held === 0) {
        slots[slot] = fingerprint;
        this.#entries++;
        return;
      }
    }
  }

  has(h1: number, h2: number): boolean {
    const fingerprint = this.#fingerprint(h1, h2);
    const { slots } = this;
    for (let slot = this.#start(h1, h2); ; slot = slot + 1 === slots.length ? 0 : slot + 1) {
      const held = slots[slot];
      if (held === fingerprint) return true;
      if (held === 0) return false;
    }
  }
}

class WindowMatcher implements CopyMatcher {
  readonly #table: FingerprintTable;
  readonly #window: RollingWindow;

  constructor(table: FingerprintTable, windowChars: number) {
    this.#table = table;
    this.#window = new RollingWindow(windowChars);
  }

  wouldCopy(ch: string): boolean {
    const window = this.#window;
    return window.peek(codePointOf(ch)) && this.#table.has(window.peeked1, window.peeked2);
  }

  push(text: string): void {
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i) ?? 0;
      this.#window.advance(cp);
      i += cp > 0xffff ? 2 : 1;
    }
  }
}

function codePointCount(text: string, from = 0, to = text.length): number {
  let count = 0;
  for (let i = from; i < to; count++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return count;
}

/** Every K-code-point window of a model's corpora, hashed, for O(1) "is this verbatim?" questions about drafts. */
export class CopyIndex {
  readonly #table: FingerprintTable;

  private constructor(
    table: FingerprintTable,
    /** K, in code points. */
    readonly windowChars: number,
    /** Code points indexed, over all texts. */
    readonly corpusChars: number,
    /** `corporaHash` of the texts it was built from. */
    readonly corpusHash: string,
  ) {
    this.#table = table;
  }

  /** Windows never span two texts. Takes about 8 bytes per code point. */
  static build(texts: readonly string[], windowChars: number): CopyIndex {
    checkWindow(windowChars);
    const capacity = texts.reduce((n, text) => n + Math.max(0, text.length - windowChars + 1), 0);
    const table = FingerprintTable.withCapacity(capacity);
    let chars = 0;
    for (const text of texts) {
      const window = new RollingWindow(windowChars);
      for (let i = 0; i < text.length; chars++) {
        const cp = text.codePointAt(i) ?? 0;
        if (window.advance(cp)) table.add(window.peeked1, window.peeked2);
        i += cp > 0xffff ? 2 : 1;
      }
    }
    return new CopyIndex(table, windowChars, chars, corporaHash(texts));
  }

  /** Whether this index was built from exactly these texts with this window. */
  fits(texts: readonly string[], windowChars: number): boolean {
    return this.windowChars === windowChars && this.corpusHash === corporaHash(texts);
  }

  /** A cursor for one draft; `context` (the prime) is pushed first, so a copy that starts in it counts. */
  matcher(context = ''): CopyMatcher {
    const matcher = new WindowMatcher(this.#table, this.windowChars);
    matcher.push(context);
    return matcher;
  }

  /** The maximal stretches of `text` covered by windows of the corpora, in order, touching ones merged. */
  markSpans(text: string): CopySpan[] {
    const k = this.windowChars;
    const window = new RollingWindow(k);
    const starts = new Int32Array(k); // UTF-16 offsets of the last K code points, a ring like the window's
    const spans: CopySpan[] = [];
    for (let i = 0, n = 0; i < text.length; n++) {
      const cp = text.codePointAt(i) ?? 0;
      const end = i + (cp > 0xffff ? 2 : 1);
      starts[n % k] = i;
      if (window.advance(cp) && this.#table.has(window.peeked1, window.peeked2)) {
        const from = starts[(n + 1) % k] ?? 0;
        const last = spans.at(-1);
        if (last !== undefined && from <= last.to) last.to = end;
        else spans.push({ from, to: end });
      }
      i = end;
    }
    return spans;
  }

  /** The share of `text`'s code points outside every marked span: 1 for text shorter than K. */
  /** `spans`: the text's marked spans when the caller already has them (they are not searched for again). */
  novelty(text: string, spans: readonly CopySpan[] = this.markSpans(text)): number {
    const total = codePointCount(text);
    if (total === 0) return 1;
    const copied = spans.reduce((n, span) => n + codePointCount(text, span.from, span.to), 0);
    return 1 - copied / total;
  }

  /**
   * Little-endian: magic, format version, K, slot count, entries, corpus code points (float64), corpora sha256,
   * the slots, then the sha256 of everything before it.
   */
  serialize(): Uint8Array {
    const { slots } = this.#table;
    const bytes = new Uint8Array(HEADER_BYTES + slots.length * 4 + CHECKSUM_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, COPY_INDEX_FORMAT_VERSION, true);
    view.setUint32(8, this.windowChars, true);
    view.setUint32(12, slots.length, true);
    view.setUint32(16, this.#table.entries, true);
    view.setFloat64(20, this.corpusChars, true);
    bytes.set(Buffer.from(this.corpusHash, 'hex'), 28);
    for (let i = 0; i < slots.length; i++) view.setUint32(HEADER_BYTES + i * 4, slots[i] ?? 0, true);
    const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
    bytes.set(createHash('sha256').update(body).digest(), body.length);
    return bytes;
  }

  /** Throws E_MODEL_CORRUPT for anything but an intact file of this format version. */
  static deserialize(bytes: Uint8Array): CopyIndex {
    if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw corrupt(`${bytes.length} bytes is too short`);
    const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
    const checksum = createHash('sha256').update(body).digest();
    if (!checksum.equals(bytes.subarray(body.length))) throw corrupt('the checksum does not match');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw corrupt('not a copy index');
    const version = view.getUint32(4, true);
    if (version !== COPY_INDEX_FORMAT_VERSION) {
      throw corrupt(`format version ${version}; this app reads version ${COPY_INDEX_FORMAT_VERSION}`);
    }
    const windowChars = view.getUint32(8, true);
    const slotCount = view.getUint32(12, true);
    const entries = view.getUint32(16, true);
    const corpusChars = view.getFloat64(20, true);
    if (windowChars < 1 || windowChars > MAX_WINDOW || 2 * entries >= slotCount) {
      throw corrupt('the header is inconsistent');
    }
    if (body.length !== HEADER_BYTES + slotCount * 4) throw corrupt('the slot table has the wrong length');
    const slots = new Uint32Array(slotCount);
    let held = 0;
    for (let i = 0; i < slotCount; i++) {
      const fingerprint = view.getUint32(HEADER_BYTES + i * 4, true);
      slots[i] = fingerprint;
      if (fingerprint !== 0) held++;
    }
    // Lookups stop at an empty slot, so a table fuller than its header says could loop forever.
    if (held !== entries) throw corrupt('the slot table does not match the header');
    const corpusHash = Buffer.from(bytes.subarray(28, HEADER_BYTES)).toString('hex');
    return new CopyIndex(new FingerprintTable(slots, entries), windowChars, corpusChars, corpusHash);
  }
}
