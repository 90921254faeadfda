/**
 * `masklens evaluate|train|compare FILE [options]`: rebuild a model from Python source (read,
 * never run) or from a Keras config JSON, run it, and print masks, per-timestep losses and
 * every reduction. The task runs in TensorFlow's process, as the extension's do (runtime.ts),
 * so TensorFlow's own start-up lines stay out of this process's output.
 *
 * Exit codes: 0 success, 1 the task failed (the message says why), 2 usage errors.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import type { KerasFamily, KerasModelConfig } from '../core/ir';
import { formatShape, METRIC_MASK_RULE, metricSentence } from '../core/format';
import { defaultModel } from '../core/modelChoice';
import { epochMetricColumns } from '../core/runs/epochMetrics';
import { UserFacingError } from '../core/protocol/task';
import { codeDataFiles, sourceData, type SourceData, sourceValidation } from '../core/data/sourceData';
import { type CodeFilesFound, locateCodeFiles } from '../core/data/codePaths';
import { REDUCTION_IDS, REDUCTIONS, type ReductionId } from '../core/reductions';
import {
  type CompareResult,
  type DataSpec,
  type EvaluateResult,
  kerasModelConfigSchema,
  type MetricResult,
  type RuntimeModel,
  runtimeModelOf,
  type TrainResult,
  toJsonText,
} from '../core/protocol/runtimeTasks';
import type { BackendInfo } from '../core/protocol/probe';
import { PoolTaskError } from '../pool/errors';
import {
  type CliIO,
  dimensions,
  integer,
  kerasFamily,
  kerasVersion,
  MODEL_OPTIONS,
  oneFile,
  oneOf,
  parseCommandLine,
  positiveInteger,
  UsageError,
} from './options';
import { cliRuntime, TENSORFLOW_OPTIONS, TENSORFLOW_USAGE, type TensorFlowOptions, tensorflowOptions } from './runtime';
import { workspaceModules } from '../analysisProcess/workspaceModules';
import { readSavedModel, savedFormatOf } from '../core/saved/savedModel';
import { savedModelIR } from '../core/saved/savedIR';
import { weightFileCandidates } from '../core/saved/weightFiles';
import { parseJsonText } from '../core/data/jsonText';
import {
  cellLabel,
  ipynbCodeCells,
  type NotebookProgram,
  notebookProgram,
  skippedNotes,
} from '../core/notebook/program';

type Command = 'evaluate' | 'train' | 'compare';

const USAGE = (command: Command) => `usage: masklens ${command} FILE [options]
  FILE                     a Python file or a Jupyter notebook (.ipynb: its code cells in order) with a
                           Keras model (read, never run), a Keras config .json,
                           or a model Keras saved (.keras, legacy .h5), run with its own weights
  --model NAME             which model in FILE (default: the first one no other model contains)
  --output NAME|INDEX      which output of a model with several (default: the first)
  --data X --labels Y      data files (.npy, .npz, .csv, .json); default: arrays written in FILE, else synthetic
  --sample-weight W        sample weights file
  --weights W              weights Keras saved (model.keras, x.weights.h5, x.h5), or JSON in Keras
                           get_weights() order: [{"layer", "weights": [{"shape", "values"}]}]
  --semantics S            none | valid-mean | total-mean | sequence-mean | all (default all)
  --keras F                keras3 | tf-keras2 (default keras3)
  --keras-version X.Y.Z    Keras version whose mask rules apply
  --seed N                 seed for synthetic data and initial weights (default 42)
  --samples N              synthetic samples (default 8)
  --dim NAME=N             value for a dimension the source leaves open (repeatable)
  --json                   one JSON object on stdout
${TENSORFLOW_USAGE}${command === 'train' ? `  --epochs N --batch-size N --optimizer NAME --reduction R --validation-split F\n` : ''}`;

interface Options {
  command: Command;
  file: string;
  model?: string;
  output?: string | number;
  data?: string;
  labels?: string;
  sampleWeight?: string;
  weights?: string;
  semantics: ReductionId | 'all';
  family: KerasFamily;
  kerasVersion?: string;
  seed: number;
  samples: number;
  dimensions: Record<string, number>;
  json: boolean;
  epochs?: number;
  batchSize?: number;
  optimizer?: string;
  reduction: ReductionId;
  validationSplit?: number;
  tensorflow: TensorFlowOptions;
}

const TASK_OPTIONS = {
  ...MODEL_OPTIONS,
  ...TENSORFLOW_OPTIONS,
  model: { type: 'string' },
  output: { type: 'string' },
  data: { type: 'string' },
  labels: { type: 'string' },
  'sample-weight': { type: 'string' },
  weights: { type: 'string' },
  semantics: { type: 'string' },
  seed: { type: 'string' },
  samples: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  reduction: { type: 'string' },
  'validation-split': { type: 'string' },
} as const;

/** The options, or null when only help was asked for. */
function readOptions(command: Command, argv: string[]): Options | null {
  const { values: v, positionals } = parseCommandLine(() =>
    parseArgs({ args: argv, options: TASK_OPTIONS, allowPositionals: true, strict: true }),
  );
  if (v.help) return null;
  const file = oneFile(positionals);
  if (v.labels !== undefined && v.data === undefined) throw new UsageError('--labels needs --data');
  if (v.output === '') throw new UsageError('--output needs an output name or index');
  const split = v['validation-split'] === undefined ? undefined : Number(v['validation-split']);
  if (split !== undefined && !(split > 0 && split < 1))
    throw new UsageError('--validation-split needs a fraction between 0 and 1');
  return {
    command,
    file,
    model: v.model,
    output: v.output !== undefined && /^\d+$/.test(v.output) ? Number(v.output) : v.output,
    data: v.data,
    labels: v.labels,
    sampleWeight: v['sample-weight'],
    weights: v.weights,
    semantics: oneOf(v.semantics, [...REDUCTION_IDS, 'all'] as const, '--semantics') ?? 'all',
    family: kerasFamily(v.keras),
    kerasVersion: kerasVersion(v['keras-version']),
    seed: integer(v.seed, '--seed') ?? 42,
    samples: positiveInteger(v.samples, '--samples') ?? 8,
    dimensions: dimensions(v.dim),
    json: v.json ?? false,
    epochs: positiveInteger(v.epochs, '--epochs'),
    batchSize: positiveInteger(v['batch-size'], '--batch-size'),
    optimizer: v.optimizer,
    reduction: oneOf(v.reduction, REDUCTION_IDS, '--reduction') ?? 'valid-mean',
    validationSplit: split,
    tensorflow: tensorflowOptions(v),
  };
}

