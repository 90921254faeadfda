/** The executor's masks and outputs: the Keras facts of DESIGN.md, from the shared registry. */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { KerasFamily, KerasModelConfig, LambdaIR } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { ModelRuntime } from '../../src/worker/executor';
import { buildGraph } from '../../src/core/graph/fromConfig';
import { loadTf } from '../../src/worker/tf';
import { layer, sequential } from './helpers';

const { tf } = loadTf();

function run(
  config: KerasModelConfig,
  x: number[][] | number[][][],
  family: KerasFamily = 'keras3',
  lambdas: Record<string, LambdaIR> = {},
) {
  const runtime = new ModelRuntime(tf, buildGraph(config), { family, seed: 3, lambdas, weights: null });
  type Out = {
    layers: { name: string; output: number[][][]; mask: number[][] | null; effect: string; warning: string | null }[];
    warnings: string[];
  };
  let out: Out = { layers: [], warnings: [] };
  try {
    tf.tidy(() => {
      const r = runtime.forward([tf.tensor(x)], false);
      out = {
        layers: r.records.map((rec) => ({
          name: rec.layer.name,
          output: rec.output.arraySync() as number[][][],
          mask: rec.mask ? (tf.cast(rec.mask, 'int32').arraySync() as number[][]) : null,
          effect: rec.effect,
          warning: rec.warning,
        })),
        warnings: r.warnings,
      };
    });
    return out;
  } finally {
    runtime.dispose();
  }
}

test('seed 001: Embedding(mask_zero) masks zeros but does not zero them; LSTM repeats the previous output', () => {
  const r = run(
    sequential(
      [4],
      [
        layer('Embedding', { input_dim: 5, output_dim: 5, mask_zero: true }),
        layer('LSTM', { units: 3, return_sequences: true }),
      ],
    ),
    [[1, 0, 2, 0]],
  );
  const [emb, lstm] = r.layers;
  assert.deepEqual(emb.mask, [[1, 0, 1, 0]]);
  assert.ok(
    emb.output[0][1].some((v) => v !== 0),
    'the embedding of token 0 is not zeroed',
  );
  assert.deepEqual(lstm.mask, [[1, 0, 1, 0]]);
  assert.deepEqual(lstm.output[0][1], lstm.output[0][0]);
  assert.deepEqual(lstm.output[0][3], lstm.output[0][2]);
  assert.notDeepEqual(lstm.output[0][2], lstm.output[0][1]);
});

test('Masking zeroes masked steps; return_sequences=False consumes the mask', () => {
  const x = [
    [
      [1, 2],
      [0, 0],
      [3, 4],
    ],
  ];
  const r = run(sequential([3, 2], [layer('Masking', { mask_value: 0 }), layer('GRU', { units: 2 })]), x);
  assert.deepEqual(r.layers[0].mask, [[1, 0, 1]]);
  assert.deepEqual(r.layers[0].output[0][1], [0, 0]);
  assert.equal(r.layers[1].mask, null);
  assert.equal(r.layers[1].effect, 'consumes');
  const minusOne = run(sequential([2, 2], [layer('Masking', { mask_value: -1 })]), [
    [
      [-1, -1],
      [0, 0],
    ],
  ]);
  assert.deepEqual(minusOne.layers[0].mask, [[0, 1]]);
});

test('a layer without masking: Keras 3 drops the mask with its warning, tf.keras silently', () => {
  const config = sequential(
    [3, 2],
    [layer('Masking', {}), layer('Conv1D', { filters: 2, kernel_size: 1 }), layer('Dense', { units: 1 })],
  );
  const k3 = run(
    config,
    [
      [
        [1, 1],
        [0, 0],
        [1, 1],
      ],
    ],
    'keras3',
  );
  assert.equal(k3.layers[1].mask, null);
  assert.equal(k3.layers[1].effect, 'destroys');
  assert.match(k3.warnings[0], /does not support masking and will therefore destroy the mask information/);
  const tk = run(
    config,
    [
      [
        [1, 1],
        [0, 0],
        [1, 1],
      ],
    ],
    'tf-keras2',
  );
  assert.equal(tk.layers[1].mask, null);
  assert.match(tk.layers[1].warning ?? '', /tf.keras drops the mask here without a warning/);
});

