/**
 * `Lambda` as Keras runs it, on the translated expression (LambdaIR): the body maps inputs
 * to outputs; the mask is none unless `mask=` was given, a constant, or a callable applied
 * to `(inputs, previous_mask)`. Also the expression evaluator itself, shared with the
 * functional-API op nodes (`x[:, 2:]` in a functional model is a Keras `GetItem` op).
 */
import type { JsonValue, LambdaExpr, LambdaFunction, LambdaIR, SliceItem } from '../../core/ir';
import { UserFacingError } from '../../core/protocol/task';
import { isContiguous, planSlice, SliceError } from '../../core/runtime/slicing';
import { sizesFromIndices, sizesFromSizes } from '../../core/runtime/splitSizes';
import type { Shape } from '../../core/graph/modelGraph';
import { type CallContext, type CallExtra, type LayerEnv, RuntimeLayer, type Tensor, axisOf } from './base';

type Tf = LayerEnv['tf'];
export type Value = Tensor | number | boolean | null | string | Value[];

/** Every keyword argument the backend functions below read (`name=` only labels the op). */
const READ_KEYWORDS = new Set([
  'alpha',
  'approximate',
  'axes',
  'axis',
  'clip_value_max',
  'clip_value_min',
  'dtype',
  'ids',
  'indices',
  'indices_or_sections',
  'keepDims',
  'keep_dims',
  'keepdims',
  'max_value',
  'min_value',
  'multiples',
  'n',
  'name',
  'negative_slope',
  'newshape',
  'num_or_size_splits',
  'rep',
  'repeats',
  'reps',
  'shape',
  'start',
  'step',
  'stop',
  'transpose_a',
  'transpose_b',
  'x_max',
  'x_min',
]);
/** Keywords asking for sparse or ragged tensors: MaskLens' tensors are dense, so only their off values are read. */
const DENSE_DEFAULTS = new Set(['sparse', 'ragged']);

export class LambdaError extends UserFacingError {
  /** `label`: how the message names the layer (a custom layer's class and name). */
  constructor(message: string, who: string, label = `Lambda '${who}'`) {
    super(`${label}: ${message}`, 'lambda', who);
  }
}

function isTensor(v: Value): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isExpr(v: LambdaExpr | JsonValue): v is LambdaExpr {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { op?: unknown }).op === 'string';
}

export function sliceTensor(tf: Tf, x: Tensor, items: Parameters<typeof planSlice>[1], who: string): Tensor {
  let plan;
  try {
    plan = planSlice(x.shape, items);
  } catch (error) {
    throw new LambdaError(error instanceof SliceError ? error.message : String(error), who);
  }
  let y = x;
  // Walk axes from the last so earlier axis numbers stay valid while axes are squeezed.
  for (let axis = plan.axes.length - 1; axis >= 0; axis--) {
    const { indices, keep } = plan.axes[axis];
    const n = y.shape[axis];
    if (indices.length === n && isContiguous(indices) && indices[0] === 0 && keep) continue;
    if (indices.length > 0 && isContiguous(indices)) {
      const begin = y.shape.map((_, i) => (i === axis ? indices[0] : 0));
      const size = y.shape.map((d, i) => (i === axis ? indices.length : d));
      y = tf.slice(y, begin, size);
    } else {
      y = tf.gather(y, tf.tensor1d(indices, 'int32'), axis);
    }
    if (!keep) y = tf.squeeze(y, [axis]);
  }
  for (const pos of plan.newAxes) y = tf.expandDims(y, pos);
  return y;
}

/** What a custom layer's methods read beyond their parameters: its built attributes and weights, the layers it holds. */
export interface ExprHooks {
  /** How messages name the layer: `CustomEmbedding 'custom_embedding'`. */
  label: string;
  self(name: string): Value;
  layer(name: string, args: Value[], kwargs: Record<string, Value>): Value;
  addWeight(kwargs: Record<string, Value | JsonValue>): Value;
  /** Functions only this context knows (a loss calling Keras' own losses); undefined: not one of them. */
  call?(fn: string, args: Value[], kwargs: Record<string, Value>): Value | undefined;
}

