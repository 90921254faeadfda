/**
 * The four loss reductions (DESIGN.md) accumulated sample by sample, in float64, so that an
 * evaluation read in chunks — or in batches of another order — gives the same numbers as one
 * over all the data at once: every reduction is a ratio of sums, and the sums are kept, never
 * a mean of means. Each sample's own sums are formed first and then added in sample order, so
 * the result does not depend on where the chunks were cut.
 */
import type { ReductionId } from '../reductions';

export type Reductions = Record<ReductionId, number>;

/** One sample's sums over its positions (timesteps, or whatever lies after the batch axis). */
export interface SampleSums {
  /** Σ L·w over every position. */
  all: number;
  /** Σ L·w·m. */
  kept: number;
  /** Σ m. */
  valid: number;
  /** Positions. */
  count: number;
  /** Σ L·w where the mask that marks padding (`padding` below) is 0. */
  padded: number;
}

/**
 * Sums of one sample `s` of a chunk whose arrays are flat, `inner` values per sample and all of
 * one shape: the per-position loss L, its mask m (null: every position counts), the weights w
 * (null: 1) and the padding marker (null: none known).
 */
export function sampleSums(
  s: number,
  inner: number,
  loss: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  weight: ArrayLike<number> | null,
  padding: ArrayLike<number> | null,
): SampleSums {
  let all = 0;
  let kept = 0;
  let valid = 0;
  let padded = 0;
  const base = s * inner;
  for (let i = base; i < base + inner; i++) {
    const lw = loss[i] * (weight ? weight[i] : 1);
    const m = mask ? mask[i] : 1;
    all += lw;
    kept += lw * m;
    valid += m;
    if (padding && !padding[i]) padded += lw;
  }
  return { all, kept, valid, count: inner, padded };
}

/** What LossSums holds: plain numbers, so a shard's totals can travel between threads. */
export interface LossSumsState {
  all: number;
  kept: number;
  valid: number;
  count: number;
  padded: number;
  sequenceMeans: number;
  sequences: number;
  samples: number;
}

/** Running totals over samples, added in sample order. */
export class LossSums {
  private all = 0;
  private kept = 0;
  private valid = 0;
  private count = 0;
  private padded = 0;
  private sequenceMeans = 0;
  private sequences = 0;
  samples = 0;

  add(s: SampleSums): void {
    this.all += s.all;
    this.kept += s.kept;
    this.valid += s.valid;
    this.count += s.count;
    this.padded += s.padded;
    if (s.valid > 0) {
      this.sequenceMeans += s.kept / s.valid;
      this.sequences++;
    }
    this.samples++;
  }

  /** The totals so far. */
  state(): LossSumsState {
    const { all, kept, valid, count, padded, sequenceMeans, sequences, samples } = this;
    return { all, kept, valid, count, padded, sequenceMeans, sequences, samples };
  }

  /**
   * Totals of consecutive shards of the samples, added shard by shard in sample order: equal to
   * one pass over every sample but for the order of the float64 additions (within 1e-12 relative).
   */
  static merged(states: readonly LossSumsState[]): LossSums {
    const sums = new LossSums();
    for (const s of states) {
      sums.all += s.all;
      sums.kept += s.kept;
      sums.valid += s.valid;
      sums.count += s.count;
      sums.padded += s.padded;
      sums.sequenceMeans += s.sequenceMeans;
      sums.sequences += s.sequences;
      sums.samples += s.samples;
    }
    return sums;
  }

  /** x / y, and 0 where y is 0 (as the tensor reductions divide). */
  private static ratio(x: number, y: number): number {
    return y === 0 ? 0 : x / y;
  }

  reductions(): Reductions {
    return {
      none: this.all / this.count,
      'total-mean': this.kept / this.count,
      'valid-mean': LossSums.ratio(this.kept, this.valid),
      'sequence-mean': LossSums.ratio(this.sequenceMeans, this.sequences),
    };
  }

  /** The share of Σ L·w on padded positions (0 when the sum is 0). */
  paddingShare(): number {
    return this.all === 0 ? 0 : this.padded / this.all;
  }
}
