/**
 * The elementwise part of an LSTM time step as plain loops over Float32Arrays (no tensors, no allocation).
 * Row layout of pre-activations and gates: [B, 4U] with blocks i, f, g (cell candidate), o, as in Keras.
 * Transcendentals are left to the backend's vectorised Sigmoid/Tanh kernels; these loops do the cheap arithmetic.
 */

/** A float32 buffer plus the element offset where the block of interest starts. */
export interface Block {
  data: Float32Array;
  offset: number;
}

/** target[i] += source[i] for `count` elements, optionally adding bias[i % bias.length] too. */
export function addInto(target: Block, source: Block, count: number, bias: Float32Array | null = null): void {
  const t = target.data;
  const s = source.data;
  const width = bias === null ? 0 : bias.length;
  for (let i = 0; i < count; i++) {
    let v = (t[target.offset + i] as number) + (s[source.offset + i] as number);
    if (bias !== null) v += bias[i % width] as number;
    t[target.offset + i] = v;
  }
}

/**
 * First half of a forward step, after the transcendentals ran vectorised over the whole pre-activation row block:
 * sig = sigmoid(z), th = tanh(z), both [B, 4U]. Writes the activated gates [B, 4U] and c_t = f * c_{t-1} + i * g
 * to c and, if given, cCopy (each [B, U]).
 */
export function gatesAndCell(
  batch: number,
  units: number,
  sig: Float32Array,
  th: Float32Array,
  cPrev: Block,
  gates: Block,
  c: Block,
  cCopy: Float32Array | null,
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
      const cand = th[row + 2 * units + u] as number;
      const og = sig[row + 3 * units + u] as number;
      g[gRow + u] = ig;
      g[gRow + units + u] = fg;
      g[gRow + 2 * units + u] = cand;
      g[gRow + 3 * units + u] = og;
      const s = b * units + u;
      const cNew = fg * (cp[cPrev.offset + s] as number) + ig * cand;
      cd[c.offset + s] = cNew;
      if (cCopy !== null) cCopy[s] = cNew;
    }
  }
}

/** Second half of a forward step: given tanh(c_t) [B, U], stores it and h_t = o * tanh(c_t) (to h and hCopy). */
export function hiddenFromCell(
  batch: number,
  units: number,
  tanhCell: Float32Array,
  gates: Block,
  tanhC: Block,
  h: Block,
  hCopy: Float32Array | null,
): void {
  const width = 4 * units;
  const g = gates.data;
  const tc = tanhC.data;
  const hd = h.data;
  for (let b = 0; b < batch; b++) {
    const oRow = gates.offset + b * width + 3 * units;
    for (let u = 0; u < units; u++) {
      const s = b * units + u;
      const t = tanhCell[s] as number;
      const hNew = (g[oRow + u] as number) * t;
      tc[tanhC.offset + s] = t;
      hd[h.offset + s] = hNew;
      if (hCopy !== null) hCopy[s] = hNew;
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
