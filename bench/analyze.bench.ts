/**
 * Benchmark (not a test): analysing a generated 2,000-line Python file with 20 Keras
 * models (Sequential and functional, masks, Lambdas, data preparation, training calls,
 * helper functions and comments). Reports median and p95 for:
 *   - cold: a file the analyzer has never seen (tree-sitter parse, reading, mask analysis);
 *   - edit: the same file after a one-line edit (incremental parse, as in the editor);
 *   - edit → at the host: the same edits through the analysis process and its client, as the
 *     extension sends them (needs dist/: `npm run compile`).
 * Run: node --import tsx bench/analyze.bench.ts [--runs N]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisClient } from '../src/analysisProcess/client';
import { createAnalyzer } from '../src/core/analysis/analyzer';
import type { AnalysisView } from '../src/core/protocol/analysisProcess';

const TARGET_LINES = 2_000;
const MODELS = 20;

function sequentialModel(i: number): string {
  return `
# --- model ${i}: padded sequences through a Masking layer -----------------------------
timesteps_${i}, features_${i} = ${20 + i}, ${3 + (i % 5)}
units_${i} = ${16 * (1 + (i % 4))}

def make_data_${i}(samples=${32 + i}, pad_value=0.0):
    """Variable-length sequences, post-padded with pad_value."""
    rng = np.random.default_rng(${i})
    lengths = rng.integers(5, timesteps_${i} + 1, size=samples)
    x = np.full((samples, timesteps_${i}, features_${i}), pad_value, dtype="float32")
    y = np.zeros((samples, timesteps_${i}, 1), dtype="float32")
    for k, n in enumerate(lengths):
        x[k, :n] = rng.normal(size=(n, features_${i}))
        y[k, :n, 0] = rng.integers(0, 2, size=n)
    return x, y

x_${i}, y_${i} = make_data_${i}()
x_train_${i}, x_test_${i} = x_${i}[:24], x_${i}[24:]
y_train_${i}, y_test_${i} = y_${i}[:24], y_${i}[24:]

model_${i} = keras.Sequential(name="seq_${i}")
model_${i}.add(layers.Masking(mask_value=0.0, input_shape=(timesteps_${i}, features_${i})))
model_${i}.add(layers.LSTM(units_${i}, return_sequences=True))
model_${i}.add(layers.Dropout(0.2))
model_${i}.add(layers.LSTM(units_${i} // 2, return_sequences=True))
model_${i}.add(layers.TimeDistributed(layers.Dense(8, activation="relu")))
model_${i}.add(layers.Lambda(lambda t: t[:, ${i % 4}:, :]))
model_${i}.add(layers.Dense(1, activation="sigmoid"))
model_${i}.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy")
history_${i} = model_${i}.fit(x_train_${i}, y_train_${i}[:, ${i % 4}:, :], epochs=3, batch_size=8,
                        validation_data=(x_test_${i}, y_test_${i}[:, ${i % 4}:, :]), verbose=0)
print("model ${i}", model_${i}.evaluate(x_test_${i}, y_test_${i}[:, ${i % 4}:, :], verbose=0))
`;
}

function functionalModel(i: number): string {
  return `
# --- model ${i}: two inputs, Embedding(mask_zero=True), attention ----------------------
vocab_${i} = ${100 + i}
maxlen_${i} = ${12 + (i % 7)}

def encoder_block_${i}(x, width):
    h = layers.Bidirectional(layers.GRU(width, return_sequences=True))(x)
    h = layers.LayerNormalization()(h)
    return h

tokens_${i} = keras.Input(shape=(maxlen_${i},), dtype="int32", name="tokens_${i}")
extra_${i} = keras.Input(shape=(maxlen_${i}, 4), name="extra_${i}")
emb_${i} = layers.Embedding(vocab_${i} + 1, 32, mask_zero=True)(tokens_${i})
feat_${i} = layers.Masking()(extra_${i})
both_${i} = layers.Concatenate()([emb_${i}, feat_${i}])
enc_${i} = encoder_block_${i}(both_${i}, 16)
att_${i} = layers.Attention()([enc_${i}, enc_${i}])
pooled_${i} = layers.GlobalAveragePooling1D()(att_${i})
tags_${i} = layers.Dense(5, activation="softmax", name="tags_${i}")(enc_${i})
score_${i} = layers.Dense(1, name="score_${i}")(pooled_${i})
net_${i} = keras.Model(inputs=[tokens_${i}, extra_${i}], outputs=[tags_${i}, score_${i}])
net_${i}.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])

def report_${i}(history):
    # Plotting and logging helpers a real script would carry along.
    for key, values in history.history.items():
        print(key, min(values), max(values))
    return {k: v[-1] for k, v in history.history.items()}
`;
}

export function generate(): string {
  const parts = [
    '"""Generated benchmark input for MaskLens: 20 Keras models in one script."""',
    'import numpy as np',
    'import keras',
    'from keras import layers',
    '',
  ];
  for (let i = 0; i < MODELS; i++) parts.push(i % 2 === 0 ? sequentialModel(i) : functionalModel(i));
  let text = parts.join('\n');
  // Pad with ordinary script noise (comments, constants, helpers) up to the target length.
  let k = 0;
  while (text.split('\n').length < TARGET_LINES) {
    text += `\n# utility ${k}: bookkeeping the analysis has to read past\nCONSTANT_${k} = ${k} * 2 + 1\ndef helper_${k}(values):\n    total = 0\n    for v in values:\n        total += v * CONSTANT_${k}\n    return total / max(len(values), 1)\n`;
    k++;
  }
  return text.split('\n').slice(0, TARGET_LINES).join('\n') + '\n';
}

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), min: s[0] };
}

/**
 * Analyses run before timing. The editor's analyzer runs on every edit, so in a session its
 * code is long compiled and optimised; V8 needs about 30 analyses of this file to get there
 * (the first takes ~100 ms, the next ten 25-35 ms).
 */
