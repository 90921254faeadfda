/** Dense, Embedding, Masking, activations, dropout/noise and reshaping layers. */
import type { JsonValue } from '../../core/ir';
import type { Shape } from '../../core/graph/modelGraph';
import { type ActivationFn, getActivation } from './activations';
import { type CallContext, type LayerEnv, RuntimeLayer, type Tensor, type Variable, lastDim } from './base';
import type { WeightBuilder } from './weights';

/** x · kernel over the last axis, for inputs of any rank ≥ 2. */
export function denseOp(ctx: { tf: LayerEnv['tf'] }, x: Tensor, kernel: Variable | Tensor): Tensor {
  const { tf } = ctx;
  const inDim = x.shape[x.shape.length - 1];
  const outDim = kernel.shape[1] as number;
  if (x.rank === 2) return tf.matMul(x, kernel);
  const lead = x.shape.slice(0, -1);
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, inDim]), kernel), [...lead, outDim]);
}

export class Dense extends RuntimeLayer {
  private kernel!: Variable;
  private bias: Variable | null = null;
  private act!: ActivationFn;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const units = this.num('units');
    const inDim = lastDim(inputShapes[0], this.name);
    this.kernel = w.add('kernel', [inDim, units], this.config.kernel_initializer, 'glorot_uniform');
    if (this.bool('use_bias', true)) this.bias = w.add('bias', [units], this.config.bias_initializer, 'zeros');
    this.act = getActivation(this.env.tf, this.config.activation, this.env.family, this.name).fn;
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return [...inputShapes[0].slice(0, -1), this.num('units')];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    let y = denseOp(ctx, x, this.kernel);
    if (this.bias) y = ctx.tf.add(y, this.bias);
    return this.act(y, ctx.logits);
  }
}

export class Activation extends RuntimeLayer {
  private act!: ActivationFn;

  override build(): void {
    const spec: JsonValue | undefined =
      this.className === 'ReLU' ? 'relu' : this.className === 'Softmax' ? 'softmax' : this.config.activation;
    if (
      this.className === 'ReLU' &&
      (this.num('negative_slope', 0) !== 0 || this.config.max_value != null || this.num('threshold', 0) !== 0)
    ) {
      const slope = this.num('negative_slope', 0);
      const maxValue = this.config.max_value;
      const threshold = this.num('threshold', 0);
      const tf = this.env.tf;
      this.act = (x) => {
        // x where x ≥ θ, else slope·(x − θ); built without a comparison on the gradient path.
        const shifted = tf.sub(x, threshold);
        let y = tf.add(
          tf.add(tf.mul(shifted, slope), tf.mul(tf.relu(shifted), 1 - slope)),
          tf.mul(tf.step(shifted, 0), threshold),
        );
        if (typeof maxValue === 'number') y = tf.minimum(y, maxValue);
        return y;
      };
      return;
    }
    if (this.className === 'Softmax' && this.config.axis !== undefined && this.config.axis !== -1)
      this.fail('only axis=-1 is supported');
    this.act = getActivation(this.env.tf, spec, this.env.family, this.name).fn;
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return inputShapes[0];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    return this.act(x, ctx.logits);
  }
}

export class Dropout extends RuntimeLayer {
  override outputShape(inputShapes: Shape[]): Shape {
    return inputShapes[0];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const rate = this.num('rate', 0);
    const { tf } = ctx;
    if (!ctx.training || rate <= 0) return x;
    if (this.className === 'GaussianDropout') {
      const std = Math.sqrt(rate / (1 - rate));
      return tf.mul(x, tf.randomNormal(x.shape, 1, std, 'float32', ctx.nextSeed()));
    }
    const noiseShape =
      this.className === 'SpatialDropout1D'
        ? [x.shape[0], 1, x.shape[2] as number]
        : (this.intList('noise_shape') ?? undefined);
    return tf.dropout(x, rate, noiseShape, ctx.nextSeed());
  }
}

