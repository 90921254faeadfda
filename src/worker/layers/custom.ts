/**
 * A layer class the user's code defines, run from its translated methods (CustomLayerIR):
 * `build` creates its weights in order (`add_weight` with the initializer it names), `call`
 * runs over tensors that carry masks the way Keras' `_keras_mask` does — the layers it holds
 * get their inputs' masks and attach their own through the one mask-rule function — and the
 * output mask follows Keras' `_set_mask_metadata`: a returned tensor keeps its mask,
 * otherwise a layer that supports masking gets its `compute_mask`. Keras lists the layer's
 * own weights first, then each held layer's, whatever order they are created in.
 */
import type { Shape } from '../../core/graph/modelGraph';
import { isNestedModel } from '../../core/graph/fromConfig';
import type { CustomLayerIR, JsonObject, JsonValue } from '../../core/ir';
import { ruleFor } from '../../core/layers/rules';
import { applyMaskRule, type MaskRepresentation } from '../../core/masking/apply';
import { jsonValueSchema } from '../../core/protocol/runtimeTasks';
import { type CallContext, type CallExtra, type LayerEnv, RuntimeLayer, type Tensor } from './base';
import { ExprEvaluator, type ExprHooks, type Value } from './lambda';
import { WeightBuilder } from './weights';

/** A layer the custom layer holds, created by the executor (a model held there runs like a nested model). */
export type HeldLayerFactory = (spec: {
  name: string;
  className: string;
  module: string;
  config: JsonObject;
}) => RuntimeLayer;

interface Held {
  attr: string;
  name: string;
  className: string;
  module: string;
  config: JsonObject;
  layer: RuntimeLayer | null;
  /** Where its weights go on its first call. */
  weights: WeightBuilder | null;
  built: boolean;
}

function isTensorValue(v: Value): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tensorsIn(v: Value | undefined): Tensor[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(tensorsIn);
  return isTensorValue(v) ? [v] : [];
}

/** Keyword arguments that are a held layer's tensor inputs after its first (MultiHeadAttention's value and key). */
const INPUT_KEYWORDS = ['value', 'key'];
const FIRST_KEYWORDS = ['inputs', 'query', 'x'];
/** Keyword arguments the runtime reads from the call context, not from the call. */
const CONTEXT_KEYWORDS = new Set(['training', 'mask']);
/** Keyword arguments a layer class takes as tensors (the runtime layer reads them from `CallExtra.tensors`). */
const TENSOR_KEYWORDS: Record<string, string[]> = {
  MultiHeadAttention: ['attention_mask', 'query_mask', 'value_mask', 'key_mask'],
};

export class CustomLayer extends RuntimeLayer {
  ir: CustomLayerIR | null = null;
  /** Set by the executor: makes the layers this one holds. */
  holdLayer: HeldLayerFactory | null = null;
  /** Set by the executor: the model's custom layers by name (a held layer may be one). */
  customs: Readonly<Record<string, CustomLayerIR>> = {};
  /** Set by the executor: masks as tensors, for the layers this one holds (masks.ts, which knows this class). */
  maskRepresentation:
    | ((ctx: CallContext, layers: ReadonlyMap<string, RuntimeLayer>) => MaskRepresentation<Tensor, Tensor | null>)
    | null = null;
  /** The output masks of the last call, as Keras attaches them. */
  lastMasks: (Tensor | null)[] = [];
  private readonly values = new Map<string, Value>();
  private held = new Map<string, Held>();
  /** While a call runs: the mask each tensor carries (Keras' `_keras_mask`). */
  private carried = new Map<Tensor, Tensor | null>();

  constructor(name: string, className: string, config: JsonObject, env: LayerEnv) {
    super(name, className, config, env);
  }

  private irOrFail(): CustomLayerIR {
    if (!this.ir)
      this.fail('it is a layer class MaskLens has no reading of (open the file that defines it)', 'unsupported-layer');
    if (this.ir.call.kind === 'unreadable')
      this.fail(
        `MaskLens cannot run it: its ${this.ir.call.reason} (line ${this.ir.call.range.start.line + 1})`,
        'unsupported-layer',
      );
    return this.ir;
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return inputShapes[0];
  }

