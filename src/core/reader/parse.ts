/**
 * Reads one parsed file into models: runs the module top to bottom, then reads functions
 * nobody called and Model subclasses nobody instantiated as templates (their parameters
 * unknown), keeping what they build only if it is a model. Never throws on user input:
 * a step budget bounds the work, and what was read before it ran out is kept, with a warning
 * on the loop or call that spent it.
 */
import type { Diagnostic, ModelIR, ParsedFile, Range } from '../ir';
import { LIMIT_CODE } from '../objects/bounds';
import { callArgs } from '../objects/arguments';
import { allLayers, buildModelIR, modelLayers } from './build';
import { BudgetExceeded, Ctx, type ParseOptions } from '../objects/context';
import { callFunction, evaluatorFor, execModule, instantiate } from '../interpreter/statements';
import type { LayerObj, ModelObj } from '../objects/modelObjects';
import { classKind } from '../keras/subclassed';
import { forgetForeign, isForeign, rangeOf, type Syntax } from '../python/syntax';
import { Scope } from '../objects/values';

export interface ParsedModel {
  ir: ModelIR;
  obj: ModelObj;
}

export interface ParseResult extends ParsedFile {
  parsed: ParsedModel[];
  ctx: Ctx;
  /** The module's names after reading (data arrays, constants). */
  scope: Scope;
}

/**
 * Layers, summed over the models a file lists, that are written out and analysed. Each costs
 * about 15 µs (the mask flow, the IR): a file that builds a thousand models of a thousand
 * layers in a loop takes seconds past this, and its view would be as large.
 */
const MAX_LAYERS_IN_MODELS = 10_000;

/** Function bodies worth reading as templates: they mention Keras model building. */
const KERAS_HINT = /\b(Sequential|Model|Input|add|LSTM|GRU|Dense|Embedding|Masking|layers)\b/;

interface Snapshot {
  layers: number;
  models: number;
  diagnostics: number;
  nodes: number[];
  namer: string;
}

function snapshot(ctx: Ctx): Snapshot {
  return {
    layers: ctx.layers.length,
    models: ctx.models.length,
    diagnostics: ctx.diagnostics.length,
    nodes: ctx.layers.map((l) => l.nodes.length),
    namer: ctx.namer.save(),
  };
}

function rollback(ctx: Ctx, s: Snapshot): void {
  ctx.layers.length = s.layers;
  ctx.models.length = s.models;
  ctx.diagnostics.length = s.diagnostics;
  s.nodes.forEach((n, i) => {
    const layer = ctx.layers[i];
    if (layer) layer.nodes.length = n;
  });
  ctx.namer.restore(s.namer);
}

function runTemplates(ctx: Ctx): void {
  for (const fn of [...ctx.functions]) {
    if (ctx.calledFunctions.has(fn.node.id) || !KERAS_HINT.test(fn.node.text)) continue;
    const before = snapshot(ctx);
    const result = callFunction(ctx, fn, callArgs(fn.node), null);
    if (ctx.models.length === before.models) {
      rollback(ctx, before);
      continue;
    }
    const model = result.t === 'model' ? result.model : result.t === 'instance' ? result.inst.model : null;
    if (model && model.varName === null) model.varName = `${fn.name}()`;
  }
  for (const cls of [...ctx.classes]) {
    if (ctx.instantiated.has(cls.node.id) || classKind(cls) !== 'model') continue;
    const result = instantiate(ctx, cls, callArgs(cls.node));
    if (result.t === 'instance' && result.inst.model && result.inst.model.varName === null)
      result.inst.model.varName = `${cls.name}()`;
  }
}

/**
 * `roots`: the module, or its top-level statements parsed one by one (error recovery, see
 * python/chunks.ts); they are read in order into one module scope.
 */
