/**
 * Keras' default initializers, computed in plain JS from a seeded stream so a run is
 * identical on the native and the cpu backend. Keras' own random streams cannot be
 * reproduced; golden tests load Keras' weights instead.
 */
import type { JsonObject, JsonValue } from '../../core/ir';
import { UserFacingError } from '../../core/protocol/task';
import { Rng } from '../../core/data/random';

function fans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function truncatedNormal(rng: Rng, mean: number, std: number): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return mean + std * z;
  }
}

function varianceScaling(shape: number[], rng: Rng, scale: number, mode: string, distribution: string): Float32Array {
  const [fanIn, fanOut] = fans(shape);
  const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  const s = scale / Math.max(1, n);
  const out = new Float32Array(size(shape));
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * s);
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  } else if (distribution === 'untruncated_normal') {
    const std = Math.sqrt(s);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
  } else {
    const std = Math.sqrt(s) / 0.8796256610342398;
    for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(rng, 0, std);
  }
  return out;
}

/** Keras' Orthogonal: QR of a normal matrix with sign-corrected columns, transposed if wide. */
function orthogonal(shape: number[], rng: Rng, gain: number): Float32Array {
  const numCols = shape[shape.length - 1];
  const numRows = size(shape) / numCols;
  const rows = Math.max(numRows, numCols);
  const cols = Math.min(numRows, numCols);
  // Columns stored one after another in one buffer: the inner loops then run over contiguous
  // subarrays, several times faster than an array of arrays for LSTM-sized kernels.
  const a = new Float64Array(cols * rows);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) a[j * rows + i] = rng.normal();
  const column = (j: number): Float64Array => a.subarray(j * rows, (j + 1) * rows);
  // Modified Gram–Schmidt on the columns: R's diagonal comes out positive, as Keras' sign fix makes it.
  for (let j = 0; j < cols; j++) {
    const aj = column(j);
    for (let k = 0; k < j; k++) {
      const ak = column(k);
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += ak[i] * aj[i];
      for (let i = 0; i < rows; i++) aj[i] -= dot * ak[i];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += aj[i] * aj[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) aj[i] /= norm;
  }
  const out = new Float32Array(numRows * numCols);
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < numCols; c++) {
      // q is rows × cols (column j starts at j·rows); if numRows < numCols the result is qᵀ.
      out[r * numCols + c] = gain * (numRows < numCols ? a[r * rows + c] : a[c * rows + r]);
    }
  }
  return out;
}

/**
 * Orthogonal is the one initializer that costs real time (a QR in JS: ~25 ms for an
 * LSTM(128) recurrent kernel), and a worker re-evaluating the same model asks for the same
 * seeded kernels every time. Its values depend only on shape, seed and gain, so they are
 * kept per worker (bounded), and every caller gets its own copy.
 */
const ORTHOGONAL_CACHE_BYTES = 32 * 1024 * 1024;
const orthogonalCache = new Map<string, Float32Array>();
let orthogonalCacheBytes = 0;

function orthogonalOnce(shape: number[], seed: number, gain: number): Float32Array {
  const key = `${shape.join('x')}|${seed}|${gain}`;
  let values = orthogonalCache.get(key);
  if (values) {
    orthogonalCache.delete(key); // re-inserted below: Map order is the LRU order
  } else {
    values = orthogonal(shape, new Rng(seed), gain);
    orthogonalCacheBytes += values.byteLength;
  }
  orthogonalCache.set(key, values);
  for (const [oldest, old] of orthogonalCache) {
    if (orthogonalCacheBytes <= ORTHOGONAL_CACHE_BYTES || oldest === key) break;
    orthogonalCache.delete(oldest);
    orthogonalCacheBytes -= old.byteLength;
  }
  return values.slice();
}

const ALIASES: Record<string, string> = {
  glorot_uniform: 'GlorotUniform',
  glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform',
  he_normal: 'HeNormal',
  lecun_uniform: 'LecunUniform',
  lecun_normal: 'LecunNormal',
  orthogonal: 'Orthogonal',
  zeros: 'Zeros',
  zero: 'Zeros',
  ones: 'Ones',
  one: 'Ones',
  uniform: 'RandomUniform',
  random_uniform: 'RandomUniform',
  normal: 'RandomNormal',
  random_normal: 'RandomNormal',
  truncated_normal: 'TruncatedNormal',
  identity: 'Identity',
  constant: 'Constant',
  variance_scaling: 'VarianceScaling',
};

export function initializerName(
  spec: JsonValue | undefined,
  fallback: string,
): { className: string; config: JsonObject } {
  if (typeof spec === 'string') return { className: ALIASES[spec] ?? spec, config: {} };
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.class_name === 'string') {
    const config = spec.config && typeof spec.config === 'object' && !Array.isArray(spec.config) ? spec.config : {};
    return { className: ALIASES[spec.class_name] ?? spec.class_name, config };
  }
  return { className: ALIASES[fallback] ?? fallback, config: {} };
}

export function initialize(
  spec: JsonValue | undefined,
  fallback: string,
  shape: number[],
  seed: number,
  who: string,
): Float32Array {
  const { className, config } = initializerName(spec, fallback);
  const rng = new Rng(seed);
  const n = size(shape);
  const numberOr = (k: string, d: number) => (typeof config[k] === 'number' ? (config[k] as number) : d);
  switch (className) {
    case 'Zeros':
      return new Float32Array(n);
    case 'Ones':
      return new Float32Array(n).fill(1);
    case 'Constant':
      return new Float32Array(n).fill(numberOr('value', 0));
    case 'GlorotUniform':
      return varianceScaling(shape, rng, 1, 'fan_avg', 'uniform');
    case 'GlorotNormal':
      return varianceScaling(shape, rng, 1, 'fan_avg', 'truncated_normal');
    case 'HeUniform':
      return varianceScaling(shape, rng, 2, 'fan_in', 'uniform');
    case 'HeNormal':
      return varianceScaling(shape, rng, 2, 'fan_in', 'truncated_normal');
    case 'LecunUniform':
      return varianceScaling(shape, rng, 1, 'fan_in', 'uniform');
    case 'LecunNormal':
      return varianceScaling(shape, rng, 1, 'fan_in', 'truncated_normal');
    case 'VarianceScaling':
      return varianceScaling(
        shape,
        rng,
        numberOr('scale', 1),
        String(config.mode ?? 'fan_in'),
        String(config.distribution ?? 'truncated_normal'),
      );
    case 'RandomUniform': {
      const lo = numberOr('minval', -0.05);
      const hi = numberOr('maxval', 0.05);
      return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
    }
    case 'RandomNormal':
      return Float32Array.from({ length: n }, () => rng.normal(numberOr('mean', 0), numberOr('stddev', 0.05)));
    case 'TruncatedNormal':
      return Float32Array.from({ length: n }, () =>
        truncatedNormal(rng, numberOr('mean', 0), numberOr('stddev', 0.05)),
      );
    case 'Orthogonal':
      return orthogonalOnce(shape, seed, numberOr('gain', 1));
    case 'Identity': {
      const out = new Float32Array(n);
      const [r, c] = [shape[0], shape[shape.length - 1]];
      for (let i = 0; i < Math.min(r, c); i++) out[i * c + i] = numberOr('gain', 1);
      return out;
    }
    default:
      throw new UserFacingError(
        `${who}: initializer '${className}' is not supported; pass weights instead`,
        'unsupported-config',
        who,
      );
  }
}
