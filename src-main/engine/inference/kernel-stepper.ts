import type { CharLstmWeights } from '../model.ts';
import { KernelMemory, panelWidth } from './step-kernel.ts';
import type { CharStepper, LayerState } from './stepper.ts';

interface PackedLayer {
  /** Layer 0: the input table [vocab, 4U] (embedding x kernel + bias); later layers: bias [4U]. */
  input: number;
  /** Layers after the first: the input kernel [U, 4U] in panels. */
  kernel: number;
  recurrent: number;
}

/** Time steps a prime runs through one layer before the next layer takes them (bounds the scratch memory). */
const PRIME_CHUNK = 64;

/** A run's buffers: per layer h and c [rows, U], pre-activations [rows, 4U], logits [rows, vocab padded]. */
interface Slot {
  rows: number;
  h: number[];
  c: number[];
  z: number;
  logits: number;
}

/**
 * A model's weights in step-kernel memory, packed once and shared by every generation with it. Layer 0's input
 * projection is precomputed per character (embedding x kernel + bias), so a step starts with a row copy.
 */
export class PackedModel {
  private readonly free = new Map<number, Slot[]>();
  /** Pre-activations [PRIME_CHUNK, 4U] and two layers' outputs [PRIME_CHUNK, U] for priming (sync, so shared). */
  private primeScratch: { z: number; outputs: [number, number] } | null = null;

  private constructor(
    private readonly memory: KernelMemory,
    readonly units: number,
    readonly vocabSize: number,
    private readonly layers: PackedLayer[],
    private readonly dense: number,
    private readonly denseBias: number,
  ) {}

  /** Null when the kernel cannot run here or the shapes do not suit it (the caller then uses tensor ops). */
  static fromWeights(w: CharLstmWeights): PackedModel | null {
    const [vocabSize, embeddingSize] = w.embedding.shape;
    const units = w.denseKernel.shape[0];
    if (embeddingSize % 2 !== 0 || units % 4 !== 0) return null;
    const memory = KernelMemory.create();
    if (memory === null) return null;
    const gates = 4 * units;
    const values = (t: { dataSync(): unknown }): Float32Array => t.dataSync() as Float32Array;
    const layers = w.lstm.map((layer, l): PackedLayer => {
      const bias = values(layer.bias);
      if (l > 0) {
        const input = memory.alloc(gates);
        memory.f32.set(bias, input / 4);
        return {
          input,
          kernel: memory.packPanels(values(layer.kernel), units, gates),
          recurrent: memory.packPanels(values(layer.recurrentKernel), units, gates),
        };
      }
      const embedding = memory.alloc(vocabSize * embeddingSize);
      memory.f32.set(values(w.embedding), embedding / 4);
      const kernel = memory.packPanels(values(layer.kernel), embeddingSize, gates);
      const table = memory.alloc(vocabSize * gates);
      memory.f32.set(bias, table / 4);
      memory.fillRows(table + 4 * gates, vocabSize - 1, gates, table, gates);
      memory.matvec(embedding, vocabSize, embeddingSize, kernel, gates, table, gates);
      return { input: table, kernel: -1, recurrent: memory.packPanels(values(layer.recurrentKernel), units, gates) };
    });
    const dense = memory.packPanels(values(w.denseKernel), units, vocabSize);
    const denseBias = memory.alloc(vocabSize);
    memory.f32.set(values(w.denseBias), denseBias / 4);
    return new PackedModel(memory, units, vocabSize, layers, dense, denseBias);
  }

  /** A slot of `rows` rows in the zero state. */
  acquire(rows: number): Slot {
    const reused = this.free.get(rows)?.pop();
    if (reused !== undefined) {
      this.setState(reused, null);
      return reused;
    }
    const u = this.units;
    const m = this.memory;
    return {
      rows,
      h: this.layers.map(() => m.alloc(rows * u)),
      c: this.layers.map(() => m.alloc(rows * u)),
      z: m.alloc(rows * 4 * u),
      logits: m.alloc(rows * panelWidth(this.vocabSize)),
    };
  }

  release(slot: Slot): void {
    const list = this.free.get(slot.rows) ?? [];
    list.push(slot);
    this.free.set(slot.rows, list);
  }

  setState(slot: Slot, state: readonly LayerState[] | null): void {
    const f32 = this.memory.f32;
    const u = this.units;
    this.layers.forEach((_, l) => {
      const h = slot.h[l] ?? 0;
      const c = slot.c[l] ?? 0;
      const s = state?.[l];
      for (let r = 0; r < slot.rows; r++) {
        if (s === undefined) {
          f32.fill(0, h / 4 + r * u, h / 4 + (r + 1) * u);
          f32.fill(0, c / 4 + r * u, c / 4 + (r + 1) * u);
        } else {
          f32.set(s.h, h / 4 + r * u);
          f32.set(s.c, c / 4 + r * u);
        }
      }
    });
  }

  getState(slot: Slot): LayerState[] {
    const f32 = this.memory.f32;
    const u = this.units;
    return this.layers.map((_, l) => ({
      h: f32.slice((slot.h[l] ?? 0) / 4, (slot.h[l] ?? 0) / 4 + u),
      c: f32.slice((slot.c[l] ?? 0) / 4, (slot.c[l] ?? 0) / 4 + u),
    }));
  }

