/** An RNN size the source reads from a settings file, inside Bidirectional: fixed by the weights given, or named in one refusal; never 0 units. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate';
import { writeNpy } from '../../src/core/data/npy';

const dir = mkdtempSync(join(tmpdir(), 'masklens-open-bidi-'));

function file(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

const SOURCE = file(
  'settings_model.py',
  `import json
import keras
from keras import layers
settings = json.load(open('settings.json'))
model = keras.Sequential([keras.Input(shape=(5,)), layers.Embedding(9, 4, mask_zero=True), layers.Bidirectional(layers.GRU(settings['units'])), layers.Dense(1)])
model.compile(loss='mse', optimizer='adam')
`,
);
const x = file('x.npy', writeNpy({ shape: [2, 5], data: [3, 1, 7, 0, 0, 2, 2, 8, 4, 1] }));
const y = file('y.npy', writeNpy({ shape: [2, 1], data: [0.5, -1] }));
const values = (n: number) => Array.from({ length: n }, (_, i) => ((i % 5) - 2) / 10);

test('the weights given for a Bidirectional fix the units of the layer it wraps, in both directions', async () => {
  const gru = [
    { shape: [4, 9], values: values(36) },
    { shape: [3, 9], values: values(27) },
    { shape: [2, 9], values: values(18) },
  ];
  const weights = file(
    'weights.json',
    JSON.stringify([
      { layer: 'embedding', weights: [{ shape: [9, 4], values: values(36) }] },
      { layer: 'bidirectional', weights: [...gru, ...gru] },
      {
        layer: 'dense',
        weights: [
          { shape: [6, 1], values: values(6) },
          { shape: [1], values: [0] },
        ],
      },
    ]),
  );
  const c = capture();
  assert.equal(
    await runEvaluate([SOURCE, '--json', '--data', x, '--labels', y, '--weights', weights], c.io),
    0,
    c.err.join(''),
  );
  const r = JSON.parse(c.out.join('')) as { warnings: string[]; loss: { keras: { value: number } } };
  assert.ok(
    r.warnings.some((w) => /GRU 'gru': units = 3, from the shapes of the weights given for it/.test(w)),
    r.warnings.join('\n'),
  );
  assert.ok(Number.isFinite(r.loss.keras.value));
});

test('without weights or a value, the refusal names the size to supply; supplied, the model runs', async () => {
  const refused = capture();
  assert.notEqual(await runEvaluate([SOURCE, '--json', '--data', x, '--labels', y], refused.io), 0);
  assert.match(refused.err.join(''), /GRU 'gru': its units is `settings\['units'\]`.*--dim "settings\['units'\]=N"/);
  const supplied = capture();
  assert.equal(
    await runEvaluate([SOURCE, '--json', '--data', x, '--labels', y, '--dim', "settings['units']=3"], supplied.io),
    0,
    supplied.err.join(''),
  );
});
