/** TimeDistributed: the wrapped layer applied to every timestep (batch and time folded together). */
import type { JsonObject } from '../../core/ir';
import type { Shape } from '../../core/graph/modelGraph';
import { type CallContext, type CallExtra, type LayerEnv, RuntimeLayer, singleOutput, type Tensor } from './base';
import type { WeightBuilder } from './weights';

export type LayerFactory = (name: string, className: string, config: JsonObject, env: LayerEnv) => RuntimeLayer;

export class TimeDistributed extends RuntimeLayer {
  private inner!: RuntimeLayer;
  static factory: LayerFactory | null = null;
  /** The model's own layer maker (it also runs a whole model wrapped here); else `factory`. */
  holdLayer: ((spec: { name: string; className: string; module: string; config: JsonObject }) => RuntimeLayer) | null =
    null;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const spec = this.config.layer;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec) || typeof spec.class_name !== 'string')
      this.fail('the wrapped layer is missing', 'model-config');
    const config = (
      spec.config && typeof spec.config === 'object' && !Array.isArray(spec.config) ? spec.config : {}
    ) as JsonObject;
    const name = String(config.name ?? `${this.name}_inner`);
    const module = typeof spec.module === 'string' ? spec.module : 'keras.layers';
    if (this.holdLayer) this.inner = this.holdLayer({ name, className: spec.class_name, module, config });
    else if (TimeDistributed.factory) this.inner = TimeDistributed.factory(name, spec.class_name, config, this.env);
    else this.fail('no layer factory', 'internal');
    const [b, , ...rest] = inputShapes[0];
    this.inner.build([[b, ...rest]], w);
  }

  call([x]: Tensor[], [mask]: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const { tf } = ctx;
    const [b, t, ...rest] = x.shape;
    const folded = tf.reshape(x, [b * t, ...rest]);
    const foldedMask = mask ? tf.reshape(mask, [b * t]) : null;
    const y = singleOutput(this.inner.call([folded], [foldedMask], ctx, extra), this.name);
    return tf.reshape(y, [b, t, ...y.shape.slice(1)]);
  }
}
