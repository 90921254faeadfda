/**
 * One file's analysis from its parse: per model, each layer's mask in/out/effect, whether
 * a mask reaches the loss, and all diagnostics (the reader's and the mask rules'), under
 * one Keras family and version.
 */
import { buildGraph } from '../graph/fromConfig';
import type { ModelGraph } from '../graph/modelGraph';
import type { Diagnostic, KerasFamily, ModelIR, ParsedFile, Range } from '../ir';
import { supportsMasking } from '../masking/apply';
import { FAMILIES } from '../masking/registry';
import type { OutputMaskKind } from '../masking/rules';
import type { MaskState, StaticMaskEffect } from '../masking/state';
import { snake } from '../layers/kerasObjects';
import { loadedFile, type LoadedFile } from '../objects/values';
import type { ParseResult } from '../reader/parse';
import type { InlineArrayExpr } from '../protocol/runtimeTasks';
import { UserFacingError } from '../protocol/task';
import { maskDiagnostics, verdictLabel } from './diagnostics';
import { lossMaskState, modelFlow, type ModelFlow } from './flow';

export interface LayerMask {
  name: string;
  className: string;
  range: Range;
  /** Yes, no, or unknown (a layer upstream, or this one, does something with masks MaskLens cannot read). */
  mask: { in: MaskState; out: MaskState; effect: StaticMaskEffect };
  /** Why the mask leaving the layer is unknown (null when it is known). */
  unknownBecause: string | null;
  /** The layer's (first) output shape as read statically: `null` for None (batch, variable length), a name for a dimension the reader could not resolve; null when unknown. */
  outputShape: (number | string | null)[] | null;
  rule: { kind: OutputMaskKind; supportsMasking: boolean; known: boolean; evidence: string };
  /** The layers whose outputs this layer is called on (over all its calls), in call order. */
  inbound: string[];
}

export interface ModelAnalysis {
  ir: ModelIR;
  layers: LayerMask[];
  /** The loss `compile` names, as text. */
  loss: string | null;
  /** Whether a mask reaches the model's output, where Keras applies it to the loss (unknown when a layer on the way is). */
  lossMasked: MaskState;
  /**
   * Whether the output, and so the loss, is per timestep (a tagger; not a classifier that
   * returns one vector per sequence, where no mask at the loss is as it should be); null when
   * the output's shape is not known.
   */
  outputPerTimestep: boolean | null;
  diagnostics: Diagnostic[];
  /** Why part of the model could not be read (a syntax error in its statements); absent when it was read whole. */
  incomplete?: string;
}

export interface FileAnalysis {
  file: string;
  family: KerasFamily;
  kerasVersion: string;
  /** "Keras 3.15.1" / "tf.keras 2.21.0": what every verdict holds for. */
  keras: string;
  models: ModelAnalysis[];
  diagnostics: Diagnostic[];
  /** The models as Keras configs (what the runtime executes). */
  ir: ParsedFile;
  /**
   * Arrays written inline in the file and passed to fit/evaluate/predict, keyed by the
   * variable name the training arguments use (seed 001's `data_in`), for running the model
   * on the user's own example data.
   */
  inlineData: Record<string, InlineArrayExpr>;
  /** Data files the code loads (`np.load('data/X.npy')`) into those variables, as written. */
  loadedData: Record<string, LoadedFile>;
}

/** The variable names the models' fit / evaluate / predict calls pass as data. */
function trainingNames(result: ParseResult): string[] {
  return result.parsed.flatMap(({ ir }) => {
    const t = ir.training;
    const names = [
      t.fitArgs.x,
      t.fitArgs.y,
      t.fitArgs.sampleWeight,
      ...(t.fitArgs.validationData ?? []),
      t.evaluateArgs?.x,
      t.evaluateArgs?.y,
      t.evaluateArgs?.sampleWeight,
      t.predictArgs?.x,
    ];
    return names.filter((n): n is string => !!n && /^[A-Za-z_]\w*$/.test(n));
  });
}

function loadedData(result: ParseResult): Record<string, LoadedFile> {
  const out: Record<string, LoadedFile> = {};
  for (const name of trainingNames(result)) {
    const v = result.scope.get(name);
    // A table's `.iloc` / `.loc` indexer is not data.
    const file = loadedFile(v);
    if (file && file.table !== 'iloc' && file.table !== 'loc') out[name] = file;
  }
  return out;
}

function inlineData(result: ParseResult): Record<string, InlineArrayExpr> {
  const out: Record<string, InlineArrayExpr> = {};
  for (const name of trainingNames(result)) {
    if (name in out) continue;
    const v = result.scope.get(name);
    if (v?.t !== 'array') continue;
    const shape = v.shape.every((d): d is number => typeof d === 'number') ? v.shape : null;
    if (v.data !== null) out[name] = { op: 'array', value: v.data, dtype: v.dtype };
    else if (shape && v.fill === 0) out[name] = { op: 'zeros', shape, dtype: v.dtype };
    else if (shape && v.fill === 1) out[name] = { op: 'ones', shape, dtype: v.dtype };
    else if (shape && v.fill !== null) out[name] = { op: 'full', shape, fill: v.fill, dtype: v.dtype };
  }
  return out;
}

