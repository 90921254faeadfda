/**
 * `masklens evaluate|train|compare FILE [options]`: rebuild a model from Python source (read,
 * never run) or from a Keras config JSON, run it, and print masks, per-timestep losses and
 * every reduction. The task functions run in-process here; the pool runs the same ones.
 *
 * Exit codes: 0 success, 1 the task failed (the message says why), 2 usage errors.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import type { KerasFamily, KerasModelConfig } from '../core/ir';
import { defaultModel } from '../core/modelChoice';
import { UserFacingError } from '../core/protocol/task';
import { sourceData, type SourceData, sourceValidation } from '../core/data/sourceData';
import { REDUCTION_IDS, REDUCTIONS, type ReductionId } from '../core/reductions';
import {
  type CompareResult,
  type DataSpec,
  type EvaluateResult,
  kerasModelConfigSchema,
  type RuntimeModel,
  type TrainResult,
  toJsonText,
} from '../core/protocol/runtimeTasks';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

type Command = 'evaluate' | 'train' | 'compare';

const USAGE = (command: Command) => `usage: masklens ${command} FILE [options]
  FILE                     a Python file with a Keras model (read, never run) or a Keras config .json
  --model NAME             which model in FILE (default: the first one no other model contains)
  --output NAME|INDEX      which output of a model with several (default: the first)
  --data X --labels Y      data files (.npy, .npz, .csv, .json); default: arrays written in FILE, else synthetic
  --sample-weight W        sample weights file
  --weights W.json         weights in Keras get_weights() order: [{"layer", "weights": [{"shape", "values"}]}]
  --semantics S            none | valid-mean | total-mean | sequence-mean | all (default all)
  --keras F                keras3 | tf-keras2 (default keras3)
  --keras-version X.Y.Z    Keras version whose mask rules apply
  --seed N                 seed for synthetic data and initial weights (default 42)
  --samples N              synthetic samples (default 8)
  --dim NAME=N             value for a dimension the source leaves open (repeatable)
  --json                   one JSON object on stdout
${command === 'train' ? `  --epochs N --batch-size N --optimizer NAME --reduction R --validation-split F\n` : ''}`;

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
}

function parseArgs(command: Command, argv: string[]): Options | string {
  const o: Options = { command, file: '', semantics: 'all', family: 'keras3', seed: 42, samples: 8, dimensions: {}, json: false, reduction: 'valid-mean' };
  const positive = (v: string | null, what: string): number | string => {
    const n = Number(v);
    return v !== null && Number.isInteger(n) && n > 0 ? n : `${what} needs a positive integer (got ${v ?? 'nothing'})`;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | null => (arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : (argv[++i] ?? null));
    let n: number | string;
    switch (name) {
      case '--json':
        o.json = true;
        break;
      case '--model':
        o.model = value() ?? '';
        break;
      case '--output': {
        const v = value();
        if (!v) return '--output needs an output name or index';
        o.output = /^\d+$/.test(v) ? Number(v) : v;
        break;
      }
      case '--data':
        o.data = value() ?? undefined;
        break;
      case '--labels':
        o.labels = value() ?? undefined;
        break;
      case '--sample-weight':
        o.sampleWeight = value() ?? undefined;
        break;
      case '--weights':
        o.weights = value() ?? undefined;
        break;
      case '--semantics': {
        const v = value();
        if (v !== 'all' && !REDUCTION_IDS.includes(v as ReductionId)) return `--semantics must be one of ${[...REDUCTION_IDS, 'all'].join(', ')} (got ${v ?? 'nothing'})`;
        o.semantics = v as ReductionId | 'all';
        break;
      }
      case '--reduction': {
        const v = value();
        if (!REDUCTION_IDS.includes(v as ReductionId)) return `--reduction must be one of ${REDUCTION_IDS.join(', ')} (got ${v ?? 'nothing'})`;
        o.reduction = v as ReductionId;
        break;
      }
      case '--keras': {
        const v = value();
        if (v !== 'keras3' && v !== 'tf-keras2') return `--keras must be keras3 or tf-keras2 (got ${v ?? 'nothing'})`;
        o.family = v;
        break;
      }
      case '--keras-version': {
        const v = value();
        if (!v || !/^\d+(\.\d+)*$/.test(v)) return `--keras-version needs a version like 3.15.1 (got ${v ?? 'nothing'})`;
        o.kerasVersion = v;
        break;
      }
      case '--seed': {
        const v = value();
        if (v === null || !Number.isInteger(Number(v))) return `--seed needs an integer (got ${v ?? 'nothing'})`;
        o.seed = Number(v);
        break;
      }
      case '--samples':
        if (typeof (n = positive(value(), '--samples')) === 'string') return n;
        o.samples = n;
        break;
      case '--epochs':
        if (typeof (n = positive(value(), '--epochs')) === 'string') return n;
        o.epochs = n;
        break;
      case '--batch-size':
        if (typeof (n = positive(value(), '--batch-size')) === 'string') return n;
        o.batchSize = n;
        break;
      case '--optimizer':
        o.optimizer = value() ?? undefined;
        break;
      case '--validation-split': {
        const v = Number(value());
        if (!(v > 0 && v < 1)) return '--validation-split needs a fraction between 0 and 1';
        o.validationSplit = v;
        break;
      }
      case '--dim': {
        const v = value();
        const m = v ? /^(.+)=(\d+)$/.exec(v) : null;
        if (!m) return `--dim needs NAME=N (got ${v ?? 'nothing'})`;
        o.dimensions[m[1]] = Number(m[2]);
        break;
      }
      case '-h':
      case '--help':
        return '';
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        if (o.file) return `unexpected argument ${arg}`;
        o.file = arg;
    }
  }
  if (!o.file) return 'missing FILE';
  if (o.labels && !o.data) return '--labels needs --data';
  return o;
}

interface Loaded {
  model: RuntimeModel;
  inline: SourceData['data'];
  /** The validation `fit` in the file asks for (used by train without --validation-split). */
  validation?: ReturnType<typeof sourceValidation>;
  notes: string[];
}

