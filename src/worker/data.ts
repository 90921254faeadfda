/**
 * Turns a request's data spec into arrays matched to the model: files the user chose
 * (.npy/.npz/.csv/.json), inline arrays from the source, or synthetic data. Every problem
 * is one located error; NaN is a finding unless the request asks to refuse it.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { parseCsv } from '../core/data/csv';
import { DataError } from '../core/data/errors';
import { evaluateInlineArray } from '../core/data/inline';
import { parseJsonArrays } from '../core/data/json';
import { maskingMisses } from '../core/data/maskingValue';
import { arrayValueToNdArray } from '../core/data/nested';
import { parseNpy } from '../core/data/npy';
import { parseNpz } from '../core/data/npz';
import { subSeed } from '../core/data/random';
import { type SyntheticInput, syntheticInputs } from '../core/data/synthetic';
import { checkMemory, checkSampleCount, checkTokenIds, fitToInput, type InputExpectation, nanFinding } from '../core/data/validate';
import type { JsonObject } from '../core/ir';
import type { NdArray } from '../core/runtime/array';
import type { DataInfo, InlineValue } from '../core/protocol/runtimeTasks';
import type { dataSpecSchema } from '../core/protocol/runtimeTasks';
import { configNumber } from './layers/base';
import type { Completion } from '../core/graph/complete';
import { completeGraph } from '../core/graph/complete';
import { assertRunnable } from '../core/graph/fromConfig';
import type { ModelGraph } from '../core/graph/modelGraph';
import type { z } from 'zod';

type DataSpecParsed = z.output<typeof dataSpecSchema>;

export interface LoadedData {
  x: NdArray[];
  y: NdArray | null;
  sampleWeight: NdArray | null;
  info: DataInfo;
  warnings: string[];
}

export interface DataOptions {
  /** What fills the sizes the model leaves open, but the data (set on the first load; a validation set reuses the filled graph). */
  completion?: Omit<Completion, 'dataShapes'>;
  seed: number;
  memoryCapMB: number;
  nanPolicy: 'report' | 'error';
  allowedRoot?: string;
  dimensions: Record<string, number>;
}

/** What each model input must look like, and what pads it (for synthetic data). */
export function inputExpectations(graph: ModelGraph, nested = false): (InputExpectation & { padValue: number; masking: { layer: string; value: number } | null })[] {
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
      if (at && (at.embedding || at.padValue !== 0)) return { ...own, embedding: at.embedding, padValue: at.padValue, masking: at.masking };
    }
    return own;
  });
}

function readBytes(path: string, role: string, o: DataOptions): Uint8Array {
  const location = `${role} (${path})`;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DataError(`file not found: ${path}`, 'data-missing', location);
  }
  if (!stat.isFile()) throw new DataError(`not a file: ${path}`, 'data-missing', location);
  if (o.allowedRoot) {
    const rel = relative(realpathSync(o.allowedRoot), realpathSync(path));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new DataError(`data files must lie inside the workspace (${o.allowedRoot}) in Restricted Mode`, 'data-access', location);
    }
  }
  // A float64 file becomes float32 tensors; the file size bounds what we are about to allocate.
  checkMemory(stat.size * 2, o.memoryCapMB, `reading ${path}`);
  return new Uint8Array(readFileSync(path));
}

const DEFAULT_KEYS = { x: ['x', 'X', 'inputs', 'arr_0'], y: ['y', 'Y', 'targets', 'labels', 'arr_1'], sampleWeight: ['sample_weight', 'sampleWeight', 'sw', 'arr_2'] };

/** Reads one role's array; `.npz`/`.json` may hold several arrays, picked by key. */
function readArray(path: string, role: 'x' | 'y' | 'sampleWeight', key: string | undefined, o: DataOptions): NdArray {
  const bytes = readBytes(path, role, o);
  const location = `${role} (${path})`;
  const ext = extname(path).toLowerCase();
  let arrays: Record<string, NdArray>;
  if (ext === '.npy') return parseNpy(bytes, location);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return parseCsv(new TextDecoder().decode(bytes), location).array;
  if (ext === '.npz') arrays = parseNpz(bytes, location);
  else if (ext === '.json') arrays = parseJsonArrays(new TextDecoder().decode(bytes), location);
  else throw new DataError(`unsupported data file type '${ext || path}' (use .npy, .npz, .csv or .json)`, 'data-format', location);
  const names = Object.keys(arrays);
  if (names.length === 1 && names[0] === '') return arrays[''];
  const wanted = key ? [key] : DEFAULT_KEYS[role];
  const hit = wanted.find((k) => arrays[k] !== undefined);
  if (hit) return arrays[hit];
  if (!key && role === 'x' && names.length === 1) return arrays[names[0]];
  throw new DataError(`no array named ${wanted.map((k) => `'${k}'`).join(' or ')} (the file holds ${names.join(', ')})`, 'data-missing', location);
}