/** GaussianNoise is a no-op outside training, like Dropout; `stddev` replaces `rate`. */
export class GaussianNoise extends Dropout {
  override call(inputs: Tensor[], m: (Tensor | null)[], ctx: CallContext): Tensor {
    if (!ctx.training) return inputs[0];
    return ctx.tf.add(
      inputs[0],
      ctx.tf.randomNormal(inputs[0].shape, 0, this.num('stddev'), 'float32', ctx.nextSeed()),
    );
  }
}

export class Masking extends RuntimeLayer {
  override outputShape(inputShapes: Shape[]): Shape {
    return inputShapes[0];
  }

  /** Keras: outputs = inputs · any(inputs != mask_value, -1); the mask itself comes from the registry kind. */
  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    const keep = tf.any(tf.notEqual(x, this.num('mask_value', 0)), -1, true);
    return tf.mul(x, tf.cast(keep, x.dtype));
  }
}

export class Embedding extends RuntimeLayer {
  private table!: Variable;

  override build(_inputShapes: Shape[], w: WeightBuilder): void {
    this.table = w.add(
      'embeddings',
      [this.num('input_dim'), this.num('output_dim')],
      this.config.embeddings_initializer,
      'uniform',
    );
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return [...inputShapes[0], this.num('output_dim')];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    const ids = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    const squares = ctx.sparseSquares;
    if (!squares) return tf.gather(this.table, ids);
    const table = this.table;
    const rows = table.shape[0];
    type Tensor1D = import('@tensorflow/tfjs-node').Tensor1D;
    const lookup = tf.customGrad((...args: (Tensor | ((x: Tensor[]) => void))[]) => {
      const [t, i, save] = args as [Tensor, Tensor, (x: Tensor[]) => void];
      save([i]);
      return {
        value: tf.gather(t, i),
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
          const g = Array.isArray(dy) ? dy[0] : dy;
          const flatIds = tf.reshape(saved[0], [-1]) as Tensor1D;
          const flatDy = tf.reshape(g, [-1, g.shape[g.rank - 1] as number]);
          const sq = tf.keep(tf.unsortedSegmentSum(tf.square(flatDy), flatIds, rows));
          const prev = squares.get(table.name);
          squares.set(table.name, prev ? tf.keep(tf.add(prev, sq)) : sq);
          if (prev) {
            prev.dispose();
            sq.dispose();
          }
          return [tf.unsortedSegmentSum(flatDy, flatIds, rows), tf.zeros(saved[0].shape)];
        },
      };
    });
    return lookup(table, ids);
  }
}

export class Flatten extends RuntimeLayer {
  override outputShape(inputShapes: Shape[]): Shape {
    const rest = inputShapes[0].slice(1);
    return [inputShapes[0][0], rest.every((d) => d !== null) ? (rest as number[]).reduce((a, b) => a * b, 1) : null];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    return ctx.tf.reshape(x, [x.shape[0], -1]);
  }
}

export class Reshape extends RuntimeLayer {
  override outputShape(inputShapes: Shape[]): Shape {
    const target = this.intList('target_shape') ?? this.fail('target_shape is missing', 'model-config');
    const rest = inputShapes[0].slice(1);
    if (target.includes(-1) && rest.every((d) => d !== null)) {
      const total = (rest as number[]).reduce((a, b) => a * b, 1);
      const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return [inputShapes[0][0], ...target.map((d) => (d === -1 ? total / known : d))];
    }
    return [inputShapes[0][0], ...target];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const target = this.intList('target_shape') as number[];
    return ctx.tf.reshape(x, [x.shape[0], ...target]);
  }
}

export class RepeatVector extends RuntimeLayer {
  override outputShape(inputShapes: Shape[]): Shape {
    return [inputShapes[0][0], this.num('n'), ...inputShapes[0].slice(1)];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    const { tf } = ctx;
    return tf.tile(tf.expandDims(x, 1), [1, this.num('n'), 1]);
  }
}

export class Permute extends RuntimeLayer {
  private dims(): number[] {
    return this.intList('dims') ?? this.fail('dims is missing', 'model-config');
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return [inputShapes[0][0], ...this.dims().map((d) => inputShapes[0][d])];
  }

  call([x]: Tensor[], _m: (Tensor | null)[], ctx: CallContext): Tensor {
    return ctx.tf.transpose(x, [0, ...this.dims()]);
  }
}
