/**
 * A model whose layers come from code the reader can only guess at — a loop over a config
 * read from a file at run time, a condition on it — is not run on those guesses: evaluate
 * refuses with the line and what to write instead. The same builder over a config written in
 * the source runs.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { UserFacingError } from '../../src/core/protocol/task';
import { runtimeModelOf } from '../../src/core/protocol/runtimeTasks';
import { runTask } from '../../src/worker/registry';
import { analyze, model } from '../core/helpers';
import { arr, ctx } from './helpers';

const BUILDER = `
def build(cfg):
    model = keras.Sequential([keras.layers.Input(shape=(4,)), keras.layers.Embedding(5, 3, mask_zero=True)])
    for spec in cfg['layers']:
        if spec['type'] == 'gru':
            model.add(keras.layers.GRU(spec['units'], return_sequences=True))
        elif spec['type'] == 'dense':
            model.add(keras.layers.Dense(spec['units']))
    model.compile('adam', loss='mse')
    return model

m = build(CONFIG)
`;

const X = arr([2, 4], [1, 2, 0, 0, 3, 1, 4, 0]);
const Y = arr([2, 4, 1], [0.5, -0.5, 0, 0, 1, 0.25, 2, 0]);

async function evaluate(source: string) {
  const ir = model(await analyze(source), 'm').ir;
  return runTask({ kind: 'evaluate', model: runtimeModelOf(ir), data: { source: 'inline', x: X, y: Y } }, ctx);
}

test('a config loaded from a file: evaluate refuses, naming the loop it could not read', async () => {
  const source = `import json\nimport keras\nwith open('config.json') as f:\n    CONFIG = json.load(f)\n${BUILDER}`;
  await assert.rejects(
    evaluate(source),
    (e: unknown) =>
      e instanceof UserFacingError &&
      /model 'm' is built by code MaskLens can only guess at \(line 8: MaskLens cannot tell what this loop iterates over/.test(
        e.message,
      ) &&
      /a config as a dict literal/.test(e.message),
  );
});

test('the same builder over a config written in the source runs', async () => {
  const source = `import keras\nCONFIG = {'layers': [{'type': 'gru', 'units': 2}, {'type': 'dense', 'units': 1}]}\n${BUILDER}`;
  const r = await evaluate(source);
  assert.equal(r.kind, 'evaluate');
  assert.ok(r.kind === 'evaluate' && r.loss !== null);
});