/** Evaluates a LambdaExpr over tensors. */
export class ExprEvaluator {
  constructor(
    private readonly tf: Tf,
    private readonly who: string,
    private readonly hooks: ExprHooks | null = null,
  ) {}

  private hook(): ExprHooks {
    if (!this.hooks) this.fail('refers to a layer attribute outside a custom layer');
    return this.hooks;
  }

  /** Python truthiness of a value a test computed (`if mask is None`, `x if training else y`). */
  private truth(v: Value): boolean {
    if (v === null) return false;
    if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return Boolean(v);
    if (Array.isArray(v)) return v.length > 0;
    if (v.size !== 1) this.fail('the truth value of a tensor with more than one element is ambiguous');
    return Boolean(v.dataSync()[0]);
  }

  private fail(message: string): never {
    throw new LambdaError(message, this.who, this.hooks?.label);
  }

  private tensor(v: Value): Tensor {
    const tf = this.tf;
    if (isTensor(v)) return v;
    if (typeof v === 'number') return tf.scalar(v);
    if (typeof v === 'boolean') return tf.scalar(v, 'bool');
    if (Array.isArray(v) && v.every(isTensor)) return tf.stack(v as Tensor[]);
    if (Array.isArray(v)) return tf.tensor(v as number[]);
    this.fail(`expected a tensor, got ${v === null ? 'None' : typeof v}`);
  }

  private float(v: Value): Tensor {
    const t = this.tensor(v);
    return t.dtype === 'float32' ? t : this.tf.cast(t, 'float32');
  }

  private json(v: JsonValue): Value {
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (typeof v === 'object' && v !== null) this.fail('unexpected object argument');
    return v;
  }

  private arg(args: Value[], kwargs: Record<string, Value>, index: number, name: string): Value | undefined {
    return kwargs[name] !== undefined ? kwargs[name] : args[index];
  }

  private axes(v: Value | undefined): number[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    this.fail('axis must be an integer or a list of integers');
  }

  private intList(v: Value | undefined, what: string): number[] {
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    if (typeof v === 'number') return [v];
    this.fail(`${what} must be a list of integers`);
  }