function inlineArray(value: InlineValue, location: string): NdArray {
  return 'expr' in value ? evaluateInlineArray(value.expr, location) : arrayValueToNdArray(value, location);
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
  const warnings: string[] = [];
  const notes: string[] = [];
  let x: NdArray[];
  let y: NdArray | null = null;
  let sw: NdArray | null = null;
  let info: Omit<DataInfo, 'samples' | 'shapes' | 'nan' | 'notes'>;
  let expectations: ReturnType<typeof inputExpectations>;

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
    checkMemory(inputs.reduce((a, i) => a + spec.samples * i.shape.reduce((p, q) => p * q, 1) * 8, 0), o.memoryCapMB, 'synthetic data');
    const gen = syntheticInputs(inputs, { samples: spec.samples, minLength: spec.minLength, maxLength: spec.maxLength, padding: spec.padding, seed });
    x = gen.arrays;
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
    x = xPaths.map((p) => readArray(p, 'x', spec.keys?.x, o));
    const yPath = spec.y ? resolve(spec.y) : null;
    if (yPath) y = readArray(yPath, 'y', spec.keys?.y, o);
    else if (['.npz', '.json'].includes(extname(xPath).toLowerCase())) {
      // One archive may hold x, y and the sample weights together.
      try {
        y = readArray(xPath, 'y', spec.keys?.y, o);
      } catch (error) {
        if (!(error instanceof DataError && error.code === 'data-missing')) throw error;
      }
    }
    if (spec.sampleWeight) sw = readArray(resolve(spec.sampleWeight), 'sampleWeight', spec.keys?.sampleWeight, o);
    const xText = xPaths.join(', ');
    info = { source: 'file', synthetic: false, description: `files: ${[xText, spec.y, spec.sampleWeight].filter(Boolean).join(', ')}`, files: { x: xText, y: spec.y, sampleWeight: spec.sampleWeight } };
    if (o.completion) notes.push(...completeGraph(graph, { ...o.completion, dataShapes: x.map((a) => a.shape) }));
    expectations = inputExpectations(graph);
  } else {
    x = (Array.isArray(spec.x) ? spec.x : [spec.x]).map((v, i, all) => inlineArray(v, all.length > 1 ? `x[${i}] (inline)` : 'x (inline)'));
    if (spec.y) y = inlineArray(spec.y, 'y (inline)');
    if (spec.sampleWeight) sw = inlineArray(spec.sampleWeight, 'sampleWeight (inline)');
    info = { source: 'inline', synthetic: false, description: spec.description ?? 'arrays written in the source' };
    if (o.completion) notes.push(...completeGraph(graph, { ...o.completion, dataShapes: x.map((a) => a.shape) }));
    expectations = inputExpectations(graph);
  }

  if (x.length !== expectations.length) {
    throw new DataError(`the model has ${expectations.length} inputs (${expectations.map((e) => e.name).join(', ')}); ${x.length} array(s) were given`, 'data-shape', 'x');
  }
  x = x.map((arr, i) => {
    const location = expectations.length > 1 ? `x[${expectations[i].name}]` : 'x';
    const fitted = fitToInput(arr, expectations[i], location);
    if (fitted.note) notes.push(fitted.note);
    checkTokenIds(fitted.array, expectations[i], location);
    const masking = expectations[i].masking;
    const missed = masking && !info.synthetic ? maskingMisses(fitted.array, masking.layer, masking.value, location) : null;
    if (missed) warnings.push(missed);
    return fitted.array;
  });
  const samples = x[0].shape[0];
  if (!samples) throw new DataError('the data holds no samples', 'data-shape', 'x');
  x.forEach((a, i) => checkSampleCount(a, samples, `x[${i}]`, 'an input'));
  if (y) checkSampleCount(y, samples, 'y', 'y');
  if (sw) checkSampleCount(sw, samples, 'sampleWeight', 'the sample weights');

  const nan = { x: 0, y: 0, sampleWeight: 0 };
  const roles: ['x' | 'y' | 'sampleWeight', NdArray | null, string][] = [
    ...x.map((a, i): ['x', NdArray, string] => ['x', a, x.length > 1 ? `x[${expectations[i].name}]` : 'x']),
    ['y', y, 'y'],
    ['sampleWeight', sw, 'the sample weights'],
  ];
  for (const [role, arr, label] of roles) {
    if (!arr) continue;
    const finding = nanFinding(arr, label, label, o.nanPolicy);
    nan[role] += finding.count;
    if (finding.message) warnings.push(finding.message);
  }
  const bytes = [...x, y, sw].reduce((a, arr) => a + (arr ? arr.data.length * 4 : 0), 0);
  checkMemory(bytes, o.memoryCapMB, 'the data as float32 tensors');
  return {
    x,
    y,
    sampleWeight: sw,
    warnings,
    info: {
      ...info,
      samples,
      shapes: { x: x[0].shape, y: y ? y.shape : null, sampleWeight: sw ? sw.shape : null },
      nan,
      notes,
    },
  };
}
