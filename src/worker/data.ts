/**
 * Turns a request's data spec into arrays matched to the model: files the user chose
 * (.npy/.npz/.csv/.json), inline arrays from the source, or synthetic data. Every problem
 * is one located error; NaN and infinities are findings unless the request asks to refuse
 * them. Every array is charged to the task's memory budget before it is read, inflated or
 * built, from what the file or expression declares.
 */
import { extname, resolve } from 'node:path';
import { columnLabels, describeColumns, headerReading, pickColumns, resolveColumns } from '../core/data/columns';
import { CSV_PARSE_FACTOR, parseCsv } from '../core/data/csv';
import { DataError } from '../core/data/errors';
import { evaluateInlineArray } from '../core/data/inline';
import { keyName, parseJsonArrays } from '../core/data/json';
import { arrayValueToNdArray } from '../core/data/nested';
import { checkNpyLength, NPY_HEADER_PREFIX, parseNpy, readNpyHeader } from '../core/data/npy';
import { parseNpz } from '../core/data/npz';
import { subSeed } from '../core/data/random';
import { type SyntheticInput, syntheticInputs } from '../core/data/synthetic';
import { type FileRows, inMemory, reshapedRows, type RowSource } from '../core/data/rowSource';
import { openNpzRows } from './npzFile';
import { checkSampleCount, fitToInput, type InputExpectation } from '../core/data/validate';
import { formatShape } from '../core/format';
import type { JsonObject } from '../core/ir';
import { type NdArray, sizeOf } from '../core/runtime/array';
import type { MemoryBudget } from '../core/runtime/memory';
import type { ColumnSelection, DataInfo, FileAccess, InlineValue } from '../core/protocol/runtimeTasks';
import type { dataSpecSchema } from '../core/protocol/runtimeTasks';
import { openForReading, type OpenFile, readAll, readPrefix } from './fileAccess';
import { type CheckedArray, DataChecks } from './dataChecks';
import { openNpyRows } from './npyFile';
import { type CsvFileRows, csvColumnRows, openCsvRows } from './csvFile';
import { configNumber } from './layers/base';
import type { Completion } from '../core/graph/complete';
import { completeGraph } from '../core/graph/complete';
import { assertRunnable } from '../core/graph/fromConfig';
import type { ModelGraph } from '../core/graph/modelGraph';
import type { z } from 'zod';

type DataSpecParsed = z.output<typeof dataSpecSchema>;

export interface LoadedData {
  x: RowSource[];
  y: RowSource | null;
  sampleWeight: RowSource | null;
  info: DataInfo;
  warnings: string[];
  /** True when some array is read by rows from its file as the task needs them (never held whole). */
  streamed: boolean;
  /**
   * The checks still to make, on the rows as the evaluation reads them (then `finish` them);
   * null when every array was checked as it was loaded.
   */
  checks: DataChecks | null;
  /** Closes the files read by rows. */
  close(): void;
}

export interface DataOptions {
  /** What fills the sizes the model leaves open, but the data (set on the first load; a validation set reuses the filled graph). */
  completion?: Omit<Completion, 'dataShapes'>;
  seed: number;
  /** The task's memory: every array is charged to it before it exists. */
  budget: MemoryBudget;
  nanPolicy: 'report' | 'error';
  access: FileAccess;
  dimensions: Record<string, number>;
  /** Throws once the task is asked to stop: called between files and while synthetic data is made. */
  checkpoint?: () => void;
  /**
   * Read C-order `.npy` files, `.npz` members and CSV files by rows as the task needs them
   * instead of whole (evaluation: its memory then does not grow with the data). The value is how
   * many rows a check reads at once.
   */
  streamRows?: number;
}

/**
 * Parsing text keeps the text, every number as a JS value and the float64 result at once:
 * measured on short numbers (`1,`), JSON arrays take about 6 bytes of heap per byte of text
 * (CSV: CSV_PARSE_FACTOR), plus 4 for the float64 values and 1 for the text.
 */
const TEXT_PARSE_FACTOR: Record<string, number> = {
  '.json': 12,
  '.csv': CSV_PARSE_FACTOR,
  '.tsv': CSV_PARSE_FACTOR,
  '.txt': CSV_PARSE_FACTOR,
};

