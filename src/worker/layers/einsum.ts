/** EinsumDense (`abc,cd->abd` style, no ellipsis), its weights shaped as Keras' _analyze_split_string derives them. */
import type { Shape } from '../../core/graph/modelGraph';
import { einsumShapes } from '../../core/layers/weightCounts';
import { type ActivationFn, getActivation } from './activations';
import { type CallContext, RuntimeLayer, type Tensor, type Variable } from './base';
import type { WeightBuilder } from './weights';

export class EinsumDense extends RuntimeLayer {
  private kernel!: Variable;
  private bias: Variable | null = null;
  private act!: ActivationFn;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const spec = this.config.output_shape;
    const outputShape = (Array.isArray(spec) ? spec : [spec]) as (number | null)[];
    const biasAxes = typeof this.config.bias_axes === 'string' ? this.config.bias_axes : null;
    let shapes;
    try {
      shapes = einsumShapes(this.str('equation', ''), inputShapes[0], outputShape, biasAxes);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
    this.kernel = w.add('kernel', shapes.kernel, this.config.kernel_initializer, 'glorot_uniform');
    if (shapes.bias) this.bias = w.add('bias', shapes.bias, this.config.bias_initializer, 'zeros');
    this.act = getActivation(this.env.tf, this.config.activation, this.env.family, this.name).fn;
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    let y = ctx.tf.einsum(this.str('equation', ''), x, this.kernel);
    if (this.bias) y = ctx.tf.add(y, this.bias);
    return this.act(y, ctx.logits);
  }
}
