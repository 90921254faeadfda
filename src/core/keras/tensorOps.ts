/**
 * Tensor operations on symbolic tensors that code uses to build masks by hand
 * (`mask = tf.math.not_equal(inputs, 0)`, `keras.ops.any(x != pad, axis=-1)`), which the
 * reader must follow so a `mask=` argument made of them reaches the layer it is given to, as
 * in Keras:
 *
 * - Keras 3 records a Keras operation in the functional graph (`NotEqual`, `Any`, ...), and
 *   raises on a TensorFlow function given a KerasTensor;
 * - tf.keras 2 wraps the TensorFlow function in a `TFOpLambda` layer named after it
 *   (`tf.math.not_equal`), which takes no mask;
 * - in a subclassed model's `call`, which Keras runs on real tensors, the reader records the
 *   operation in the graph it traces, in either family.
 *
 * Only the operations below are followed; any other stays unknown, as before.
 */
import type { JsonObject, JsonValue } from '../ir';
import type { CallArgs } from '../objects/arguments';
import type { Ctx } from '../objects/context';
import { snake } from '../layers/kerasObjects';
import { callLayer } from './layerCall';
import { newLayer } from './layers';
import {
  collectArgTensors,
  graphEpoch,
  type ArgTree,
  type NodeObj,
  type Shape,
  type TensorObj,
} from '../objects/modelObjects';
import { rangeOf, type Syntax } from '../python/syntax';
import { asString, toJson, type Value } from '../objects/values';

interface TensorOp {
  /** Keras 3's operation class, and its module (what a functional config records). */
  keras3: string;
  module: string;
  /** TensorFlow's canonical symbol, after which tf.keras names its TFOpLambda (`tf.math.not_equal`). */
  tf: string;
  /** A second operand (`y`), passed as an argument of the node. */
  operand: boolean;
  /** Parameters Keras 3 keeps in the operation's config, with their defaults. */
  config: JsonObject;
  dtype: 'bool' | 'float32' | 'input' | 'config';
  shape: 'elementwise' | 'reduce' | 'expand' | 'reshape';
}

const NUMPY = 'keras.src.ops.numpy';
const compare = (keras3: string, tf: string): TensorOp => ({
  keras3,
  module: NUMPY,
  tf,
  operand: true,
  config: {},
  dtype: 'bool',
  shape: 'elementwise',
});
const reduce = (keras3: string, tf: string, dtype: 'bool' | 'float32'): TensorOp => ({
  keras3,
  module: NUMPY,
  tf,
  operand: false,
  config: { axis: null, keepdims: false },
  dtype,
  shape: 'reduce',
});

const unaryOp = (keras3: string, module: string, tf: string): TensorOp => ({
  keras3,
  module,
  tf,
  operand: false,
  config: {},
  dtype: 'input',
  shape: 'elementwise',
});
const arithmetic = (keras3: string, tf: string): TensorOp => ({
  keras3,
  module: NUMPY,
  tf,
  operand: true,
  config: {},
  dtype: 'input',
  shape: 'elementwise',
});

