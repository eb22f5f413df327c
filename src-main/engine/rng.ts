/** A seeded xoshiro128** generator whose whole state is four uint32s, so it can be saved and restored exactly. */
export type RngState = [number, number, number, number];

export class Rng {
  private s: Uint32Array;

  constructor(state: RngState) {
    this.s = Uint32Array.from(state);
  }

  /** Expands a seed with splitmix32 so nearby seeds give unrelated streams. */
  static fromSeed(seed: number): Rng {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const state: RngState = [next(), next(), next(), next()];
    if (state.every((v) => v === 0)) state[0] = 1;
    return new Rng(state);
  }

  getState(): RngState {
    const [a = 0, b = 0, c = 0, d = 0] = this.s;
    return [a, b, c, d];
  }

  nextUint32(): number {
    const s = this.s;
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const s2 = s[2] ?? 0;
    const s3 = s[3] ?? 0;
    const r = s1 * 5;
    const rotated = ((r << 7) | (r >>> 25)) >>> 0;
    const result = Math.imul(rotated, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = ((n3 << 11) | (n3 >>> 21)) >>> 0;
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