/** The model (and the arrays `evaluate`/`fit`/`predict` name) from a .py file or a Keras config .json. */
async function loadModel(o: Options): Promise<Loaded> {
  const text = readFileSync(o.file, 'utf8');
  if (extname(o.file).toLowerCase() === '.json') {
    const parsed = kerasModelConfigSchema.safeParse(JSON.parse(text) as unknown);
    if (!parsed.success) throw new UserFacingError(`${o.file} is not a Keras model config (model.to_json())`, 'model-config', o.file);
    const config = parsed.data as KerasModelConfig;
    return { model: { name: config.config.name, config, lambdas: {} }, inline: null, notes: [] };
  }
  const analyzer = await createAnalyzer();
  let analysis: FileAnalysis;
  try {
    analysis = analyzer.analyze(text, { file: o.file, family: o.family, kerasVersion: o.kerasVersion, dimensions: o.dimensions });
  } finally {
    analyzer.dispose();
  }
  const models = analysis.ir.models;
  if (models.length === 0) throw new UserFacingError(`no Keras model found in ${o.file}`, 'model-missing', o.file);
  const ir = o.model ? models.find((m) => m.name === o.model) : defaultModel(models);
  if (!ir) throw new UserFacingError(`no model named '${o.model}' in ${o.file} (found: ${models.map((m) => m.name).join(', ')})`, 'model-missing', o.file);
  const notes = !o.model && models.length > 1 ? [`${o.file} defines ${models.length} models; using '${ir.name}' (choose with --model)`] : [];
  const model: RuntimeModel = {
    name: ir.name,
    config: ir.config,
    lambdas: ir.lambdas,
    training: { loss: ir.training.loss ?? undefined, optimizer: ir.training.optimizer ?? undefined, batchSize: ir.training.batchSize, epochs: ir.training.epochs },
  };
  // Arrays written in the source, when evaluate/fit/predict name them and their values are known.
  const found = sourceData(analysis, ir, o.file);
  notes.push(...found.notes);
  return { model, inline: found.data, notes, validation: o.data ? undefined : sourceValidation(analysis, ir) };
}

function dataSpec(o: Options, inline: Loaded['inline']): DataSpec {
  if (o.data) return { source: 'file', x: o.data, y: o.labels, sampleWeight: o.sampleWeight };
  if (inline) return inline;
  return { source: 'synthetic', samples: o.samples, seed: o.seed };
}

const fmt = (v: number | null | undefined, digits = 6) => (v === null || v === undefined ? '—' : Number.isNaN(v) ? 'NaN' : v.toPrecision(digits));
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Which output a result is about, when the model has several. */
const outputLabel = (r: EvaluateResult | CompareResult): string =>
  r.modelOutput.names.length > 1 ? `, output '${r.modelOutput.name}' of ${r.modelOutput.names.length}` : '';

