/**
 * The hostile-input suite, runtime side: each case runs in a fresh runtime process (the one the
 * extension starts, dist/runtime.js, through its client) with the default memory cap, and must
 * end in one clear, located message (or, for NaN and infinities, a result that reports them)
 * within its time limit, with the process's peak resident memory under the cap plus 200 MB —
 * and the same process must then evaluate a sound model. A crash, a hang or a limit breach
 * fails the case. The measurements go to test-results/hostile-runtime.json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import { sourceData } from '../../src/core/data/sourceData';
import type { DataSpec, EvaluateRequest, EvaluateResult, RuntimeModel } from '../../src/core/protocol/runtimeTasks';
import { layerLines } from '../../src/core/runtime/memory';
import { PoolTaskError } from '../../src/pool/errors';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import { BOMB_VALUES, deepJson, npyHeader, scratchDir, SECRET, sparseNpy, zeroArrayMember, zip } from './files';

const root = join(__dirname, '..', '..');
const runtimeFile = join(root, 'dist', 'runtime.js');
const CAP_MB = 2048;
/** The issue's bound: a refused case may not take the process past the cap plus this. */
const SLACK_MB = 200;
const TIME_LIMIT_MS = 30_000;
const dir = scratchDir('hostile');

let analyzer: Analyzer | undefined;
after(() => analyzer?.dispose());

/** A model (and the arrays its file writes) read from Python source, as the extension sends it. */
async function fromSource(text: string): Promise<{ model: RuntimeModel; inline: DataSpec | null }> {
  analyzer ??= await createAnalyzer();
  const analysis = analyzer.analyze(text, { file: `hostile-${Math.random()}.py`, family: 'keras3' });
  const ir = analysis.ir.models[0];
  assert.ok(ir, 'the source defines no model');
  const model: RuntimeModel = {
    name: ir.name,
    config: ir.config,
    lambdas: ir.lambdas,
    training: { loss: ir.training.loss ?? undefined, optimizer: ir.training.optimizer ?? undefined },
    layerLines: layerLines(ir.sources),
  };
  return { model, inline: sourceData(analysis, ir, 'hostile.py').data };
}

const HEAD = 'from keras import Input, Model\nfrom keras.layers import Dense, Embedding, Lambda\nimport numpy as np\n';
const SEED001 = readFileSync(join(root, 'examples', 'seed001_embedding_dense_mse.py'), 'utf8');

type Outcome = { code: string; message: RegExp } | { result: (r: EvaluateResult) => void };

interface Case {
  title: string;
  request: () => Promise<EvaluateRequest>;
  expect: Outcome;
}

async function evaluateOf(source: string, data?: DataSpec): Promise<EvaluateRequest> {
  const { model, inline } = await fromSource(source);
  return { kind: 'evaluate', model, data: data ?? inline ?? undefined, memoryCapMB: CAP_MB, layerOutputs: false };
}

/** Seed 001's model (Embedding(5, 5, mask_zero=True) → Dense(3)) on a data file. */
const onFile = async (x: string, y?: string): Promise<EvaluateRequest> => evaluateOf(SEED001, { source: 'file', x, y });

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const TARGETS = JSON.stringify({ shape: [1, 4, 3], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });

