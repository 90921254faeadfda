import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayValueSchema } from '../../src/core/protocol/runtimeTasks';

test('array values take numbers, NaN and infinities as JSON writes them, and typed arrays', () => {
  for (const values of [
    [1, -2.5, null, 'NaN', 'Infinity', '-Infinity', NaN],
    new Float32Array([1, 2]),
    new Float64Array([1, 2]),
    new Int32Array([1, 2]),
  ]) {
    const parsed = arrayValueSchema.safeParse({ shape: [values.length], values });
    assert.ok(parsed.success, String(values));
    assert.equal(parsed.data.values, values);
  }
});

test('any other value in an array is refused in one sentence', () => {
  for (const values of [[1, 'one'], [1, [2]], [{}], [true], 'NaN', { 0: 1 }]) {
    const parsed = arrayValueSchema.safeParse({ shape: [1], values });
    assert.ok(!parsed.success, JSON.stringify(values));
  }
  const parsed = arrayValueSchema.safeParse({ shape: [2], values: [1, 'one'] });
  assert.ok(!parsed.success);
  assert.match(parsed.error.message, /expected an array of numbers/);
});
