/**
 * Imports of the user's own modules, followed into the workspace as a language server
 * resolves them, through the files the caller lets the reader read.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { workspaceModules } from '../../src/analysisProcess/workspaceModules';
import type { FileAnalysis } from '../../src/core/analysis/analyze';
import type { ModuleFiles } from '../../src/core/objects/modules';
import { analyzer, find, model, names, textAt } from './helpers';

const WS = '/ws';

/** Files in memory, as a caller would hand them to the reader; records what was asked for. */
function files(entries: Record<string, string>, roots: string[] = [WS]): ModuleFiles & { asked: string[] } {
  const asked: string[] = [];
  return {
    roots,
    asked,
    read(path: string): string | null {
      asked.push(path);
      return entries[path] ?? null;
    },
  };
}

let counter = 0;
async function analyzeIn(
  path: string,
  text: string,
  modules: ModuleFiles | undefined,
  family: 'keras3' | 'tf-keras2' = 'tf-keras2',
): Promise<FileAnalysis> {
  // A fresh file per call: the analyzer keeps trees per file name.
  const file = path.replace(/\.py$/, `_${counter++}.py`);
  return (await analyzer()).analyze(text, { file, family, modules });
}

const ENTRY = `import numpy as np
from config import *
from models.builder import build_model

train = np.load(DATA_DIR + '/train.npz')
model = build_model(VOCAB_SIZE, 16)
model.fit(train['x'], train['y'])
`;

const PROJECT = {
  [`${WS}/config.py`]: `DATA_DIR = 'data'\nVOCAB_SIZE = 1500\nDROPOUT_RATE = 0.3\n_PRIVATE = 1\n`,
  [`${WS}/models/__init__.py`]: '',
  [`${WS}/models/builder.py`]: `from tensorflow.keras.layers import Embedding, LSTM, Dense, Dropout
from tensorflow.keras.models import Sequential
from config import DROPOUT_RATE
from .heads import tag_head

def build_model(vocab_size, units):
    model = Sequential()
    model.add(Embedding(input_dim=vocab_size, output_dim=8, mask_zero=True))
    model.add(LSTM(units, return_sequences=True))
    model.add(Dropout(DROPOUT_RATE))
    model.add(tag_head(5))
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
    return model

def unused_builder():
    return Sequential([Dense(3)])
`,
  [`${WS}/models/heads.py`]: `from tensorflow.keras.layers import Dense\n\ndef tag_head(n):\n    return Dense(n, activation='softmax')\n`,
};

test("a project: from config import *, from models.builder import build_model, and the builder's own relative and absolute imports", async () => {
  const a = await analyzeIn(`${WS}/train.py`, ENTRY, files(PROJECT));
  assert.deepEqual(
    a.models.map((m) => m.ir.name),
    ['model'],
    "one model: the builder module's uncalled function is not a model of this file",
  );
  const m = model(a, 'model');
  assert.deepEqual(names(m), [
    ['InputLayer', 'embedding_input'],
    ['Embedding', 'embedding'],
    ['LSTM', 'lstm'],
    ['Dropout', 'dropout'],
    ['Dense', 'dense'],
  ]);
  assert.equal(m.ir.config.config.layers[1]?.config.input_dim, 1500);
  assert.equal(m.ir.config.config.layers[3]?.config.rate, 0.3);
  assert.equal(m.lossMasked, 'yes');
  // Everything built in the other modules is located at the line of this file that built it.
  assert.equal(textAt(ENTRY, m.ir.range), 'model = build_model(VOCAB_SIZE, 16)');
  for (const l of m.layers) assert.equal(l.range.start.line, 5, `${l.name} located in this file`);
});

