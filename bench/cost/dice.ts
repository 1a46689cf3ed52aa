/**
 * The cost model's randomness: a seeded PRNG, so every run of `npm run cost` generates the same
 * conversation and prints the same numbers.
 */

/** Low to high: `between` picks within it, `int` a whole number from low to high inclusive. */
export type Range = readonly [number, number];

/** Seeded PRNG (mulberry32): the same seed gives the same conversation. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Rolls from one seeded stream: the order of the calls decides every number that follows. */
export class Dice {
  readonly #next: () => number;
  #spare: number | undefined;
  constructor(seed: number) {
    this.#next = prng(seed);
  }
  unit(): number {
    return this.#next();
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  between(range: Range): number {
    return range[0] + (range[1] - range[0]) * this.#next();
  }
  int(range: Range): number {
    return Math.floor(this.between([range[0], range[1] + 1]));
  }
  normal(): number {
    if (this.#spare !== undefined) {
      const z = this.#spare;
      this.#spare = undefined;
      return z;
    }
    const u = 1 - this.#next();
    const v = this.#next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  logNormal(medianMs: number, sigma: number): number {
    return medianMs * Math.exp(sigma * this.normal());
  }
}
