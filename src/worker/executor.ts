/**
 * Runs a model layer by layer and records every layer's output and output mask. Mask flow
 * comes only from the mask-rule registry: whether a layer accepts a mask, what it emits,
 * and what the family does when a layer that does not support masking receives one.
 */
import type { CustomLayerIR, JsonObject, KerasFamily, LambdaIR } from '../core/ir';
import { maskEffect } from '../core/masking/effect';
import { applyMaskRule, supportsMasking } from '../core/masking/apply';
import { ruleFor } from '../core/layers/rules';
import { versionLabel } from '../core/layers/versionLabel';
import { replayedConcatenateMask, replayedConcatenateMessage } from '../core/masking/replayedMask';
import { familyBehaviour } from '../core/masking/registry';
import type { MaskEffect, ResolvedRule } from '../core/masking/rules';
import { UserFacingError } from '../core/protocol/task';
import {
  type ArgValue,
  type CallContext,
  type CallExtra,
  type RuntimeLayer,
  type Tensor,
  type Variable,
} from './layers/base';
import { CustomLayer } from './layers/custom';
import { createLayer } from './layers/index';
import { Lambda } from './layers/lambda';
import { TimeDistributed } from './layers/wrappers';
import { type GivenWeight, WeightBuilder, type WeightRecord } from './layers/weights';
import { layerFailure } from './layerErrors';
import { tensorMasks } from './masks';
import { assertRunnable, isNestedModel, nestedModelGraph, withInputShapes } from '../core/graph/fromConfig';
import {
  type CallArg,
  type ModelGraph,
  type NodeSpec,
  type Shape,
  type TensorRef,
  maskNotFilledIn,
  refKey,
} from '../core/graph/modelGraph';
import { type InnerRuntime, NestedModel } from './model/nested';
import type { Tf } from './tf';
import type { LayerLines, MemoryBudget } from '../core/runtime/memory';
import { layerCallText } from '../core/runtime/modelCost';

export interface NodeRecord {
  node: NodeSpec;
  layer: RuntimeLayer;
  output: Tensor;
  mask: Tensor | null;
  maskIn: boolean;
  rule: ResolvedRule;
  effect: MaskEffect;
  warning: string | null;
}

export interface ForwardResult {
  outputs: Tensor[];
  outputMasks: (Tensor | null)[];
  /** Logits of each output when it came straight from a sigmoid/softmax (Keras' crossentropy uses them). */
  outputLogits: (Tensor | null)[];
  /**
   * Where each output's padding is even when its mask was dropped on the way (a Lambda
   * slice, a layer without masking): the last mask, carried along sequence outputs and
   * through Lambda slices. Used to say how much of an unmasked loss comes from padding.
   */
  outputPadding: (Tensor | null)[];
  records: NodeRecord[];
  warnings: string[];
  updates: { variable: Variable; value: Tensor }[];
}

export interface RuntimeOptions {
  family: KerasFamily;
  kerasVersion?: string;
  seed: number;
  lambdas: Record<string, LambdaIR>;
  /** The model's custom layer classes' instances, by layer name. */
  customLayers?: Record<string, CustomLayerIR>;
  /** Weights per layer name in Keras order; null → initializers under `seed`. */
  weights: Map<string, GivenWeight[]> | null;
  /** A model used as a layer: built on the tensors it is called on, so its inputs need no declared shape. */
  nested?: boolean;
  /** Charged for every weight before it is created (a backstop behind the estimate). */
  budget?: MemoryBudget;
  /** Where each layer is written, for refusals. */
  lines?: LayerLines;
}

export class ModelRuntime {
  readonly layers = new Map<string, RuntimeLayer>();
  readonly weights: WeightRecord[] = [];
  private readonly built = new Set<string>();
  readonly version: string;
  /** Set while a nested model builds its layers: they take their weights from the outer layer's list. */
  private parentWeights: WeightBuilder | null = null;
  /** Throws once the task is asked to stop; checked before every layer call (and an RNN's every step). */
  checkpoint: (() => void) | null = null;