  /** Throws unless every id is in the vocabulary (an id outside it would read other weights). */
  checkIds(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize))
        throw new RangeError(`character id ${id} is outside the vocabulary of ${this.vocabSize}`);
    }
  }

  /**
   * Layer l's pre-activations before the recurrent part, for `rows` rows at byte offset z ([rows, 4U]): layer 0's
   * table row of each id; later layers their bias plus the input rows (the layer below's h, [rows, U]) x kernel.
   */
  private inputPart(l: number, z: number, rows: number, ids: ArrayLike<number>, input: number): void {
    const layer = this.layers[l];
    if (layer === undefined) throw new RangeError(`no layer ${l}`);
    const gates = 4 * this.units;
    if (l === 0) {
      for (let r = 0; r < rows; r++)
        this.memory.fillRows(z + 4 * r * gates, 1, gates, layer.input + 4 * (ids[r] ?? 0) * gates, gates);
      return;
    }
    this.memory.fillRows(z, rows, gates, layer.input, gates);
    this.memory.matvec(input, rows, this.units, layer.kernel, gates, z, gates);
  }

  /** Moves every row of the slot one character on through the LSTM layers (ids [rows]). */
  advance(slot: Slot, ids: ArrayLike<number>): void {
    const m = this.memory;
    const u = this.units;
    this.layers.forEach((layer, l) => {
      const h = slot.h[l] ?? 0;
      this.inputPart(l, slot.z, slot.rows, ids, slot.h[l - 1] ?? 0);
      m.matvec(h, slot.rows, u, layer.recurrent, 4 * u, slot.z, 4 * u);
      m.lstmCell(slot.z, slot.c[l] ?? 0, h, u, slot.rows);
    });
  }

  /**
   * Feeds ids [T] through a one-row slot, layer by layer over chunks of time steps: each layer's input projection
   * for a whole chunk is one multi-row product (weights read once, two rows per load), only the recurrent part
   * goes step by step. Same result as `advance` per character, up to float rounding.
   */
  advanceSequence(slot: Slot, ids: Int32Array): void {
    if (slot.rows !== 1) throw new Error('a prime runs through a one-row slot');
    const m = this.memory;
    const u = this.units;
    const gates = 4 * u;
    const scratch = (this.primeScratch ??= {
      z: m.alloc(PRIME_CHUNK * gates),
      outputs: [m.alloc(PRIME_CHUNK * u), m.alloc(PRIME_CHUNK * u)],
    });
    for (let from = 0; from < ids.length; from += PRIME_CHUNK) {
      const chunk = ids.subarray(from, from + PRIME_CHUNK);
      this.layers.forEach((layer, l) => {
        this.inputPart(l, scratch.z, chunk.length, chunk, scratch.outputs[(l - 1) % 2] ?? 0);
        const h = slot.h[l] ?? 0;
        const c = slot.c[l] ?? 0;
        const out = scratch.outputs[l % 2] ?? 0;
        const keep = l < this.layers.length - 1;
        for (let t = 0; t < chunk.length; t++) {
          const zt = scratch.z + 4 * t * gates;
          m.matvec(h, 1, u, layer.recurrent, gates, zt, gates);
          m.lstmCell(zt, c, h, u, 1);
          if (keep) m.fillRows(out + 4 * t * u, 1, u, h, u);
        }
      });
    }
  }

  /** Logits [rows, vocab] from the last layer's h, copied out of kernel memory. */
  logits(slot: Slot): Float32Array {
    const m = this.memory;
    const stride = panelWidth(this.vocabSize);
    m.fillRows(slot.logits, slot.rows, stride, this.denseBias, this.vocabSize);
    const top = slot.h[this.layers.length - 1] ?? 0;
    m.matvec(top, slot.rows, this.units, this.dense, this.vocabSize, slot.logits, stride);
    const out = new Float32Array(slot.rows * this.vocabSize);
    for (let r = 0; r < slot.rows; r++) {
      const from = slot.logits / 4 + r * stride;
      out.set(m.f32.subarray(from, from + this.vocabSize), r * this.vocabSize);
    }
    return out;
  }
}

const packedModels = new WeakMap<CharLstmWeights, PackedModel | null>();

/** The packed form of a model's weights, made on first use (null when the kernel cannot take them). */
export function packedModelFor(weights: CharLstmWeights): PackedModel | null {
  let packed = packedModels.get(weights);
  if (packed === undefined) {
    packed = PackedModel.fromWeights(weights);
    packedModels.set(weights, packed);
  }
  return packed;
}

/** A CharStepper on the WebAssembly step kernel. */
export class KernelStepper implements CharStepper {
  private slot: Slot | null;

  constructor(
    private readonly packed: PackedModel,
    readonly rows: number,
  ) {
    this.slot = packed.acquire(rows);
  }

  private get live(): Slot {
    if (this.slot === null) throw new Error('stepper used after dispose');
    return this.slot;
  }

  setState(state: readonly LayerState[] | null): void {
    this.packed.setState(this.live, state);
  }

  getState(): LayerState[] {
    return this.packed.getState(this.live);
  }

  advance(ids: Int32Array): void {
    if (this.rows !== 1) throw new Error('advance needs a one-row stepper');
    this.packed.checkIds(ids);
    this.packed.advanceSequence(this.live, ids);
  }

  async step(ids: readonly number[]): Promise<Float32Array> {
    const slot = this.live;
    if (ids.length !== this.rows) throw new RangeError(`expected ${this.rows} ids, got ${ids.length}`);
    this.packed.checkIds(ids);
    this.packed.advance(slot, ids);
    return this.packed.logits(slot);
  }

  dispose(): void {
    if (this.slot !== null) this.packed.release(this.slot);
    this.slot = null;
  }
}
