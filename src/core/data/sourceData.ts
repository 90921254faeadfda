/**
 * The data a model's own `evaluate` / `fit` / `predict` call names, when the source writes
 * the arrays (`np.array([[1, 2, 0, 0]])`, `np.arange(12).reshape(1, 4, 3)`, ...). The
 * analysis has already read them statically; this turns them into a runtime data spec.
 * Shared by the CLI and the extension so both evaluate a model on the same data.
 */
import type { ModelIR, Range } from '../ir';
import type { DataSpec, InlineArrayExpr, TrainRequest } from '../protocol/runtimeTasks';

/** The arrays the source writes, by the variable name the training calls use (a file analysis holds them). */
export interface SourceArrays {
  inlineData: Readonly<Record<string, InlineArrayExpr>>;
  /** Files the code loads into those variables (`np.load('data/X.npy')`), paths as written. */
  loadedData: Readonly<Record<string, { path: string; key?: string; call: string; range: Range }>>;
}

/** The data files a model's own evaluate / fit / predict call reads, paths as the code writes them. */
export interface CodeDataFiles {
  x: string;
  y?: string;
  keys?: { x?: string; y?: string };
  /** e.g. "np.load('data/X.npy') at line 12, np.load('data/y.npy') at line 13". */
  description: string;
}

export interface SourceData {
  data: Extract<DataSpec, { source: 'inline' }> | null;
  /** Why the source's arrays could not be used, when the source names some. */
  notes: string[];
}

export function sourceData(analysis: SourceArrays, ir: ModelIR, label: string): SourceData {
  const t = ir.training;
  const names = t.evaluateArgs ?? (t.fitArgs.x ? t.fitArgs : null) ?? t.predictArgs;
  if (!names?.x) return { data: null, notes: [] };
  const x = analysis.inlineData[names.x];
  // A file the code loads is offered by codeDataFiles; whoever resolves it says whether it is there.
  if (!x && analysis.loadedData[names.x]) return { data: null, notes: [] };
  if (!x)
    return {
      data: null,
      notes: [
        `MaskLens cannot read the values of '${names.x}' from ${label} (they are loaded, computed or changed in place); using synthetic data (choose data files to use real data)`,
      ],
    };
  const yName = 'y' in names && typeof names.y === 'string' ? names.y : undefined;
  const y = yName ? analysis.inlineData[yName] : undefined;
  // `sample_weight=` of the same call: per sample, or per timestep (tf.keras' sample_weight_mode='temporal', Keras 3's 2-D weights).
  const swName = 'sampleWeight' in names && typeof names.sampleWeight === 'string' ? names.sampleWeight : undefined;
  const sw = swName && y ? analysis.inlineData[swName] : undefined;
  const notes =
    swName && y && !sw
      ? [`MaskLens cannot read the values of the sample weights '${swName}' from ${label}; evaluating without them`]
      : [];
  return {
    data: {
      source: 'inline',
      x: { expr: x },
      y: y ? { expr: y } : undefined,
      sampleWeight: sw ? { expr: sw } : undefined,
      description: `arrays in ${label}: ${names.x}${y ? `, ${yName}` : ''}${sw ? `, sample_weight=${swName}` : ''}`,
    },
    notes,
  };
}

/**
 * The validation `fit` asks for: `validation_split=F`, or `validation_data=(x, y)` when the
 * source writes both arrays. Train requests use it unless the user chose otherwise.
 */
export function sourceValidation(analysis: SourceArrays, ir: ModelIR): TrainRequest['validation'] {
  const fit = ir.training.fitArgs;
  if (typeof fit.validationSplit === 'number' && fit.validationSplit > 0 && fit.validationSplit < 1)
    return { split: fit.validationSplit };
  const names = fit.validationData;
  if (!names) return undefined;
  const [xName, yName] = names;
  const x = analysis.inlineData[xName];
  const y = analysis.inlineData[yName];
  if (!x || !y) return undefined;
  return {
    data: { source: 'inline', x: { expr: x }, y: { expr: y }, description: `validation_data=(${xName}, ${yName})` },
  };
}

/**
 * The files the training call's x (and y) come from, when the code loads them with a reader the
 * runtime reads alike; null when x does not come straight from such a file. Where y is computed
 * instead, only x is offered (the result then has no loss, and says so).
 */
export function codeDataFiles(analysis: SourceArrays, ir: ModelIR): CodeDataFiles | null {
  const t = ir.training;
  const names = t.evaluateArgs ?? (t.fitArgs.x ? t.fitArgs : null) ?? t.predictArgs;
  const x = names?.x ? analysis.loadedData[names.x] : undefined;
  if (!x) return null;
  const yName = names && 'y' in names && typeof names.y === 'string' ? names.y : undefined;
  const y = yName ? analysis.loadedData[yName] : undefined;
  const at = (f: { path: string; key?: string; call: string; range: Range }) =>
    `${f.call}('${f.path}')${f.key !== undefined ? `['${f.key}']` : ''} at line ${f.range.start.line + 1}`;
  const keys = { ...(x.key !== undefined ? { x: x.key } : {}), ...(y?.key !== undefined ? { y: y.key } : {}) };
  return {
    x: x.path,
    ...(y ? { y: y.path } : {}),
    ...(Object.keys(keys).length > 0 ? { keys } : {}),
    description: [x, ...(y ? [y] : [])].map(at).join(', '),
  };
}