  private binary(op: string, a: Value, b: Value): Value {
    const tf = this.tf;
    if (!isTensor(a) && !isTensor(b) && !Array.isArray(a) && !Array.isArray(b)) {
      const x = Number(a);
      const y = Number(b);
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          return x / y;
        case '**':
          return x ** y;
        case '==':
          return x === y;
        case '!=':
          return x !== y;
        case '>':
          return x > y;
        case '<':
          return x < y;
        case '>=':
          return x >= y;
        case '<=':
          return x <= y;
        case 'and':
          return Boolean(a) && Boolean(b);
        case 'or':
          return Boolean(a) || Boolean(b);
      }
    }
    const bothBool = isTensor(a) && isTensor(b) && a.dtype === 'bool' && b.dtype === 'bool';
    switch (op) {
      case '+':
        return tf.add(this.float(a), this.float(b));
      case '-':
        return tf.sub(this.float(a), this.float(b));
      case '*':
        return bothBool ? tf.logicalAnd(this.tensor(a), this.tensor(b)) : tf.mul(this.float(a), this.float(b));
      case '/':
        return tf.div(this.float(a), this.float(b));
      case '**':
        return tf.pow(this.float(a), this.float(b));
      case '==':
        return tf.equal(this.float(a), this.float(b));
      case '!=':
        return tf.notEqual(this.float(a), this.float(b));
      case '>':
        return tf.greater(this.float(a), this.float(b));
      case '<':
        return tf.less(this.float(a), this.float(b));
      case '>=':
        return tf.greaterEqual(this.float(a), this.float(b));
      case '<=':
        return tf.lessEqual(this.float(a), this.float(b));
      case 'and':
        return tf.logicalAnd(tf.cast(this.tensor(a), 'bool'), tf.cast(this.tensor(b), 'bool'));
      case 'or':
        return tf.logicalOr(tf.cast(this.tensor(a), 'bool'), tf.cast(this.tensor(b), 'bool'));
    }
    this.fail(`operator '${op}' is not supported`);
  }

  private reduce(fn: string, x: Value, axis: number[] | undefined, keepDims: boolean): Tensor {
    const tf = this.tf;
    const t = this.tensor(x);
    switch (fn) {
      case 'sum':
        return tf.sum(this.float(t), axis, keepDims);
      case 'mean':
        return tf.mean(this.float(t), axis, keepDims);
      case 'max':
        return tf.max(t.dtype === 'bool' ? tf.cast(t, 'float32') : t, axis, keepDims);
      case 'min':
        return tf.min(t.dtype === 'bool' ? tf.cast(t, 'float32') : t, axis, keepDims);
      case 'prod':
        return tf.prod(this.float(t), axis, keepDims);
      case 'any':
        return tf.any(tf.cast(t, 'bool'), axis, keepDims);
      case 'all':
        return tf.all(tf.cast(t, 'bool'), axis, keepDims);
    }
    this.fail(`reduction '${fn}' is not supported`);
  }

  /** An operator; TensorFlow refusing its operands (shapes that do not broadcast) is said as the layer's error. */
  private checkedBinary(op: string, left: Value, right: Value): Value {
    try {
      return this.binary(op, left, right);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      // TensorFlow's own words say what it refused; the operands' shapes say where.
      const shape = (v: Value) => (isTensor(v) ? `(${v.shape.join(', ')})` : JSON.stringify(v));
      this.fail(`${op} failed on operands of shapes ${shape(left)} and ${shape(right)}: ${tensorflowSays(error)}`);
    }
  }

  /** One backend function; TensorFlow refusing its arguments (shapes that do not fit) is said as the layer's error. */
  /**
   * tf.boolean_mask: the entries where `mask` holds, flattened over the mask's axes. Read
   * synchronously (the mask's values decide the shape); a gather, so gradients reach `x`.
   */
  private booleanMask(x: Tensor, mask: Tensor): Tensor {
    const tf = this.tf;
    if (mask.rank > x.rank || mask.shape.some((d, i) => d !== x.shape[i]))
      this.fail(
        `boolean_mask: a mask of shape (${mask.shape.join(', ')}) does not fit a tensor of shape (${x.shape.join(', ')})`,
      );
    const keep = mask.dataSync();
    const indices: number[] = [];
    for (let i = 0; i < keep.length; i++) if (keep[i]) indices.push(i);
    const flat = tf.reshape(x, [keep.length, ...x.shape.slice(mask.rank)]);
    return tf.gather(flat, tf.tensor1d(indices, 'int32'), 0);
  }

  apply(fnRaw: string, args: Value[], kwargs: Record<string, Value>): Value {
    try {
      return this.applyUnchecked(fnRaw, args, kwargs);
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      this.fail(`${fnRaw} failed: ${tensorflowSays(error)}`);
    }
  }

  private applyUnchecked(fnRaw: string, args: Value[], kwargs: Record<string, Value>): Value {
    const tf = this.tf;
    const fn = fnRaw
      .replace(/^(reduce_|math\.|K\.|tf\.|ops\.|np\.|keras\.ops\.|backend\.)/, '')
      .replace(/^reduce_/, '');
    // A function the caller supplies (a Keras loss inside the user's loss) reads its own keywords.
    const own = this.hooks?.call?.(fn, args, kwargs);
    if (own !== undefined) return own;
    // A keyword the functions below never read would be ignored silently: a wrong number, not a refusal.
    const unread = Object.keys(kwargs).find(
      (k) => !READ_KEYWORDS.has(k) && !(DENSE_DEFAULTS.has(k) && (kwargs[k] === false || kwargs[k] === null)),
    );
    if (unread !== undefined) this.fail(`${fnRaw}(): the keyword argument '${unread}' is not supported`);
    const x = args[0];
    const axisArg = this.arg(args, kwargs, 1, 'axis');
    const keep = kwargs.keepdims === true || kwargs.keep_dims === true || kwargs.keepDims === true;
    switch (fn) {
      case 'list':
      case 'tuple':
        return args;
      case 'boolean_mask':
        return this.booleanMask(this.tensor(x), this.tensor(this.arg(args, kwargs, 1, 'mask') ?? null));
      case 'sum':
      case 'mean':
      case 'max':
      case 'min':
      case 'prod':
      case 'any':
      case 'all':
        return this.reduce(fn, x, this.axes(axisArg), keep || args[2] === true);
      case 'expand_dims':
        return tf.expandDims(this.tensor(x), Number(axisArg ?? 0));
      case 'squeeze': {
        const axes = this.axes(axisArg);
        return tf.squeeze(this.tensor(x), axes);
      }
      case 'concatenate':
      case 'concat': {
        if (!Array.isArray(x)) this.fail(`${fn} expects a list of tensors`);
        return tf.concat(
          x.map((v) => this.tensor(v)),
          Number(axisArg ?? -1),
        );
      }
      case 'stack': {
        if (!Array.isArray(x)) this.fail('stack expects a list of tensors');
        return tf.stack(
          x.map((v) => this.tensor(v)),
          Number(axisArg ?? 0),
        );
      }
      case 'abs':
        return tf.abs(this.float(x));
      case 'square':
        return tf.square(this.float(x));
      case 'sqrt':
        return tf.sqrt(this.float(x));
      case 'exp':
        return tf.exp(this.float(x));
      case 'log':
        return tf.log(this.float(x));
      case 'tanh':
        return tf.tanh(this.float(x));
      case 'sigmoid':
        return tf.sigmoid(this.float(x));
      case 'relu':
        return tf.relu(this.float(x));
      case 'softmax':
        return tf.softmax(this.float(x), Number(axisArg ?? -1));
      case 'negative':
        return tf.neg(this.float(x));
      case 'sign':
        return tf.sign(this.float(x));
      case 'round':
        return tf.round(this.float(x));
      case 'floor':
        return tf.floor(this.float(x));
      case 'reshape': {
        const shape = this.intList(this.arg(args, kwargs, 1, 'shape') ?? kwargs.newshape, 'shape');
        return tf.reshape(this.tensor(x), shape);
      }
      case 'transpose':
      case 'permute_dimensions': {
        const perm = this.arg(args, kwargs, 1, fn === 'transpose' ? 'perm' : 'pattern') ?? kwargs.axes;
        return tf.transpose(
          this.tensor(x),
          perm === undefined || perm === null ? undefined : this.intList(perm, 'perm'),
        );
      }
      case 'cast': {
        const dtype = String(this.arg(args, kwargs, 1, 'dtype') ?? 'float32');
        const t = this.tensor(x);
        if (dtype === 'bool') return tf.cast(t, 'bool');
        if (/int/.test(dtype)) return tf.cast(t, 'int32');
        return tf.cast(t, 'float32');
      }
      case 'not_equal':
        return this.binary('!=', x, args[1]);
      case 'equal':
        return this.binary('==', x, args[1]);
      case 'greater':
        return this.binary('>', x, args[1]);
      case 'less':
        return this.binary('<', x, args[1]);
      case 'greater_equal':
        return this.binary('>=', x, args[1]);
      case 'less_equal':
        return this.binary('<=', x, args[1]);
      case 'add':
        return this.binary('+', x, args[1]);
      case 'subtract':
        return this.binary('-', x, args[1]);
      case 'multiply':
        return this.binary('*', x, args[1]);
      case 'divide':
        return this.binary('/', x, args[1]);
      case 'logical_and':
        return tf.logicalAnd(tf.cast(this.tensor(x), 'bool'), tf.cast(this.tensor(args[1]), 'bool'));
      case 'logical_or':
        return tf.logicalOr(tf.cast(this.tensor(x), 'bool'), tf.cast(this.tensor(args[1]), 'bool'));
      case 'logical_not':
        return tf.logicalNot(tf.cast(this.tensor(x), 'bool'));
      case 'maximum':
        return tf.maximum(this.float(x), this.float(args[1]));
      case 'minimum':
        return tf.minimum(this.float(x), this.float(args[1]));
      case 'clip':
      case 'clip_by_value':
        return tf.clipByValue(
          this.float(x),
          Number(this.arg(args, kwargs, 1, 'min_value') ?? kwargs.x_min ?? kwargs.clip_value_min),
          Number(this.arg(args, kwargs, 2, 'max_value') ?? kwargs.x_max ?? kwargs.clip_value_max),
        );
      case 'reverse':
      case 'flip':
        // keras.backend.reverse(x, axes) names its axis argument `axes`.
        return tf.reverse(this.tensor(x), this.axes(axisArg ?? kwargs.axes));
      case 'cumsum':
        return tf.cumsum(this.float(x), Number(axisArg ?? 0));
      // Keras 3 records convert_to_tensor on a propagated mask (Attention's query mask).
      case 'convert_to_tensor':
        return tf.clone(this.tensor(x));
      case 'zeros':
      case 'ones': {
        // Every tensor MaskLens runs is float32, whatever `dtype=` says.
        const shape = this.intList(this.arg(args, kwargs, 0, 'shape'), `${fn}()'s shape`);
        return fn === 'zeros' ? tf.zeros(shape) : tf.ones(shape);
      }
      case 'ones_like':
        return tf.onesLike(this.tensor(x));
      case 'zeros_like':
        return tf.zerosLike(this.tensor(x));
      case 'l2_normalize':
      case 'normalize': {
        const t = this.float(x);
        const axes = this.axes(axisArg) ?? [-1];
        const sq = tf.sum(tf.square(t), axes, true);
        return tf.mul(t, tf.rsqrt(tf.maximum(sq, 1e-12)));
      }
      case 'tile':
        return tf.tile(
          this.tensor(x),
          this.intList(this.arg(args, kwargs, 1, 'multiples') ?? kwargs.reps, 'multiples'),
        );
      case 'repeat': {
        const n = Number(this.arg(args, kwargs, 1, 'repeats') ?? kwargs.n);
        const t = this.tensor(x);
        if (axisArg === undefined || axisArg === null) this.fail('repeat needs an axis');
        const axis = axisOf(Number(this.arg(args, kwargs, 2, 'axis')), t.rank);
        const reps = t.shape.map((_, i) => (i === axis + 1 ? n : 1));
        const expanded = tf.tile(tf.expandDims(t, axis + 1), reps);
        return tf.reshape(
          expanded,
          t.shape.map((d, i) => (i === axis ? d * n : d)),
        );
      }
      case 'repeat_elements': {
        const t = this.tensor(x);
        const n = Number(this.arg(args, kwargs, 1, 'rep'));
        const axis = axisOf(Number(this.arg(args, kwargs, 2, 'axis')), t.rank);
        const reps = t.shape.map((_, i) => (i === axis + 1 ? n : 1));
        return tf.reshape(
          tf.tile(tf.expandDims(t, axis + 1), reps),
          t.shape.map((d, i) => (i === axis ? d * n : d)),
        );
      }
      case 'where':
        return tf.where(tf.cast(this.tensor(x), 'bool'), this.float(args[1]), this.float(args[2]));
      case 'matmul':
      case 'dot':
        return this.matmul(
          this.float(x),
          this.float(args[1]),
          kwargs.transpose_a === true,
          kwargs.transpose_b === true,
        );
      case 'batch_dot':
        return this.batchDot(this.float(x), this.float(args[1]), this.arg(args, kwargs, 2, 'axes'));
      case 'einsum': {
        if (typeof x !== 'string') this.fail('einsum needs its equation first');
        return tf.einsum(x, ...args.slice(1).map((t) => this.float(t)));
      }
      case 'pow':
        return tf.pow(this.float(x), this.float(args[1]));
      case 'softplus':
        return tf.softplus(this.float(x));
      case 'elu':
        return tf.elu(this.float(x));
      case 'selu':
        return tf.selu(this.float(x));
      case 'silu':
        return tf.mul(this.float(x), tf.sigmoid(this.float(x)));
      case 'gelu':
        return this.gelu(this.float(x), kwargs.approximate === true);
      case 'leaky_relu':
        return tf.leakyRelu(this.float(x), Number(this.arg(args, kwargs, 1, 'negative_slope') ?? kwargs.alpha ?? 0.2));
      case 'log_softmax':
        return tf.logSoftmax(this.float(x), Number(axisArg ?? -1));
      case 'rsqrt':
        return tf.rsqrt(this.float(x));
      case 'std':
        return tf.sqrt(tf.moments(this.float(x), this.axes(axisArg), keep).variance);
      case 'argmax':
        return tf.argMax(this.tensor(x), Number(axisArg ?? -1));
      case 'argmin':
        return tf.argMin(this.tensor(x), Number(axisArg ?? -1));
      case 'divide_no_nan': {
        const b = this.float(args[1]);
        return tf.where(tf.equal(b, 0), tf.zerosLike(b), tf.div(this.float(x), b));
      }
      case 'take': {
        // ops.take(table, ids, axis=0) / tf.gather / tf.nn.embedding_lookup(table, ids): ids are integers.
        const ids = this.tensor(args[1] ?? kwargs.indices ?? kwargs.ids ?? null);
        return tf.gather(
          this.tensor(x),
          ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'),
          Number(this.arg(args, kwargs, 2, 'axis') ?? 0),
        );
      }
      case 'split':
      case 'split_at': {
        const t = this.tensor(x);
        const parts = this.arg(args, kwargs, 1, fn === 'split' ? 'num_or_size_splits' : 'indices_or_sections');
        const axis = axisOf(Number(this.arg(args, kwargs, 2, 'axis') ?? 0), t.rank);
        if (typeof parts === 'number') return tf.split(t, parts, axis);
        const given = this.intList(parts, fn === 'split' ? 'split sizes' : 'split indices');
        const length = t.shape[axis] ?? 0;
        return tf.split(t, fn === 'split' ? sizesFromSizes(given, length) : sizesFromIndices(given, length), axis);
      }
      case 'unstack':
        return tf.unstack(this.tensor(x), Number(axisArg ?? 0));
      case 'arange': {
        // arange(stop), arange(start, stop), arange(start=0, stop=n, step=1): with no stop, start is the stop.
        const first = kwargs.start !== undefined ? kwargs.start : args[0];
        const second = kwargs.stop !== undefined ? kwargs.stop : kwargs.start !== undefined ? undefined : args[1];
        const [start, stop] =
          second === undefined || second === null ? [0, Number(first)] : [Number(first ?? 0), Number(second)];
        return tf.range(start, stop, Number(kwargs.step ?? args[2] ?? 1), 'int32');
      }
      case 'broadcast_to':
        return tf.broadcastTo(this.tensor(x), this.intList(this.arg(args, kwargs, 1, 'shape'), 'shape'));

      case 'shape':
        return this.tensor(x).shape;
      case 'ndim':
        return this.tensor(x).rank;
      case 'batch_flatten': {
        const t = this.tensor(x);
        return tf.reshape(t, [t.shape[0] ?? -1, -1]);
      }
      case 'len':
        return Array.isArray(x) ? x.length : this.tensor(x).shape[0];
    }
    this.fail(`function '${fnRaw}' is not supported in Lambda bodies yet`);
  }

  evaluate(expr: LambdaExpr, params: Value[]): Value {
    switch (expr.op) {
      case 'param':
        if (expr.index >= params.length)
          this.fail(`refers to parameter ${expr.index}, but only ${params.length} are bound`);
        return params[expr.index];
      case 'const':
        return expr.value;
      case 'slice': {
        const target = this.evaluate(expr.target, params);
        if (target === null)
          this.fail(
            "TypeError: 'NoneType' object is not subscriptable (the value sliced is None: no mask reaches this layer)",
          );
        if (Array.isArray(target)) {
          const [item] = expr.items;
          if (expr.items.length === 1 && item.kind === 'index')
            return target[item.index < 0 ? item.index + target.length : item.index];
          if (expr.items.length === 1 && item.kind === 'range') {
            const { start, stop, step } = item;
            const n = target.length;
            const s = step ?? 1;
            const out: Value[] = [];
            const a = start === null ? 0 : start < 0 ? start + n : start;
            const b = stop === null ? n : stop < 0 ? stop + n : stop;
            for (let i = a; s > 0 ? i < b : i > b; i += s) out.push(target[i]);
            return out;
          }
          this.fail('only simple indexing of lists is supported');
        }
        return sliceTensor(this.tf, this.tensor(target), expr.items, this.who);
      }
      case 'binary':
        return this.checkedBinary(expr.operator, this.evaluate(expr.left, params), this.evaluate(expr.right, params));
      case 'cond':
        return this.evaluate(this.truth(this.evaluate(expr.test, params)) ? expr.then : expr.else, params);
      case 'isNone':
        return this.evaluate(expr.operand, params) === null;
      case 'self':
        return this.hook().self(expr.name);
      case 'layer': {
        const args = expr.args.map((a) => this.evaluate(a, params));
        const kwargs: Record<string, Value> = {};
        for (const [k, v] of Object.entries(expr.kwargs)) kwargs[k] = this.evaluate(v, params);
        return this.hook().layer(expr.name, args, kwargs);
      }
      case 'unary': {
        const v = this.evaluate(expr.operand, params);
        if (expr.operator === '-') return typeof v === 'number' ? -v : this.tf.neg(this.float(v));
        return typeof v === 'boolean' || typeof v === 'number'
          ? !v
          : this.tf.logicalNot(this.tf.cast(this.tensor(v), 'bool'));
      }
      case 'call': {
        if (expr.fn === 'add_weight') {
          // The initializer stays in Keras' serialised form.
          const given: Record<string, Value | JsonValue> = {};
          for (const [k, v] of Object.entries(expr.kwargs)) given[k] = isExpr(v) ? this.evaluate(v, params) : v;
          return this.hook().addWeight(given);
        }
        const args = expr.args.map((a) => this.evaluate(a, params));
        const kwargs: Record<string, Value> = {};
        for (const [k, v] of Object.entries(expr.kwargs))
          kwargs[k] = isExpr(v) ? this.evaluate(v, params) : this.json(v);
        return this.apply(expr.fn, args, kwargs);
      }
    }
  }

  asTensor(v: Value): Tensor {
    return this.tensor(v);
  }

  /** `tf.matmul` / `ops.matmul`: batched when ranks match, a (…, k) × (k, n) product otherwise. */
  private matmul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
    const tf = this.tf;
    if (a.rank === b.rank || b.rank !== 2 || transposeA) return tf.matMul(a, b, transposeA, transposeB);
    const k = a.shape[a.rank - 1];
    const flat = tf.reshape(a, [-1, k]);
    const product = tf.matMul(flat, b, false, transposeB);
    return tf.reshape(product, [...a.shape.slice(0, -1), product.shape[1] ?? 1]);
  }

  /**
   * `K.batch_dot(a, b, axes)` on (batch, i, j) tensors: the axes summed over, as a batched
   * matmul with the operands transposed to put them last / first.
   */
  private batchDot(a: Tensor, b: Tensor, axes: Value | undefined): Tensor {
    const [ax, bx] = Array.isArray(axes)
      ? axes.map(Number)
      : axes === undefined || axes === null
        ? [a.rank - 1, b.rank - 2]
        : [Number(axes), Number(axes)];
    if (a.rank !== 3 || b.rank !== 3) this.fail('batch_dot is run on rank-3 tensors only');
    const lastA = ax === -1 || ax === 2;
    const firstB = bx === 1 || bx === -2;
    if (!(lastA || ax === 1) || !(firstB || bx === 2 || bx === -1))
      this.fail(`batch_dot over axes ${JSON.stringify(axes)} is not supported`);
    return this.tf.matMul(a, b, !lastA, !firstB);
  }

  /** Keras' gelu: exact (erf) by default, the tanh form with approximate=True. */
  private gelu(x: Tensor, approximate: boolean): Tensor {
    const tf = this.tf;
    if (approximate) {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
  }
}

