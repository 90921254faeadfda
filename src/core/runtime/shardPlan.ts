/**
 * Where an evaluation split between pool workers is cut. Every cut falls at a multiple of both
 * Keras' batch size and the evaluation chunk, so each shard runs exactly the chunks (and Keras
 * the batches) one pass over all the samples would: TensorFlow's float32 results depend on the
 * chunk a sample runs in, and Keras' reported loss on the batch, so any other cut would move
 * them. Each shard computes the same cuts from the same numbers, so none needs to be told them.
 */

/**
 * Chunks each shard must have at least for a split to pay: a shard first opens its own session
 * (reads the weights, builds the model, runs one sample), which costs about as much as a few
 * chunks of a small model. 4 is a first choice, not yet a measured break-even: on the shared
 * 2-core machine it was tried on (load average 7 to 13), W6 with 4,000 samples (2 shards)
 * ran 23-45 s split against 38-43 s on one worker, and W7 with 3,000 sequences 10-15 s
 * against 12-15 s; `node --import tsx bench/split.bench.ts` measures it again.
 */
export const MIN_CHUNKS_PER_SHARD = 4;

export interface ShardRange {
  start: number;
  end: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The rows of each shard, in order, for at most `workers` shards: one range over everything when
 * the data is too small to split.
 */
export function planShards(samples: number, chunk: number, batchSize: number, workers: number): ShardRange[] {
  const whole = [{ start: 0, end: samples }];
  if (workers < 2 || chunk < 1 || batchSize < 1) return whole;
  const unit = (chunk / gcd(chunk, batchSize)) * batchSize;
  const units = Math.floor(samples / unit);
  const unitsPerShard = Math.max(1, Math.ceil((MIN_CHUNKS_PER_SHARD * chunk) / unit));
  const shards = Math.min(workers, Math.floor(units / unitsPerShard));
  if (shards < 2) return whole;
  // The rows past the last whole unit go to the last shard.
  return Array.from({ length: shards }, (_, i) => ({
    start: Math.floor((i * units) / shards) * unit,
    end: i === shards - 1 ? samples : Math.floor(((i + 1) * units) / shards) * unit,
  }));
}