const OPS: Record<string, TensorOp> = {
  sigmoid: unaryOp('Sigmoid', 'keras.src.ops.nn', 'math.sigmoid'),
  tanh: unaryOp('Tanh', NUMPY, 'math.tanh'),
  exp: unaryOp('Exp', NUMPY, 'math.exp'),
  log: unaryOp('Log', NUMPY, 'math.log'),
  abs: unaryOp('Absolute', NUMPY, 'math.abs'),
  square: unaryOp('Square', NUMPY, 'math.square'),
  sqrt: unaryOp('Sqrt', NUMPY, 'math.sqrt'),
  add: arithmetic('Add', 'math.add'),
  subtract: arithmetic('Subtract', 'math.subtract'),
  multiply: arithmetic('Multiply', 'math.multiply'),
  divide: arithmetic('Divide', 'math.divide'),
  reshape: {
    keras3: 'Reshape',
    module: NUMPY,
    tf: 'reshape',
    operand: false,
    config: { newshape: null },
    dtype: 'input',
    shape: 'reshape',
  },
  not_equal: compare('NotEqual', 'math.not_equal'),
  equal: compare('Equal', 'math.equal'),
  greater: compare('Greater', 'math.greater'),
  less: compare('Less', 'math.less'),
  greater_equal: compare('GreaterEqual', 'math.greater_equal'),
  less_equal: compare('LessEqual', 'math.less_equal'),
  logical_and: compare('LogicalAnd', 'math.logical_and'),
  logical_or: compare('LogicalOr', 'math.logical_or'),
  logical_not: {
    keras3: 'LogicalNot',
    module: NUMPY,
    tf: 'math.logical_not',
    operand: false,
    config: {},
    dtype: 'bool',
    shape: 'elementwise',
  },
  cast: {
    keras3: 'Cast',
    module: 'keras.src.ops.core',
    tf: 'cast',
    operand: false,
    config: { dtype: 'float32' },
    dtype: 'config',
    shape: 'elementwise',
  },
  any: reduce('Any', 'math.reduce_any', 'bool'),
  all: reduce('All', 'math.reduce_all', 'bool'),
  sum: reduce('Sum', 'math.reduce_sum', 'float32'),
  mean: reduce('Mean', 'math.reduce_mean', 'float32'),
  expand_dims: {
    keras3: 'ExpandDims',
    module: NUMPY,
    tf: 'expand_dims',
    operand: false,
    config: { axis: 0 },
    dtype: 'input',
    shape: 'expand',
  },
};

/** Python's comparison operators on a tensor, as the operations Keras turns them into. */
const COMPARISONS: Record<string, string> = {
  '!=': 'not_equal',
  '==': 'equal',
  '>': 'greater',
  '<': 'less',
  '>=': 'greater_equal',
  '<=': 'less_equal',
};
/** tf.keras: `!=` and `==` dispatch to TensorFlow's operator symbols, the others to the tf.math functions. */
const TF_OPERATORS: Record<string, string> = { '!=': '__operators__.ne', '==': '__operators__.eq' };

/** The operation a canonical name calls, and where it comes from; null when the reader does not follow it. */
function opOf(qual: string): { key: string; from: 'tensorflow' | 'keras' } | null {
  const parts = qual.split('.');
  const key = (parts[parts.length - 1] ?? '').replace(/^reduce_/, '');
  if (!Object.hasOwn(OPS, key)) return null;
  if (parts[0] === 'tensorflow' && (parts.length === 2 || (parts.length === 3 && parts[1] === 'math')))
    return { key, from: 'tensorflow' };
  if (parts[0] === 'keras' && parts[1] === 'ops') return { key, from: 'keras' };
  return null;
}

function shapeAfter(op: TensorOp, input: Shape | null, config: JsonObject): Shape | null {
  if (!input) return null;
  const rank = input.length;
  const at = (axis: number, n: number): number => (axis < 0 ? axis + n : axis);
  if (op.shape === 'elementwise') return [...input];
  if (op.shape === 'reshape') return reshaped(input, config.newshape);
  if (op.shape === 'expand') {
    const axis = typeof config.axis === 'number' ? at(config.axis, rank + 1) : 0;
    return [...input.slice(0, axis), 1, ...input.slice(axis)];
  }
  const axes =
    typeof config.axis === 'number'
      ? [config.axis]
      : Array.isArray(config.axis)
        ? config.axis.filter((a): a is number => typeof a === 'number')
        : null;
  if (!axes) return config.keepdims === true ? input.map(() => 1) : [];
  const drop = new Set(axes.map((a) => at(a, rank)));
  return config.keepdims === true ? input.map((d, i) => (drop.has(i) ? 1 : d)) : input.filter((_, i) => !drop.has(i));
}

