/** keras.layers in keras/src/layers/rnn: LSTM, GRU, SimpleRNN, RNN(cell), Bidirectional, TimeDistributed. */
import type { JsonObject, JsonValue } from '../ir';
import { recurrent, rule } from '../masking/rows';
import type { LayerEntry, LayerSignature, Norm, ShapeCall, Shape } from './entry';
import { initializer } from './kerasObjects';
import { count, innerConfig, rnnShape, stateShapes } from './shapeRules';
import { lastOf, recurrentCellParams, recurrentWorking } from './weightCounts';

const init = (name: string): JsonObject | null => initializer(name) ?? null;

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

const recurrentSignature = (params: string[], defaults: () => JsonObject): LayerSignature => ({
  params,
  defaults: copies(defaults),
  norms: RNN_NORMS,
  dropped: RNN_DROPPED,
});

/** How many state tensors a recurrent layer (or cell) class returns with return_state. */
const statesOf = (className: string): number => (className === 'LSTM' || className === 'LSTMCell' ? 2 : 1);

const recurrentShape = ({ inputs: [input], config }: ShapeCall): Shape | null =>
  input ? rnnShape(input, count(config.units), config.return_sequences === true) : null;

const recurrentStates =
  (className: string) =>
  (call: ShapeCall): (Shape | null)[] =>
    call.config.return_state === true ? stateShapes(call, statesOf(className), call.config.units) : [];

/** The cell an `RNN(cell)` runs, as its config writes it. */
function cellOf(config: JsonObject): { className: string; config: JsonObject } {
  const cell = config.cell;
  if (!cell || typeof cell !== 'object' || Array.isArray(cell)) return { className: '', config: {} };
  const c = cell.config;
  return {
    className: typeof cell.class_name === 'string' ? cell.class_name : '',
    config: c && typeof c === 'object' && !Array.isArray(c) ? c : {},
  };
}

/** kernel (features, k·units), recurrent_kernel (units, k·units), bias: the recurrent kernel's rows are the units. */
const recurrentSizes = (shapes: number[][]): Record<string, number> =>
  shapes[1]?.length === 2 ? { units: shapes[1][0] } : {};
/** A wrapper's held layer as its config writes it (`{class_name, config}`). */
function heldLayer(v: JsonValue | undefined): { className: string; config: JsonObject } | null {
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v.class_name !== 'string') return null;
  const c = v.config;
  return { className: v.class_name, config: c && typeof c === 'object' && !Array.isArray(c) ? c : {} };
}

