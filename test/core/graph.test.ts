/**
 * The one model graph (src/core/graph): built from a ModelIR's config, it serves the analysis
 * where the runtime refuses (no input shape, an untraced subclass), carries Keras 3's op
 * nodes and `mask=` arguments, and orders calls as Keras runs them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertRunnable, buildGraph } from '../../src/core/graph/fromConfig';
import type { JsonObject, KerasModelConfig } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { analyze, masks, model } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\n';

function refusal(config: KerasModelConfig): string {
  const graph = buildGraph(config);
  try {
    assertRunnable(graph);
  } catch (error) {
    assert.ok(error instanceof UserFacingError);
    return error.message;
  }
  return 'runnable';
}

test('a Sequential without an input shape: the analysis follows its mask, the runtime refuses with its message', async () => {
  const m = model(
    await analyze(
      `${HEAD}m = keras.Sequential([layers.Masking(), layers.LSTM(4, return_sequences=True), layers.Dense(1)])\n`,
    ),
  );
  assert.deepEqual(masks(m), { masking: [false, true], lstm: [true, true], dense: [true, true] });
  assert.equal(m.lossMasked, 'yes');
  assert.match(refusal(m.ir.config), /does not declare its input shape/);
});

test('an untraced subclass: layers chained in __init__ order (flagged), the runtime refuses', async () => {
  const m = model(
    await analyze(
      `${HEAD}class M(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.emb = layers.Embedding(9, 4, mask_zero=True)\n        self.flat = layers.Flatten()\n    def call(self, x):\n        return some_op(x)\n\nm = M()\n`,
    ),
  );
  assert.equal(buildGraph(m.ir.config).connections, 'init-order');
  assert.deepEqual(masks(m), { embedding: [false, true], flatten: [true, false] });
  assert.ok(m.diagnostics.some((d) => d.code === 'unsupported-construct' && /a guess/.test(d.message)));
  assert.ok(m.diagnostics.some((d) => d.code === 'mask-destroyed'));
  assert.match(refusal(m.ir.config), /could not trace/);
});

test("Keras 3's recorded mask ops are op nodes, and the mask= argument they feed is kept on the call", async () => {
  const m = model(
    await analyze(
      `${HEAD}i = keras.Input(shape=(5,))\nx = layers.Embedding(9, 4, mask_zero=True)(i)\nm = keras.Model(i, layers.LSTM(3, return_sequences=True)(x))\n`,
    ),
  );
  const graph = buildGraph(m.ir.config);
  const op = [...graph.layers.values()].find((l) => l.kind === 'op');
  assert.equal(op?.className, 'NotEqual');
  const lstm = graph.nodes.find((n) => n.layer === 'lstm');
  assert.deepEqual(lstm?.maskArg, [{ layer: op?.name, node: 0, index: 0 }]);
  assert.equal(refusal(m.ir.config), 'runnable');
});

const tensor = (layer: string): JsonObject => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 5, 4], dtype: 'float32', keras_history: [layer, 0, 0] },
});
const node = (args: JsonObject[] | JsonObject[][], kwargs: JsonObject = {}): JsonObject => ({ args, kwargs });

test('calls run in Keras order (map_graph depths, then the order the walk from the outputs met them), not the order the config lists them', () => {
  // Concatenate([attention, dense]): the walk meets the attention first, so Keras runs it
  // first and its deleting x's mask hides it from the Dense, whichever the config lists first.
  const config: KerasModelConfig = {
    class_name: 'Functional',
    config: {
      name: 'f',
      layers: [
        {
          class_name: 'InputLayer',
          config: { name: 'x', batch_shape: [null, 5, 4], dtype: 'float32' },
          inbound_nodes: [],
        },
        { class_name: 'Dense', config: { name: 'dense', units: 4 }, inbound_nodes: [node([tensor('x')])] },
        {
          class_name: 'MultiHeadAttention',
          config: { name: 'mha', num_heads: 1, key_dim: 2 },
          inbound_nodes: [node([tensor('x'), tensor('x')])],
        },
        {
          class_name: 'Concatenate',
          config: { name: 'concatenate', axis: -1 },
          inbound_nodes: [node([[tensor('mha'), tensor('dense')]])],
        },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [['concatenate', 0, 0]],
    },
  };
  assert.deepEqual(
    buildGraph(config).nodes.map((n) => n.layer),
    ['mha', 'dense', 'concatenate'],
  );
});