export const WARMUPS = 30;

export interface AnalysisTimes {
  /** Milliseconds of the very first analysis in this process (nothing compiled yet). */
  first: number;
  /** A file the analyzer has never seen: parse, read, analyse. */
  cold: number[];
  /** The same file after a one-line edit: incremental parse, read, analyse. */
  edit: number[];
  models: number;
  characters: number;
}

/** W4's measurement, shared by `npm run bench` (bench/workloads/analysis.ts) and this script. */
export async function measureAnalysis(runs: number): Promise<AnalysisTimes> {
  const text = generate();
  const analyzer = await createAnalyzer();
  try {
    const t = performance.now();
    const models = analyzer.analyze(text, { file: 'warmup.py' }).models.length;
    const first = performance.now() - t;
    if (models !== MODELS) throw new Error(`expected ${MODELS} models, the analyzer found ${models}`);
    for (let i = 0; i < WARMUPS; i++) {
      analyzer.analyze(text, { file: `warm-${i}.py` });
      analyzer.forget(`warm-${i}.py`);
    }
    const cold: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      analyzer.analyze(text, { file: `cold-${i}.py` });
      cold.push(performance.now() - t0);
      analyzer.forget(`cold-${i}.py`);
    }
    const edit: number[] = [];
    const lines = text.split('\n');
    analyzer.analyze(text, { file: 'edited.py' });
    for (let i = 0; i < runs; i++) {
      const at = 40 + ((i * 97) % (lines.length - 80));
      const changed = [...lines];
      changed[at] = `${changed[at]}  # edit ${i}`;
      const t0 = performance.now();
      analyzer.analyze(changed.join('\n'), { file: 'edited.py' });
      edit.push(performance.now() - t0);
    }
    return { first, cold, edit, models, characters: text.length };
  } finally {
    analyzer.dispose();
  }
}

