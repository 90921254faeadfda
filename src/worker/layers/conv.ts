/** Conv1D and the 1-D pooling layers (channels_last). GlobalAveragePooling1D averages valid steps only. */
import type { Shape } from '../../core/graph/modelGraph';
import { type CallContext, RuntimeLayer, type Tensor, type Variable, lastDim } from './base';
import { type ActivationFn, getActivation } from './activations';
import type { WeightBuilder } from './weights';

function channelsLast(layer: RuntimeLayer): void {
  const df = layer.config.data_format;
  if (df !== undefined && df !== null && df !== 'channels_last') {
    throw new Error(`${layer.className} '${layer.name}': only data_format='channels_last' is supported`);
  }
}

export class Conv1D extends RuntimeLayer {
  private kernel!: Variable;
  private bias: Variable | null = null;
  private act!: ActivationFn;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    channelsLast(this);
    if (this.num('groups', 1) !== 1) this.fail('groups > 1 is not supported');
    const k = (this.intList('kernel_size') ?? this.fail('kernel_size is missing', 'model-config'))[0];
    const filters = this.num('filters');
    this.kernel = w.add(
      'kernel',
      [k, lastDim(inputShapes[0], this.name), filters],
      this.config.kernel_initializer,
      'glorot_uniform',
    );
    if (this.bool('use_bias', true)) this.bias = w.add('bias', [filters], this.config.bias_initializer, 'zeros');
    this.act = getActivation(this.env.tf, this.config.activation, this.env.family, this.name).fn;
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    const k = this.kernel.shape[0];
    const stride = (this.intList('strides') ?? [1])[0];
    const dilation = (this.intList('dilation_rate') ?? [1])[0];
    const padding = this.str('padding', 'valid');
    let input = x as import('@tensorflow/tfjs-node').Tensor3D;
    let pad: 'valid' | 'same' = padding === 'same' ? 'same' : 'valid';
    if (padding === 'causal') {
      input = tf.pad(input, [
        [0, 0],
        [(k - 1) * dilation, 0],
        [0, 0],
      ]);
      pad = 'valid';
    }
    let y: Tensor = tf.conv1d(
      input,
      this.kernel as unknown as import('@tensorflow/tfjs-node').Tensor3D,
      stride,
      pad,
      'NWC',
      dilation,
    );
    if (this.bias) y = tf.add(y, this.bias);
    return this.act(y, ctx.logits);
  }
}

export class Pooling1D extends RuntimeLayer {
  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    channelsLast(this);
    const { tf } = ctx;
    const pool = (this.intList('pool_size') ?? [2])[0];
    const stride = (this.intList('strides') ?? [pool])[0];
    const padding = this.str('padding', 'valid') === 'same' ? 'same' : 'valid';
    const x4 = tf.expandDims(x, 1) as import('@tensorflow/tfjs-node').Tensor4D;
    const y =
      this.className === 'MaxPooling1D'
        ? tf.maxPool(x4, [1, pool], [1, stride], padding)
        : tf.avgPool(x4, [1, pool], [1, stride], padding);
    return tf.squeeze(y, [1]);
  }
}

export class GlobalPooling1D extends RuntimeLayer {
  call([x]: Tensor[], [mask]: (Tensor | null)[], ctx: CallContext): Tensor {
    channelsLast(this);
    const { tf } = ctx;
    const keep = this.bool('keepdims', false);
    if (this.className === 'GlobalMaxPooling1D') return tf.max(x, 1, keep);
    if (!mask) return tf.mean(x, 1, keep);
    // Keras: sum(x · m, steps) / sum(m, steps).
    const m = tf.expandDims(tf.cast(mask, x.dtype), 2);
    return tf.div(tf.sum(tf.mul(x, m), 1, keep), tf.sum(m, 1, keep));
  }
}
