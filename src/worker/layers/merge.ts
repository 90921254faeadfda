/**
 * Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate. Keras 3's Multiply,
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
        return tf.div(inputs.slice(1).reduce((a, b) => tf.add(a, b), inputs[0]), inputs.length);
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
        return outMask ? tf.where(outMask, out as unknown as Tensor, tf.zerosLike(out as unknown as Tensor)) : (out as unknown as Tensor);
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