  override build(inputShapes: Shape[], weights: WeightBuilder): void {
    const ir = this.irOrFail();
    const inputShape: Value = (inputShapes[0] ?? []).map((d) => d);
    for (const step of ir.build) {
      const ev = new ExprEvaluator(this.env.tf, this.name, this.hooks(weights, step.attr, null));
      this.values.set(step.attr, ev.evaluate(step.value, [inputShape]));
    }
    this.held = new Map(
      ir.sublayers.map(({ attr, config }) => {
        const c = config.config as JsonObject;
        const name = typeof c.name === 'string' ? c.name : `${this.name}_${attr}`;
        return [
          attr,
          {
            attr,
            name,
            className: config.class_name,
            module: config.module ?? 'keras.layers',
            config: c,
            layer: null,
            weights: null,
            built: false,
          },
        ];
      }),
    );
    if (this.held.size === 0) return;
    if (weights.givenCount === null) for (const h of this.held.values()) h.weights = weights.scoped(h.attr);
    else this.pendingWeights = weights;
  }

  /** Set between build and the first call when weights are given: the held layers' share of them is found then. */
  private pendingWeights: WeightBuilder | null = null;

  /**
   * Keras lists the held layers' weights in the order it tracks them; they are created in the
   * order `call` first uses them: a trial call on small zeros (same structure, and an all-true
   * mask where the real call has one, as `call` may slice it) counts each one's.
   */
  private assignHeldWeights(
    weights: WeightBuilder,
    inputs: Tensor[],
    masks: (Tensor | null)[],
    inputIsList: boolean,
    firstArgCount: number,
  ): void {
    const counts = this.countHeldWeights(
      inputs.map((t) => t.shape),
      masks.map((m) => m?.shape ?? null),
      inputIsList,
      firstArgCount,
    );
    let offset = weights.takenCount;
    for (const h of this.held.values()) {
      h.weights = weights.slice(h.attr, offset, counts.get(h.attr) ?? 0);
      offset += counts.get(h.attr) ?? 0;
    }
  }

  /** Runs `call` once on zeros with throwaway weights and counts the weights each held layer makes. */
  private countHeldWeights(
    shapes: number[][],
    maskShapes: (number[] | null)[],
    inputIsList: boolean,
    firstArgCount: number,
  ): Map<string, number> {
    const tf = this.env.tf;
    const throwaway: WeightBuilder[] = [];
    const real = this.held;
    this.held = new Map([...real].map(([attr, h]) => [attr, { ...h, layer: null, built: false, weights: null }]));
    const counts = new Map<string, number>();
    try {
      tf.tidy(() => {
        const inputs = shapes.map((s) => tf.zeros([1, ...s.slice(1)]));
        const ctx: CallContext = {
          tf,
          family: this.env.family,
          training: false,
          nextSeed: () => 1,
          logits: new WeakMap(),
          updates: [],
        };
        this.run(
          inputs,
          inputs.map((_, i) => {
            const m = maskShapes[i];
            return m ? tf.ones([1, ...m.slice(1)], 'bool') : null;
          }),
          ctx,
          inputIsList,
          firstArgCount,
          (attr) => {
            const builder = new WeightBuilder(tf, attr, 1, null);
            throwaway.push(builder);
            return builder;
          },
        );
      });
      for (const b of throwaway) counts.set(b.layer, b.created.length);
    } finally {
      for (const b of throwaway) for (const w of b.created) w.variable.dispose();
      this.held = real;
    }
    return counts;
  }

  private hooks(weights: WeightBuilder | null, attr: string, ctx: CallContext | null): ExprHooks {
    return {
      label: `${this.className} '${this.name}'`,
      self: (name: string): Value => {
        const v = this.values.get(name);
        if (v === undefined) this.fail(`self.${name} is read before build() sets it`);
        return v;
      },
      layer: (name: string, args: Value[], kwargs: Record<string, Value>): Value => {
        if (!ctx) this.fail(`build() calls self.${name}`);
        return this.callHeld(name, args, kwargs, ctx);
      },
      addWeight: (kwargs: Record<string, Value | JsonValue>): Value => {
        if (!weights) this.fail('add_weight is called outside build()');
        const shape = kwargs.shape;
        const dims = (Array.isArray(shape) ? shape : [shape]).map((d) => (typeof d === 'number' ? d : NaN));
        if (dims.some((d) => !Number.isInteger(d) || d < 0))
          this.fail(`the shape of weight self.${attr} is not known when it is built`);
        const init =
          kwargs.initializer === undefined || kwargs.initializer === null
            ? null
            : jsonValueSchema.safeParse(kwargs.initializer);
        if (init && !init.success) this.fail(`the initializer of weight self.${attr} is not one MaskLens knows`);
        const name = typeof kwargs.name === 'string' ? kwargs.name : attr;
        // Keras' add_weight initializes a float weight with glorot_uniform unless told otherwise.
        return weights.add(name, dims, init?.data ?? undefined, 'glorot_uniform', kwargs.trainable !== false);
      },
    };
  }

