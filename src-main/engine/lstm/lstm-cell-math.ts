/**
 * The elementwise part of an LSTM time step as plain loops over Float32Arrays (no tensors, no allocation).
 * Row layout of pre-activations and gates: [B, 4U] with blocks i, f, g (cell candidate), o, as in Keras.
 * Transcendentals are left to the backend's vectorised Sigmoid kernel; these loops do the cheap arithmetic.
 */

/** A float32 buffer plus the element offset where the block of interest starts. */
export interface Block {
  data: Float32Array;
  offset: number;
}

/**
 * Pre-activation z = zRec + zIn (+ bias) for [B, 4U], written over zRec, with the cell-candidate block doubled:
 * tanh(x) = 2 * sigmoid(2x) - 1, so one vectorised Sigmoid call then covers all four gates.
 */
export function preActivation(
  batch: number,
  units: number,
  zRec: Float32Array,
  zIn: Block,
  bias: Float32Array | null,
): void {
  const width = 4 * units;
  const zi = zIn.data;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    for (let j = 0; j < width; j++) {
      let v = (zRec[row + j] as number) + (zi[zIn.offset + row + j] as number);
      if (bias !== null) v += bias[j] as number;
      zRec[row + j] = j >= 2 * units && j < 3 * units ? 2 * v : v;
    }
  }
}

/**
 * First half of a forward step, given sig = sigmoid(preActivation) [B, 4U]. Writes the activated gates [B, 4U],
 * c_t = f * c_{t-1} + i * g to c, and 2 * c_t to twoC (whose sigmoid yields tanh(c_t)), each [B, U].
 */
export function gatesAndCell(
  batch: number,
  units: number,
  sig: Float32Array,
  cPrev: Block,
  gates: Block,
  c: Block,
  twoC: Float32Array,
): void {
  const width = 4 * units;
  const cp = cPrev.data;
  const g = gates.data;
  const cd = c.data;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    const gRow = gates.offset + row;
    for (let u = 0; u < units; u++) {
      const ig = sig[row + u] as number;
      const fg = sig[row + units + u] as number;
      const cand = 2 * (sig[row + 2 * units + u] as number) - 1;
      const og = sig[row + 3 * units + u] as number;
      g[gRow + u] = ig;
      g[gRow + units + u] = fg;
      g[gRow + 2 * units + u] = cand;
      g[gRow + 3 * units + u] = og;
      const s = b * units + u;
      const cNew = Math.fround(fg * (cp[cPrev.offset + s] as number) + ig * cand);
      cd[c.offset + s] = cNew;
      twoC[s] = 2 * cNew;
    }
  }
}

/** Second half of a forward step, given sigTwoC = sigmoid(2 c_t): stores tanh(c_t) and h_t = o * tanh(c_t). */
export function hiddenFromCell(
  batch: number,
  units: number,
  sigTwoC: Float32Array,
  gates: Block,
  tanhC: Block,
  h: Block,
): void {
  const width = 4 * units;
  const g = gates.data;
  const tc = tanhC.data;
  const hd = h.data;
  for (let b = 0; b < batch; b++) {
    const oRow = gates.offset + b * width + 3 * units;
    for (let u = 0; u < units; u++) {
      const s = b * units + u;
      const t = 2 * (sigTwoC[s] as number) - 1;
      const hNew = (g[oRow + u] as number) * t;
      tc[tanhC.offset + s] = t;
      hd[h.offset + s] = hNew;
    }
  }
}

const TRANSPOSE_TILE = 32;

/**
 * dst[c, r] = src[r, c] for r < rows, c < cols, rows srcStride and dstStride floats apart from each block's offset,
 * in cache-sized tiles: lstm-simd.wat's `transpose` as a loop, where that module does not run (cpu, shared heaps).
 */
export function transposeInto(
  src: Block,
  rows: number,
  cols: number,
  srcStride: number,
  dst: Block,
  dstStride: number,
): void {
  const from = src.data;
  const to = dst.data;
  for (let r0 = 0; r0 < rows; r0 += TRANSPOSE_TILE) {
    const r1 = Math.min(r0 + TRANSPOSE_TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TRANSPOSE_TILE) {
      const c1 = Math.min(c0 + TRANSPOSE_TILE, cols);
      for (let r = r0; r < r1; r++) {
        const row = src.offset + r * srcStride;
        for (let c = c0; c < c1; c++) to[dst.offset + c * dstStride + r] = from[row + c] as number;
      }
    }
  }
}

/**
 * One backward step. dhOut: gradient of this step's output h_t; dhRec: gradient reaching h_t through the next
 * step's recurrent matmul (null at the last step); dc: in = gradient of c_t from the next step, out = gradient of
 * c_{t-1}. Writes the pre-activation gradient dz [B, 4U] to dz and, if given, dzCopy.
 */
export function cellBackward(
  batch: number,
  units: number,
  dhOut: Block,
  dhRec: Block | null,
  dc: Float32Array,
  gates: Block,
  tanhC: Block,
  cPrev: Block,
  dz: Block,
  dzCopy: Block | null,
): void {
  const width = 4 * units;
  const dho = dhOut.data;
  const dhr = dhRec === null ? null : dhRec.data;
  const dhrOffset = dhRec === null ? 0 : dhRec.offset;
  const g = gates.data;
  const tc = tanhC.data;
  const cp = cPrev.data;
  const dzd = dz.data;
  const dzc = dzCopy === null ? null : dzCopy.data;
  const dzcOffset = dzCopy === null ? 0 : dzCopy.offset;
  for (let b = 0; b < batch; b++) {
    const gRow = gates.offset + b * width;
    const stateRow = b * units;
    for (let u = 0; u < units; u++) {
      const s = stateRow + u;
      let dh = dho[dhOut.offset + s] as number;
      if (dhr !== null) dh += dhr[dhrOffset + s] as number;
      const ig = g[gRow + u] as number;
      const fg = g[gRow + units + u] as number;
      const cand = g[gRow + 2 * units + u] as number;
      const og = g[gRow + 3 * units + u] as number;
      const t = tc[tanhC.offset + s] as number;
      const dcNow = (dc[s] as number) + dh * og * (1 - t * t);
      const dzi = dcNow * cand * ig * (1 - ig);
      const dzf = dcNow * (cp[cPrev.offset + s] as number) * fg * (1 - fg);
      const dzg = dcNow * ig * (1 - cand * cand);
      const dzo = dh * t * og * (1 - og);
      dc[s] = dcNow * fg;
      const row = dz.offset + b * width;
      dzd[row + u] = dzi;
      dzd[row + units + u] = dzf;
      dzd[row + 2 * units + u] = dzg;
      dzd[row + 3 * units + u] = dzo;
      if (dzc !== null) {
        const copyRow = dzcOffset + b * width;
        dzc[copyRow + u] = dzi;
        dzc[copyRow + units + u] = dzf;
        dzc[copyRow + 2 * units + u] = dzg;
        dzc[copyRow + 3 * units + u] = dzo;
      }
    }
  }
}

/** out[j] = sum over rows of m[r, j], for a row-major [rows, cols] matrix. */
export function columnSums(m: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let j = 0; j < cols; j++) acc[j] = (acc[j] as number) + (m[row + j] as number);
  }
  out.set(acc);
}
