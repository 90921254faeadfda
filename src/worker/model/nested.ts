/**
 * A Sequential or Functional model used as a layer of another model (an encoder built once
 * and called inside the outer model). Keras runs its layers with the incoming mask and
 * gives the outer model the inner output's mask; its weights are one list in the inner
 * layers' order, under the nested model's name.
 */
import type { ModelGraph, Shape } from '../../core/graph/modelGraph';
import type { JsonObject } from '../../core/ir';
import { type CallContext, type LayerEnv, RuntimeLayer, type Tensor } from '../layers/base';
import type { WeightBuilder } from '../layers/weights';

/** What a nested model needs of the executor (kept abstract to avoid an import cycle). */
export interface InnerRuntime {
  readonly graph: ModelGraph;
  /** `weights`: on the first call, the list the inner layers create their weights into. */
  run(
    inputs: Tensor[],
    masks: (Tensor | null)[],
    ctx: CallContext,
    weights: WeightBuilder | null,
  ): { output: Tensor; mask: Tensor | null };
}

export class NestedModel extends RuntimeLayer {
  private inner: InnerRuntime | null = null;
  /** The inner output's mask from the last call: the executor passes it on as this layer's mask. */
  lastMask: Tensor | null = null;
  private pendingWeights: WeightBuilder | null = null;

  constructor(
    name: string,
    className: string,
    config: JsonObject,
    env: LayerEnv,
    /** The inner model, built for the shapes it is first called with. */
    private readonly makeInner: (inputShapes: Shape[]) => InnerRuntime,
  ) {
    super(name, className, config, env);
  }

  override build(inputShapes: Shape[], weights: WeightBuilder): void {
    this.inner = this.makeInner(inputShapes);
    if (this.inner.graph.outputs.length !== 1)
      this.fail(`a nested model with ${this.inner.graph.outputs.length} outputs cannot be run as a layer yet`);
    // The inner layers create their weights on the first call, in order, into this layer's list.
    this.pendingWeights = weights;
  }

  call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext): Tensor {
    const inner = this.inner;
    if (!inner) this.fail('called before it was built', 'internal');
    const r = inner.run(inputs, masks, ctx, this.pendingWeights);
    this.pendingWeights = null;
    this.lastMask = r.mask;
    return r.output;
  }
}
