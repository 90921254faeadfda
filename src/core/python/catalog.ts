/**
 * The layer catalog: for each Keras layer class MaskLens reads, its Python signature
 * (positional parameters in order, mapped to config keys) and the config Keras 3.15.1's
 * `get_config()` writes for a default-constructed layer. A layer built from source starts
 * from these defaults and overwrites what the source sets, so its config reads like the
 * one `model.to_json()` writes. Mask behaviour is NOT here: that is the mask registry's job.
 */
import type { JsonObject } from '../ir';
import { initializer } from './kerasObjects';

/** How a source value becomes the value Keras writes. */
export type Norm =
  | 'list' // tuples → lists
  | 'tuple1' // 3 → [3] (Conv1D kernel_size, pooling sizes)
  | 'activation'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  | 'layer' // a layer object (wrappers)
  | 'float';

export interface LayerSpec {
  params: string[];
  defaults: () => JsonObject;
  norms?: Record<string, Norm>;
  /** Arguments Keras accepts but does not write (deprecated, or weights). */
  dropped?: string[];
  /** Python keyword → config key, where they differ. */
  aliases?: Record<string, string>;
  /** Fills defaults that derive from other arguments (strides ← pool_size). */
  derive?: (config: JsonObject) => void;
  /** Keras writes no `trainable` / puts keys in a different order (SpatialDropout1D). */
  bare?: boolean;
}

const init = (name: string): JsonObject => initializer(name) as JsonObject;

/**
 * The weight arguments LSTM, GRU and SimpleRNN share, in Keras' key order; `afterInitializers`
 * goes between the initializers and the regularizers (LSTM's `unit_forget_bias`).
 */
const recurrentWeights = (afterInitializers: JsonObject = {}): JsonObject => ({
  use_bias: true,
  kernel_initializer: init('glorot_uniform'),
  recurrent_initializer: init('orthogonal'),
  bias_initializer: init('zeros'),
  ...afterInitializers,
  kernel_regularizer: null,
  recurrent_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  recurrent_constraint: null,
  bias_constraint: null,
  dropout: 0.0,
  recurrent_dropout: 0.0,
});

const recurrentCommon = (): JsonObject => ({
  return_sequences: false,
  return_state: false,
  go_backwards: false,
  stateful: false,
  unroll: false,
  zero_output_for_mask: false,
});

/**
 * Defaults assembled once and handed out as fresh copies by JSON.parse. A 24-key object built
 * by spreads lands in V8's slow dictionary mode (~25 µs to build, slow to copy into
 * Bidirectional's forward/backward configs and to write as JSON) for every recurrent layer in
 * a file; a parsed one has fast properties and costs ~2 µs.
 */
const copies = (build: () => JsonObject): (() => JsonObject) => {
  const text = JSON.stringify(build());
  return () => JSON.parse(text) as JsonObject;
};

const lstmDefaults = copies(() => ({
  ...recurrentCommon(),
  units: null,
  activation: 'tanh',
  recurrent_activation: 'sigmoid',
  ...recurrentWeights({ unit_forget_bias: true }),
  seed: null,
}));

const gruDefaults = copies(() => ({
  ...recurrentCommon(),
  units: null,
  activation: 'tanh',
  recurrent_activation: 'sigmoid',
  ...recurrentWeights(),
  reset_after: true,
  seed: null,
}));

const simpleRnnDefaults = copies(() => ({
  ...recurrentCommon(),
  units: null,
  activation: 'tanh',
  ...recurrentWeights(),
}));

const RNN_NORMS: Record<string, Norm> = {
  activation: 'activation',
  recurrent_activation: 'activation',
  kernel_initializer: 'initializer',
  recurrent_initializer: 'initializer',
  bias_initializer: 'initializer',
  kernel_regularizer: 'regularizer',
  recurrent_regularizer: 'regularizer',
  bias_regularizer: 'regularizer',
  activity_regularizer: 'regularizer',
  kernel_constraint: 'constraint',
  recurrent_constraint: 'constraint',
  bias_constraint: 'constraint',
};

const RNN_DROPPED = ['use_cudnn', 'time_major', 'implementation', 'weights'];

const poolDerive = (config: JsonObject): void => {
  if (config.strides === null || config.strides === undefined) config.strides = config.pool_size;
};