function bindParams(fn: LambdaFunction, positional: Value[], named: Record<string, JsonValue>): Value[] {
  return fn.params.map((p, i) => (i < positional.length ? positional[i] : ((named[p] as Value | undefined) ?? null)));
}

export class Lambda extends RuntimeLayer {
  ir: LambdaIR | null = null;

  private fnOrFail(): LambdaFunction {
    if (!this.ir) {
      this.fail(
        'its function is Python bytecode in the config and no translated expression was given (parse the source file to get it)',
        'lambda',
      );
    }
    if (!this.ir.fn) this.fail('its body could not be translated into an expression MaskLens can run', 'lambda');
    return this.ir.fn;
  }

  override build(): void {
    this.fnOrFail();
  }

  private named(): Record<string, JsonValue> {
    const a = this.config.arguments;
    return a && typeof a === 'object' && !Array.isArray(a) ? a : {};
  }

  override outputShape(inputShapes: Shape[]): Shape {
    return inputShapes[0];
  }

  call(inputs: Tensor[], _m: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const fn = this.fnOrFail();
    const ev = new ExprEvaluator(ctx.tf, this.name);
    const x: Value = extra.inputIsList ? inputs : inputs[0];
    const out = ev.evaluate(fn.body, bindParams(fn, [x], this.named()));
    const t = ev.asTensor(out);
    return t.dtype === 'float32' || t.dtype === 'bool' ? t : ctx.tf.cast(t, 'float32');
  }