export const RNN_LAYERS = {
  LSTM: {
    signature: recurrentSignature(
      [
        'units',
        'activation',
        'recurrent_activation',
        'use_bias',
        'kernel_initializer',
        'recurrent_initializer',
        'bias_initializer',
        'unit_forget_bias',
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
        'dropout',
        'recurrent_dropout',
        'seed',
        'return_sequences',
        'return_state',
        'go_backwards',
        'stateful',
        'unroll',
      ],
      () => ({
        ...recurrentCommon(),
        units: null,
        activation: 'tanh',
        recurrent_activation: 'sigmoid',
        ...recurrentWeights({ unit_forget_bias: true }),
        seed: null,
      }),
    ),
    mask: recurrent('rnn', 'layers/rnn/rnn.py'),
    shape: recurrentShape,
    extraOutputs: recurrentStates('LSTM'),
    sizesFromWeights: recurrentSizes,
    params: ({ inputs: [input], config }) => recurrentCellParams('LSTM', config, lastOf(input)),
    working: ({ inputs: [input], config }) => recurrentWorking('LSTM', config, input),
  },
  GRU: {
    signature: recurrentSignature(
      [
        'units',
        'activation',
        'recurrent_activation',
        'use_bias',
        'kernel_initializer',
        'recurrent_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
        'dropout',
        'recurrent_dropout',
        'seed',
        'return_sequences',
        'return_state',
        'go_backwards',
        'stateful',
        'unroll',
        'reset_after',
      ],
      () => ({
        ...recurrentCommon(),
        units: null,
        activation: 'tanh',
        recurrent_activation: 'sigmoid',
        ...recurrentWeights(),
        reset_after: true,
        seed: null,
      }),
    ),
    mask: recurrent('rnn', 'layers/rnn/rnn.py'),
    shape: recurrentShape,
    extraOutputs: recurrentStates('GRU'),
    sizesFromWeights: recurrentSizes,
    params: ({ inputs: [input], config }) => recurrentCellParams('GRU', config, lastOf(input)),
    working: ({ inputs: [input], config }) => recurrentWorking('GRU', config, input),
  },
  SimpleRNN: {
    signature: recurrentSignature(
      [
        'units',
        'activation',
        'use_bias',
        'kernel_initializer',
        'recurrent_initializer',
        'bias_initializer',
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
        'dropout',
        'recurrent_dropout',
        'return_sequences',
        'return_state',
        'go_backwards',
        'stateful',
        'unroll',
        'seed',
      ],
      () => ({ ...recurrentCommon(), units: null, activation: 'tanh', ...recurrentWeights() }),
    ),
    mask: recurrent('rnn', 'layers/rnn/rnn.py'),
    shape: recurrentShape,
    extraOutputs: recurrentStates('SimpleRNN'),
    sizesFromWeights: recurrentSizes,
    params: ({ inputs: [input], config }) => recurrentCellParams('SimpleRNN', config, lastOf(input)),
    working: ({ inputs: [input], config }) => recurrentWorking('SimpleRNN', config, input),
  },
  RNN: {
    // The cell is another object the reader keeps opaque (with its own unknown-layer note); configs Keras wrote carry it whole.
    signature: {
      params: [
        'cell',
        'return_sequences',
        'return_state',
        'go_backwards',
        'stateful',
        'unroll',
        'zero_output_for_mask',
      ],
      defaults: () => ({ ...recurrentCommon(), cell: null }),
    },
    mask: recurrent('rnn', 'layers/rnn/rnn.py'),
    shape: ({ inputs: [input], config }) =>
      input ? rnnShape(input, count(cellOf(config).config.units), config.return_sequences === true) : null,
    extraOutputs: (call) => {
      const cell = cellOf(call.config);
      return call.config.return_state === true ? stateShapes(call, statesOf(cell.className), cell.config.units) : [];
    },
    params: ({ inputs: [input], config }) => {
      const cell = cellOf(config);
      return recurrentCellParams(cell.className, cell.config, lastOf(input));
    },
    working: ({ inputs: [input], config }) => {
      const cell = cellOf(config);
      return recurrentWorking(cell.className, cell.config, input);
    },
  },
  Bidirectional: {
    signature: {
      params: ['layer', 'merge_mode', 'weights', 'backward_layer'],
      defaults: () => ({ merge_mode: 'concat' }),
      norms: { layer: 'layer', backward_layer: 'layer' },
      dropped: ['weights'],
    },
    mask: recurrent('rnn-wrapper', 'layers/rnn/bidirectional.py'),
    shape: ({ inputs: [input], config }) => {
      if (!input) return null;
      const inner = innerConfig(config);
      const units = count(inner.units);
      const merged = config.merge_mode === 'concat' && units !== null ? units * 2 : units;
      return rnnShape(input, merged, inner.return_sequences === true);
    },
    extraOutputs: (call) => {
      const inner = innerConfig(call.config);
      const layer = call.config.layer as JsonObject | undefined;
      return inner.return_state === true ? stateShapes(call, 2 * statesOf(String(layer?.class_name)), inner.units) : [];
    },
    // A forward and a backward copy of the held layer (or the backward_layer given).
    params: ({ inputs, config, paramsOf }) => {
      const forward = heldLayer(config.layer);
      const backward = heldLayer(config.backward_layer) ?? forward;
      if (!forward || !backward) return null;
      const [f, b] = [paramsOf(forward, inputs), paramsOf(backward, inputs)];
      return f === null || b === null ? null : f + b;
    },
    working: ({ inputs, config, workingOf }) => {
      const forward = heldLayer(config.layer);
      const backward = heldLayer(config.backward_layer) ?? forward;
      if (!forward || !backward) return null;
      const [f, b] = [workingOf(forward, inputs), workingOf(backward, inputs)];
      return f === null || b === null ? null : f + b;
    },
  },
  // A mask passes through TimeDistributed in both families, but tf.keras asks the wrapped
  // layer's compute_mask first, which raises TypeError when that layer does not support masking.
  TimeDistributed: {
    signature: { params: ['layer'], defaults: () => ({}), norms: { layer: 'layer' } },
    mask: [
      {
        family: 'keras3',
        rule: {
          ...rule(true, 'identity', 'layers/rnn/time_distributed.py: supports_masking = True, mask passed through'),
          innerUnsupported: 'ignore',
          callTakesMask: true,
        },
      },
      {
        family: 'tf-keras2',
        rule: {
          ...rule(
            true,
            'identity',
            "tf_keras time_distributed.py compute_mask calls the inner layer's compute_mask (golden: TypeError for TimeDistributed(Flatten))",
          ),
          innerUnsupported: 'raise',
        },
      },
    ],
    shape: ({ inputs: [input], innerShape }) => {
      if (!input || !innerShape) return null;
      const inner = innerShape([[input[0] ?? null, ...input.slice(2)]]);
      return inner ? [input[0] ?? null, input[1] ?? null, ...inner.slice(1)] : null;
    },
    // One copy of the held layer, applied per timestep.
    params: ({ inputs: [input], config, paramsOf }) => {
      const held = heldLayer(config.layer);
      return held && input ? paramsOf(held, [[input[0] ?? null, ...input.slice(2)]]) : null;
    },
    // The held layer runs on every timestep of the sample.
    working: ({ inputs: [input], config, workingOf }) => {
      const held = heldLayer(config.layer);
      const steps = input ? count(input[1] ?? null) : null;
      const each = held && input ? workingOf(held, [[input[0] ?? null, ...input.slice(2)]]) : null;
      return each === null || steps === null ? null : each * steps;
    },
  },
} satisfies Record<string, LayerEntry>;
