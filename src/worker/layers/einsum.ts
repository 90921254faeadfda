/** EinsumDense (`abc,cd->abd` style, no ellipsis), shapes derived as Keras' _analyze_split_string does. */
import type { Shape } from '../../core/graph/modelGraph';
import { type ActivationFn, getActivation } from './activations';
import { type CallContext, RuntimeLayer, type Tensor, type Variable } from './base';
import type { WeightBuilder } from './weights';

export function einsumShapes(equation: string, inputShape: Shape, outputShapeSpec: (number | null)[], biasAxes: string | null): { kernel: number[]; bias: number[] | null } {
  const m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(equation.replace(/\s/g, ''));
  if (!m) throw new Error(`unsupported einsum equation '${equation}' (ellipsis forms are not supported)`);
  const [, inSpec, wSpec, outSpec] = m;
  const out: (number | null)[] = [inputShape[0], ...outputShapeSpec];
  const inMap = new Map([...inSpec].map((c, i) => [c, i]));
  const outMap = new Map([...outSpec].map((c, i) => [c, i]));
  const kernel = [...wSpec].map((c) => {
    const d = outMap.has(c) ? out[outMap.get(c) as number] : inputShape[inMap.get(c) as number];
    if (typeof d !== 'number') throw new Error(`einsum '${equation}': dimension '${c}' of the kernel is unknown`);
    return d;
  });
  let bias: number[] | null = null;
  if (biasAxes) {
    const first = Math.min(...[...biasAxes].map((c) => outSpec.indexOf(c)));
    bias = [...outSpec.slice(first)].map((c) => (biasAxes.includes(c) ? (out[outMap.get(c) as number] as number) : 1));
  }
  return { kernel, bias };
}

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