  /** Keras' Lambda.compute_mask: `mask(inputs, previous_mask)` if callable, else the constant (None by default). */
  lambdaMask(
    inputs: Tensor[],
    previous: Tensor | null | (Tensor | null)[],
    ctx: CallContext,
    inputIsList = false,
  ): Tensor | null {
    const spec = this.ir?.mask ?? { kind: 'none' as const };
    if (spec.kind === 'none') return null;
    const tf = ctx.tf;
    if (spec.kind === 'constant') {
      if (spec.value === null) return null;
      return tf.cast(tf.tensor(spec.value as number[]), 'bool');
    }
    const ev = new ExprEvaluator(tf, this.name);
    const x: Value = inputIsList ? inputs : inputs[0];
    const out = ev.evaluate(spec.fn.body, bindParams(spec.fn, [x, previous], {}));
    if (out === null) return null;
    return tf.cast(ev.asTensor(out), 'bool');
  }

  /** If the body is a slice of its input, the same slice of `mask` over the mask's axes (else null). */
  sliceLike(mask: Tensor, tf: Tf): Tensor | null {
    const body = this.ir?.fn?.body;
    if (!body || body.op !== 'slice' || body.target.op !== 'param' || body.target.index !== 0) return null;
    const items: SliceItem[] = [];
    let axes = 0;
    for (const item of body.items) {
      if (item.kind === 'ellipsis' || item.kind === 'newaxis') return null;
      if (axes++ < mask.rank) items.push(item);
    }
    if (items.some((i) => i.kind === 'index')) return null;
    try {
      return sliceTensor(tf, mask, items, this.name);
    } catch {
      return null;
    }
  }
}

/** TensorFlow's own words: tfjs-node puts them after "Message: ", under a bare status line ("Invalid TF_Status: 3"). */
function tensorflowSays(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (/Message: (.*)/.exec(text)?.[1] ?? text.split('\n')[0]).trim();
}
