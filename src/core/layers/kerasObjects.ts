/**
 * How Keras 3 serialises the small objects layer arguments name: initializers,
 * regularizers, constraints, activations, dtype policies. Values are what Keras 3.15.1
 * writes (`keras.initializers.serialize(keras.initializers.get("he_normal"))`, ...), so a
 * config built from source compares equal to `model.to_json()`.
 */
import type { JsonObject, JsonValue } from '../ir';

export function kerasObject(module: string, className: string, config: JsonObject): JsonObject {
  return { module, class_name: className, config, registered_name: null };
}

const axes = (): JsonObject => ({ seed: null, input_axes: null, output_axes: null });

const INITIALIZERS: Record<string, [string, () => JsonObject]> = {
  glorot_uniform: ['GlorotUniform', axes],
  glorot_normal: ['GlorotNormal', axes],
  he_normal: ['HeNormal', axes],
  he_uniform: ['HeUniform', axes],
  lecun_normal: ['LecunNormal', axes],
  lecun_uniform: ['LecunUniform', axes],
  zeros: ['Zeros', () => ({})],
  ones: ['Ones', () => ({})],
  identity: ['Identity', () => ({})],
  orthogonal: ['Orthogonal', () => ({ seed: null, gain: 1.0 })],
  uniform: ['RandomUniform', () => ({ seed: null, minval: -0.05, maxval: 0.05 })],
  random_uniform: ['RandomUniform', () => ({ seed: null, minval: -0.05, maxval: 0.05 })],
  normal: ['RandomNormal', () => ({ seed: null, mean: 0.0, stddev: 0.05 })],
  random_normal: ['RandomNormal', () => ({ seed: null, mean: 0.0, stddev: 0.05 })],
  truncated_normal: ['TruncatedNormal', () => ({ seed: null, mean: 0.0, stddev: 0.05 })],
  variance_scaling: [
    'VarianceScaling',
    () => ({
      seed: null,
      scale: 1.0,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      input_axes: null,
      output_axes: null,
    }),
  ],
  constant: ['Constant', () => ({ value: 0.0 })],
};

/** Class name → default config, for `keras.initializers.HeNormal(seed=1)`-style calls. */
const INITIALIZER_CLASSES = new Map(Object.values(INITIALIZERS).map(([cls, make]) => [cls, make]));

export function initializer(name: string): JsonObject | null {
  const hit = INITIALIZERS[name] ?? INITIALIZERS[snake(name)];
  return hit ? kerasObject('keras.initializers', hit[0], hit[1]()) : null;
}

export function initializerClass(className: string, overrides: JsonObject): JsonObject | null {
  const make = INITIALIZER_CLASSES.get(className);
  return make ? kerasObject('keras.initializers', className, { ...make(), ...overrides }) : null;
}

const L1_DEFAULT = 0.009999999776482582; // 0.01 as float32, as Keras writes it

export function regularizer(name: string): JsonObject | null {
  if (name === 'l1') return kerasObject('keras.regularizers', 'L1', { l1: L1_DEFAULT });
  if (name === 'l2') return kerasObject('keras.regularizers', 'L2', { l2: 0.01 });
  return null;
}

/** `l1(x)`, `l2(x)`, `l1_l2(l1=, l2=)` and their class spellings. */
export function regularizerCall(fn: string, args: JsonValue[], kwargs: JsonObject): JsonObject | null {
  const first = args[0];
  switch (fn) {
    case 'l1':
    case 'L1':
      return kerasObject('keras.regularizers', 'L1', { l1: (kwargs.l1 ?? first ?? 0.01) as JsonValue });
    case 'l2':
    case 'L2':
      return kerasObject('keras.regularizers', 'L2', { l2: (kwargs.l2 ?? first ?? 0.01) as JsonValue });
    case 'l1_l2':
    case 'L1L2':
      return kerasObject('keras.regularizers', 'L1L2', {
        l1: (kwargs.l1 ?? first ?? (fn === 'l1_l2' ? 0.01 : 0.0)) as JsonValue,
        l2: (kwargs.l2 ?? args[1] ?? (fn === 'l1_l2' ? 0.01 : 0.0)) as JsonValue,
      });
    default:
      return null;
  }
}

export function constraint(name: string): JsonObject | null {
  switch (name) {
    case 'max_norm':
      return kerasObject('keras.constraints', 'MaxNorm', { max_value: 2, axis: 0 });
    case 'non_neg':
      return kerasObject('keras.constraints', 'NonNeg', {});
    case 'unit_norm':
      return kerasObject('keras.constraints', 'UnitNorm', { axis: 0 });
    case 'min_max_norm':
      return kerasObject('keras.constraints', 'MinMaxNorm', { min_value: 0.0, max_value: 1.0, rate: 1.0, axis: 0 });
    default:
      return null;
  }
}

export function constraintCall(fn: string, args: JsonValue[], kwargs: JsonObject): JsonObject | null {
  if (fn === 'max_norm' || fn === 'MaxNorm')
    return kerasObject('keras.constraints', 'MaxNorm', {
      max_value: (kwargs.max_value ?? args[0] ?? 2) as JsonValue,
      axis: (kwargs.axis ?? args[1] ?? 0) as JsonValue,
    });
  if (fn === 'non_neg' || fn === 'NonNeg') return kerasObject('keras.constraints', 'NonNeg', {});
  if (fn === 'unit_norm' || fn === 'UnitNorm')
    return kerasObject('keras.constraints', 'UnitNorm', { axis: (kwargs.axis ?? args[0] ?? 0) as JsonValue });
  return null;
}

/** Activation names as Keras 3 writes them (`swish` is an alias of `silu`, `None` is `linear`). */
const ACTIVATION_ALIASES: Record<string, string> = { swish: 'silu', None: 'linear' };

export function activationName(name: string | null): string {
  if (name === null) return 'linear';
  return ACTIVATION_ALIASES[name] ?? name;
}

export function dtypePolicy(name: string): JsonObject {
  return kerasObject('keras', 'DTypePolicy', { name });
}

/** Optimizer identifiers as Keras maps them to classes. */
const OPTIMIZERS: Record<string, string> = {
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adamw: 'AdamW',
  nadam: 'Nadam',
  adadelta: 'Adadelta',
  adamax: 'Adamax',
  ftrl: 'Ftrl',
  lion: 'Lion',
};

export function optimizerClass(name: string): string | null {
  return OPTIMIZERS[name.toLowerCase()] ?? null;
}

const snakeCache = new Map<string, string>();

export function snake(name: string): string {
  let hit = snakeCache.get(name);
  if (hit === undefined) {
    hit = snakeUncached(name);
    if (snakeCache.size < 10_000) snakeCache.set(name, hit);
  }
  return hit;
}

function snakeUncached(name: string): string {
  // Keras' to_snake_case: "MaxPooling1D" → "max_pooling1d", "LSTM" → "lstm", "ReLU" → "re_lu".
  const cleaned = name.replace(/\W+/g, '');
  return cleaned
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
