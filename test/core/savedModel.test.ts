/**
 * Saved Keras files as untrusted input: a `.keras` archive that is cut short, lies about a
 * member's size (a zip bomb) or declares more than the memory cap, an HDF5 file that is
 * junk after its signature, and weights that do not fit the model are each one located
 * sentence, never a crash or an allocation. Uses the committed golden files
 * (test/golden/fixtures/saved) as the sound inputs that are then broken.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { DataError } from '../../src/core/data/errors';
import { MemoryBudget } from '../../src/core/runtime/memory';
import { readSavedModel, readSavedWeights } from '../../src/core/saved/savedModel';
import { containerNames, snakeCase } from '../../src/core/saved/weightLayout';

const SAVED = join(__dirname, '..', 'golden', 'fixtures', 'saved');
const read = (name: string) => new Uint8Array(readFileSync(join(SAVED, name)));

/** Sets the uncompressed size a zip's local header declares for `member` (what a streaming reader trusts). */
function declareSize(zip: Uint8Array, member: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const name = strToU8(member);
  for (let at = 0; at + 30 < out.length; at++) {
    if (view.getUint32(at, true) !== 0x04034b50) continue;
    const nameLength = view.getUint16(at + 26, true);
    if (nameLength === name.length && name.every((b, i) => out[at + 30 + i] === b)) {
      view.setUint32(at + 22, size, true);
      return out;
    }
  }
  throw new Error(`no local header for ${member}`);
}

function refuses(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test("Keras' group names: snake case of the class, numbered per class in model.layers order", () => {
  assert.equal(snakeCase('BatchNormalization'), 'batch_normalization');
  assert.equal(snakeCase('LSTM'), 'lstm');
  assert.equal(snakeCase('SimpleRNN'), 'simple_rnn');
  assert.equal(snakeCase('MultiHeadAttention'), 'multi_head_attention');
  assert.equal(snakeCase('Conv1D'), 'conv1d');
  const layer = (class_name: string) => ({ class_name, config: { name: class_name } });
  assert.deepEqual(
    containerNames('Sequential', [layer('InputLayer'), layer('Dense'), layer('LSTM'), layer('Dense'), layer('Dense')]),
    [null, 'dense', 'lstm', 'dense_1', 'dense_2'],
  );
  assert.deepEqual(containerNames('Functional', [layer('InputLayer'), layer('Dense')]), ['input_layer', 'dense']);
});

test('a .keras archive: its config, compile settings and the Keras version that saved it', () => {
  const saved = readSavedModel(read('sequential_masking_gru.keras3.keras'), 'model.keras');
  assert.equal(saved.format, 'keras-archive');
  assert.equal(saved.config.class_name, 'Sequential');
  assert.equal(saved.kerasVersion, '3.15.1');
  assert.equal(saved.training.loss, 'mae');
});

test('a legacy .h5 from Keras 3: the mask operations its config lists without a module are marked as operations', () => {
  const saved = readSavedModel(read('nested_bidirectional.keras3.h5'), 'model.h5');
  const op = saved.config.config.layers.find((l) => l.class_name === 'NotEqual');
  assert.ok(op, 'the config lists NotEqual');
  assert.equal(op.module, 'keras.src.ops');
  const weights = readSavedWeights(read('nested_bidirectional.keras3.h5'), 'model.h5', saved.config);
  assert.equal(weights.layout, 'legacy-h5');
  assert.ok(!weights.layers.has(String(op.config.name)), 'an operation has no weights entry');
});

test('a .keras archive cut short is refused as corrupt', () => {
  const bytes = read('sequential_masking_gru.keras3.keras');
  refuses(
    () =>
      readSavedWeights(
        bytes.subarray(0, Math.floor(bytes.length * 0.6)),
        'cut.keras',
        readSavedModel(bytes, 'x').config,
      ),
    /cut\.keras.*(corrupt|ends early)/,
  );
});

test('a member that inflates past the size its zip entry declares stops there (zip bomb)', () => {
  const zip = zipSync(
    {
      'config.json': strToU8('{"class_name": "Sequential", "config": {"name": "s", "layers": []}}'),
      'model.weights.h5': new Uint8Array(4 << 20),
    },
    { level: 9 },
  );
  refuses(
    () =>
      readSavedWeights(declareSize(zip, 'model.weights.h5', 1000), 'bomb.keras', {
        class_name: 'Sequential',
        config: { name: 's', layers: [] },
      }),
    /bomb\.keras: member 'model\.weights\.h5' inflates to more than the 1000 B its zip entry declares/,
  );
});

test('a member declaring more than the memory cap is refused before it is inflated', () => {
  const zip = zipSync({ 'config.json': strToU8('{}'), 'model.weights.h5': new Uint8Array(1024) });
  const budget = new MemoryBudget(64);
  refuses(
    () =>
      readSavedWeights(
        declareSize(zip, 'model.weights.h5', 3_000_000_000),
        'big.keras',
        { class_name: 'Sequential', config: { name: 's', layers: [] } },
        budget,
      ),
    /member 'model\.weights\.h5' \(2\.79 GiB once inflated\) needs about 2\.79 GiB; the memory cap is 64 MiB/,
  );
  assert.equal(budget.usedBytes, 0, 'nothing stays charged');
});

test('HDF5 junk after the signature, and a file that is neither, are one sentence each', () => {
  const junk = new Uint8Array(4096).fill(7);
  junk.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  refuses(() => readSavedModel(junk, 'junk.h5'), /junk\.h5: is not a readable HDF5 file/);
  refuses(
    () => readSavedModel(strToU8('print("hello")'), 'model.py'),
    /model\.py: is neither a \.keras archive nor an HDF5 \(\.h5\) file/,
  );
});

test("a weights file without the model's layer names it, and where Keras keeps it", () => {
  const config = readSavedModel(read('sequential_masking_gru.keras3.keras'), 'x').config;
  const renamed = structuredClone(config);
  for (const l of renamed.config.layers) if (l.class_name === 'GRU') l.class_name = 'SimpleRNN';
  refuses(
    () => readSavedWeights(read('sequential_masking_gru.keras3.weights.h5'), 'w.weights.h5', renamed),
    /w\.weights\.h5: has no weights for layer 'gru' \(SimpleRNN; Keras saves them at '\/layers\/simple_rnn'\)/,
  );
});

test('a .weights.h5 holds no model: asked for one, it says to pass it as weights', () => {
  refuses(
    () => readSavedModel(read('sequential_masking_gru.keras3.weights.h5'), 'w.weights.h5'),
    /a weights file \(save_weights\), which holds no model config/,
  );
});
