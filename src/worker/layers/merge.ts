/**
 * Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot. Keras 3's Multiply,
 * Maximum and Minimum use the input masks in the arithmetic itself (masked entries are
 * neutral); tf.keras 2 does not.
 */
import { type CallContext, RuntimeLayer, type Tensor, axisOf } from './base';

export class Merge extends RuntimeLayer {
  call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    if (inputs.length < 2 && this.className !== 'Add') this.fail('needs at least two inputs', 'model-config');
    const keras3 = ctx.family === 'keras3';
    const expand = (m: Tensor, x: Tensor) => tf.broadcastTo(tf.expandDims(tf.cast(m, 'bool'), -1), x.shape);
    switch (this.className) {
      case 'Add':
        return inputs.slice(1).reduce((a, b) => tf.add(a, b), inputs[0]);
      case 'Subtract':
        if (inputs.length !== 2) this.fail('needs exactly two inputs', 'model-config');
        return tf.sub(inputs[0], inputs[1]);
      case 'Average':
        return tf.div(
          inputs.slice(1).reduce((a, b) => tf.add(a, b), inputs[0]),
          inputs.length,
        );
      case 'Multiply': {
        if (!keras3 || masks.every((m) => !m)) return inputs.slice(1).reduce((a, b) => tf.mul(a, b), inputs[0]);
        const all = masks.every((m) => m);
        let out: Tensor | null = null;
        let outMask: Tensor | null = null;
        inputs.forEach((x, i) => {
          let v = x;
          const m = masks[i];
          if (m) {
            const bm = expand(m, x);
            v = tf.where(bm, x, tf.onesLike(x));
            if (all) outMask = outMask ? tf.logicalOr(outMask, bm) : bm;
          }
          out = out ? tf.mul(out, v) : v;
        });
        return outMask
          ? tf.where(outMask, out as unknown as Tensor, tf.zerosLike(out as unknown as Tensor))
          : (out as unknown as Tensor);
      }
      case 'Maximum':
      case 'Minimum': {
        const op = (a: Tensor, b: Tensor) => (this.className === 'Maximum' ? tf.maximum(a, b) : tf.minimum(a, b));
        if (!keras3) return inputs.slice(1).reduce(op, inputs[0]);
        let output: Tensor | null = null;
        let outputMask: Tensor | null = null;
        for (let i = 0; i < inputs.length; i++) {
          let x = inputs[i];
          const mask = masks[i] ? expand(masks[i] as Tensor, x) : null;
          if (output === null) {
            output = x;
            outputMask = mask;
            continue;
          }
          if (mask) x = tf.where(mask, x, output);
          if (outputMask) output = tf.where(outputMask, output, x);
          outputMask = mask && outputMask ? tf.logicalOr(outputMask, mask) : null;
          output = op(output, x);
        }
        return output as Tensor;
      }
    }
    this.fail('unknown merge layer');
  }
}

export class Concatenate extends RuntimeLayer {
  call(inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    return ctx.tf.concat(inputs, axisOf(this.num('axis', -1), inputs[0].rank));
  }
}

/**
 * Keras' `batch_dot` of two inputs over `axes`, after an optional L2 normalisation along them
 * (Keras 3: `x * min(rsqrt(Σx²), 1/1e-7)`; tf.keras: `tf.linalg.l2_normalize`,
 * `x * rsqrt(max(Σx², 1e-12))`).
 */
export class Dot extends RuntimeLayer {
  call(inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    if (inputs.length !== 2) this.fail('needs exactly two inputs', 'model-config');
    let [a, b] = inputs;
    const axes = this.intList('axes');
    if (!axes || (axes.length !== 1 && axes.length !== 2))
      this.fail("option 'axes' must be an integer or a pair of integers", 'model-config');
    const axA = ((axes[0] % a.rank) + a.rank) % a.rank;
    const axB = (((axes[1] ?? axes[0]) % b.rank) + b.rank) % b.rank;
    if (axA === 0 || axB === 0) this.fail('cannot take the dot product over the batch axis', 'model-config');
    if (this.bool('normalize', false)) {
      const unit = (x: Tensor, axis: number): Tensor => {
        const sum = tf.sum(tf.square(x), axis, true);
        return ctx.family === 'keras3'
          ? tf.mul(x, tf.minimum(tf.rsqrt(sum), 1 / 1e-7))
          : tf.mul(x, tf.rsqrt(tf.maximum(sum, 1e-12)));
      };
      a = unit(a, axA);
      b = unit(b, axB);
    }
    if (a.rank === 2 && b.rank === 2) return tf.sum(tf.mul(a, b), 1, true);
    if (a.rank === 3 && b.rank === 3)
      return tf.matMul(axA === 2 ? a : tf.transpose(a, [0, 2, 1]), axB === 1 ? b : tf.transpose(b, [0, 2, 1]));
    this.fail(
      `the dot product of inputs of rank ${a.rank} and ${b.rank} is not supported yet (ranks 2 and 2, or 3 and 3)`,
    );
  }
}