test('Lambda: no mask unless mask=; a callable mask slices the previous mask (seed 002)', () => {
  const slice = (index: number) => ({
    op: 'slice' as const,
    target: { op: 'param' as const, index },
    items: [
      { kind: 'range' as const, start: null, stop: null, step: null },
      { kind: 'range' as const, start: 1, stop: null, step: null },
    ],
  });
  const fn = { params: ['x'], body: slice(0), source: 'lambda x: x[:, 1:]' };
  const config = sequential([4, 1], [layer('Masking', {}), layer('Lambda', { name: 'lambda' })]);
  const x = [[[1], [2], [0], [0]]];
  const none = run(config, x, 'keras3', { lambda: { fn, mask: { kind: 'none' } } });
  assert.equal(none.layers[1].mask, null);
  assert.deepEqual(none.layers[1].output, [[[2], [0], [0]]]);
  assert.match(none.warnings.join(), /Lambda/);
  // The config says whether mask= was given (as Keras' get_config does); the IR holds its translation.
  const maskSource = 'lambda inputs, previous_mask: previous_mask[:, 1:]';
  const masked = sequential(
    [4, 1],
    [
      layer('Masking', {}),
      layer('Lambda', {
        name: 'lambda',
        mask: { class_name: '__lambda__', config: { code: maskSource, defaults: null, closure: null } },
      }),
    ],
  );
  const withMask = run(masked, x, 'keras3', {
    lambda: {
      fn,
      mask: { kind: 'callable', fn: { params: ['inputs', 'previous_mask'], body: slice(1), source: maskSource } },
    },
  });
  assert.deepEqual(withMask.layers[1].mask, [[1, 0, 0]]);
  assert.throws(
    () => run(config, x, 'keras3', {}),
    (e: unknown) => e instanceof UserFacingError && e.code === 'lambda',
  );
});

test('merging: Keras 3 needs every input masked, tf.keras ANDs the present masks', () => {
  const config: KerasModelConfig = {
    class_name: 'Functional',
    config: {
      name: 'f',
      layers: [
        { class_name: 'InputLayer', config: { batch_shape: [null, 3, 1], name: 'a' }, inbound_nodes: [] },
        { class_name: 'Masking', config: { name: 'masking' }, inbound_nodes: [[['a', 0, 0, {}]]] },
        { class_name: 'Dense', config: { name: 'dense', units: 1 }, inbound_nodes: [[['a', 0, 0, {}]]] },
        {
          class_name: 'Add',
          config: { name: 'add' },
          inbound_nodes: [
            [
              ['masking', 0, 0, {}],
              ['dense', 0, 0, {}],
            ],
          ],
        },
      ],
      input_layers: [['a', 0, 0]],
      output_layers: [['add', 0, 0]],
    },
  };
  const x = [[[1], [0], [2]]];
  assert.equal(run(config, x, 'keras3').layers[2].mask, null);
  assert.deepEqual(run(config, x, 'tf-keras2').layers[2].mask, [[1, 0, 1]]);
});

test('GlobalAveragePooling1D averages valid steps only and consumes the mask', () => {
  const r = run(sequential([3, 1], [layer('Masking', {}), layer('GlobalAveragePooling1D', {})]), [[[2], [0], [4]]]);
  assert.deepEqual(r.layers[1].output, [[3]]);
  assert.equal(r.layers[1].mask, null);
});

test('unknown layer classes fail with one clear error', () => {
  assert.throws(
    () => run(sequential([3], [layer('Conv3DTranspose', {})]), [[1, 2, 3]]),
    (e: unknown) => e instanceof UserFacingError && e.code === 'unsupported-layer',
  );
});

test("TensorFlow's own error in a layer names the layer and its input: an Embedding index outside input_dim", () => {
  const config = sequential([3], [layer('Embedding', { name: 'tokens', input_dim: 5, output_dim: 2 })]);
  const runtime = new ModelRuntime(tf, buildGraph(config), { family: 'keras3', seed: 3, lambdas: {}, weights: null });
  try {
    assert.throws(
      () =>
        tf.tidy(() => {
          runtime.forward([tf.tensor([[1, 7, 2]])], false);
        }),
      (error: unknown) => {
        assert.ok(error instanceof UserFacingError, String(error));
        assert.equal(error.location, 'tokens');
        assert.equal(error.code, 'layer-input');
        assert.match(
          error.message,
          /^layer 'tokens' \(Embedding\) failed on its input from 'input_layer': a token id in the data is outside 0…4 \(input_dim=5\)/,
        );
        // TensorFlow's own words stay at the end, for whoever searches for them
        assert.match(error.message, /TensorFlow said: .*GatherV2|TensorFlow said: .*indices/);
        return true;
      },
    );
  } finally {
    runtime.dispose();
  }
});