/** What each model input must look like, and what pads it (for synthetic data). */
export function inputExpectations(
  graph: ModelGraph,
  nested = false,
): (InputExpectation & { padValue: number; masking: { layer: string; value: number } | null })[] {
  assertRunnable(graph, nested);
  return graph.inputs.map((input) => {
    const consumers = graph.nodes.filter((n) => n.inputs.some((r) => r.layer === input.name));
    const embedding = consumers.map((n) => graph.layers.get(n.layer)).find((l) => l?.className === 'Embedding');
    const masking = consumers.map((n) => graph.layers.get(n.layer)).find((l) => l?.className === 'Masking');
    const config = (embedding?.config ?? {}) as JsonObject;
    const own = {
      name: input.name,
      shape: input.batchShape?.slice(1) ?? [],
      embedding: embedding ? { layer: embedding.name, inputDim: Number(config.input_dim) } : null,
      padValue: masking ? (configNumber(masking.config.mask_value) ?? 0) : 0,
      masking: masking ? { layer: masking.name, value: configNumber(masking.config.mask_value) ?? 0 } : null,
    };
    if (embedding || masking) return own;
    // An input fed straight into a nested model (an encoder) expects what the encoder's input does.
    for (const node of consumers) {
      const innerGraph = graph.layers.get(node.layer)?.nested;
      if (!innerGraph) continue;
      const at = inputExpectations(innerGraph, true)[node.inputs.findIndex((r) => r.layer === input.name)];
      if (at && (at.embedding || at.padValue !== 0))
        return { ...own, embedding: at.embedding, padValue: at.padValue, masking: at.masking };
    }
    return own;
  });
}

/** Charges what reading the file will hold, refusing before it is read; returns what to release once it is parsed. */
function chargeFile(file: OpenFile, path: string, size: number, location: string, o: DataOptions): number {
  const ext = extname(path).toLowerCase();
  const factor = TEXT_PARSE_FACTOR[ext];
  if (factor) {
    o.budget.take(size * factor, `the file (${size.toLocaleString('en-US')} bytes of text, parsed)`, location);
    return size * factor;
  }
  if (ext === '.npy') {
    const header = readNpyHeader(readPrefix(file, NPY_HEADER_PREFIX), location);
    if (header) checkNpyLength(header, size, location);
    // Its values become float64: checked here, before the file is read, and charged by the parser.
    if (header)
      o.budget.check(
        size + sizeOf(header.shape) * 8,
        `the file's array of shape ${formatShape(header.shape)} (${header.descr}), read and converted to float64,`,
        location,
      );
  }
  o.budget.take(size, `the file (${size.toLocaleString('en-US')} bytes)`, location);
  return size;
}

function readBytes(path: string, role: string, o: DataOptions): { bytes: Uint8Array; charged: number } {
  const location = `${role} (${path})`;
  const file = openForReading(path, o.access, location);
  try {
    const charged = chargeFile(file, path, file.size, location, o);
    return { bytes: readAll(file), charged };
  } finally {
    file.close();
  }
}

const CSV_EXTENSIONS = ['.csv', '.tsv', '.txt'];

const DEFAULT_KEYS = {
  x: ['x', 'X', 'inputs', 'arr_0'],
  y: ['y', 'Y', 'targets', 'labels', 'arr_1'],
  sampleWeight: ['sample_weight', 'sampleWeight', 'sw', 'arr_2'],
};

/** Every array of one file, parsed once however many roles read it. */
function readFileArrays(path: string, role: string, o: DataOptions, opened: FileRows[]): Record<string, RowSource> {
  const location = `${role} (${path})`;
  const ext = extname(path).toLowerCase();
  if (!['.npy', '.npz', '.json', ...CSV_EXTENSIONS].includes(ext)) {
    throw new DataError(
      `unsupported data file type '${ext || path}' (use .npy, .npz, .csv or .json)`,
      'data-format',
      location,
    );
  }
  if (ext === '.npy' && o.streamRows) {
    const rows = openNpyRows(path, o.access, location);
    if (rows) {
      opened.push(rows);
      return { '': rows };
    }
  }
  if (ext === '.npz' && o.streamRows) {
    const members = openNpzRows(path, o.access, location);
    if (members) {
      opened.push(...Object.values(members));
      return members;
    }
  }
  if (CSV_EXTENSIONS.includes(ext) && o.streamRows) {
    const rows = openCsvRows(path, o.access, location, { header: 'auto', budget: o.budget, checkpoint: o.checkpoint });
    opened.push(rows);
    return { '': rows };
  }
  const arrays = readWholeFile(path, role, o, ext, location);
  return Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, inMemory(a)]));
}

