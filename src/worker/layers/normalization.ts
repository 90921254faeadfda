/**
 * BatchNormalization (inference: moving statistics; training: batch moments, masked as in
 * Keras 3, with the moving-statistics update queued for after the step) and LayerNormalization.
 */
import type { Shape } from '../../core/graph/modelGraph';
import { type CallContext, RuntimeLayer, type Tensor, type Variable, axisOf, lastDim } from './base';
import type { WeightBuilder } from './weights';

export class BatchNormalization extends RuntimeLayer {
  private gamma: Variable | null = null;
  private beta: Variable | null = null;
  private movingMean!: Variable;
  private movingVar!: Variable;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const axis = this.intList('axis') ?? [-1];
    if (axis.length !== 1 || axisOf(axis[0], inputShapes[0].length) !== inputShapes[0].length - 1)
      this.fail('only axis=-1 is supported');
    const dim = lastDim(inputShapes[0], this.name);
    if (this.bool('scale', true)) this.gamma = w.add('gamma', [dim], this.config.gamma_initializer, 'ones');
    if (this.bool('center', true)) this.beta = w.add('beta', [dim], this.config.beta_initializer, 'zeros');
    this.movingMean = w.add('moving_mean', [dim], this.config.moving_mean_initializer, 'zeros', false);
    this.movingVar = w.add('moving_variance', [dim], this.config.moving_variance_initializer, 'ones', false);
  }

  call([x]: Tensor[], [mask]: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    const eps = this.num('epsilon', 1e-3);
    let mean: Tensor = this.movingMean;
    let variance: Tensor = this.movingVar;
    if (ctx.training && this.config.trainable !== false) {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      if (mask) {
        // Both families weight the moments by the mask (Keras 3 adds ε to the count,
        // tf.keras' weighted_moments divides without it).
        const w = tf.expandDims(tf.cast(mask, x.dtype), -1);
        const sumW = tf.add(tf.sum(w, axes), ctx.family === 'keras3' ? 1e-7 : 0);
        const wx = tf.mul(w, x);
        mean = tf.div(tf.sum(wx, axes), sumW);
        variance = tf.div(tf.sum(tf.mul(w, tf.square(tf.sub(wx, mean))), axes), sumW);
      } else {
        const m = tf.moments(x, axes);
        mean = m.mean;
        variance = m.variance;
      }
      const momentum = this.num('momentum', 0.99);
      // Kept past the gradient tape's tidy; the trainer assigns and disposes them after the step.
      ctx.updates.push(
        {
          variable: this.movingMean,
          value: tf.keep(tf.add(tf.mul(this.movingMean, momentum), tf.mul(mean, 1 - momentum))),
        },
        {
          variable: this.movingVar,
          value: tf.keep(tf.add(tf.mul(this.movingVar, momentum), tf.mul(variance, 1 - momentum))),
        },
      );
    }
    let inv = tf.rsqrt(tf.add(variance, eps));
    if (this.gamma) inv = tf.mul(inv, this.gamma);
    let offset = tf.neg(tf.mul(mean, inv));
    if (this.beta) offset = tf.add(offset, this.beta);
    return tf.add(tf.mul(x, inv), offset);
  }
}

export class LayerNormalization extends RuntimeLayer {
  private gamma: Variable | null = null;
  private beta: Variable | null = null;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const axis = this.intList('axis') ?? [-1];
    if (axis.length !== 1 || axisOf(axis[0], inputShapes[0].length) !== inputShapes[0].length - 1)
      this.fail('only axis=-1 is supported');
    if (this.bool('rms_scaling', false)) this.fail('rms_scaling=True is not supported');
    const dim = lastDim(inputShapes[0], this.name);
    if (this.bool('scale', true)) this.gamma = w.add('gamma', [dim], this.config.gamma_initializer, 'ones');
    if (this.bool('center', true)) this.beta = w.add('beta', [dim], this.config.beta_initializer, 'zeros');
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    const { mean, variance } = tf.moments(x, -1, true);
    let inv = tf.rsqrt(tf.add(variance, this.num('epsilon', 1e-3)));
    if (this.gamma) inv = tf.mul(inv, this.gamma);
    let res = tf.neg(tf.mul(mean, inv));
    if (this.beta) res = tf.add(res, this.beta);
    return tf.add(tf.mul(x, inv), res);
  }
}