test('`import data_util` binds the module: its constants and functions are read', async () => {
  const source = `import tensorflow as tf\nimport data_util\nx = tf.keras.Input(shape=(None, 4))\ny = tf.keras.layers.Masking(mask_value=data_util.MASK_VALUE)(x)\nm = tf.keras.Model(x, data_util.head(y))\n`;
  const a = await analyzeIn(
    `${WS}/dkt.py`,
    source,
    files({
      [`${WS}/data_util.py`]: `import tensorflow as tf\nMASK_VALUE = -1.\ndef head(t):\n    return tf.keras.layers.LSTM(2, return_sequences=True)(t)\n`,
    }),
  );
  const m = model(a, 'm');
  assert.equal(m.ir.config.config.layers.find((l) => l.class_name === 'Masking')?.config.mask_value, -1);
  assert.deepEqual(
    names(m).map(([c]) => c),
    ['InputLayer', 'Masking', 'LSTM'],
  );
});

test("a src/ layout: packages under the workspace folder's src/ are import roots", async () => {
  const a = await analyzeIn(
    `${WS}/scripts/run.py`,
    `from tagger.net import make\nmodel = make()\n`,
    files({
      [`${WS}/src/tagger/__init__.py`]: '',
      [`${WS}/src/tagger/net.py`]: `import keras\ndef make():\n    return keras.Sequential([keras.layers.Dense(2)])\n`,
    }),
  );
  assert.deepEqual(names(model(a, 'model')), [['Dense', 'dense']]);
});

test('a project module not found stays unknown with one located note; libraries are never looked for', async () => {
  const source = `import numpy as np\nimport keras\nfrom .layers import MaskedConv\nx = keras.Input(shape=(5, 2))\nm = keras.Model(x, MaskedConv(3)(x))\n`;
  const modules = files({});
  const a = await analyzeIn(`${WS}/pkg/main.py`, source, modules);
  const note = find(a.diagnostics, 'unresolved-import');
  assert.equal(note.severity, 'information');
  assert.equal(textAt(source, note.range), '.layers');
  assert.deepEqual(
    names(model(a, 'm')).map(([c]) => c),
    ['InputLayer', 'MaskedConv'],
  );
  assert.ok(!modules.asked.some((p) => /numpy|keras/.test(p)), `looked for a library: ${modules.asked.join(', ')}`);
});

test('modules that import each other are each read once', async () => {
  const a = await analyzeIn(
    `${WS}/main.py`,
    `from a import make\nmodel = make()\n`,
    files({
      [`${WS}/a.py`]: `import keras\nimport b\nUNITS = 3\ndef make():\n    return keras.Sequential([keras.layers.Dense(b.units())])\n`,
      [`${WS}/b.py`]: `import a\ndef units():\n    return a.UNITS + 1\n`,
    }),
  );
  assert.equal(model(a, 'model').ir.config.config.layers[0]?.config.units, 4);
});

test('without files to read, imports bind library names as before', async () => {
  const a = await analyzeIn(`${WS}/train.py`, ENTRY, undefined);
  assert.deepEqual(a.models, []);
});

test('Restricted Mode: modules outside the workspace folder are not read, even through a link', () => {
  const root = mkdtempSync(join(tmpdir(), 'masklens-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'masklens-outside-'));
  writeFileSync(join(root, 'config.py'), 'UNITS = 3\n');
  writeFileSync(join(outside, 'secret.py'), 'KEY = 1\n');
  mkdirSync(join(root, 'pkg'));
  symlinkSync(join(outside, 'secret.py'), join(root, 'pkg', 'linked.py'));
  const restricted = workspaceModules([root], true);
  assert.equal(restricted.read(join(root, 'config.py')), 'UNITS = 3\n');
  assert.equal(restricted.read(join(outside, 'secret.py')), null);
  assert.equal(restricted.read(join(root, 'pkg', 'linked.py')), null);
  assert.equal(restricted.read(join(root, 'data.json')), null, 'only Python files');
  const trusted = workspaceModules([root], false);
  assert.equal(trusted.read(join(outside, 'secret.py')), 'KEY = 1\n');
});