  constructor(
    private readonly tf: Tf,
    readonly graph: ModelGraph,
    private readonly options: RuntimeOptions,
  ) {
    this.version = options.kerasVersion ?? familyBehaviour(options.family).referenceVersion;
    assertRunnable(graph, options.nested === true);
    for (const spec of graph.layers.values()) {
      if (spec.kind === 'input') continue;
      const innerGraph = spec.nested;
      if (innerGraph) {
        const makeInner = (shapes: Shape[]): InnerRuntime =>
          this.innerRuntime(
            new ModelRuntime(tf, withInputShapes(innerGraph, shapes), { ...options, weights: null, nested: true }),
          );
        this.layers.set(
          spec.name,
          new NestedModel(spec.name, spec.className, spec.config, { tf, family: options.family }, makeInner),
        );
        continue;
      }
      this.layers.set(spec.name, this.makeLayer(spec));
    }
    if (options.weights) {
      for (const name of options.weights.keys()) {
        if (!this.layers.has(name) && (options.weights.get(name)?.length ?? 0) > 0) {
          throw new UserFacingError(
            `weights are given for layer '${name}', which the model does not have`,
            'weights-shape',
            name,
          );
        }
      }
    }
  }

  get family(): KerasFamily {
    return this.options.family;
  }

  /** A runtime layer for a layer of this model, or one a custom layer holds (a model held there runs nested). */
  private makeLayer(spec: { name: string; className: string; module: string; config: JsonObject }): RuntimeLayer {
    const env = { tf: this.tf, family: this.options.family };
    const customs = this.options.customLayers ?? {};
    const custom = customs[spec.name];
    if (isNestedModel(spec.className, spec.module, spec.config)) {
      const innerGraph = nestedModelGraph(spec.className, spec.module, spec.config);
      return new NestedModel(spec.name, spec.className, spec.config, env, (shapes) =>
        this.innerRuntime(
          new ModelRuntime(this.tf, withInputShapes(innerGraph, shapes), {
            ...this.options,
            weights: null,
            nested: true,
          }),
        ),
      );
    }
    if (!custom) {
      const layer = createLayer(spec, env);
      if (layer instanceof Lambda) layer.ir = this.options.lambdas[spec.name] ?? null;
      if (layer instanceof TimeDistributed) layer.holdLayer = (held) => this.makeLayer(held);
      return layer;
    }
    if (custom.base) return createLayer({ ...spec, className: custom.base }, env);
    const layer = new CustomLayer(spec.name, spec.className, spec.config, env);
    layer.ir = custom;
    layer.customs = customs;
    layer.holdLayer = (held) => this.makeLayer(held);
    layer.maskRepresentation = tensorMasks;
    return layer;
  }

  ruleFor(node: NodeSpec): ResolvedRule {
    const spec = this.graph.layers.get(node.layer);
    return ruleFor(
      spec ? { ...spec, customs: this.options.customLayers } : { className: 'unknown' },
      this.options.family,
      this.version,
    );
  }

  trainableVariables(): Variable[] {
    return this.weights.filter((w) => w.trainable).map((w) => w.variable);
  }

  /**
   * Creates the layer's weights before its first call. The builder is finished (its count
   * checked, its weights listed) after that call, because a nested model creates its inner
   * layers' weights during it. Null when nothing is left to finish.
   */
  private buildLayer(layer: RuntimeLayer, inputs: Tensor[]): WeightBuilder | null {
    if (this.built.has(layer.name)) return null;
    const shapes = inputs.map((t) => [null, ...t.shape.slice(1)]);
    this.built.add(layer.name);
    if (this.parentWeights) {
      // Inside a nested model: one list for all inner layers, owned (and checked) by the outer layer.
      layer.build(shapes, this.parentWeights.scoped(layer.name));
      return null;
    }
    const given = this.options.weights ? (this.options.weights.get(layer.name) ?? []) : null;
    const spec = this.graph.layers.get(layer.name);
    const line = this.options.lines?.[layer.name];
    const label = `\`${layerCallText(layer.className, spec?.config ?? {})}\` (layer '${layer.name}'${line ? `, line ${line}` : ''})`;
    const builder = new WeightBuilder(
      this.tf,
      layer.name,
      this.options.seed,
      given,
      [],
      '',
      undefined,
      this.options.budget ? { budget: this.options.budget, label } : undefined,
    );
    layer.build(shapes, builder);
    return builder;
  }

