/** Data readers: .npy (every way it breaks), .npz, .csv, .json, inline expressions, synthetic data, validation. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { zipSync } from 'fflate';
import { parseCsv } from '../../src/core/data/csv';
import { DataError } from '../../src/core/data/errors';
import { evaluateInlineArray } from '../../src/core/data/inline';
import { parseJsonArrays } from '../../src/core/data/json';
import { parseNpy, writeNpy } from '../../src/core/data/npy';
import { parseNpz } from '../../src/core/data/npz';
import { syntheticInputs, syntheticTargets } from '../../src/core/data/synthetic';
import { checkTokenIds, fitToInput, nonFiniteFinding } from '../../src/core/data/validate';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected an error');
}

test('npy: float32, float64, int64, bool, fortran order round-trip', () => {
  const f4 = parseNpy(writeNpy({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6.5] }, '<f4'), 'x.npy');
  assert.deepEqual(f4.shape, [2, 3]);
  assert.deepEqual(Array.from(f4.data), [1, 2, 3, 4, 5, 6.5]);
  assert.equal(f4.kind, 'float');
  const i8 = parseNpy(writeNpy({ shape: [3], data: [1, 0, 2] }, '<i8'), 'x.npy');
  assert.equal(i8.kind, 'int');
  assert.deepEqual(Array.from(i8.data), [1, 0, 2]);
  // Fortran order: a 2×3 array written column by column.
  const bytes = writeNpy({ shape: [2, 3], data: [1, 4, 2, 5, 3, 6] }, '<f8');
  const text = new TextDecoder('latin1').decode(bytes).replace("'fortran_order': False", "'fortran_order': True ");
  const fortran = parseNpy(
    Uint8Array.from(text, (c) => c.charCodeAt(0)),
    'f.npy',
  );
  assert.deepEqual(Array.from(fortran.data), [1, 2, 3, 4, 5, 6]);
});

test('npy: NaN survives', () => {
  const a = parseNpy(writeNpy({ shape: [2], data: [NaN, 1] }, '<f4'), 'x.npy');
  assert.ok(Number.isNaN(a.data[0]));
});

test('npy: corrupt files give one located error each', () => {
  assert.equal(
    code(() => parseNpy(new TextEncoder().encode('hello world, not numpy'), 'x.npy')),
    'data-corrupt',
  );
  const good = writeNpy({ shape: [10, 4], data: new Array(40).fill(1) });
  assert.equal(
    code(() => parseNpy(good.subarray(0, good.length - 7), 'x.npy')),
    'data-corrupt',
  );
  assert.match(
    String(
      (() => {
        try {
          parseNpy(good.subarray(0, good.length - 7), 'data/x.npy');
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    ),
    /data\/x\.npy: corrupt or truncated .npy file: shape \(10, 4\)/,
  );
  const header = new TextDecoder('latin1').decode(good).replace("'<f4'", "'|O8'");
  assert.equal(
    code(() =>
      parseNpy(
        Uint8Array.from(header, (c) => c.charCodeAt(0)),
        'x.npy',
      ),
    ),
    'data-dtype',
  );
  assert.equal(
    code(() => parseNpy(good.subarray(0, 12), 'x.npy')),
    'data-corrupt',
  );
});

test('npz: members by name, corrupt archive', () => {
  const zip = zipSync({
    'x.npy': writeNpy({ shape: [1, 4], data: [1, 2, 0, 0] }),
    'y.npy': writeNpy({ shape: [1, 4, 3], data: new Array(12).fill(0.5) }),
  });
  const arrays = parseNpz(zip, 'd.npz');
  assert.deepEqual(Object.keys(arrays).sort(), ['x', 'y']);
  assert.deepEqual(arrays.y.shape, [1, 4, 3]);
  assert.equal(
    code(() => parseNpz(new Uint8Array([1, 2, 3, 4, 5]), 'd.npz')),
    'data-corrupt',
  );
});

test('csv: header, NaN cells, ragged rows', () => {
  const { array, header } = parseCsv('a,b,c\n1,2,3\n4,,nan\n', 'x.csv');
  assert.deepEqual(header, ['a', 'b', 'c']);
  assert.deepEqual(array.shape, [2, 3]);
  assert.ok(Number.isNaN(array.data[4]) && Number.isNaN(array.data[5]));
  assert.equal(
    code(() => parseCsv('1,2,3\n4,5\n', 'x.csv')),
    'data-shape',
  );
  assert.equal(
    code(() => parseCsv('1,2,3\n4,x,5\n', 'x.csv')),
    'data-dtype',
  );
});

test('json: nested lists, {shape, values}, keyed objects, Python NaN', () => {
  assert.deepEqual(parseJsonArrays('[[1, 2], [3, 4]]', 'a.json')[''].shape, [2, 2]);
  const keyed = parseJsonArrays('{"x": [[1, 0]], "y": {"shape": [1, 2, 1], "values": [NaN, 1]}}', 'a.json');
  assert.ok(Number.isNaN(keyed.y.data[0]));
  assert.equal(
    code(() => parseJsonArrays('[[1, 2], [3]]', 'a.json')),
    'data-shape',
  );
  assert.equal(
    code(() => parseJsonArrays('{not json', 'a.json')),
    'data-corrupt',
  );
});

test('inline arrays: np.array, arange().reshape, zeros/full, slices, pad_sequences', () => {
  const a = evaluateInlineArray({ op: 'reshape', target: { op: 'arange', start: 0, stop: 12 }, shape: [1, 4, 3] }, 'y');
  assert.deepEqual(a.shape, [1, 4, 3]);
  assert.equal(a.data[11], 11);
  const s = evaluateInlineArray(
    {
      op: 'slice',
      target: { op: 'reshape', target: { op: 'arange', start: 0, stop: 12 }, shape: [1, 4, 3] },
      items: [
        { kind: 'range', start: null, stop: null, step: null },
        { kind: 'range', start: 2, stop: null, step: null },
      ],
    },
    'y',
  );
  assert.deepEqual(s.shape, [1, 2, 3]);
  assert.deepEqual(Array.from(s.data), [6, 7, 8, 9, 10, 11]);
  const p = evaluateInlineArray({ op: 'pad_sequences', sequences: [[1, 2, 3], [4]], maxlen: 4, padding: 'post' }, 'x');
  assert.deepEqual(Array.from(p.data), [1, 2, 3, 0, 4, 0, 0, 0]);
  const pre = evaluateInlineArray({ op: 'pad_sequences', sequences: [[1, 2, 3, 4, 5]], maxlen: 3 }, 'x');
  assert.deepEqual(Array.from(pre.data), [3, 4, 5]);
  const full = evaluateInlineArray({ op: 'full', shape: [2, 2], fill: 7 }, 'x');
  assert.deepEqual(Array.from(full.data), [7, 7, 7, 7]);
  assert.equal(
    code(() =>
      evaluateInlineArray({ op: 'reshape', target: { op: 'arange', start: 0, stop: 10 }, shape: [3, -1] }, 'x'),
    ),
    'data-shape',
  );
});

test('synthetic data: seeded, lengths, padding side and value', () => {
  const o = { samples: 5, minLength: 2, maxLength: 0, padding: 'post' as const, seed: 7 };
  const a = syntheticInputs([{ shape: [6, 3], vocab: null, padValue: -1 }], o);
  const b = syntheticInputs([{ shape: [6, 3], vocab: null, padValue: -1 }], o);
  assert.deepEqual(Array.from(a.arrays[0].data), Array.from(b.arrays[0].data));
  assert.ok(a.lengths);
  a.lengths.forEach((len, s) => {
    for (let t = 0; t < 6; t++) {
      const row = Array.from(a.arrays[0].data.subarray((s * 6 + t) * 3, (s * 6 + t + 1) * 3));
      assert.equal(
        row.every((v) => v === -1),
        t >= len,
        `sample ${s} step ${t}`,
      );
    }
  });
  const tokens = syntheticInputs([{ shape: [8], vocab: 5, padValue: 0 }], { ...o, padding: 'pre' });
  const first = Array.from(tokens.arrays[0].data.subarray(0, 8));
  const len = tokens.lengths?.[0] ?? 0;
  assert.ok(
    first.slice(0, 8 - len).every((v) => v === 0) &&
      first.slice(8 - len).every((v) => v >= 1 && v < 5 && Number.isInteger(v)),
  );
  const y = syntheticTargets([3, 4, 2], 'sparse_categorical_crossentropy', 1);
  assert.deepEqual(y.shape, [3, 4]);
});

test('validation: shapes, token ids, NaN, CSV rows reshaped', () => {
  const exp = { name: 'input', shape: [4, 3], embedding: null };
  const x = { shape: [2, 4, 2], kind: 'float' as const, data: new Float64Array(16), sourceDtype: '<f4' };
  assert.match(
    String(
      (() => {
        try {
          fitToInput(x, exp, 'x');
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    ),
    /expects \(None, 4, 3\): axis 2 is 2, expected 3/,
  );
  const flat = { shape: [2, 12], kind: 'float' as const, data: new Float64Array(24), sourceDtype: 'csv' };
  const fitted = fitToInput(flat, exp, 'x');
  assert.deepEqual(fitted.array.shape, [2, 4, 3]);
  assert.ok(fitted.note);
  const emb = { name: 'input', shape: [4], embedding: { layer: 'embedding', inputDim: 5 } };
  assert.equal(
    code(() =>
      checkTokenIds(
        { shape: [1, 4], kind: 'float', data: Float64Array.from([1, 2.5, 0, 0]), sourceDtype: '<f4' },
        emb,
        'x',
      ),
    ),
    'data-dtype',
  );
  assert.equal(
    code(() =>
      checkTokenIds(
        { shape: [1, 4], kind: 'int', data: Float64Array.from([1, 7, 0, 0]), sourceDtype: '<i8' },
        emb,
        'x',
      ),
    ),
    'data-range',
  );
  const nan = { shape: [1, 2], kind: 'float' as const, data: Float64Array.from([1, NaN]), sourceDtype: '<f4' };
  assert.match(
    nonFiniteFinding(nan, 'x', 'x', 'report').messages.join('\n'),
    /1 NaN value \(first at \[0, 1\]\).*0 · NaN = NaN/,
  );
  assert.equal(
    code(() => nonFiniteFinding(nan, 'x', 'x', 'error')),
    'data-nan',
  );
  const inf = {
    shape: [2, 2],
    kind: 'float' as const,
    data: Float64Array.from([1, 2, -Infinity, Infinity]),
    sourceDtype: '<f4',
  };
  const finding = nonFiniteFinding(inf, 'x', 'x', 'report');
  assert.deepEqual([finding.nan, finding.inf], [0, 2]);
  assert.match(finding.messages.join('\n'), /^x: x holds 2 infinite values \(first at \[1, 0\]\).*0 · ∞ = NaN/);
  assert.equal(
    code(() => nonFiniteFinding(inf, 'x', 'x', 'error')),
    'data-nan',
  );
});