  /** One call of a held layer inside `call`, its masks by the same rules the executor applies. */
  private callHeld(
    attr: string,
    args: Value[],
    kwargs: Record<string, Value>,
    ctx: CallContext,
    builderFor?: (attr: string) => WeightBuilder,
  ): Value {
    const h = this.held.get(attr);
    if (!h) this.fail(`self.${attr} is not a layer it holds`);
    const firstKey = FIRST_KEYWORDS.find((k) => kwargs[k] !== undefined);
    const first = args[0] ?? (firstKey ? kwargs[firstKey] : undefined);
    if (first === undefined || first === null) this.fail(`self.${attr} is called without a tensor`);
    const inputs = [
      ...tensorsIn(first),
      ...args.slice(1).flatMap(tensorsIn),
      ...INPUT_KEYWORDS.flatMap((k) => tensorsIn(kwargs[k])),
    ];
    const json: Record<string, JsonValue> = {};
    const tensors: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(kwargs)) {
      if (k === firstKey || INPUT_KEYWORDS.includes(k) || CONTEXT_KEYWORDS.has(k)) continue;
      const given = tensorsIn(v);
      if (given.length === 1 && !Array.isArray(v) && TENSOR_KEYWORDS[h.className]?.includes(k)) tensors[k] = given[0];
      else if (given.length > 0)
        this.fail(`self.${attr} (${h.className}) is given a tensor as ${k}=, which MaskLens cannot run yet`);
      else json[k] = v as JsonValue;
    }
    const explicit = tensorsIn(kwargs.mask);
    const masks = explicit.length > 0 ? explicit : inputs.map((t) => this.carried.get(t) ?? null);
    const kind = isNestedModel(h.className, h.module, h.config) ? 'model' : 'layer';
    const rule = ruleFor(
      { className: h.className, kind, config: h.config, name: h.name, customs: this.customs, module: h.module },
      this.env.family,
    );
    if (!h.layer) h.layer = this.holding(h);
    const layer = h.layer;
    const call = {
      layer: h.name,
      className: h.className,
      config: h.config,
      rule,
      inputs,
      masks,
      firstArgCount: tensorsIn(first).length,
      inputIsList: Array.isArray(first),
    };
    let result: Tensor | Tensor[] = [];
    if (!this.maskRepresentation) this.fail('cannot follow the masks of the layers it holds', 'internal');
    const outcome = applyMaskRule(this.maskRepresentation(ctx, new Map([[h.name, layer]])), call, (passed) => {
      if (!h.built) {
        h.built = true;
        const builder = builderFor ? builderFor(attr) : h.weights;
        if (!builder) this.fail(`self.${attr} is called before the layer is built`, 'internal');
        layer.build(
          inputs.map((t) => [null, ...t.shape.slice(1)]),
          builder,
        );
      }
      result = layer.call(inputs, passed, ctx, {
        args: [],
        kwargs: json,
        inputIsList: Array.isArray(first),
        tensors,
      } satisfies CallExtra);
    });
    if (outcome.error) this.fail(outcome.error, 'unsupported-mask');
    if (outcome.clearsInputMasks) for (const t of inputs) this.carried.set(t, null);
    const outputs: Tensor[] = Array.isArray(result) ? result : [result];
    outputs.forEach((t, i) => this.carried.set(t, outcome.out[i] ?? null));
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  private holding(h: Held): RuntimeLayer {
    if (!this.holdLayer) this.fail('cannot make the layers it holds', 'internal');
    return this.holdLayer({ name: h.name, className: h.className, module: h.module, config: h.config });
  }

