import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, codes, model } from './helpers';

const HEAD = 'import keras\nfrom keras import layers\nimport keras.backend as K\n';

async function lambdaOf(defs: string, call: string) {
  const text = `${HEAD}${defs}a = keras.Input(shape=(4,))\nb = keras.Input(shape=(4,))\nm = keras.Model([a, b], layers.Lambda(${call})([a, b]))\n`;
  const m = model(await analyze(text), 'm');
  return { ir: m.ir.lambdas.lambda, diagnostics: m.diagnostics };
}

test('a Lambda function calling a helper the file defines: the helper is inlined with its arguments and defaults', async () => {
  const defs =
    'def distance(left, right, scale=2.0):\n    return K.exp(-scale * K.sum(K.abs(left - right), axis=1, keepdims=True))\n\ndef similarity(vectors):\n    left, right = vectors\n    return distance(left, right)\n';
  const { ir, diagnostics } = await lambdaOf(defs, 'similarity');
  assert.ok(ir.fn, 'the Lambda was not translated');
  const item = (i: number) => ({
    op: 'slice',
    target: { op: 'param', index: 0 },
    items: [{ kind: 'index', index: i }],
  });
  assert.deepEqual(ir.fn.body, {
    op: 'call',
    fn: 'exp',
    args: [
      {
        op: 'binary',
        operator: '*',
        left: { op: 'unary', operator: '-', operand: { op: 'const', value: 2 } },
        right: {
          op: 'call',
          fn: 'sum',
          args: [
            {
              op: 'call',
              fn: 'abs',
              args: [{ op: 'binary', operator: '-', left: item(0), right: item(1) }],
              kwargs: {},
            },
          ],
          kwargs: { axis: 1, keepdims: true },
        },
      },
    ],
    kwargs: {},
  });
  assert.ok(!codes(diagnostics).includes('unsupported-construct'));
});

test('an import inside the function binds its names for the statements after it', async () => {
  const defs =
    'def first(vectors):\n    import keras.backend as KB\n    from keras import ops\n    return ops.add(KB.reverse(vectors[0], axes=1), vectors[1])\n';
  const { ir } = await lambdaOf(defs, 'first');
  assert.equal(ir.fn?.body.op, 'call');
  assert.deepEqual(ir.fn?.body.op === 'call' ? [ir.fn.body.fn, ir.fn.body.args[0]] : null, [
    'add',
    {
      op: 'call',
      fn: 'reverse',
      args: [{ op: 'slice', target: { op: 'param', index: 0 }, items: [{ kind: 'index', index: 0 }] }],
      kwargs: { axes: 1 },
    },
  ]);
});

test('a helper that needs an argument the call does not give, or that calls itself, is a located refusal', async () => {
  const missing = await lambdaOf('def pair(x, y):\n    return x - y\n\ndef use(v):\n    return pair(v[0])\n', 'use');
  assert.equal(missing.ir.fn, null);
  assert.match(missing.diagnostics.map((d) => d.message).join('\n'), /no value for parameter `y`/);
  const recursive = await lambdaOf('def deep(v):\n    return deep(v)\n', 'deep');
  assert.equal(recursive.ir.fn, null);
  assert.match(recursive.diagnostics.map((d) => d.message).join('\n'), /too deeply/);
});
