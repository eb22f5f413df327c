import { lstmSimdAvailable, lstmSimdOn, type LstmSimdExports } from '../wasm-kernels/lstm-simd.ts';

/** Columns per weight panel (lstm-simd.wat's matvec reads a panel of 16 floats per input element). */
export const PANEL = 16;
const PAGE_BYTES = 65_536;

/** Whether WebAssembly SIMD runs the step kernel here (otherwise callers use tensor ops). */
export function stepKernelAvailable(): boolean {
  return lstmSimdAvailable();
}

/** Floats rounded up to a whole number of panels. */
export const panelWidth = (n: number): number => Math.ceil(n / PANEL) * PANEL;

/**
 * One kernel instance and its memory, handed out as float32 regions by a bump allocator. Pointers are byte offsets;
 * `f32` is re-fetched after every allocation because growing the memory replaces its buffer.
 */
export class KernelMemory {
  private used = 64;
  private view: Float32Array;

  private constructor(
    private readonly kernel: LstmSimdExports,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.view = new Float32Array(memory.buffer);
  }

  static create(): KernelMemory | null {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernel = lstmSimdOn(memory);
    return kernel === null ? null : new KernelMemory(kernel, memory);
  }

  /** A zeroed region of `floats` float32s, 64-byte aligned; returns its byte offset. */
  alloc(floats: number): number {
    const at = this.used;
    this.used = Math.ceil((at + 4 * floats) / 64) * 64;
    const shortfall = this.used - this.memory.buffer.byteLength;
    if (shortfall > 0) this.memory.grow(Math.ceil(shortfall / PAGE_BYTES));
    this.f32.fill(0, at / 4, at / 4 + floats);
    return at;
  }

  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Copies `width` floats at byte offset `from` into `rows` rows starting at `to`, rows `stride` floats apart. */
  fillRows(to: number, rows: number, stride: number, from: number, width: number): void {
    const f32 = this.f32;
    for (let r = 0; r < rows; r++) f32.copyWithin(to / 4 + r * stride, from / 4, from / 4 + width);
  }

  /** Copies a row-major [k, n] matrix into panel layout (n padded to whole panels with zeros); returns its offset. */
  packPanels(matrix: Float32Array, k: number, n: number): number {
    const at = this.alloc(k * panelWidth(n));
    const f32 = this.f32;
    const base = at / 4;
    for (let p = 0; p * PANEL < n; p++) {
      const width = Math.min(PANEL, n - p * PANEL);
      for (let row = 0; row < k; row++) {
        const from = row * n + p * PANEL;
        f32.set(matrix.subarray(from, from + width), base + (p * k + row) * PANEL);
      }
    }
    return at;
  }

  /** out[r, :] += x[r, :k] . W for r < rows; W packed by packPanels with n columns; out rows outStride floats apart. */
  matvec(x: number, rows: number, k: number, w: number, n: number, out: number, outStride: number): void {
    // The one-row path reads the input two elements at a time.
    if (k % 2 !== 0) throw new RangeError(`matvec needs an even inner size, got ${k}`);
    this.kernel.matvec(x, rows, k, w, panelWidth(n) / PANEL, out, outStride);
  }

  /** z [rows, 4U] pre-activations (gates i, f, g, o; overwritten with the activated gates) -> c [rows, U] updated in place, h [rows, U]. */
  lstmCell(z: number, c: number, h: number, units: number, rows: number): void {
    this.kernel.lstmCell(z, c, h, units, rows);
  }
}
