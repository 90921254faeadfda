import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAnalyze } from '../../src/cli/analyze';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAnalyze(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('--json prints exactly one JSON object in the specified shape', async () => {
  const { code, out } = await run(['examples/seed002_lambda_drops_mask.py', '--json']);
  assert.equal(code, 0);
  const json = JSON.parse(out) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), ['diagnostics', 'file', 'keras', 'models']);
  const [m] = json.models as Record<string, unknown>[];
  assert.deepEqual(Object.keys(m).sort(), [
    'config',
    'diagnostics',
    'kind',
    'layers',
    'loss',
    'lossMasked',
    'name',
    'range',
  ]);
  assert.equal(m.name, 'model');
  assert.equal(m.kind, 'sequential');
  assert.equal(m.loss, 'mae');
  assert.equal(m.lossMasked, false);
  const layer = (m.layers as Record<string, unknown>[]).find((l) => l.className === 'Lambda') as {
    name: string;
    range: unknown;
    mask: unknown;
  };
  assert.deepEqual(layer.mask, { in: true, out: false, effect: 'destroys' });
  assert.deepEqual(Object.keys(layer).sort(), ['className', 'mask', 'name', 'range']);
  const d = (m.diagnostics as { code: string; fix?: { edits: { newText: string }[] } }[]).find(
    (x) => x.code === 'lambda-drops-mask',
  );
  assert.equal(d?.fix?.edits[0].newText, ', mask=lambda inputs, previous_mask: previous_mask[:, N:]');
  assert.deepEqual(json.keras, { family: 'keras3', version: '3.15.1', label: 'Keras 3.15.1' });
});

test('--keras tf-keras2 and --dim', async () => {
  const { code, out } = await run([
    '--keras',
    'tf-keras2',
    'examples/seed002_lambda_drops_mask.py',
    '--json',
    '--dim',
    'timesteps=362',
    '--dim=features=24',
  ]);
  assert.equal(code, 0);
  const json = JSON.parse(out) as {
    keras: { label: string };
    models: { config: { config: { layers: { config: { batch_shape?: unknown } }[] } } }[];
  };
  assert.equal(json.keras.label, 'tf.keras 2.21.0');
  assert.deepEqual(json.models[0].config.config.layers[0].config.batch_shape, [null, 362, 24]);
});

test('the readable table', async () => {
  const { code, out } = await run(['examples/seed001_embedding_dense_mse.py']);
  assert.equal(code, 0);
  assert.match(out, /mask rules of Keras 3\.15\.1/);
  assert.match(out, /embedding\s+Embedding\s+-\s+yes\s+creates/);
  assert.match(out, /loss: mse — the mask reaches the loss/);
});

test('usage errors and unreadable files exit 2', async () => {
  assert.equal((await run([])).code, 2);
  assert.equal((await run(['x.py', '--keras', 'keras9'])).code, 2);
  assert.equal((await run(['x.py', '--bogus'])).code, 2);
  const missing = await run(['does/not/exist.py']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read/);
  assert.equal((await run(['examples'])).code, 2);
});