const CASES: Case[] = [
  {
    title: 'Dense(10**8) on three inputs',
    request: async () => evaluateOf(readFileSync(join(root, 'examples', 'hostile', 'dense_1e8_units.py'), 'utf8')),
    expect: {
      code: 'memory-cap',
      message:
        /^`Dense\(10\*\*8\)` \(layer 'dense', line 10\) needs 1\.49 GiB for its 400,000,000 weights, 2\.98 GiB while they are initialised; the memory cap is 2 GiB \(setting masklens\.memoryCapMB\)$/,
    },
  },
  {
    title: 'Dense(10**9) on three inputs',
    request: async () => evaluateOf(`${HEAD}inp = Input(shape=(3,))\nmodel = Model(inp, Dense(10**9)(inp))\n`),
    expect: {
      code: 'memory-cap',
      message: /^`Dense\(10\*\*9\)` \(layer 'dense', line 5\) needs 14\.9 GiB for its 4,000,000,000 weights/,
    },
  },
  {
    title: 'Embedding(10**9, 10**6)',
    request: async () =>
      evaluateOf(`${HEAD}inp = Input(shape=(4,))\nx = Embedding(10**9, 10**6)(inp)\nmodel = Model(inp, Dense(1)(x))\n`),
    expect: {
      code: 'memory-cap',
      message:
        /^`Embedding\(10\*\*9, 10\*\*6\)` \(layer 'embedding', line 5\) needs 3\.55 PiB for its 1,000,000,000,000,000 weights/,
    },
  },
  {
    title: 'Dense(10**7) on eight samples runs in passes small enough for the cap (it took 3.7 GB in one)',
    request: async () =>
      evaluateOf(`${HEAD}inp = Input(shape=(3,))\nmodel = Model(inp, Dense(10**7)(inp))\nmodel.compile(loss='mse')\n`),
    expect: { result: (r) => assert.deepEqual(r.outputShape, [8, 10_000_000]) },
  },
  {
    title: 'Dense(10**7) on 100 samples, which no pass fits',
    request: async () =>
      evaluateOf(`${HEAD}inp = Input(shape=(3,))\nmodel = Model(inp, Dense(10**7)(inp))\nmodel.compile(loss='mse')\n`, {
        source: 'synthetic',
        samples: 100,
      }),
    expect: {
      code: 'memory-cap',
      message:
        /^evaluating model 'model' on 100 samples needs about .* GiB \(.*\); the layer needing most is `Dense\(10\*\*7\)` \(layer 'dense', line 5\); the memory cap is 2 GiB/,
    },
  },
  {
    title: 'Dense(10**8) behind a Lambda whose output shape the estimate cannot know',
    request: async () =>
      evaluateOf(
        `${HEAD}inp = Input(shape=(3,))\nh = Lambda(lambda t: t * 2)(inp)\nmodel = Model(inp, Dense(10**8)(h))\n`,
      ),
    expect: {
      code: 'memory-cap',
      message:
        /^`Dense\(10\*\*8\)` \(layer 'dense', line 6\): its weight 'kernel' of shape \(3, 100000000\) needs about 2\.24 GiB/,
    },
  },
  {
    title: 'np.zeros((50000000, 4)) written in the source',
    request: async () =>
      evaluateOf(
        `${HEAD}x = np.zeros((50000000, 4))\ny = np.zeros((50000000, 1))\ninp = Input(shape=(4,))\nmodel = Model(inp, Dense(1)(inp))\nmodel.compile(loss='mse')\nmodel.evaluate(x, y)\n`,
      ),
    expect: {
      code: 'memory-cap',
      message:
        /^x \(inline\): `np\.zeros\(\(50000000, 4\)\)` \(200,000,000 values\) needs about 2\.98 GiB; the memory cap is 2 GiB/,
    },
  },
  {
    // Evaluation inflates an .npz member a chunk of rows at a time, so its declared size is no reason to refuse
    // it (the whole-archive read refuses it for memory: test/hostile/data.test.ts); its shape is.
    title: 'a zip bomb .npz declaring its 2.2 GB, refused by its shape',
    request: async () => onFile(write('bomb.npz', zip([zeroArrayMember('x.npy', BOMB_VALUES)]))),
    expect: {
      code: 'data-shape',
      message:
        /^x: data has shape \(275000000,\) \(rank 1\) but the model's input 'input_layer' expects \(None, 4\) \(rank 2\)$/,
    },
  },
  {
    title: 'a zip bomb .npz declaring 4 KiB',
    request: async () =>
      onFile(write('lying.npz', zip([zeroArrayMember('x.npy', BOMB_VALUES)], { declaredSize: () => 4096 }))),
    expect: {
      code: 'data-corrupt',
      message:
        /^x \(.*lying\.npz\)\[x\]: member 'x\.npy' inflates to more than the 4 KiB its zip entry declares: the archive is corrupt or a zip bomb$/,
    },
  },
  {
    title: 'a zip bomb .npz declaring no size (streamed)',
    request: async () =>
      onFile(write('streamed.npz', zip([zeroArrayMember('x.npy', BOMB_VALUES)], { streamed: true }))),
    expect: {
      code: 'memory-cap',
      message:
        /^x \(.*streamed\.npz\)\[x\]: member 'x\.npy' \(shape \(275000000,\), 2\.05 GiB once inflated\) needs about 2\.05 GiB/,
    },
  },
  {
    // Evaluation reads a .npy by rows and never holds it whole, so its size is no reason to refuse it; its shape is.
    title: 'a .npy whose header declares 2.4 GB (a sparse file: nothing to read but the header), refused by its shape',
    request: async () => onFile(sparseNpy(join(dir, 'huge.npy'), 300_000_000)),
    expect: {
      code: 'data-shape',
      message:
        /^x: data has shape \(300000000,\) \(rank 1\) but the model's input 'input_layer' expects \(None, 4\) \(rank 2\)$/,
    },
  },
  {
    title: 'a truncated .npy',
    request: async () => onFile(write('truncated.npy', Buffer.concat([npyHeader([10, 4], '<f8'), Buffer.alloc(100)]))),
    expect: {
      code: 'data-corrupt',
      message:
        /^x \(.*truncated\.npy\): corrupt or truncated \.npy file: shape \(10, 4\) of <f8 needs 320 bytes of data, the file holds 100$/,
    },
  },
  {
    title: 'JSON nested 5,000 deep',
    request: async () => onFile(write('deep.json', deepJson(5000))),
    expect: {
      code: 'data-format',
      message: /^x \(.*deep\.json\): line 1, column 41: arrays and objects nest deeper than 40 levels$/,
    },
  },
  {
    title: 'JSON with "y": "junk"',
    request: async () => onFile(write('junk.json', '{"x": [[1, 2, 0, 0]], "y": "junk"}')),
    expect: { code: 'data-format', message: /^x \(.*junk\.json\): key 'y' holds a string, not an array/ },
  },
  {
    title: 'JSON with a key MaskLens does not read',
    request: async () => onFile(write('unknown.json', `{"x": [[1, 2, 0, 0]], "y": ${TARGETS}, "lables": [1]}`)),
    expect: {
      code: 'data-format',
      message: /^x \(.*unknown\.json\): unknown key 'lables': MaskLens reads x, y and sample_weight/,
    },
  },
  {
    title: 'JSON whose syntax error sits on a secret',
    request: async () => onFile(write('secret.json', `{"x": [[1, 2, 0, 0]],\n "y": ${SECRET}}`)),
    expect: {
      code: 'data-corrupt',
      message: /^x \(.*secret\.json\): invalid JSON at line 2, column 7: text that is not JSON$/,
    },
  },
  {
    title: 'a CSV with a text cell',
    request: async () => onFile(write('text.csv', `1,2,0,0\n3,${SECRET},0,0\n`)),
    expect: { code: 'data-dtype', message: /^x \(.*text\.csv\): line 2, column 2 is not a number$/ },
  },
  {
    title: 'Inf in the targets is a finding, like NaN',
    request: async () =>
      onFile(
        write('x.json', '[[1, 2, 0, 0]]'),
        write(
          'inf.json',
          JSON.stringify({ shape: [1, 4, 3], values: [0, 1, 'Infinity', 3, 4, 5, 6, 7, 8, 9, 10, 11] }),
        ),
      ),
    expect: {
      result: (r) => {
        assert.deepEqual(r.data.inf, { x: 0, y: 1, sampleWeight: 0 });
        assert.ok(
          r.warnings.some((w) => /^y: y holds 1 infinite value \(first at \[0, 0, 2\]\)/.test(w)),
          r.warnings.join('\n'),
        );
      },
    },
  },
  {
    title: 'NaN in the targets is a finding',
    request: async () =>
      onFile(
        write('x2.json', '[[1, 2, 0, 0]]'),
        write('nan.json', JSON.stringify({ shape: [1, 4, 3], values: [0, 1, 2, 'NaN', 4, 5, 6, 7, 8, 9, 10, 11] })),
      ),
    expect: {
      result: (r) => {
        assert.deepEqual(r.data.nan, { x: 0, y: 1, sampleWeight: 0 });
        assert.ok(
          r.warnings.some((w) => /^y: y holds 1 NaN value \(first at \[0, 1, 0\]\)/.test(w)),
          r.warnings.join('\n'),
        );
      },
    },
  },
];

