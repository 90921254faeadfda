import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaIR } from '../../src/core/ir';
import { analyze, find, model, textAt } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\nimport keras.backend as K\nimport tensorflow as tf\nN = 5\n';

async function lambdaOf(
  expr: string,
  extra = '',
): Promise<{ ir: LambdaIR; text: string; diagnostics: ReturnType<typeof model>['diagnostics'] }> {
  const text = `${HEAD}${extra}m = keras.Sequential([layers.Masking(input_shape=(20, 3)), layers.Lambda(${expr})])\n`;
  const a = await analyze(text);
  const m = model(a, 'm');
  return { ir: m.ir.lambdas.lambda, text, diagnostics: m.diagnostics };
}

test('a time slice with a name from the file folds to constants', async () => {
  const { ir } = await lambdaOf('lambda x: x[:, N:, :]');
  assert.deepEqual(ir.fn?.params, ['x']);
  assert.deepEqual(ir.fn?.body, {
    op: 'slice',
    target: { op: 'param', index: 0 },
    items: [
      { kind: 'range', start: null, stop: null, step: null },
      { kind: 'range', start: 5, stop: null, step: null },
      { kind: 'range', start: null, stop: null, step: null },
    ],
  });
  assert.equal(ir.fn?.source, 'lambda x: x[:, N:, :]');
  assert.deepEqual(ir.mask, { kind: 'none' });
});

test('indices, ellipsis, newaxis and negative steps', async () => {
  const { ir } = await lambdaOf('lambda x: x[..., -1, None, ::-2]');
  assert.deepEqual(ir.fn?.body, {
    op: 'slice',
    target: { op: 'param', index: 0 },
    items: [
      { kind: 'ellipsis' },
      { kind: 'index', index: -1 },
      { kind: 'newaxis' },
      { kind: 'range', start: null, stop: null, step: -2 },
    ],
  });
});

test('arithmetic and backend calls are normalised', async () => {
  const { ir } = await lambdaOf('lambda x: K.sum(x * 2.0 - 1, axis=-1, keepdims=True) / tf.reduce_mean(x)');
  assert.deepEqual(ir.fn?.body, {
    op: 'binary',
    operator: '/',
    left: {
      op: 'call',
      fn: 'sum',
      args: [
        {
          op: 'binary',
          operator: '-',
          left: { op: 'binary', operator: '*', left: { op: 'param', index: 0 }, right: { op: 'const', value: 2 } },
          right: { op: 'const', value: 1 },
        },
      ],
      kwargs: { axis: -1, keepdims: true },
    },
    right: { op: 'call', fn: 'mean', args: [{ op: 'param', index: 0 }], kwargs: {} },
  });
});

test('keras.ops and tf.math spellings', async () => {
  const { ir } = await lambdaOf('lambda x: keras.ops.expand_dims(tf.math.exp(-x), -1)');
  assert.deepEqual(ir.fn?.body, {
    op: 'call',
    fn: 'expand_dims',
    args: [
      { op: 'call', fn: 'exp', args: [{ op: 'unary', operator: '-', operand: { op: 'param', index: 0 } }], kwargs: {} },
      { op: 'const', value: -1 },
    ],
    kwargs: {},
  });
});

test('a def in the same file, with a docstring and a local assignment', async () => {
  const { ir } = await lambdaOf(
    'cut',
    'def cut(x):\n    """Drop the warm-up steps."""\n    start = N + 1\n    return x[:, start:]\n',
  );
  assert.deepEqual(ir.fn?.params, ['x']);
  assert.deepEqual(ir.fn?.body, {
    op: 'slice',
    target: { op: 'param', index: 0 },
    items: [
      { kind: 'range', start: null, stop: null, step: null },
      { kind: 'range', start: 6, stop: null, step: null },
    ],
  });
});

test('mask= as a callable is kept as a LambdaMaskSpec', async () => {
  const { ir } = await lambdaOf('lambda x: x[:, N:, :], mask=lambda inputs, previous_mask: previous_mask[:, N:]');
  assert.equal(ir.mask.kind, 'callable');
  if (ir.mask.kind !== 'callable') return;
  assert.deepEqual(ir.mask.fn.params, ['inputs', 'previous_mask']);
  assert.deepEqual(ir.mask.fn.body, {
    op: 'slice',
    target: { op: 'param', index: 1 },
    items: [
      { kind: 'range', start: null, stop: null, step: null },
      { kind: 'range', start: 5, stop: null, step: null },
    ],
  });
});

test('mask= through a variable and as a constant', async () => {
  const viaName = await lambdaOf('lambda x: x, mask=keep', 'keep = lambda inputs, previous_mask: previous_mask\n');
  assert.equal(viaName.ir.mask.kind, 'callable');
  const constant = await lambdaOf('lambda x: x, mask=None');
  assert.deepEqual(constant.ir.mask, { kind: 'none' });
});

test('what cannot be translated is a located diagnostic', async () => {
  const { ir, text, diagnostics } = await lambdaOf('lambda x: my_helper(x)[:, 1:]');
  assert.equal(ir.fn, null);
  const d = find(diagnostics, 'unsupported-construct');
  assert.equal(textAt(text, d.range), 'my_helper');
  assert.equal(d.severity, 'warning');
});

test('slice bounds the source does not fix are reported where they are', async () => {
  const { ir, text, diagnostics } = await lambdaOf('lambda x: x[:, offset:, :]', 'offset = compute()\n');
  assert.equal(ir.fn, null);
  assert.equal(textAt(text, find(diagnostics, 'unsupported-construct').range), 'offset');
});

test("Python's builtin abs() translates; a def named abs in the file is not mistaken for it", async () => {
  const builtin = await lambdaOf('lambda t: abs(t)');
  assert.deepEqual(builtin.ir.fn?.body, { op: 'call', fn: 'abs', args: [{ op: 'param', index: 0 }], kwargs: {} });
  const shadowed = await lambdaOf('lambda t: abs(t)', 'def abs(v):\n    return v\n');
  assert.notDeepEqual(shadowed.ir.fn?.body, builtin.ir.fn?.body);
});