function formatEvaluate(r: EvaluateResult, semantics: ReductionId | 'all'): string {
  const lines = [
    `model ${r.model}${outputLabel(r)} — ${r.family} (Keras ${r.kerasVersion} rules) on ${r.backend}${r.backendInfo.fallbackReason ? ` (${r.backendInfo.fallbackReason})` : ''}`,
    `data: ${r.data.synthetic ? `${r.data.description} [SYNTHETIC]` : `${r.data.description} — ${r.data.samples} samples`}`,
    '',
    `${pad('layer', 24)}${pad('class', 22)}${pad('output', 18)}${pad('mask', 12)}valid steps`,
  ];
  for (const l of r.layers) {
    const shape = `(${l.outputShape.map((d) => d ?? 'None').join(', ')})`;
    const valid = l.maskSummary ? `${l.maskSummary.valid}/${l.maskSummary.total}` : '';
    lines.push(`${pad(l.name, 24)}${pad(l.className, 22)}${pad(shape, 18)}${pad(l.effect, 12)}${valid}`);
  }
  lines.push('');
  if (r.loss) {
    lines.push(`loss ${r.loss.name}; the mask ${r.outputMask ? 'reaches' : 'does NOT reach'} the loss`);
    for (const id of REDUCTION_IDS) {
      if (semantics !== 'all' && semantics !== id) continue;
      lines.push(`  ${pad(id, 15)}${pad(fmt(r.loss[id]), 14)}${REDUCTIONS[id].formula.padEnd(52)}${REDUCTIONS[id].kerasVersions}`);
    }
    lines.push(`  Keras reports ${fmt(r.loss.keras.value)} (${r.loss.keras.reduction})`);
    if (r.paddingShareOfUnmaskedLoss !== null) lines.push(`  padded steps carry ${(100 * r.paddingShareOfUnmaskedLoss).toFixed(1)}% of the unmasked loss (${r.paddingMaskSource})`);
  } else lines.push('no targets: masks and outputs only, no loss');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function formatCompare(r: CompareResult): string {
  const lines = [
    `model ${r.model}${outputLabel(r)} — ${r.family} on ${r.backend}; data: ${r.data.description}${r.data.synthetic ? ' [SYNTHETIC]' : ''}`,
    `loss ${r.loss}; the mask ${r.maskReachesLoss ? 'reaches the loss' : `does NOT reach the loss${r.maskDroppedBy ? ` (dropped by '${r.maskDroppedBy}')` : ''}`}`,
    '',
  ];
  for (const row of r.reductions) lines.push(`  ${pad(row.id, 15)}${pad(fmt(row.value), 14)}${pad(row.formula, 52)}${row.kerasVersions}`);
  if (r.relativeDifference !== null) lines.push(`  masked vs unmasked: ${(100 * r.relativeDifference).toFixed(1)}%`);
  if (r.paddingShareOfUnmaskedLoss !== null) lines.push(`  padded steps carry ${(100 * r.paddingShareOfUnmaskedLoss).toFixed(1)}% of the unmasked loss`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function formatTrain(r: TrainResult): string {
  const lines = [
    `model ${r.model} — ${r.family} on ${r.backend}; data: ${r.data.description}${r.data.synthetic ? ' [SYNTHETIC]' : ''}`,
    `minimising ${r.reduction} of ${r.loss} with ${r.optimizer.name} (lr ${r.optimizer.config.learning_rate}); ${r.epochs} epochs, batch size ${r.batchSize}${r.validation ? `; validation: ${r.validation.source}` : ''}`,
    '',
    `${pad('epoch', 7)}${pad('masked', 14)}${pad('unmasked', 14)}${pad('val masked', 14)}val unmasked`,
  ];
  for (const h of r.history) lines.push(`${pad(String(h.epoch + 1), 7)}${pad(fmt(h.train.masked), 14)}${pad(fmt(h.train.unmasked), 14)}${pad(fmt(h.val?.masked), 14)}${fmt(h.val?.unmasked)}`);
  lines.push('', r.stopped.reason === 'completed' ? r.stopped.message : `stopped: ${r.stopped.message}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

const noProgress = { progress: () => undefined, cancelled: () => false };

async function run(command: Command, argv: string[], io: CliIO): Promise<number> {
  const o = parseArgs(command, argv);
  if (typeof o === 'string') {
    if (o) io.stderr(`masklens ${command}: ${o}\n`);
    io.stderr(USAGE(command));
    return o ? 2 : 0;
  }
  try {
    const loaded = await loadModel(o);
    for (const n of loaded.notes) io.stderr(`note: ${n}\n`);
    // The worker modules load TensorFlow: import them only once a task really runs.
    const tasks = await import('../worker/tasks');
    const common = {
      model: loaded.model,
      family: o.family,
      kerasVersion: o.kerasVersion,
      data: dataSpec(o, loaded.inline),
      weights: o.weights ? { source: 'file' as const, path: o.weights } : undefined,
      seed: o.seed,
      dimensions: o.dimensions,
      output: o.output,
    };
    if (command === 'evaluate') {
      const r = await tasks.evaluateTask({ kind: 'evaluate', ...common, semantics: o.semantics, layerOutputs: o.json }, noProgress);
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatEvaluate(r, o.semantics));
    } else if (command === 'compare') {
      const r = await tasks.compareTask({ kind: 'compare', ...common }, noProgress);
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatCompare(r));
    } else {
      const progress = {
        progress: (e: { type: string; epoch?: number; epochs?: number }) => {
          if (!o.json && e.type === 'epoch') io.stderr(`epoch ${(e.epoch ?? 0) + 1}/${e.epochs}\n`);
        },
        cancelled: () => false,
      };
      const r = await tasks.trainTask(
        {
          kind: 'train',
          ...common,
          optimizer: o.optimizer,
          reduction: o.reduction,
          epochs: o.epochs,
          batchSize: o.batchSize,
          validation: o.validationSplit ? { split: o.validationSplit } : loaded.validation,
        },
        progress,
      );
      io.stdout(o.json ? `${toJsonText(r, 2)}\n` : formatTrain(r));
    }
    return 0;
  } catch (error) {
    if (error instanceof UserFacingError) {
      io.stderr(`masklens ${command}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      io.stderr(`masklens ${command}: cannot read ${o.file}\n`);
      return 2;
    }
    throw error;
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
