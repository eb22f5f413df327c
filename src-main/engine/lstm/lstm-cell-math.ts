/**
 * The elementwise part of an LSTM time step as plain loops over Float32Arrays (no tensors, no allocation).
 * Row layout of pre-activations and gates: [B, 4U] with blocks i, f, g (cell candidate), o, as in Keras.
 * Arithmetic is done in float64 and stored as float32, so results match tf ops within float32 rounding.
 */

/** A float32 buffer plus the element offset where the block of interest starts. */
export interface Block {
  data: Float32Array;
  offset: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * One forward step. zRec [B, 4U] (h_{t-1} x recurrentKernel) plus zIn [B, 4U] (x_t x kernel + bias) give the
 * pre-activations; writes activated gates [B, 4U], c_t, tanh(c_t) and h_t (each [B, U]); hCopy, if given,
 * receives h_t as well (the next step's matmul operand).
 */
export function cellForward(
  batch: number,
  units: number,
  zRec: Block,
  zIn: Block,
  cPrev: Block,
  gates: Block,
  c: Block,
  tanhC: Block,
  h: Block,
  hCopy: Block | null,
): void {
  const width = 4 * units;
  const zr = zRec.data;
  const zi = zIn.data;
  const cp = cPrev.data;
  const g = gates.data;
  const cd = c.data;
  const tc = tanhC.data;
  const hd = h.data;
  const hc = hCopy === null ? null : hCopy.data;
  const hcOffset = hCopy === null ? 0 : hCopy.offset;
  for (let b = 0; b < batch; b++) {
    const zRow = zRec.offset + b * width;
    const inRow = zIn.offset + b * width;
    const gRow = gates.offset + b * width;
    const stateRow = b * units;
    for (let u = 0; u < units; u++) {
      const ig = sigmoid((zr[zRow + u] as number) + (zi[inRow + u] as number));
      const fg = sigmoid((zr[zRow + units + u] as number) + (zi[inRow + units + u] as number));
      const cand = Math.tanh((zr[zRow + 2 * units + u] as number) + (zi[inRow + 2 * units + u] as number));
      const og = sigmoid((zr[zRow + 3 * units + u] as number) + (zi[inRow + 3 * units + u] as number));
      g[gRow + u] = ig;
      g[gRow + units + u] = fg;
      g[gRow + 2 * units + u] = cand;
      g[gRow + 3 * units + u] = og;
      const cNew = Math.fround(fg * (cp[cPrev.offset + stateRow + u] as number) + ig * cand);
      const tanhNew = Math.tanh(cNew);
      cd[c.offset + stateRow + u] = cNew;
      tc[tanhC.offset + stateRow + u] = tanhNew;
      const hNew = og * tanhNew;
      hd[h.offset + stateRow + u] = hNew;
      if (hc !== null) hc[hcOffset + stateRow + u] = hNew;
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
