import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cellLabel,
  clampRange,
  finiteExtent,
  heatmapPlan,
  MAX_CELLS,
  MAX_ROWS,
  pageRange,
  rangeLabel,
  sampleIndices,
} from '../../webview/shared/sampling';

test('sampleIndices keeps every k-th index and never more than max', () => {
  assert.deepEqual(sampleIndices(5, 10), [0, 1, 2, 3, 4]);
  assert.deepEqual(sampleIndices(10, 5), [0, 2, 4, 6, 8]);
  assert.equal(sampleIndices(100_000, 512).length, 512);
  assert.deepEqual(sampleIndices(0, 5), []);
});

test('clampRange: start and count stay inside the rows, count capped', () => {
  assert.deepEqual(clampRange(0, 32, 100), { start: 0, end: 32 });
  assert.deepEqual(clampRange(90, 32, 100), { start: 68, end: 100 }, 'a range past the end slides back');
  assert.deepEqual(clampRange(-5, 8, 100), { start: 0, end: 8 });
  assert.deepEqual(clampRange(3, 1000, 100), { start: 3, end: 3 + MAX_ROWS });
  assert.deepEqual(clampRange(0, 32, 8), { start: 0, end: 8 }, 'fewer rows than asked');
  assert.deepEqual(clampRange(NaN, NaN, 100), { start: 0, end: 32 });
  assert.deepEqual(clampRange(2.7, 0, 100), { start: 2, end: 3 });
  assert.deepEqual(clampRange(0, 8, 0), { start: 0, end: 0 });
});

test('pageRange moves by one page and stops at the ends', () => {
  assert.deepEqual(pageRange({ start: 0, end: 16 }, 1, 40), { start: 16, end: 32 });
  assert.deepEqual(pageRange({ start: 16, end: 32 }, 1, 40), { start: 24, end: 40 });
  assert.deepEqual(pageRange({ start: 8, end: 24 }, -1, 40), { start: 0, end: 16 });
});

test('heatmapPlan never draws more than MAX_CELLS cells', () => {
  const small = heatmapPlan({ start: 4, end: 12 }, 20);
  assert.deepEqual(small.rows, [4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(small.cols.length, 20);
  assert.equal(small.colStride, 1);
  for (const [rows, steps] of [
    [64, 100_000],
    [64, 362],
    [1, 1_000_000],
    [33, 513],
  ] as const) {
    const plan = heatmapPlan({ start: 0, end: rows }, steps);
    assert.ok(plan.rows.length * plan.cols.length <= MAX_CELLS, `${rows}×${steps}`);
    assert.equal(plan.cols[0], 0);
    assert.ok(plan.cols.every((c) => c < steps));
  }
  const wide = heatmapPlan({ start: 0, end: 64 }, 1024);
  assert.equal(wide.cols.length, 256);
  assert.equal(wide.colStride, 4);
});

test("rangeLabel names the data's own sample numbers and says what is sampled", () => {
  assert.equal(rangeLabel({ start: 0, end: 8 }, [0, 1, 2, 3, 4, 5, 6, 7], 8), 'showing samples 0–7 of 8');
  const strided = Array.from({ length: 64 }, (_, i) => i * 16);
  assert.equal(
    rangeLabel({ start: 2, end: 4 }, strided, 1024),
    'showing samples 32–48 of 1024 (2 of the 64 samples kept in the result; setting masklens.samplesShown)',
  );
  const plan = heatmapPlan({ start: 0, end: 64 }, 1024);
  assert.match(
    rangeLabel(
      { start: 0, end: 64 },
      Array.from({ length: 64 }, (_, i) => i),
      64,
      plan,
      1024,
    ),
    /every 4th of 1024 timesteps/,
  );
  assert.equal(rangeLabel({ start: 0, end: 0 }, [], 0), 'showing no samples of 0');
});

test('finiteExtent skips NaN, Infinity and null', () => {
  assert.deepEqual(
    finiteExtent([
      [1, NaN, 3],
      [null, -Infinity, -2],
    ]),
    { min: -2, max: 3 },
  );
  assert.deepEqual(finiteExtent([[NaN]]), { min: 0, max: 1 });
});

test('cell hover text names sample, timestep and value, and says when a loss cell is masked', () => {
  assert.equal(cellLabel('loss', 32, 7, 0.123456789, false), 'sample 32, timestep 7: 0.12346');
  assert.equal(cellLabel('loss', 3, 19, 2, true), 'sample 3, timestep 19: 2.0000 (masked: padding)');
  assert.equal(cellLabel('loss', 0, 0, NaN, false), 'sample 0, timestep 0: NaN');
  assert.equal(cellLabel('mask', 1, 2, 0, true), 'sample 1, timestep 2: masked (0)');
  assert.equal(cellLabel('mask', 1, 2, 1, false), 'sample 1, timestep 2: valid (1)');
  assert.equal(cellLabel('loss', 1, 2, null, false), 'sample 1, timestep 2: n/a');
});
