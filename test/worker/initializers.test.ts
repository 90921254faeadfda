/**
 * Keras' Orthogonal initializer as MaskLens computes it (in JS, cached per worker): the
 * result is orthonormal along its shorter side, scaled by gain, the same for the same seed,
 * and every caller owns its copy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialize } from '../../src/worker/layers/initializers';

function gram(values: Float32Array, rows: number, cols: number, byColumns: boolean): number[][] {
  const n = byColumns ? cols : rows;
  const len = byColumns ? rows : cols;
  const at = (v: number, i: number): number => (byColumns ? values[i * cols + v] : values[v * cols + i]);
  return Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += at(a, i) * at(b, i);
      return dot;
    }),
  );
}

for (const [rows, cols] of [
  [128, 512],
  [512, 128],
  [7, 7],
] as const) {
  test(`Orthogonal [${rows}, ${cols}] has orthonormal ${rows < cols ? 'rows' : 'columns'}, scaled by gain`, () => {
    const gain = 1.5;
    const values = initialize({ class_name: 'Orthogonal', config: { gain } }, 'orthogonal', [rows, cols], 11, 'test');
    const g = gram(values, rows, cols, rows >= cols);
    let worst = 0;
    g.forEach((row, a) => row.forEach((v, b) => (worst = Math.max(worst, Math.abs(v - (a === b ? gain * gain : 0))))));
    assert.ok(worst < 1e-4, `largest deviation from gain²·I: ${worst}`);
  });
}

test('Orthogonal: same seed, same values; another seed, other values; callers own their copy', () => {
  const first = initialize('orthogonal', 'orthogonal', [64, 256], 3, 'test');
  const snapshot = first.slice();
  first.fill(0);
  const again = initialize('orthogonal', 'orthogonal', [64, 256], 3, 'test');
  assert.deepEqual(again, snapshot);
  const other = initialize('orthogonal', 'orthogonal', [64, 256], 4, 'test');
  assert.notDeepEqual(other, snapshot);
});