export function parseTree(roots: Syntax | Syntax[], text: string, options: ParseOptions): ParseResult {
  const ctx = new Ctx(options, text, evaluatorFor);
  const scope = new Scope(null);
  const list = Array.isArray(roots) ? roots : [roots];
  const root = list[0];
  try {
    try {
      for (const r of list) if (!execModule(ctx, r, scope)) break;
      runTemplates(ctx);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      reportBudget(ctx, error, root);
    }
    return finish(ctx, options.file, scope);
  } finally {
    // The trees of imported modules are the analyzer's to free; nothing of this reading stays foreign.
    forgetForeign();
  }
}

/** Where the step budget ran out: on the loop or call that spent it, else on the file's first line. */
function reportBudget(ctx: Ctx, error: BudgetExceeded, root: Syntax | undefined): void {
  const steps = error.steps.toLocaleString('en-US');
  const keep = 'the models built before it are kept; MaskLens did not read the rest of the file.';
  if (error.blame) {
    const what = error.blame.loop ? 'this loop' : 'this call';
    ctx.report(
      LIMIT_CODE,
      'warning',
      `MaskLens stopped reading here: following ${what} took more than the ${steps} steps a file's reading may take; ${keep}`,
      firstLine(error.blame.node),
    );
    return;
  }
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  ctx.report(
    LIMIT_CODE,
    'warning',
    `MaskLens stopped reading this file after ${steps} steps; ${keep}`,
    root ? firstLine(root) : top,
  );
}

/** A node's range cut to its first line: a loop's squiggle on its header, not its whole body. */
function firstLine(node: Syntax): Range {
  const r = rangeOf(node);
  if (r.end.line === r.start.line || isForeign(node)) return r;
  const firstLineEnd = node.text.indexOf('\n');
  return {
    start: r.start,
    end: { line: r.start.line, character: r.start.character + (firstLineEnd < 0 ? 0 : firstLineEnd) },
  };
}

function finish(ctx: Ctx, file: string, scope: Scope): ParseResult {
  const nested = new Set<ModelObj>();
  for (const model of ctx.models)
    for (const layer of modelLayers(model)) if (layer.model && layer.model !== model) nested.add(layer.model);
  // A model a custom layer builds in its __init__ (a feed-forward Sequential) is part of that layer.
  for (const layer of ctx.layers)
    for (const [, held] of layer.custom?.sublayers ?? []) if (held.model) nested.add(held.model);
  const listed = ctx.models.filter((m) => !ctx.blocks.has(m) && (m.varName !== null || !nested.has(m)));
  const parsed: ParsedModel[] = [];
  let layerCount = 0;
  for (const [i, obj] of listed.entries()) {
    layerCount += allLayers(obj).length;
    if (layerCount > MAX_LAYERS_IN_MODELS) {
      const left = listed.length - i;
      ctx.report(
        LIMIT_CODE,
        'warning',
        `MaskLens reads at most ${MAX_LAYERS_IN_MODELS.toLocaleString('en-US')} layers over a file's models; this model and the ${left - 1} after it would pass that and are left out.`,
        obj.range,
      );
      break;
    }
    try {
      parsed.push({ obj, ir: buildModelIR(obj, ctx, scope) });
    } catch (error) {
      // A fault of MaskLens' own in one model's IR costs that model, not the others.
      const message = error instanceof Error ? error.message : String(error);
      ctx.report(
        'internal-error',
        'error',
        `MaskLens failed to write model '${obj.varName ?? obj.name}' (${message}).`,
        obj.range,
      );
    }
  }
  const owned = new Set<LayerObj>();
  for (const m of ctx.models) for (const l of allLayers(m)) owned.add(l);
  const orphan: Diagnostic[] = ctx.layers
    .filter((l) => !owned.has(l) && !l.model)
    .flatMap((l) => l.diagnostics.filter((d) => d.code !== 'unresolved-shape'));
  return { file, models: parsed.map((p) => p.ir), diagnostics: [...ctx.diagnostics, ...orphan], parsed, ctx, scope };
}
