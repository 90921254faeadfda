/**
 * Everyday Python around a model must never cost the model: unpacking with `zip(*pairs)`,
 * builtins over values the reader cannot see, and — should the reader itself fail on one
 * statement — the statements after it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, codes, layerConfig, model, names } from './helpers';

const MODEL = `model = keras.Sequential([keras.layers.Embedding(50, 8, mask_zero=True), keras.layers.LSTM(4), keras.layers.Dense(1)])\n`;

test('`a, b = zip(*pairs)` over pairs read from a file keeps the model and is not an internal error', async () => {
  const a = await analyze(
    `import json\nimport keras\npairs = json.load(open('p.json'))\ntexts, tags = zip(*pairs)\nlabels = sorted(set(tags))\n${MODEL}`,
  );
  assert.deepEqual(
    codes(a.diagnostics).filter((c) => c === 'internal-error'),
    [],
  );
  assert.deepEqual(names(model(a, 'model')), [
    ['Embedding', 'embedding'],
    ['LSTM', 'lstm'],
    ['Dense', 'dense'],
  ]);
});

test('zip over known lists pairs them up; zip() of nothing is empty', async () => {
  const a = await analyze(
    `import keras\nunits = [u for u, _ in zip([3, 5], ['a', 'b'])]\nnothing = list(zip())\nmodel = keras.Sequential([keras.layers.Dense(units[0] + units[1] + len(nothing))])\n`,
  );
  assert.equal(model(a, 'model').ir.config.config.layers[0]?.config.units, 8);
});

test('min and max with key= or default=, and sum with a start, are not guessed', async () => {
  const a = await analyze(
    `import keras\nn = max([1, 30], key=lambda v: -v)\nmodel = keras.Sequential([keras.layers.Dense(n)])\n`,
  );
  // Python gives 1 here; ignoring key= would give 30.
  assert.equal(model(a, 'model').ir.config.config.layers[0]?.config.units, null);
});

test('enumerate honours its start', async () => {
  const a = await analyze(
    `import keras\nfor i, u in enumerate([4], 1):\n    model = keras.Sequential([keras.layers.Dense(u * 10 + i)])\n`,
  );
  assert.equal(model(a, 'model').ir.config.config.layers[0]?.config.units, 41);
});

test('a fault of the reader in one statement costs that statement only, with a located internal error', async () => {
  // A dimensions table that throws on one key stands in for a bug inside the reader.
  const dimensions = new Proxy({} as Record<string, number>, {
    get(_target, key) {
      if (key === 'broken') throw new Error('simulated fault');
      return undefined;
    },
  });
  const a = await analyze(
    `import keras\nbefore = keras.Sequential([keras.layers.Dense(2)])\nx = broken\nafter = keras.Sequential([keras.layers.Dense(3)])\n`,
    'keras3',
    { dimensions },
  );
  const faults = a.diagnostics.filter((d) => d.code === 'internal-error');
  assert.equal(faults.length, 1);
  assert.equal(faults[0].range.start.line, 2);
  assert.match(faults[0].message, /simulated fault/);
  assert.deepEqual(
    a.models.map((m) => m.ir.name),
    ['before', 'after'],
  );
});

test('a dimension supplied under the key the diagnostic names resolves it: len(all_words), len(tok.word_index) + 1', async () => {
  const source = `import keras\nmodel = keras.Sequential([keras.layers.Embedding(len(all_words), 8), keras.layers.Dense(len(tok.word_index) + 1)])\n`;
  const open = await analyze(source);
  const keys = model(open).ir.unresolved.map((u) => u.key);
  assert.deepEqual(keys, ['len(all_words)', 'len(tok.word_index)+1']);
  const given = await analyze(source, 'keras3', { dimensions: { 'len(all_words)': 300, 'len(tok.word_index)+1': 12 } });
  const config = model(given).ir.config.config.layers;
  assert.equal(config[0]?.config.input_dim, 300);
  assert.equal(config[1]?.config.units, 12);
  assert.deepEqual(model(given).ir.unresolved, []);
});

test('strings are spelled as Python spells them: str() and repr() of numbers, f-string specs, %, format, join', async () => {
  const a = await analyze(`import keras
i = 3
names = [f'x_{i:02d}_{0.1}_{1e-5}_{2.0}_{"s"!r}{{}}', 'l_%d_%s' % (4, 'z'), '{}_{k}'.format('a', k=7), '_'.join(['a', 'b']), str(0.5) + str(True), f'{i:>3}|{1/4:.2f}']
model = keras.Sequential([keras.layers.Dense(1, name=n) for n in names])
`);
  assert.deepEqual(
    names(model(a, 'model')).map(([, n]) => n),
    ["x_03_0.1_1e-05_2.0_'s'{}", 'l_4_z', 'a_7', 'a_b', '0.5True', '  3|0.25'],
  );
});

test('an unknown size is left open under its expression; an unknown option with a default reads the default, and says so', async () => {
  const a = await analyze(
    `import keras\nmodel = keras.Sequential([keras.layers.Embedding(vocab_from(corpus), 8), keras.layers.LSTM(4, return_sequences=keep)])\n`,
  );
  const m = model(a, 'model');
  assert.deepEqual(
    m.ir.unresolved.map((u) => [u.key, u.option]),
    [['vocab_from(corpus)', 'input_dim']],
  );
  assert.equal(m.ir.config.config.layers[1]?.config.return_sequences, false);
  assert.ok(
    m.diagnostics.some((d) =>
      /cannot tell the value of `keep` \(return_sequences\).*Keras' default, false/.test(d.message),
    ),
    m.diagnostics.map((d) => d.message).join('\n'),
  );
});

test('a count a loop builds over what MaskLens cannot iterate is unknown, not what one pass gives', async () => {
  // Python gives n = 6 and m = 3 (python3, the same lines).
  const text =
    'import keras\nnames = ["ab", "cd"]\nn = 2\nfor c in set("".join(names)):\n    n += 1\nm = 1\nfor c in ["a", "b"]:\n    m = m + 1\n' +
    'inp = keras.Input(shape=(4,))\nx = keras.layers.Embedding(n, 3, mask_zero=True)(inp)\ny = keras.layers.Embedding(m, 3, name="known")(inp)\nmodel = keras.Model(inp, [x, y])\n';
  const found = model(await analyze(text), 'model');
  // One pass of the first loop would say 3: the size is left to the data or the weights instead.
  assert.equal(layerConfig(found, 'embedding').input_dim, null);
  assert.equal(layerConfig(found, 'known').input_dim, 3);
});
