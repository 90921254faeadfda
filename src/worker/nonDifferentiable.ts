/**
 * Comparisons and logical ops carry no gradient, in TensorFlow (it declares them
 * non-differentiable, so a gradient through them is zero) and so in Keras: a mask made with
 * `not_equal` from a tensor that depends on weights (`Masking` after a `Dense`, a Lambda's
 * `x * cast(x != 0)`) trains. tfjs registers no gradient for them, and its backprop refuses a
 * path through one ("gradient function not found for NotEqual"). Each gets TensorFlow's zero.
 */
// Typed from tfjs itself, not from ./tf.ts, which calls this once it has loaded tfjs.
import type * as TfNode from '@tensorflow/tfjs-node';

type Tf = typeof TfNode;
type Tensor = TfNode.Tensor;

/** The kernels, with their inputs named as tfjs' kernel configs name them. */
const INPUTS: Record<string, readonly string[]> = {
  Equal: ['a', 'b'],
  NotEqual: ['a', 'b'],
  Less: ['a', 'b'],
  LessEqual: ['a', 'b'],
  Greater: ['a', 'b'],
  LogicalAnd: ['a', 'b'],
  LogicalOr: ['a', 'b'],
  LogicalNot: ['x'],
  Any: ['x'],
  All: ['x'],
};

/** tfjs takes every gradient as float32, a boolean input's too. */
export function registerNonDifferentiable(tf: Tf): void {
  for (const [kernelName, names] of Object.entries(INPUTS)) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: [...names],
      gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) =>
        Object.fromEntries(names.map((name, i) => [name, () => tf.zeros(saved[i].shape, 'float32')])),
    });
  }
}