/** The shape `reshape` gives: the sizes written, a -1 (the batch, or what is left) unknown. */
function reshaped(input: Shape, newshape: JsonValue | undefined): Shape | null {
  if (!Array.isArray(newshape) || !newshape.every((d) => typeof d === 'number')) return null;
  void input;
  return newshape.map((d) => (d === -1 ? null : d));
}

function dtypeAfter(op: TensorOp, input: TensorObj, config: JsonObject): string {
  if (op.dtype === 'input') return input.dtype;
  if (op.dtype === 'config') return typeof config.dtype === 'string' ? config.dtype : 'float32';
  return op.dtype;
}

/** A Keras 3 operation node (also what a traced `call` records in either family). */
function operationNode(
  ctx: Ctx,
  op: TensorOp,
  input: TensorObj,
  operand: Value | undefined,
  config: JsonObject,
  at: Syntax,
): Value {
  const layer = newLayer(ctx, op.keras3, null, true);
  ctx.layers.pop(); // an operation, not a layer of the file
  layer.op = true;
  layer.module = op.module;
  layer.range = rangeOf(at);
  layer.config = { name: ctx.namer.unique(snake(op.keras3)), ...config };
  const args: ArgTree[] = [{ t: 'tensor', tensor: input }];
  if (op.operand)
    args.push(
      operand?.t === 'tensor'
        ? { t: 'tensor', tensor: operand.tensor }
        : { t: 'json', value: (operand && toJson(operand)) ?? null },
    );
  const inputs: TensorObj[] = [];
  for (const a of args) collectArgTensors(a, inputs);
  const node: NodeObj = {
    layer,
    index: 0,
    args,
    kwargs: [],
    inputs,
    maskArgs: [],
    outputs: [],
    range: layer.range,
    isInput: false,
  };
  node.outputs.push({
    node,
    index: 0,
    shape: shapeAfter(op, input.shape, config),
    dtype: dtypeAfter(op, input, config),
    symMask: null,
  });
  layer.nodes.push(node);
  graphEpoch.value++;
  return { t: 'tensor', tensor: node.outputs[0] };
}

/** tf.keras 2's TFOpLambda: a layer named after the TensorFlow symbol, called on the arguments as written. */
function tfOpLambda(ctx: Ctx, op: TensorOp, input: TensorObj, config: JsonObject, args: CallArgs): Value {
  const layer = newLayer(ctx, 'TFOpLambda', args.node, true);
  // Keras: backend.unique_object_name('tf.' + symbol, zero_based=True): tf.math.not_equal, then _1.
  layer.config = { name: ctx.namer.unique(`tf.${op.tf}`), trainable: true, dtype: 'float32', function: op.tf };
  const out = callLayer(ctx, layer, args);
  if (out.t === 'tensor') {
    out.tensor.shape = shapeAfter(op, input.shape, config);
    out.tensor.dtype = dtypeAfter(op, input, config);
  }
  return out;
}

/** The operation's config from a call's arguments (after the tensor and any operand). */
function configOf(op: TensorOp, args: CallArgs): JsonObject {
  const config: JsonObject = { ...op.config };
  const names = Object.keys(op.config);
  const positional = args.pos.slice(op.operand ? 2 : 1);
  names.forEach((name, i) => {
    const v = args.kw.get(name) ?? (name === 'keepdims' ? args.kw.get('keep_dims') : undefined) ?? positional[i];
    if (v === undefined) return;
    const j =
      name === 'dtype'
        ? (asString(v) ?? (v.t === 'ref' ? (v.qual.split('.').pop() ?? null) : null))
        : (toJson(v) ?? null);
    config[name] = j as JsonValue;
  });
  return config;
}

/**
 * `tf.math.not_equal(x, 0)`, `keras.ops.any(m, axis=-1)`, ... on a symbolic tensor: the
 * operation as the family records it; null when the call is not one the reader follows.
 */
