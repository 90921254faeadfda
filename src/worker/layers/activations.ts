/**
 * Keras activations by name, per family where they differ (hard_sigmoid). Sigmoid and
 * softmax remember their logits: Keras' crossentropy losses then compute from the logits,
 * which differs from clipping probabilities when outputs saturate.
 */
import type { JsonValue, KerasFamily } from '../../core/ir';
import { UserFacingError } from '../../core/protocol/task';
import type { Tf } from '../tf';
import type { Tensor } from './base';

export type ActivationFn = (x: Tensor, logits?: WeakMap<Tensor, Tensor>) => Tensor;

function activationName(spec: JsonValue | undefined): string {
  if (spec === undefined || spec === null) return 'linear';
  if (typeof spec === 'string') return spec;
  if (typeof spec === 'object' && !Array.isArray(spec)) {
    if (typeof spec.config === 'string') return spec.config;
    if (typeof spec.class_name === 'string') return spec.class_name;
  }
  return String(spec);
}

export function getActivation(
  tf: Tf,
  spec: JsonValue | undefined,
  family: KerasFamily,
  who: string,
): { name: string; fn: ActivationFn } {
  const name = activationName(spec).toLowerCase();
  const hardSigmoid = (x: Tensor): Tensor =>
    family === 'tf-keras2' ? tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1) : tf.div(tf.relu6(tf.add(x, 3)), 6);
  const table: Record<string, ActivationFn> = {
    linear: (x) => x,
    relu: (x) => tf.relu(x),
    relu6: (x) => tf.relu6(x),
    sigmoid: (x, logits) => {
      const y = tf.sigmoid(x);
      logits?.set(y, x);
      return y;
    },
    softmax: (x, logits) => {
      const y = tf.softmax(x, -1);
      logits?.set(y, x);
      return y;
    },
    log_softmax: (x) => tf.logSoftmax(x, -1),
    tanh: (x) => tf.tanh(x),
    softplus: (x) => tf.softplus(x),
    softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
    elu: (x) => tf.elu(x),
    selu: (x) => tf.selu(x),
    exponential: (x) => tf.exp(x),
    swish: (x) => tf.mul(x, tf.sigmoid(x)),
    silu: (x) => tf.mul(x, tf.sigmoid(x)),
    gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
    hard_sigmoid: hardSigmoid,
    hard_silu: (x) => tf.mul(x, hardSigmoid(x)),
    hard_swish: (x) => tf.mul(x, hardSigmoid(x)),
    leaky_relu: (x) => tf.leakyRelu(x, 0.2),
    mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  };
  const fn = table[name];
  if (!fn) throw new UserFacingError(`${who}: activation '${name}' is not supported`, 'unsupported-config', who);
  return { name, fn };
}