  /** The view of this runtime a NestedModel layer uses. */
  private innerRuntime(inner: ModelRuntime): InnerRuntime {
    return {
      graph: inner.graph,
      run: (inputs, masks, ctx, weights) => {
        inner.parentWeights = weights;
        try {
          const r = inner.run(inputs, masks, ctx);
          return { output: r.outputs[0], mask: r.outputMasks[0] };
        } finally {
          inner.parentWeights = null;
        }
      },
    };
  }

  private resolveArg(arg: CallArg, values: Map<string, Tensor>): ArgValue {
    if (arg.kind === 'tensor') return values.get(refKey(arg.ref)) as Tensor;
    if (arg.kind === 'list') return arg.items.map((a) => this.resolveArg(a, values));
    return arg.value;
  }

  /** One pass over the graph. Call inside `tf.tidy` (or a gradient function): it allocates freely. */
  forward(
    inputs: Tensor[],
    training: boolean,
    seedBase = this.options.seed,
    sparseSquares?: Map<string, Tensor>,
  ): ForwardResult {
    let seedCounter = 0;
    const ctx: CallContext = {
      tf: this.tf,
      family: this.options.family,
      training,
      nextSeed: () => (seedBase * 7919 + ++seedCounter) >>> 0,
      logits: new WeakMap(),
      updates: [],
      sparseSquares,
      checkpoint: this.checkpoint ?? undefined,
    };
    return this.run(
      inputs,
      inputs.map(() => null),
      ctx,
    );
  }