  /** The `mask` argument Keras passes `call`: the first argument's mask, one per tensor for a list. */
  private maskArgument(masks: (Tensor | null)[], inputIsList: boolean): Value {
    if (!inputIsList) return masks[0] ?? null;
    // tf.keras passes None when no input has a mask; Keras 3 a list of Nones.
    if (this.env.family === 'tf-keras2' && masks.every((m) => m === null)) return null;
    return masks;
  }

  private run(
    inputs: Tensor[],
    masks: (Tensor | null)[],
    ctx: CallContext,
    inputIsList: boolean,
    firstArgCount: number,
    builderFor?: (attr: string) => WeightBuilder,
  ): Value {
    const ir = this.irOrFail();
    if (ir.call.kind !== 'function') this.fail('its call() cannot be run', 'unsupported-layer');
    this.carried = new Map(inputs.map((t, i) => [t, masks[i] ?? null]));
    const hooks = this.hooks(null, '', ctx);
    const ev = new ExprEvaluator(ctx.tf, this.name, {
      ...hooks,
      layer: (name, args, kwargs) => this.callHeld(name, args, kwargs, ctx, builderFor),
    });
    // The tensors `call` takes positionally: the first argument (a list, or one tensor), then one per further argument.
    const tensorParams = ir.call.fn.params.length - 2;
    const firstCount = inputIsList ? firstArgCount : 1;
    const positional: Value[] = [
      inputIsList ? inputs.slice(0, firstCount) : (inputs[0] ?? null),
      ...inputs.slice(firstCount),
    ].slice(0, tensorParams);
    while (positional.length < tensorParams) positional.push(null);
    // Keras 3 passes `mask` only to a call with one tensor argument; tf.keras the first argument's.
    const mask =
      this.env.family === 'tf-keras2' || inputs.length === firstCount
        ? this.maskArgument(masks.slice(0, firstCount), inputIsList)
        : null;
    return ev.evaluate(ir.call.fn.body, [...positional, mask, ctx.training]);
  }

  call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor | Tensor[] {
    const ir = this.irOrFail();
    const first = extra.args[0];
    const firstArgCount = extra.inputIsList && Array.isArray(first) ? first.length : 1;
    if (this.pendingWeights) {
      const weights = this.pendingWeights;
      this.pendingWeights = null;
      this.assignHeldWeights(weights, inputs, masks, extra.inputIsList, firstArgCount);
    }
    const result = this.run(inputs, masks, ctx, extra.inputIsList, firstArgCount);
    const outputs = Array.isArray(result) ? result.map((v) => this.asOutput(v, ctx)) : [this.asOutput(result, ctx)];
    const carried = outputs.map((t) => this.carried.get(t) ?? null);
    this.lastMasks = carried;
    const supports = ruleFor({ className: this.className, custom: ir }, this.env.family).supportsMasking;
    if (supports && !carried.every((m) => m !== null)) {
      const computed = this.computeMask(ir, inputs, masks, ctx, extra.inputIsList);
      this.lastMasks = carried.map((m, i) => m ?? computed[i] ?? null);
    }
    this.carried = new Map();
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  private asOutput(v: Value, ctx: CallContext): Tensor {
    if (!isTensorValue(v)) this.fail(`its call() returns ${v === null ? 'None' : 'a value that is not a tensor'}`);
    return v.dtype === 'float32' || v.dtype === 'bool' ? v : ctx.tf.cast(v, 'float32');
  }

  /** `compute_mask(inputs, previous_mask)`: Keras' default returns the previous mask (one per output, zipped). */
  private computeMask(
    ir: CustomLayerIR,
    inputs: Tensor[],
    masks: (Tensor | null)[],
    ctx: CallContext,
    inputIsList: boolean,
  ): (Tensor | null)[] {
    const previous = this.maskArgument(masks, inputIsList);
    if (ir.computeMask.kind === 'default')
      return Array.isArray(previous)
        ? previous.map((m) => (isTensorValue(m) ? m : null))
        : [isTensorValue(previous) ? previous : null];
    if (ir.computeMask.kind !== 'function') return [null];
    const ev = new ExprEvaluator(ctx.tf, this.name, this.hooks(null, '', ctx));
    const out = ev.evaluate(ir.computeMask.fn.body, [inputIsList ? inputs : inputs[0], previous]);
    const list = Array.isArray(out) ? out : [out];
    return list.map((m) => (isTensorValue(m) ? (m.dtype === 'bool' ? m : ctx.tf.cast(m, 'bool')) : null));
  }
}