function readWholeFile(
  path: string,
  role: string,
  o: DataOptions,
  ext: string,
  location: string,
): Record<string, NdArray> {
  const { bytes, charged } = readBytes(path, role, o);
  let arrays: Record<string, NdArray>;
  if (ext === '.npy') arrays = { '': parseNpy(bytes, location, o.budget) };
  else if (ext === '.npz') arrays = parseNpz(bytes, location, o.budget);
  else {
    const text = new TextDecoder().decode(bytes);
    arrays = ext === '.json' ? parseJsonArrays(text, location) : { '': parseCsv(text, location).array };
  }
  o.budget.release(charged);
  if (TEXT_PARSE_FACTOR[ext])
    for (const a of Object.values(arrays))
      o.budget.take(a.data.byteLength, `its array of shape ${formatShape(a.shape)}`, location);
  return arrays;
}

/** A CSV parsed whole, or read by rows, once per header reading however many roles pick columns of it. */
type CsvTable = { array: NdArray; header: string[] | null } | CsvFileRows;

/**
 * The columns of a CSV the code picks with pandas: the file is read once per header reading
 * (the first row as names, or as data), however many roles pick columns of it; by rows when the
 * task reads its files so, the columns then taken from each row as it is read.
 */
function readCsvColumns(
  path: string,
  role: 'x' | 'y',
  selection: ColumnSelection,
  o: DataOptions,
  tables: Map<string, CsvTable>,
  opened: FileRows[],
): RowSource {
  const location = `${role} (${path})`;
  if (extname(path).toLowerCase() !== '.csv')
    throw new DataError(`columns are picked, but the file is not a .csv`, 'data-format', location);
  const cacheKey = `${selection.header ? 'header' : 'none'}:${path}`;
  let table = tables.get(cacheKey);
  o.checkpoint?.();
  if (!table && o.streamRows) {
    table = openCsvRows(path, o.access, location, {
      header: headerReading(selection),
      budget: o.budget,
      checkpoint: o.checkpoint,
    });
    opened.push(table);
    tables.set(cacheKey, table);
  }
  if (!table) {
    const { bytes, charged } = readBytes(path, role, o);
    const whole = parseCsv(new TextDecoder().decode(bytes), location, headerReading(selection));
    o.budget.release(charged);
    o.budget.take(whole.array.data.byteLength, `its array of shape ${formatShape(whole.array.shape)}`, location);
    tables.set(cacheKey, whole);
    table = whole;
  }
  if ('take' in table)
    return csvColumnRows(table, resolveColumns(selection, columnLabels(table.header, table.shape[1]), location));
  const picked = pickColumns(table, selection, location);
  o.budget.take(picked.data.byteLength, `the chosen columns, of shape ${formatShape(picked.shape)}`, location);
  return inMemory(picked);
}

/** Reads one role's array; `.npz`/`.json` may hold several arrays, picked by key. */
function readArray(
  path: string,
  role: 'x' | 'y' | 'sampleWeight',
  key: string | undefined,
  o: DataOptions,
  files: Map<string, Record<string, RowSource>>,
  opened: FileRows[],
): RowSource {
  const location = `${role} (${path})`;
  let arrays = files.get(path);
  o.checkpoint?.();
  if (!arrays) {
    arrays = readFileArrays(path, role, o, opened);
    files.set(path, arrays);
  }
  const names = Object.keys(arrays);
  if (names.length === 1 && names[0] === '') return arrays[''];
  const wanted = key ? [key] : DEFAULT_KEYS[role];
  const hit = wanted.find((k) => arrays[k] !== undefined);
  if (hit) return arrays[hit];
  if (!key && role === 'x' && names.length === 1) return arrays[names[0]];
  throw new DataError(
    `no array named ${wanted.map((k) => `'${k}'`).join(' or ')} (the file holds ${names.slice(0, 8).map(keyName).join(', ')}${names.length > 8 ? ', …' : ''})`,
    'data-missing',
    location,
  );
}

/**
 * A JSON object of arrays names only arrays MaskLens reads: a misspelt or unrelated key is
 * refused by name rather than silently left out (one key alone is the inputs, as before).
 */
function checkJsonKeys(
  path: string,
  arrays: Record<string, RowSource>,
  keys: { x?: string; y?: string; sampleWeight?: string } | undefined,
  role: string,
): void {
  const names = Object.keys(arrays);
  if (names.length <= 1) return;
  const chosen = [keys?.x, keys?.y, keys?.sampleWeight].filter((k): k is string => typeof k === 'string');
  const known = new Set([...DEFAULT_KEYS.x, ...DEFAULT_KEYS.y, ...DEFAULT_KEYS.sampleWeight, ...chosen]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new DataError(
      `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.slice(0, 4).map(keyName).join(', ')}: MaskLens reads x, y and sample_weight (or the keys chosen for the data)`,
      'data-format',
      `${role} (${path})`,
    );
  }
}

