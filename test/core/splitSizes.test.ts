/**
 * The sizes of a split's parts. tf.split's sizes (with an open -1) are checked against real
 * Keras by the c51 runtime goldens; keras.ops.split / numpy.split take indices, and their
 * rule is numpy's documented one (numpy.split: "If an index exceeds the dimension of the
 * array along axis, an empty sub-array is returned correspondingly"; its example splits
 * arange(8.0) at [3, 5, 6, 10] into parts of 3, 2, 1, 2 and 0 elements).
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { sizesFromIndices, sizesFromSizes } from '../../src/core/runtime/splitSizes';

test('indices to split at: numpy.split documentation example, negative and repeated indices; decreasing ones are refused', () => {
  assert.deepEqual(sizesFromIndices([3, 5, 6, 10], 8), [3, 2, 1, 2, 0]);
  assert.deepEqual(sizesFromIndices([-2], 8), [6, 2]);
  assert.deepEqual(sizesFromIndices([3, 3], 8), [3, 0, 5]);
  assert.throws(() => sizesFromIndices([5, 3], 8), /must not decrease/);
});

test('sizes: one -1 takes what the others leave; two -1 or sizes that do not add up are refused', () => {
  assert.deepEqual(sizesFromSizes([-1, 1], 4), [3, 1]);
  assert.deepEqual(sizesFromSizes([1, -1, 2], 5), [1, 2, 2]);
  assert.throws(() => sizesFromSizes([-1, -1], 4), /more than one -1/);
  assert.throws(() => sizesFromSizes([2, 3], 4), /do not add up/);
  assert.throws(() => sizesFromSizes([5, -1], 4), /do not add up/);
});
