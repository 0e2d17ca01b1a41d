// @ts-check
/** A small deterministic PRNG (sfc32 seeded through splitmix32) so every case replays from (seed, case). */

/** @param {number} x */
function splitmix32(x) {
  x = (x + 0x9e3779b9) | 0
  let z = x
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

export class Rng {
  /** @param {number} seed @param {number} [stream] */
  constructor(seed, stream = 0) {
    let s = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab))
    this.a = s
    this.b = s = splitmix32(s)
    this.c = s = splitmix32(s)
    this.d = 1
    for (let i = 0; i < 12; i++) this.u32()
  }
  /** @returns {number} */
  u32() {
    let { a, b, c, d } = this
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    this.a = a; this.b = b; this.c = c; this.d = d
    return t >>> 0
  }
  /** Integer in [0, n). @param {number} n */
  int(n) {
    return n <= 0 ? 0 : Math.floor((this.u32() / 4294967296) * n)
  }
  /** @template T @param {readonly T[]} xs @returns {T} */
  pick(xs) {
    return xs[this.int(xs.length)]
  }
  /** @param {number} p */
  chance(p) {
    return this.u32() / 4294967296 < p
  }
}

/** A fresh random seed for long runs (printed so a failure can be replayed). */
export function randomSeed() {
  return (Math.random() * 0x100000000) >>> 0
}