/** Resident memory of a process now (VmRSS) or at its peak (VmHWM), in MB. */
function residentMB(pid: number, which: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${which}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)),
  );
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const measured: { title: string; outcome: string; peakMB: number; baselineMB: number; ms: number }[] = [];
after(() => {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(
    join(root, 'test-results', 'hostile-runtime.json'),
    `${JSON.stringify({ capMB: CAP_MB, slackMB: SLACK_MB, cases: measured }, null, 2)}\n`,
  );
  console.log(
    measured
      .map(
        (m) =>
          `${m.peakMB.toFixed(0).padStart(6)} MB peak (${m.baselineMB.toFixed(0)} MB before) ${String(m.ms).padStart(6)} ms  ${m.title}: ${m.outcome}`,
      )
      .join('\n'),
  );
});

for (const c of CASES) {
  test(`hostile: ${c.title}`, { timeout: TIME_LIMIT_MS * 3 }, async () => {
    const client = new RuntimeClient({ runtimeFile, settings: { workers: 1, maxQueue: 4, memoryCapMB: CAP_MB } });
    try {
      // A process that has loaded TensorFlow and run a task: its size now is what the case starts from.
      await within(client.run({ kind: 'probe' }).result, TIME_LIMIT_MS, 'starting the process');
      const pid = client.pid;
      assert.ok(pid !== undefined, "TensorFlow's process is not running");
      const baseline = residentMB(pid, 'VmRSS');
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets the peak (VmHWM) to the present size
      const request = await c.request();
      const started = Date.now();
      let outcome: string;
      try {
        const result = await within(client.run(request).result, TIME_LIMIT_MS, c.title);
        assert.ok('result' in c.expect, `expected a refusal, got a result (${result.warnings.join('; ')})`);
        c.expect.result(result);
        outcome = `result; ${result.warnings.join('; ')}`;
      } catch (error) {
        if (!(error instanceof PoolTaskError) || 'result' in c.expect) throw error;
        assert.equal(error.code, c.expect.code, error.message);
        assert.match(error.message, c.expect.message);
        assert.ok(!error.message.includes(SECRET), 'the message quotes the file');
        outcome = `${error.code}: ${error.message}`;
      }
      const ms = Date.now() - started;
      assert.equal(client.pid, pid, "TensorFlow's process was replaced");
      const peak = residentMB(pid, 'VmHWM');
      measured.push({ title: c.title, outcome, peakMB: peak, baselineMB: baseline, ms });
      // A refusal holds the whole process under the cap plus the slack; a task that runs adds at most that to what the process held.
      const bound = 'result' in c.expect ? baseline + CAP_MB + SLACK_MB : CAP_MB + SLACK_MB;
      assert.ok(peak <= bound, `peak resident memory ${peak.toFixed(0)} MB passed ${bound.toFixed(0)} MB`);
      // The same process then evaluates a sound model.
      const next = await within(client.run(await evaluateOf(SEED001)).result, TIME_LIMIT_MS, 'the next evaluate');
      assert.equal(next.backend, 'tensorflow');
      assert.equal(client.pid, pid, "TensorFlow's process was replaced");
    } finally {
      await client.close();
    }
  });
}