export function lossName(loss: ModelIR['training']['loss']): string | null {
  if (loss === null || loss === undefined) return null;
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'object' && !Array.isArray(loss) && typeof loss.class_name === 'string') {
    // A loss object's `name`, as Keras reports it: MeanSquaredError() → "mean_squared_error".
    const config = loss.config;
    const name = config && typeof config === 'object' && !Array.isArray(config) ? config.name : undefined;
    return typeof name === 'string' ? name : snake(loss.class_name);
  }
  return JSON.stringify(loss);
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether the outputs the loss is computed on have a time axis (batch, timesteps, ...), from the shapes the reader found. */
function perTimestep(graph: ModelGraph, flow: ModelFlow): boolean | null {
  const ranks = graph.outputs.map(
    (ref) => flow.layers.find((f) => f.layer.name === ref.layer)?.source?.outputShape?.length ?? null,
  );
  if (ranks.length === 0 || ranks.some((r) => r === null)) return null;
  return ranks.some((r) => (r ?? 0) >= 3);
}

/** The mask flow of one model over the graph its IR describes (the one the runtime executes). */
function analyzeModel(ir: ModelIR, family: KerasFamily, kerasVersion: string): ModelAnalysis {
  let flow: ModelFlow;
  let graph: ModelGraph;
  try {
    graph = buildGraph(ir.config);
    flow = modelFlow(graph, ir.sources, family, kerasVersion, ir.customLayers);
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    const unreadable: Diagnostic = {
      code: 'unsupported-construct',
      severity: 'warning',
      message: `MaskLens cannot follow this model's graph: ${error.message}.`,
      range: ir.range,
    };
    return {
      ir,
      layers: [],
      loss: lossName(ir.training.loss),
      lossMasked: 'unknown',
      outputPerTimestep: null,
      diagnostics: dedupe([...ir.diagnostics, unreadable]),
    };
  }
  // A traced subclass gets a stand-in input layer; Keras has none, so it is not listed.
  const listed = flow.layers.filter((f) => !f.source?.standIn);
  const shown = new Set(listed.map((f) => f.layer.name));
  // One pass over the calls (a model of thousands of layers must stay linear).
  const inboundOf = new Map<string, Set<string>>();
  for (const n of graph.nodes) {
    const from = inboundOf.get(n.layer) ?? new Set<string>();
    for (const r of n.inputs) if (shown.has(r.layer)) from.add(r.layer);
    inboundOf.set(n.layer, from);
  }
  const inbound = (layer: string): string[] => [...(inboundOf.get(layer) ?? [])];
  const layers: LayerMask[] = listed.map((f) => ({
    name: f.layer.name,
    className: f.layer.className,
    range: f.source?.range ?? ir.range,
    mask: { in: f.maskIn, out: f.maskOut, effect: f.effect },
    unknownBecause: f.unknownBecause,
    outputShape: f.source?.outputShape ?? null,
    rule: {
      kind: f.rule.output,
      supportsMasking: supportsMasking(f.rule, f.layer.config),
      known: f.rule.known,
      evidence: f.rule.evidence,
    },
    inbound: inbound(f.layer.name),
  }));
  const outputPerTimestep = perTimestep(graph, flow);
  const diagnostics = dedupe([
    ...ir.diagnostics,
    ...maskDiagnostics(ir, flow, family, kerasVersion, outputPerTimestep),
  ]);
  return {
    ir,
    layers,
    loss: lossName(ir.training.loss),
    lossMasked: lossMaskState(flow.outputMasks),
    outputPerTimestep,
    diagnostics,
  };
}

/** One model's analysis; a fault of MaskLens' own in it becomes that model's internal error, not the file's. */
function analyzeContained(ir: ModelIR, family: KerasFamily, kerasVersion: string): ModelAnalysis {
  try {
    return analyzeModel(ir, family, kerasVersion);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fault: Diagnostic = {
      code: 'internal-error',
      severity: 'error',
      message: `MaskLens failed to analyse model '${ir.name}' (${message}).`,
      range: ir.range,
    };
    return {
      ir,
      layers: [],
      loss: lossName(ir.training.loss),
      lossMasked: 'unknown',
      outputPerTimestep: null,
      diagnostics: dedupe([...ir.diagnostics, fault]),
    };
  }
}

/** Models that come with no source to read (a saved `.keras` or `.h5` file): their analysis as a file's. */
export function analyzeModels(
  file: string,
  models: ModelIR[],
  family: KerasFamily,
  kerasVersion = FAMILIES[family].referenceVersion,
): FileAnalysis {
  return {
    file,
    family,
    kerasVersion,
    keras: verdictLabel(family, kerasVersion),
    models: models.map((ir) => analyzeContained(ir, family, kerasVersion)),
    diagnostics: [],
    ir: { file, models, diagnostics: [] },
    inlineData: {},
    loadedData: {},
  };
}

export function analyzeParsed(
  result: ParseResult,
  family: KerasFamily,
  kerasVersion = FAMILIES[family].referenceVersion,
): FileAnalysis {
  const models = result.parsed.map(({ ir }) => analyzeContained(ir, family, kerasVersion));
  return {
    file: result.file,
    family,
    kerasVersion,
    keras: verdictLabel(family, kerasVersion),
    models,
    diagnostics: dedupe(result.diagnostics),
    ir: { file: result.file, models: result.models, diagnostics: result.diagnostics },
    inlineData: inlineData(result),
    loadedData: loadedData(result),
  };
}
