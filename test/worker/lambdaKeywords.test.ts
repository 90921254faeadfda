/** Backend functions' keyword arguments in translated Lambda bodies: read, or refused, never ignored. */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { LambdaExpr, LambdaIR } from '../../src/core/ir';
import { UserFacingError } from '../../src/core/protocol/task';
import { buildGraph } from '../../src/core/graph/fromConfig';
import { ModelRuntime } from '../../src/worker/executor';
import { loadTf } from '../../src/worker/tf';
import { layer, sequential } from './helpers';

const { tf } = loadTf();

function lambdaOutput(body: LambdaExpr, x: number[][][]): number[][][] {
  const ir: LambdaIR = { fn: { params: ['x'], body, source: 'def f(x): ...' }, mask: { kind: 'none' } };
  const config = sequential([x[0].length, x[0][0].length], [layer('Lambda', { name: 'lambda' })]);
  const runtime = new ModelRuntime(tf, buildGraph(config), {
    family: 'tf-keras2',
    seed: 1,
    lambdas: { lambda: ir },
    weights: null,
  });
  try {
    return tf.tidy(() => runtime.forward([tf.tensor(x)], false).outputs[0].arraySync() as number[][][]);
  } finally {
    runtime.dispose();
  }
}

const x = [
  [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  [
    [7, 8],
    [9, 10],
    [11, 12],
  ],
];
const param = { op: 'param', index: 0 } as const;

test('keras.backend.reverse(x, axes=1) reverses time only, as reverse(x, axis=1) does', () => {
  const timeReversed = x.map((sample) => [...sample].reverse());
  assert.deepEqual(lambdaOutput({ op: 'call', fn: 'reverse', args: [param], kwargs: { axes: 1 } }, x), timeReversed);
  assert.deepEqual(lambdaOutput({ op: 'call', fn: 'reverse', args: [param], kwargs: { axis: 1 } }, x), timeReversed);
});

test('a keyword argument no backend function reads is refused by name, not ignored', () => {
  assert.throws(
    () => lambdaOutput({ op: 'call', fn: 'sum', args: [param], kwargs: { axis: 1, where: true } }, x),
    (e: unknown) => e instanceof UserFacingError && /keyword argument 'where' is not supported/.test(e.message),
  );
});

test('arange by position and by keyword: arange(n), arange(a, b), arange(start=a, stop=b, step=s)', () => {
  const x3 = [[[0], [0], [0], [0]]];
  const arange = (args: LambdaExpr[], kwargs: Record<string, LambdaExpr | number>) => {
    const body: LambdaExpr = {
      op: 'binary',
      operator: '+',
      left: param,
      right: {
        op: 'call',
        fn: 'cast',
        args: [
          { op: 'call', fn: 'expand_dims', args: [{ op: 'call', fn: 'arange', args, kwargs }], kwargs: { axis: -1 } },
          { op: 'const', value: 'float32' },
        ],
        kwargs: {},
      },
    };
    return lambdaOutput(body, x3)[0].map((v) => v[0]);
  };
  const c = (value: number): LambdaExpr => ({ op: 'const', value });
  assert.deepEqual(arange([c(4)], {}), [0, 1, 2, 3]);
  assert.deepEqual(arange([c(2), c(6)], {}), [2, 3, 4, 5]);
  assert.deepEqual(arange([], { start: 3, stop: 11, step: 2 }), [3, 5, 7, 9]);
  assert.deepEqual(arange([], { start: 4 }), [0, 1, 2, 3]);
});
