import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCEPTED_TENSORFLOW_VERSIONS, refusedTensorFlowVersion } from '../../src/core/tensorflowVersions';

test('TensorFlow 2.16 to 2.x is accepted, as the wheels and their pre-releases name themselves', () => {
  for (const version of ['2.16.0', '2.16.2', '2.18.1', '2.21.0', '2.22.0rc0', '2.22.0-dev20260301'])
    assert.equal(refusedTensorFlowVersion(version), null, version);
});

test('older, newer-major and unreadable versions are refused with the range in the sentence', () => {
  assert.equal(
    refusedTensorFlowVersion('2.15.1'),
    `TensorFlow 2.15.1 is outside the versions MaskLens runs on (${ACCEPTED_TENSORFLOW_VERSIONS})`,
  );
  assert.equal(
    refusedTensorFlowVersion('2.9.1'),
    `TensorFlow 2.9.1 is outside the versions MaskLens runs on (${ACCEPTED_TENSORFLOW_VERSIONS})`,
  );
  assert.match(refusedTensorFlowVersion('3.0.0') ?? '', /outside/);
  assert.equal(refusedTensorFlowVersion('unknown'), "'unknown' is not a TensorFlow version MaskLens can read");
});