export function tensorOperation(ctx: Ctx, qual: string, args: CallArgs): Value | null {
  const found = opOf(qual);
  const first = args.pos[0] ?? args.kw.get('x') ?? args.kw.get('input_tensor') ?? args.kw.get('input');
  // In a traced call() Keras runs on real tensors: converting a float tensor to one changes nothing.
  if (ctx.tracing > 0 && /^tensorflow\.convert_to_tensor$|^keras\.ops\.convert_to_tensor$/.test(qual)) {
    const value = args.pos[0] ?? args.kw.get('value') ?? args.kw.get('x');
    const dtype = args.pos[1] ?? args.kw.get('dtype');
    const float = !dtype || (dtype.t === 'ref' && dtype.qual.endsWith('float32')) || asString(dtype) === 'float32';
    if (value?.t === 'tensor' && float && value.tensor.dtype === 'float32') return value;
  }
  if (!found || first?.t !== 'tensor') return null;
  const op = OPS[found.key];
  const operand = op.operand ? (args.pos[1] ?? args.kw.get('y')) : undefined;
  const config = configOf(op, args);
  if (ctx.tracing > 0) return operationNode(ctx, op, first.tensor, operand, config, args.node);
  if (found.from === 'tensorflow' && ctx.family === 'keras3') {
    const label = `Keras ${ctx.version}`;
    ctx.report(
      'keras-error',
      'error',
      `${label} raises ValueError: A KerasTensor cannot be used as input to a TensorFlow function — \`${args.node.text.split('(')[0]}\` gets a symbolic Keras tensor here. Use the Keras operation (keras.ops.${found.key}) instead. MaskLens stops reading this code path here, as Python would. (${label})`,
      rangeOf(args.node),
    );
    return ctx.evaluator.raise();
  }
  if (ctx.family === 'tf-keras2') return tfOpLambda(ctx, op, first.tensor, config, args);
  return operationNode(ctx, op, first.tensor, operand, config, args.node);
}

/** Python's arithmetic operators on tensors, as the operations Keras 3 records. */
const ARITHMETIC: Record<string, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };

/**
 * `a * b`, `x + 1`, `2 * x` on tensors inside a traced `call()`, which Keras runs on real
 * tensors: the operation, recorded in the traced graph. Elsewhere (a functional model's
 * symbolic tensors) null: the reader does not follow them.
 */
export function tensorArithmetic(ctx: Ctx, operator: string, left: Value, right: Value, at: Syntax): Value | null {
  const key = ARITHMETIC[operator];
  if (!key || ctx.tracing === 0) return null;
  const op = OPS[key];
  if (left.t === 'tensor' && (right.t === 'tensor' || right.t === 'num'))
    return operationNode(ctx, op, left.tensor, right, {}, at);
  // A number on the left: only where the order does not matter.
  if (right.t === 'tensor' && left.t === 'num' && (key === 'add' || key === 'multiply'))
    return operationNode(ctx, op, right.tensor, left, {}, at);
  return null;
}

/** `x != 0`, `mask == 1`, ... with a symbolic tensor on the left: the comparison operation; null otherwise. */
export function tensorComparison(ctx: Ctx, operator: string, left: Value, right: Value, at: Syntax): Value | null {
  const key = COMPARISONS[operator];
  if (!key || left.t !== 'tensor' || right.t === 'unknown') return null;
  const op = OPS[key];
  if (ctx.tracing > 0 || ctx.family === 'keras3') return operationNode(ctx, op, left.tensor, right, {}, at);
  // tf.keras: KerasTensor.__ne__ dispatches to tf.math.not_equal, a TFOpLambda on (x, y).
  const args: CallArgs = {
    pos: [left, right],
    posNodes: [],
    kw: new Map(),
    kwNodes: new Map(),
    kwNameNodes: new Map(),
    starred: false,
    node: at,
    argList: null,
  };
  const symbol = TF_OPERATORS[operator];
  return tfOpLambda(ctx, symbol ? { ...op, tf: symbol } : op, left.tensor, {}, args);
}