export interface ProcessTimes {
  /** From opening the file to its analysis at the client, right after the process started. */
  firstOpen: number;
  /** From sending a one-line edit to its analysis arriving at the client. */
  edit: number[];
  /** The analysis' own share of each edit (measured in the analyzer thread). */
  analysis: number[];
  /** The size of one analysis as it crosses to the host (JSON characters). */
  viewChars: number;
}

/**
 * The same one-line edits through the real analysis process (dist/analysis.js, built first) and
 * the client the extension uses: what an edit costs until its analysis is at the extension host.
 */
export async function measureThroughProcess(runs: number, root = join(__dirname, '..')): Promise<ProcessTimes> {
  const client = new AnalysisClient({
    serverModule: join(root, 'dist', 'analysis.js'),
    limits: { timeLimitMs: 30_000, memoryLimitMB: 1024 },
  });
  const uri = 'file:///bench/twenty_models.py';
  const arrivals = new Map<number, { at: number; view: AnalysisView }>();
  let wake: (() => void) | null = null;
  client.onAnalysis((view) => {
    if (view.uri !== uri) return;
    arrivals.set(view.version, { at: performance.now(), view });
    wake?.();
  });
  const analysed = async (version: number): Promise<{ at: number; view: AnalysisView }> => {
    for (;;) {
      const got = arrivals.get(version);
      if (got) return got;
      if (!client.pid) throw new Error('the analysis process is not running');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
  };
  try {
    await client.whenReady();
    const text = generate();
    const lines = text.split('\n');
    const t0 = performance.now();
    client.open({
      uri,
      file: '/bench/twenty_models.py',
      label: 'twenty_models.py',
      version: 1,
      text,
      settings: { family: 'keras3', dimensions: {} },
    });
    const first = await analysed(1);
    if (first.view.models.length !== MODELS)
      throw new Error(`expected ${MODELS} models, the analysis process found ${first.view.models.length}`);
    const firstOpen = first.at - t0;
    const edit: number[] = [];
    const analysis: number[] = [];
    let version = 1;
    for (let i = 0; i < WARMUPS + runs; i++) {
      const at = 40 + ((i * 97) % (lines.length - 80));
      const end = lines[at].length;
      const sent = performance.now();
      client.change(uri, ++version, [
        { range: { start: { line: at, character: end }, end: { line: at, character: end } }, text: `  # edit ${i}` },
      ]);
      const got = await analysed(version);
      lines[at] += `  # edit ${i}`;
      if (i < WARMUPS) continue;
      edit.push(got.at - sent);
      analysis.push(got.view.elapsedMs);
    }
    if (client.textOf(uri) !== lines.join('\n'))
      throw new Error('the client and the benchmark disagree on the edited text');
    return { firstOpen, edit, analysis, viewChars: JSON.stringify(first.view).length };
  } finally {
    client.dispose();
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 60;
  const m = await measureAnalysis(runs);
  const line = (name: string, s: { median: number; p95: number; min: number }): string =>
    `${name.padEnd(22)} median ${s.median.toFixed(2)} ms   p95 ${s.p95.toFixed(2)} ms   min ${s.min.toFixed(2)} ms`;
  process.stdout.write(
    [
      `MaskLens analyze: ${TARGET_LINES} lines, ${m.characters} characters, ${m.models} models, ${runs} runs after ${WARMUPS} warm-ups (load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores)`,
      `first analysis         ${m.first.toFixed(2)} ms (fresh process)`,
      line('cold (never seen)', stats(m.cold)),
      line('edit (incremental)', stats(m.edit)),
      '',
    ].join('\n'),
  );
  const p = await measureThroughProcess(runs);
  process.stdout.write(
    [
      `through the analysis process (dist/analysis.js): first open ${p.firstOpen.toFixed(1)} ms, an analysis is ${p.viewChars} characters of JSON`,
      line('edit → at the host', stats(p.edit)),
      line('  of which analysing', stats(p.analysis)),
      '',
    ].join('\n'),
  );
}

// Run when executed, not when imported (tests and profiling import `generate`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