  /** A pass with masks on the inputs (a nested model receives its caller's) in the caller's context. */
  private run(inputs: Tensor[], inputMasks: (Tensor | null)[], ctx: CallContext): ForwardResult {
    const { tf } = this;
    const values = new Map<string, Tensor>();
    const masks = new Map<string, Tensor | null>();
    const padding = new Map<string, Tensor | null>();
    this.graph.inputRefs.forEach((r, i) => {
      values.set(refKey(r), inputs[i]);
      masks.set(refKey(r), inputMasks[i] ?? null);
    });
    const records: NodeRecord[] = [];
    const warnings: string[] = [];
    const get = (r: TensorRef): Tensor => {
      const t = values.get(refKey(r));
      if (!t)
        throw new UserFacingError(
          `layer '${r.layer}' output ${r.node}/${r.index} is used before it is computed`,
          'model-config',
          r.layer,
        );
      return t;
    };
    const rep = tensorMasks(ctx, this.layers);
    for (const node of this.graph.nodes) {
      ctx.checkpoint?.();
      const layer = this.layers.get(node.layer) as RuntimeLayer;
      const spec = this.graph.layers.get(node.layer);
      // The release's own failure, where Keras fails: running on would give numbers Keras never does.
      const replayed = replayedConcatenateMask(this.graph, node, this.family, this.version);
      if (replayed !== null)
        throw new UserFacingError(
          replayedConcatenateMessage(layer.name, layer.className, replayed, versionLabel(this.family, this.version)),
          'keras-raises',
          layer.name,
        );
      const ins = node.inputs.map(get);
      // An explicit mask= argument (Keras 3 functional configs record the propagated mask so) wins.
      const inMasks = node.maskArg ? node.maskArg.map(get) : node.inputs.map((r) => masks.get(refKey(r)) ?? null);
      const rule = this.ruleFor(node);
      const maskIn = inMasks.some((m) => m !== null);
      const call = {
        layer: layer.name,
        className: layer.className,
        config: spec?.config ?? {},
        rule,
        inputs: ins,
        masks: inMasks,
        firstArgCount: node.firstArgCount,
        inputIsList: node.inputIsList,
        maskNotFilledIn: maskNotFilledIn(node),
      };
      let result: Tensor | Tensor[] = [];
      const outcome = applyMaskRule(rep, call, (passed) => {
        const builder = this.buildLayer(layer, ins);
        const extra: CallExtra = {
          args: node.args.map((a) => this.resolveArg(a, values)),
          kwargs: node.kwargs,
          inputIsList: node.inputIsList,
        };
        try {
          result = layer.call(ins, passed, ctx, extra);
        } catch (error) {
          throw layerFailure(error, {
            layer: layer.name,
            className: layer.className,
            config: spec?.config ?? {},
            inputsFrom: node.inputs.map((r) => r.layer),
          });
        } finally {
          // Listed even when the call fails, so dispose() frees every variable the layer made.
          if (builder) this.weights.push(...builder.created);
        }
        builder?.finish();
      });
      if (outcome.error) throw new UserFacingError(outcome.error, 'unsupported-mask', layer.name);
      // Keras 3 warns; tf.keras drops silently. Either way the user should hear of it.
      const warning = outcome.warning;
      // Several outputs (an RNN's return_state): the first carries the mask, the states none (Keras' RNN.compute_mask).
      const [output, ...more] = Array.isArray(result) ? result : [result];
      let outMask = outcome.out[0] ?? null;
      if (outMask && outMask.dtype !== 'bool') outMask = tf.cast(outMask, 'bool');
      // Keras 3's MultiHeadAttention deletes the masks of its query/value/key tensors (the
      // producers' outputs themselves), so later consumers of those tensors see no mask.
      if (outcome.clearsInputMasks) for (const r of node.inputs) masks.set(refKey(r), null);
      const key = refKey({ layer: node.layer, node: node.nodeIndex, index: 0 });
      values.set(key, output);
      masks.set(key, outMask);
      more.forEach((t, i) => {
        const extraKey = refKey({ layer: node.layer, node: node.nodeIndex, index: i + 1 });
        values.set(extraKey, t);
        masks.set(extraKey, outcome.out[i + 1] ?? null);
      });
      padding.set(
        key,
        outMask ??
          this.carriedPadding(
            layer,
            output,
            node.inputs[0] ? (padding.get(refKey(node.inputs[0])) ?? inMasks[0] ?? null) : null,
          ),
      );
      if (warning) warnings.push(warning);
      records.push({
        node,
        layer,
        output,
        mask: outMask,
        maskIn,
        rule,
        effect: maskEffect(
          rule.output,
          spec?.config ?? {},
          maskIn,
          outMask !== null,
          supportsMasking(rule, spec?.config ?? {}),
        ),
        warning,
      });
    }
    const outputs = this.graph.outputs.map(get);
    return {
      outputs,
      outputMasks: this.graph.outputs.map((r) => masks.get(refKey(r)) ?? null),
      outputLogits: outputs.map((o) => ctx.logits.get(o) ?? null),
      outputPadding: this.graph.outputs.map((r) => padding.get(refKey(r)) ?? null),
      records,
      warnings,
      updates: ctx.updates,
    };
  }

  /** The padding an output inherits from its first input when its own mask is gone. */
  private carriedPadding(layer: RuntimeLayer, output: Tensor, previous: Tensor | null): Tensor | null {
    if (!previous || output.rank < 2) return null;
    if (layer instanceof Lambda) {
      const sliced = layer.sliceLike(previous, this.tf);
      if (sliced) return sliced;
    }
    const [b, t] = output.shape;
    return output.rank >= 3 && previous.rank === 2 && previous.shape[0] === b && previous.shape[1] === t
      ? previous
      : null;
  }

  /** Builds every layer with a one-sample pass, so weights exist before training or memory checks. */
  ensureBuilt(sampleInputs: Tensor[]): void {
    if (this.built.size === this.layers.size) return;
    this.tf.tidy(() => {
      this.forward(sampleInputs, false);
    });
  }

  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
    this.weights.length = 0;
  }
}
