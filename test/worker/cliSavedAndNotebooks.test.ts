/**
 * `masklens evaluate` on what users keep beside their code, end to end in-process: a notebook
 * (results name the cell), `--weights` with a checkpoint Keras wrote, and a `.keras` file as
 * the model. The losses must equal what real Keras' evaluate reported for the same file and
 * data (test/golden/fixtures/saved), within 1e-5 relative.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { unzipSync } from 'fflate';
import { runEvaluate } from '../../src/cli/evaluate';
import { writeNpy } from '../../src/core/data/npy';

const SAVED = join('test', 'golden', 'fixtures', 'saved');
const dir = mkdtempSync(join(tmpdir(), 'masklens-cli-saved-'));

interface Fixture {
  family: 'keras3' | 'tf-keras2';
  source: string | null;
  inputs: { shape: number[]; values: number[] };
  targets: { shape: number[]; values: number[] };
  kerasEvaluate: number;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

/** The fixture's inputs and targets as .npy files, as a user would pass them. */
function dataOf(name: string): { fx: Fixture; x: string; y: string } {
  const fx = JSON.parse(readFileSync(join(SAVED, `${name}.json`), 'utf8')) as Fixture;
  const x = join(dir, `${name}.x.npy`);
  const y = join(dir, `${name}.y.npy`);
  writeFileSync(x, writeNpy({ shape: fx.inputs.shape, data: fx.inputs.values }));
  writeFileSync(y, writeNpy({ shape: fx.targets.shape, data: fx.targets.values }));
  return { fx, x, y };
}

interface Evaluated {
  weightsUsed: { source: string; format?: string; description: string };
  loss: { keras: { value: number } };
}

function assertKeras(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.abs(expected) + 1e-6, `${what}: ${actual} vs Keras ${expected}`);
}

test('evaluate nb.ipynb: the notebook is one program, the model named by its cell, IPython lines noted', async () => {
  const c = capture();
  assert.equal(await runEvaluate(['examples/seed002_notebook.ipynb'], c.io), 0, c.err.join(''));
  const text = c.out.join('') + c.err.join('');
  assert.match(text, /model 'model' is built in cell 3, line 1 of examples\/seed002_notebook\.ipynb/);
  assert.match(text, /cell 2, line 1: `%matplotlib inline` is IPython, not Python; MaskLens skips it/);
  assert.match(text, /lambda\s+Lambda\s+\(None, 8, 1\)\s+destroys/);
});

test("evaluate source.py --weights x.weights.h5: the checkpoint's weights run and the loss is Keras'", async () => {
  const name = 'custom_residual_block.keras3';
  const { fx, x, y } = dataOf(name);
  assert.ok(fx.source, 'the fixture names its source');
  const c = capture();
  const argv = [fx.source, '--json', '--data', x, '--labels', y, '--weights', join(SAVED, `${name}.weights.h5`)];
  assert.equal(await runEvaluate(argv, c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as Evaluated;
  assert.equal(r.weightsUsed.source, 'file');
  assert.equal(r.weightsUsed.format, 'weights-h5');
  assertKeras(r.loss.keras.value, fx.kerasEvaluate, "Keras' evaluate");
});

test("evaluate config.json --weights model.keras: the archive's weights on the config it holds give Keras' loss", async () => {
  const name = 'nested_bidirectional.keras3';
  const { fx, x, y } = dataOf(name);
  const archive = join(SAVED, `${name}.keras`);
  const config = join(dir, `${name}.config.json`);
  writeFileSync(config, unzipSync(new Uint8Array(readFileSync(archive)))['config.json']);
  const c = capture();
  const argv = [config, '--json', '--data', x, '--labels', y, '--weights', archive];
  assert.equal(await runEvaluate(argv, c.io), 0, c.err.join(''));
  const r = JSON.parse(c.out.join('')) as Evaluated;
  assert.equal(r.weightsUsed.format, 'keras-archive');
  assertKeras(r.loss.keras.value, fx.kerasEvaluate, "Keras' evaluate");
});

test("evaluate model.keras: the saved model with its own weights, the loss Keras' evaluate gave", async () => {
  for (const name of ['nested_bidirectional.keras3', 'nested_bidirectional.tf-keras2']) {
    const { fx, x, y } = dataOf(name);
    const c = capture();
    const argv = [join(SAVED, `${name}.keras`), '--json', '--data', x, '--labels', y, '--keras', fx.family];
    assert.equal(await runEvaluate(argv, c.io), 0, c.err.join(''));
    const r = JSON.parse(c.out.join('')) as Evaluated;
    assert.equal(r.weightsUsed.format, 'keras-archive', name);
    assert.match(r.weightsUsed.description, /nested_bidirectional\.(keras3|tf-keras2)\.keras \(a \.keras archive\)/);
    assertKeras(r.loss.keras.value, fx.kerasEvaluate, `${name}: Keras' evaluate`);
  }
});