interface Loaded {
  model: RuntimeModel;
  /** The arrays the source writes, or the files it loads when they are there. */
  inline: SourceData['data'] | CodeFilesFound['data'];
  /** The validation `fit` in the file asks for (used by train without --validation-split). */
  validation?: ReturnType<typeof sourceValidation>;
  notes: string[];
  /** A saved model's own file, whose weights it runs with unless --weights names others. */
  savedWeights?: string;
}

/** The model (and the arrays `evaluate`/`fit`/`predict` name) from a .py file or a Keras config .json. */
async function loadModel(o: Options): Promise<Loaded> {
  const bytes = readFileSync(o.file);
  if (savedFormatOf(bytes.subarray(0, 8))) {
    const saved = readSavedModel(new Uint8Array(bytes), o.file);
    return { model: runtimeModelOf(savedModelIR(saved)), inline: null, notes: [], savedWeights: o.file };
  }
  let text = bytes.toString('utf8');
  let notebook: NotebookProgram | null = null;
  if (extname(o.file).toLowerCase() === '.ipynb') {
    notebook = notebookProgram(ipynbCodeCells(parseJsonText(text, o.file), o.file));
    text = notebook.text;
  }
  if (extname(o.file).toLowerCase() === '.json') {
    const parsed = kerasModelConfigSchema.safeParse(JSON.parse(text) as unknown);
    if (!parsed.success)
      throw new UserFacingError(`${o.file} is not a Keras model config (model.to_json())`, 'model-config', o.file);
    const config = parsed.data as KerasModelConfig;
    return { model: { name: config.config.name, config, lambdas: {} }, inline: null, notes: [] };
  }
  const analyzer = await createAnalyzer();
  let analysis: FileAnalysis;
  try {
    analysis = analyzer.analyze(text, {
      file: o.file,
      family: o.family,
      kerasVersion: o.kerasVersion,
      dimensions: o.dimensions,
      modules: workspaceModules([process.cwd()], false),
    });
  } finally {
    analyzer.dispose();
  }
  const models = analysis.ir.models;
  if (models.length === 0) throw new UserFacingError(`no Keras model found in ${o.file}`, 'model-missing', o.file);
  const ir = o.model ? models.find((m) => m.name === o.model) : defaultModel(models);
  if (!ir)
    throw new UserFacingError(
      `no model named '${o.model}' in ${o.file} (found: ${models.map((m) => m.name).join(', ')})`,
      'model-missing',
      o.file,
    );
  const notes =
    !o.model && models.length > 1
      ? [`${o.file} defines ${models.length} models; using '${ir.name}' (choose with --model)`]
      : [];
  if (notebook)
    notes.push(
      ...skippedNotes(notebook),
      `model '${ir.name}' is built in ${cellLabel(notebook, ir.range.start.line)} of ${o.file}`,
    );
  const model = runtimeModelOf(ir);
  if (!o.weights) {
    // The weights the source saves or loads, where such a file exists: said, not used unasked (the extension asks).
    const mentions = (ir.training.weightFiles ?? []).map((f) => ({
      path: f.path,
      how: f.how,
      line: f.range.start.line + 1,
    }));
    for (const c of weightFileCandidates(mentions, [dirname(resolve(o.file)), process.cwd()], existsSync)) {
      notes.push(
        `${c.label} exists; --weights ${relative(process.cwd(), c.file) || c.file} runs the model with its weights (now: initial weights)`,
      );
    }
  }
  // Arrays written in the source, when evaluate/fit/predict name them and their values are known.
  const found = sourceData(analysis, ir, o.file);
  notes.push(...found.notes);
  // Files the code loads (np.load('data/X.npy')): relative to where the script would run, the
  // current directory first (as python runs it), then the script's own folder.
  const files = codeDataFiles(analysis, ir);
  const located = files && !o.data ? locateCodeFiles(files, [process.cwd(), dirname(resolve(o.file))], isFile) : null;
  if (located) notes.push(located.note);
  return {
    model,
    inline: located?.data ?? found.data,
    notes,
    validation: o.data ? undefined : sourceValidation(analysis, ir),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function dataSpec(o: Options, inline: Loaded['inline']): DataSpec {
  if (o.data) return { source: 'file', x: o.data, y: o.labels, sampleWeight: o.sampleWeight };
  if (inline) return inline;
  return { source: 'synthetic', samples: o.samples, seed: o.seed };
}

/** "tensorflow (TensorFlow 2.21.0, /path/libtensorflow_cc.so.2)" or "cpu (why)". */
function backendLabel(info: BackendInfo): string {
  if (info.fallbackReason) return `${info.backend} (${info.fallbackReason})`;
  return `${info.backend}${info.tensorflowVersion ? ` (TensorFlow ${info.tensorflowVersion}${info.libraryPath ? `, ${info.libraryPath}` : ''})` : ''}`;
}

const fmt = (v: number | null | undefined, digits = 6) =>
  v === null || v === undefined ? '—' : Number.isNaN(v) ? 'NaN' : v.toPrecision(digits);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Which output a result is about, when the model has several. */
const outputLabel = (r: EvaluateResult | CompareResult): string =>
  r.modelOutput.names.length > 1 ? `, output '${r.modelOutput.name}' of ${r.modelOutput.names.length}` : '';

function formatEvaluate(r: EvaluateResult, semantics: ReductionId | 'all'): string {
  const lines = [
    `model ${r.model}${outputLabel(r)} — ${r.family} (Keras ${r.kerasVersion} rules) on ${backendLabel(r.backendInfo)}`,
    `data: ${r.data.synthetic ? `${r.data.description} [SYNTHETIC]` : `${r.data.description} — ${r.data.samples} samples`}`,
    `weights: ${r.weightsUsed.description}`,
    '',
    `${pad('layer', 24)}${pad('class', 22)}${pad('output', 18)}${pad('mask', 12)}valid steps`,
  ];
  for (const l of r.layers) {
    const shape = formatShape(l.outputShape);
    const valid = l.maskSummary ? `${l.maskSummary.valid}/${l.maskSummary.total}` : '';
    lines.push(`${pad(l.name, 24)}${pad(l.className, 22)}${pad(shape, 18)}${pad(l.effect, 12)}${valid}`);
  }
  lines.push('');
  if (r.loss) {
    if (r.perTimestepLoss === null) {
      // The user's loss reduced inside: one number per batch, which no reduction can reach into.
      lines.push(`loss ${r.loss.name} returns one number per batch: ${fmt(r.loss.none)}; Keras' mask cannot reach it`);
      lines.push(`  Keras reports ${fmt(r.loss.keras.value)} (${r.loss.keras.reduction})`);
    } else lines.push(`loss ${r.loss.name}; the mask ${r.outputMask ? 'reaches' : 'does NOT reach'} the loss`);
    for (const id of r.perTimestepLoss === null ? [] : REDUCTION_IDS) {
      if (semantics !== 'all' && semantics !== id) continue;
      lines.push(
        `  ${pad(id, 15)}${pad(fmt(r.loss[id]), 14)}${REDUCTIONS[id].formula.padEnd(52)}${REDUCTIONS[id].kerasVersions}`,
      );
    }
    if (r.perTimestepLoss !== null)
      lines.push(`  Keras reports ${fmt(r.loss.keras.value)} (${r.loss.keras.reduction})`);
    if (r.paddingShareOfUnmaskedLoss !== null)
      lines.push(
        `  padded steps carry ${(100 * r.paddingShareOfUnmaskedLoss).toFixed(1)}% of the unmasked loss (${r.paddingMaskSource})`,
      );
  } else lines.push('no targets: masks and outputs only, no loss');
  lines.push(...metricLines(r.metrics));
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** The compiled metrics, masked and unmasked, with the rule Keras applies. */
function metricLines(metrics: MetricResult[]): string[] {
  if (metrics.length === 0) return [];
  return ['', 'compiled metrics:', ...metrics.map((m) => `  ${metricSentence(m)}`), `  (${METRIC_MASK_RULE})`];
}

function formatCompare(r: CompareResult): string {
  const lines = [
    `model ${r.model}${outputLabel(r)} — ${r.family} on ${backendLabel(r.backendInfo)}; data: ${r.data.description}${r.data.synthetic ? ' [SYNTHETIC]' : ''}`,
    `weights: ${r.weightsUsed.description}`,
    `loss ${r.loss}; the mask ${r.maskReachesLoss ? 'reaches the loss' : `does NOT reach the loss${r.maskDroppedBy ? ` (dropped by '${r.maskDroppedBy}')` : ''}`}`,
    '',
  ];
  for (const row of r.reductions)
    lines.push(`  ${pad(row.id, 15)}${pad(fmt(row.value), 14)}${pad(row.formula, 52)}${row.kerasVersions}`);
  if (r.relativeDifference !== null) lines.push(`  masked vs unmasked: ${(100 * r.relativeDifference).toFixed(1)}%`);
  if (r.paddingShareOfUnmaskedLoss !== null)
    lines.push(`  padded steps carry ${(100 * r.paddingShareOfUnmaskedLoss).toFixed(1)}% of the unmasked loss`);
  lines.push(...metricLines(r.metrics));
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function formatTrain(r: TrainResult): string {
  const metrics = epochMetricColumns(r.history);
  const lines = [
    `model ${r.model} — ${r.family} on ${backendLabel(r.backendInfo)}; data: ${r.data.description}${r.data.synthetic ? ' [SYNTHETIC]' : ''}`,
    `starting from ${r.weightsUsed.description}`,
    `minimising ${r.reduction} of ${r.loss} with ${r.optimizer.name} (lr ${r.optimizer.config.learning_rate}); ${r.epochs} epochs, batch size ${r.batchSize}${r.validation ? `; validation: ${r.validation.source}` : ''}`,
    '',
    `${pad('epoch', 7)}${pad('masked', 14)}${pad('unmasked', 14)}${pad('val masked', 14)}${pad('val unmasked', 14)}${metrics.map((m) => pad(m.name, Math.max(14, m.name.length + 2))).join('')}`.trimEnd(),
  ];
  for (const h of r.history)
    lines.push(
      `${pad(String(h.epoch + 1), 7)}${pad(fmt(h.train.masked), 14)}${pad(fmt(h.train.unmasked), 14)}${pad(fmt(h.val?.masked), 14)}${pad(fmt(h.val?.unmasked), 14)}${metrics.map((m) => pad(fmt(m.value(h)), Math.max(14, m.name.length + 2))).join('')}`.trimEnd(),
    );
  lines.push('', r.stopped.reason === 'completed' ? r.stopped.message : `stopped: ${r.stopped.message}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

async function run(command: Command, argv: string[], io: CliIO): Promise<number> {
  let o: Options | null;
  try {
    o = readOptions(command, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`masklens ${command}: ${error.message}\n${USAGE(command)}`);
    return 2;
  }
  if (!o) {
    io.stdout(USAGE(command));
    return 0;
  }
  const runtime = cliRuntime(o.tensorflow, io);
  try {
    const loaded = await loadModel(o);
    for (const n of loaded.notes) io.stderr(`note: ${n}\n`);
    const common = {
      model: loaded.model,
      family: o.family,
      kerasVersion: o.kerasVersion,
      data: dataSpec(o, loaded.inline),
      weights:
        o.weights || loaded.savedWeights
          ? { source: 'file' as const, path: o.weights ?? loaded.savedWeights ?? '' }
          : undefined,
      seed: o.seed,
      dimensions: o.dimensions,
      output: o.output,
    };
    let warnings: string[];
    if (command === 'evaluate') {
      const r = await runtime.run({ kind: 'evaluate', ...common, semantics: o.semantics, layerOutputs: o.json }).result;
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatEvaluate(r, o.semantics));
      warnings = r.warnings;
    } else if (command === 'compare') {
      const r = await runtime.run({ kind: 'compare', ...common }).result;
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatCompare(r));
      warnings = r.warnings;
    } else {
      const json = o.json;
      const r = await runtime.run(
        {
          kind: 'train',
          ...common,
          optimizer: o.optimizer,
          reduction: o.reduction,
          epochs: o.epochs,
          batchSize: o.batchSize,
          validation: o.validationSplit ? { split: o.validationSplit } : loaded.validation,
        },
        { onProgress: (e) => !json && e.type === 'epoch' && io.stderr(`epoch ${e.epoch + 1}/${e.epochs}\n`) },
      ).result;
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatTrain(r));
      warnings = r.warnings;
    }
    // The pure-JS fallback is said on stderr too, where a --json reader's user still sees it.
    if (o.json)
      for (const w of warnings.filter((w) => w.startsWith('Running on the pure-JS'))) io.stderr(`warning: ${w}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`masklens ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UserFacingError || error instanceof PoolTaskError) {
      io.stderr(`masklens ${command}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      io.stderr(`masklens ${command}: cannot read ${o.file}\n`);
      return 2;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}

export function runEvaluate(argv: string[], io: CliIO): Promise<number> {
  return run('evaluate', argv, io);
}

export function runTrain(argv: string[], io: CliIO): Promise<number> {
  return run('train', argv, io);
}

export function runCompare(argv: string[], io: CliIO): Promise<number> {
  return run('compare', argv, io);
}