const pooling = (poolDefault: number | null): LayerSpec => ({
  params: ['pool_size', 'strides', 'padding', 'data_format'],
  defaults: () => ({ pool_size: poolDefault === null ? null : [poolDefault], padding: 'valid', strides: null, data_format: 'channels_last' }),
  norms: { pool_size: 'tuple1', strides: 'tuple1' },
  derive: poolDerive,
});

const globalPooling: LayerSpec = {
  params: ['data_format', 'keepdims'],
  defaults: () => ({ data_format: 'channels_last', keepdims: false }),
};

const merge: LayerSpec = { params: [], defaults: () => ({}) };

export const CATALOG: Record<string, LayerSpec> = {
  Masking: { params: ['mask_value'], defaults: () => ({ mask_value: 0.0 }), norms: { mask_value: 'float' } },
  Embedding: {
    params: ['input_dim', 'output_dim', 'embeddings_initializer', 'embeddings_regularizer', 'embeddings_constraint', 'mask_zero', 'weights'],
    defaults: () => ({
      input_dim: null,
      output_dim: null,
      embeddings_initializer: init('uniform'),
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: false,
      quantization_config: null,
    }),
    norms: { embeddings_initializer: 'initializer', embeddings_regularizer: 'regularizer', activity_regularizer: 'regularizer', embeddings_constraint: 'constraint' },
    dropped: ['input_length', 'weights', 'lora_rank', 'lora_alpha', 'sparse'],
  },
  LSTM: {
    params: ['units', 'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'unit_forget_bias', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'seed', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'],
    defaults: lstmDefaults,
    norms: RNN_NORMS,
    dropped: RNN_DROPPED,
  },
  GRU: {
    params: ['units', 'activation', 'recurrent_activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'seed', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'reset_after'],
    defaults: gruDefaults,
    norms: RNN_NORMS,
    dropped: RNN_DROPPED,
  },
  SimpleRNN: {
    params: ['units', 'activation', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'seed'],
    defaults: simpleRnnDefaults,
    norms: RNN_NORMS,
    dropped: RNN_DROPPED,
  },
  Bidirectional: {
    params: ['layer', 'merge_mode', 'weights', 'backward_layer'],
    defaults: () => ({ merge_mode: 'concat' }),
    norms: { layer: 'layer', backward_layer: 'layer' },
    dropped: ['weights'],
  },
  TimeDistributed: { params: ['layer'], defaults: () => ({}), norms: { layer: 'layer' } },
  Dense: {
    params: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'],
    defaults: () => ({
      units: null,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: init('glorot_uniform'),
      bias_initializer: init('zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      quantization_config: null,
    }),
    norms: { activation: 'activation', kernel_initializer: 'initializer', bias_initializer: 'initializer', kernel_regularizer: 'regularizer', bias_regularizer: 'regularizer', activity_regularizer: 'regularizer', kernel_constraint: 'constraint', bias_constraint: 'constraint' },
    dropped: ['lora_rank', 'lora_alpha'],
  },
  Dropout: { params: ['rate', 'noise_shape', 'seed'], defaults: () => ({ rate: null, seed: null, noise_shape: null }), norms: { noise_shape: 'list', rate: 'float' } },
  SpatialDropout1D: { params: ['rate', 'seed'], defaults: () => ({ rate: null, seed: null }), norms: { rate: 'float' }, bare: true },
  GaussianNoise: { params: ['stddev', 'seed'], defaults: () => ({ stddev: null, seed: null }) },
  Activation: { params: ['activation'], defaults: () => ({ activation: null }), norms: { activation: 'activation' } },
  ReLU: { params: ['max_value', 'negative_slope', 'threshold'], defaults: () => ({ max_value: null, negative_slope: 0.0, threshold: 0.0 }) },
  Softmax: { params: ['axis'], defaults: () => ({ axis: -1 }) },
  Lambda: { params: ['function', 'output_shape', 'mask', 'arguments'], defaults: () => ({ function: null, arguments: {} }), norms: { output_shape: 'list' } },
  Flatten: { params: ['data_format'], defaults: () => ({ data_format: 'channels_last' }) },
  Reshape: { params: ['target_shape'], defaults: () => ({ target_shape: null }), norms: { target_shape: 'list' } },
  RepeatVector: { params: ['n'], defaults: () => ({ n: null }) },
  Permute: { params: ['dims'], defaults: () => ({ dims: null }), norms: { dims: 'list' } },
  Conv1D: {
    params: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'],
    defaults: () => ({
      filters: null,
      kernel_size: null,
      strides: [1],
      padding: 'valid',
      data_format: 'channels_last',
      dilation_rate: [1],
      groups: 1,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: init('glorot_uniform'),
      bias_initializer: init('zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    }),
    norms: { kernel_size: 'tuple1', strides: 'tuple1', dilation_rate: 'tuple1', activation: 'activation', kernel_initializer: 'initializer', bias_initializer: 'initializer', kernel_regularizer: 'regularizer', bias_regularizer: 'regularizer', activity_regularizer: 'regularizer', kernel_constraint: 'constraint', bias_constraint: 'constraint' },
    dropped: ['lora_rank', 'lora_alpha'],
  },
  MaxPooling1D: pooling(2),
  AveragePooling1D: pooling(null),
  GlobalAveragePooling1D: globalPooling,
  GlobalMaxPooling1D: globalPooling,
  BatchNormalization: {
    params: ['axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'synchronized'],
    defaults: () => ({
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      beta_initializer: init('zeros'),
      gamma_initializer: init('ones'),
      moving_mean_initializer: init('zeros'),
      moving_variance_initializer: init('ones'),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
      synchronized: false,
      renorm: false,
      renorm_clipping: null,
      renorm_momentum: 0.99,
    }),
    norms: { beta_initializer: 'initializer', gamma_initializer: 'initializer', moving_mean_initializer: 'initializer', moving_variance_initializer: 'initializer', beta_regularizer: 'regularizer', gamma_regularizer: 'regularizer', beta_constraint: 'constraint', gamma_constraint: 'constraint' },
  },
  LayerNormalization: {
    params: ['axis', 'epsilon', 'center', 'scale', 'rms_scaling', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'],
    defaults: () => ({
      axis: -1,
      epsilon: 0.001,
      center: true,
      scale: true,
      rms_scaling: false,
      beta_initializer: init('zeros'),
      gamma_initializer: init('ones'),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    }),
    norms: { beta_initializer: 'initializer', gamma_initializer: 'initializer', beta_regularizer: 'regularizer', gamma_regularizer: 'regularizer', beta_constraint: 'constraint', gamma_constraint: 'constraint' },
  },
  Concatenate: { params: ['axis'], defaults: () => ({ axis: -1 }) },
  Add: merge,
  Subtract: merge,
  Multiply: merge,
  Average: merge,
  Maximum: merge,
  Minimum: merge,
  Attention: { params: ['use_scale', 'score_mode', 'dropout', 'seed'], defaults: () => ({ use_scale: false, score_mode: 'dot', dropout: 0.0, seed: null }) },
  AdditiveAttention: { params: ['use_scale', 'dropout'], defaults: () => ({ use_scale: true, dropout: 0.0, seed: null }) },
  MultiHeadAttention: {
    params: ['num_heads', 'key_dim', 'value_dim', 'dropout', 'use_bias', 'output_shape', 'attention_axes', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'seed'],
    defaults: () => ({
      num_heads: null,
      key_dim: null,
      value_dim: null,
      dropout: 0.0,
      use_bias: true,
      use_gate: false,
      output_shape: null,
      attention_axes: null,
      sliding_window: null,
      kernel_initializer: init('glorot_uniform'),
      bias_initializer: init('zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      seed: null,
    }),
    norms: { kernel_initializer: 'initializer', bias_initializer: 'initializer', kernel_regularizer: 'regularizer', bias_regularizer: 'regularizer', activity_regularizer: 'regularizer', kernel_constraint: 'constraint', bias_constraint: 'constraint', attention_axes: 'list', output_shape: 'list' },
    derive: (config) => {
      if (config.value_dim === null || config.value_dim === undefined) config.value_dim = config.key_dim;
    },
  },
};

/** Layer classes under another name (Keras 2 aliases Keras 3 still exports). */
export const CLASS_ALIASES: Record<string, string> = {
  CuDNNLSTM: 'LSTM',
  CuDNNGRU: 'GRU',
  Convolution1D: 'Conv1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
};

/** Functional helpers (`layers.concatenate([a, b])`) and the class each one instantiates. */
export const MERGE_HELPERS: Record<string, string> = {
  concatenate: 'Concatenate',
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
};

/**
 * Real Keras layer classes MaskLens does not model in detail: they are kept as opaque
 * nodes with the arguments the source gives (an `unknown-layer` diagnostic says so).
 */
export function isKerasLayerName(name: string): boolean {
  return /^[A-Z][A-Za-z0-9]*$/.test(name);
}