function inlineArray(value: InlineValue, location: string, budget: MemoryBudget): NdArray {
  if ('expr' in value) return evaluateInlineArray(value.expr, location, budget);
  budget.take(value.values.length * 8, `an array of ${value.values.length.toLocaleString('en-US')} values`, location);
  return arrayValueToNdArray(value, location);
}

/**
 * Open dimensions for synthetic data: an open time axis (the first after the batch) gets a
 * default length; any other open axis is an error, since guessing a feature size would
 * change the model itself.
 */
function resolvedShape(shape: (number | null)[], timesteps: number, input: string): number[] {
  return shape.map((d, i) => {
    if (d !== null) return d;
    if (i === 0) return timesteps;
    throw new DataError(
      `input '${input}' leaves axis ${i + 1} open, so synthetic data cannot be made; give its size (--dim NAME=N, or masklens.unresolvedDimensions) or choose data files`,
      'model-input-shape',
      input,
    );
  });
}

export function loadData(spec: DataSpecParsed, graph: ModelGraph, o: DataOptions): LoadedData {
  const opened: FileRows[] = [];
  try {
    return loadOpened(spec, graph, o, opened);
  } catch (error) {
    opened.forEach((f) => f.close());
    throw error;
  }
}

function loadOpened(spec: DataSpecParsed, graph: ModelGraph, o: DataOptions, opened: FileRows[]): LoadedData {
  const warnings: string[] = [];
  const notes: string[] = [];
  let x: RowSource[];
  let y: RowSource | null = null;
  let sw: RowSource | null = null;
  let info: Omit<DataInfo, 'samples' | 'shapes' | 'nan' | 'inf' | 'notes'>;
  let expectations: ReturnType<typeof inputExpectations>;
  const shapes = (arrays: RowSource[]) => arrays.map((a) => [...a.shape]);

  if (spec.source === 'synthetic') {
    if (o.completion) notes.push(...completeGraph(graph, { ...o.completion, dataShapes: null }));
    expectations = inputExpectations(graph);
    const seed = spec.seed ?? subSeed(o.seed, 'synthetic-data');
    const timesteps = o.dimensions.timesteps ?? spec.timesteps;
    const inputs: SyntheticInput[] = expectations.map((e) => ({
      shape: resolvedShape(e.shape, timesteps, e.name),
      vocab: e.embedding ? e.embedding.inputDim : null,
      padValue: e.padValue,
    }));
    if (expectations.some((e) => e.shape[0] === null)) {
      notes.push(`the model leaves the time axis open; synthetic sequences have ${timesteps} steps`);
    }
    o.budget.take(
      inputs.reduce((a, i) => a + spec.samples * sizeOf(i.shape) * 8, 0),
      `synthetic data (${spec.samples} samples)`,
      'x',
    );
    const gen = syntheticInputs(inputs, {
      samples: spec.samples,
      minLength: spec.minLength,
      maxLength: spec.maxLength,
      padding: spec.padding,
      seed,
      checkpoint: o.checkpoint,
    });
    x = gen.arrays.map(inMemory);
    info = {
      source: 'synthetic',
      synthetic: true,
      description: `synthetic: ${spec.samples} samples, random lengths, ${spec.padding}-padded with ${inputs[0]?.padValue ?? 0} (seed ${seed}); targets are random too`,
      lengths: gen.lengths ?? undefined,
      padding: spec.padding,
      padValue: inputs[0]?.padValue ?? 0,
      seed,
    };
  } else if (spec.source === 'file') {
    const xPaths = (Array.isArray(spec.x) ? spec.x : [spec.x]).map((p) => resolve(p));
    const xPath = xPaths[0];
    const files = new Map<string, Record<string, RowSource>>();
    const tables = new Map<string, CsvTable>();
    const columns = spec.columns;
    x = xPaths.map((p) =>
      columns?.x
        ? readCsvColumns(p, 'x', columns.x, o, tables, opened)
        : readArray(p, 'x', spec.keys?.x, o, files, opened),
    );
    const yPath = spec.y ? resolve(spec.y) : null;
    if (yPath)
      y = columns?.y
        ? readCsvColumns(yPath, 'y', columns.y, o, tables, opened)
        : readArray(yPath, 'y', spec.keys?.y, o, files, opened);
    else if (['.npz', '.json'].includes(extname(xPath).toLowerCase())) {
      // One archive may hold x, y and the sample weights together.
      try {
        y = readArray(xPath, 'y', spec.keys?.y, o, files, opened);
      } catch (error) {
        if (!(error instanceof DataError && error.code === 'data-missing')) throw error;
      }
    }
    if (spec.sampleWeight)
      sw = readArray(resolve(spec.sampleWeight), 'sampleWeight', spec.keys?.sampleWeight, o, files, opened);
    for (const [path, arrays] of files)
      if (extname(path).toLowerCase() === '.json') checkJsonKeys(path, arrays, spec.keys, path === xPath ? 'x' : 'y');
    const xText = xPaths.join(', ');
    const picked = (file: string | undefined, selection: ColumnSelection | undefined) =>
      file && selection ? `${file} (${describeColumns(selection)})` : file;
    info = {
      source: 'file',
      synthetic: false,
      description: `files: ${[picked(xText, columns?.x), picked(spec.y, columns?.y), spec.sampleWeight].filter(Boolean).join(', ')}`,
      files: { x: xText, y: spec.y, sampleWeight: spec.sampleWeight },
    };
    if (o.completion) notes.push(...completeGraph(graph, { ...o.completion, dataShapes: shapes(x) }));
    expectations = inputExpectations(graph);
  } else {
    x = (Array.isArray(spec.x) ? spec.x : [spec.x]).map((v, i, all) =>
      inMemory(inlineArray(v, all.length > 1 ? `x[${i}] (inline)` : 'x (inline)', o.budget)),
    );
    if (spec.y) y = inMemory(inlineArray(spec.y, 'y (inline)', o.budget));
    if (spec.sampleWeight) sw = inMemory(inlineArray(spec.sampleWeight, 'sampleWeight (inline)', o.budget));
    info = { source: 'inline', synthetic: false, description: spec.description ?? 'arrays written in the source' };
    if (o.completion) notes.push(...completeGraph(graph, { ...o.completion, dataShapes: shapes(x) }));
    expectations = inputExpectations(graph);
  }

  if (x.length !== expectations.length) {
    throw new DataError(
      `the model has ${expectations.length} inputs (${expectations.map((e) => e.name).join(', ')}); ${x.length} array(s) were given`,
      'data-shape',
      'x',
    );
  }
  const nan = { x: 0, y: 0, sampleWeight: 0 };
  const inf = { x: 0, y: 0, sampleWeight: 0 };
  x = x.map((source, i) => {
    const location = expectations.length > 1 ? `x[${expectations[i].name}]` : 'x';
    const fitted = fitToInput({ shape: [...source.shape] }, expectations[i], location);
    if (fitted.note) notes.push(fitted.note);
    return fitted.array.shape.join(',') === source.shape.join(',') ? source : reshapedRows(source, fitted.array.shape);
  });
  const samples = x[0].shape[0];
  if (!samples) throw new DataError('the data holds no samples', 'data-shape', 'x');
  x.forEach((a, i) => checkSampleCount(a, samples, `x[${i}]`, 'an input'));
  if (y) checkSampleCount(y, samples, 'y', 'y');
  if (sw) checkSampleCount(sw, samples, 'sampleWeight', 'the sample weights');

  const arrays: CheckedArray[] = [
    ...x.map((source, i) => ({
      role: 'x' as const,
      source,
      label: x.length > 1 ? `x[${expectations[i].name}]` : 'x',
      expectation: expectations[i],
    })),
    ...(y ? [{ role: 'y' as const, source: y, label: 'y', expectation: null }] : []),
    ...(sw ? [{ role: 'sampleWeight' as const, source: sw, label: 'the sample weights', expectation: null }] : []),
  ];
  const checks = new DataChecks(arrays, samples, o.nanPolicy, info.synthetic);
  const streamed = arrays.some((a) => a.source.whole === null);
  // Refusing NaN is decided before any work; findings can wait for the rows the evaluation reads anyway.
  const deferred = streamed && o.streamRows !== undefined && o.nanPolicy === 'report';
  if (!deferred) {
    checks.rest(o.streamRows ?? samples, o.checkpoint);
    warnings.push(...checks.finish({ nan, inf }));
  }
  const shapeOf = (a: RowSource | null) => (a ? [...a.shape] : null);
  return {
    x,
    y,
    sampleWeight: sw,
    warnings,
    streamed,
    checks: deferred ? checks : null,
    close: () => opened.forEach((f) => f.close()),
    info: {
      ...info,
      samples,
      shapes: { x: [...x[0].shape], y: shapeOf(y), sampleWeight: shapeOf(sw) },
      nan,
      inf,
      notes,
    },
  };
}
