/**
 * Hostile data, at the readers: every bad file gives one located sentence that describes its
 * structure (line, column, key, shape) and never quotes what the file holds; archives and
 * expressions are measured against the memory budget before they are inflated or built.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv } from '../../src/core/data/csv';
import { DataError } from '../../src/core/data/errors';
import { evaluateInlineArray } from '../../src/core/data/inline';
import { parseJsonArrays } from '../../src/core/data/json';
import { parseNpy } from '../../src/core/data/npy';
import { parseNpz } from '../../src/core/data/npz';
import { MemoryBudget } from '../../src/core/runtime/memory';
import { BOMB_VALUES, deepJson, npyHeader, plainMember, SECRET, zeroArrayMember, zip } from './files';

function refused(fn: () => unknown): DataError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DataError, `not a DataError: ${String(error)}`);
    assert.ok(!error.message.includes(SECRET), `the message quotes the file: ${error.message}`);
    return error;
  }
  assert.fail('accepted');
}

test('JSON nested 5,000 deep is refused at the place it passes the bound, before any recursive parse', () => {
  const e = refused(() => parseJsonArrays(deepJson(5000), 'x (deep.json)'));
  assert.equal(e.code, 'data-format');
  assert.equal(e.message, 'x (deep.json): line 1, column 41: arrays and objects nest deeper than 40 levels');
  // Forty levels are still data.
  assert.deepEqual(parseJsonArrays(deepJson(3), 'x')[''].shape, [1, 1, 1]);
});

test('a JSON syntax error is located by line and column, never quoted', () => {
  const e = refused(() => parseJsonArrays(`{"x": [[1, 2]],\n "y": ${SECRET}}`, 'y (data.json)'));
  assert.equal(e.code, 'data-corrupt');
  assert.equal(e.message, 'y (data.json): invalid JSON at line 2, column 7: text that is not JSON');
  assert.equal(
    refused(() => parseJsonArrays('[[1, 2], [3, 4]', 'x')).message,
    "x: invalid JSON at line 1, column 16: ']' was expected",
  );
});

test('a value that is not a number is named by its position and kind', () => {
  const e = refused(() => parseJsonArrays(`{"x": [[1, "${SECRET}"]]}`, 'x (data.json)'));
  assert.equal(e.message, "x (data.json)['x']: value at [0, 1] is a string, not a number");
});

test('a key holding no array is refused by name ("y": "junk" used to be skipped silently)', () => {
  const e = refused(() => parseJsonArrays('{"x": [[1, 2, 0, 0]], "y": "junk"}', 'x (data.json)'));
  assert.equal(e.code, 'data-format');
  assert.equal(
    e.message,
    `x (data.json): key 'y' holds a string, not an array (a nested list of numbers or {"shape", "values"})`,
  );
});

test('a CSV cell that is text is located, not quoted', () => {
  const e = refused(() => parseCsv(`a,b\n1,2\n3,${SECRET}\n`, 'x (data.csv)'));
  assert.equal(e.message, 'x (data.csv): line 3, column 2 is not a number');
});

/** A .npy whose header dict is `dict`, verbatim. */
function rawNpy(dict: string): Uint8Array {
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

test('a .npy header that is no NumPy header is described, not echoed', () => {
  const e = refused(() =>
    parseNpy(rawNpy(`{'descr': '${SECRET}', 'fortran_order': False, 'shape': (2,), }`), 'x (x.npy)'),
  );
  assert.equal(e.message, 'x (x.npy): the header names a dtype that is not a NumPy type code');
  assert.equal(
    refused(() => parseNpy(rawNpy(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, ${SECRET}), }`), 'x')).message,
    'x: corrupt .npy header: shape entry 2 of 2 is not a size',
  );
  assert.equal(
    refused(() => parseNpy(rawNpy(`{'${SECRET}': 1}`), 'x')).message,
    "x: corrupt .npy header: it has no readable 'descr', 'fortran_order', 'shape'",
  );
});

test('a zip bomb that declares its 2.2 GB is refused before a byte is inflated', () => {
  const bomb = zip([zeroArrayMember('x.npy', BOMB_VALUES)]);
  assert.ok(bomb.length < 2.5e6, `the bomb is ${bomb.length} bytes`);
  const started = performance.now();
  const e = refused(() => parseNpz(bomb, 'x (bomb.npz)', new MemoryBudget(2048)));
  assert.equal(e.code, 'memory-cap');
  assert.equal(
    e.message,
    "x (bomb.npz)[x]: member 'x.npy' (2.05 GiB once inflated) needs about 2.05 GiB; the memory cap is 2 GiB (setting masklens.memoryCapMB)",
  );
  assert.ok(performance.now() - started < 200, 'the declared size alone should have refused it');
});

test('a zip bomb that lies about its size stops inflating as soon as it passes the size it declared', () => {
  const e = refused(() =>
    parseNpz(zip([zeroArrayMember('x.npy', BOMB_VALUES)], { declaredSize: () => 4096 }), 'x (bomb.npz)'),
  );
  assert.equal(e.code, 'data-corrupt');
  assert.equal(
    e.message,
    "x (bomb.npz): member 'x.npy' inflates to more than the 4 KiB its zip entry declares: the archive is corrupt or a zip bomb",
  );
});

test('a zip bomb that declares no size is measured by the .npy header it inflates first', () => {
  const e = refused(() =>
    parseNpz(zip([zeroArrayMember('x.npy', BOMB_VALUES)], { streamed: true }), 'x (bomb.npz)', new MemoryBudget(2048)),
  );
  assert.equal(
    e.message,
    "x (bomb.npz)[x]: member 'x.npy' (shape (275000000,), 2.05 GiB once inflated) needs about 2.05 GiB; the memory cap is 2 GiB (setting masklens.memoryCapMB)",
  );
});

test('an honest archive, sizes declared or streamed, still reads', () => {
  const values = Buffer.concat([npyHeader([2, 2], '<f8'), Buffer.from(new Float64Array([1, 2, 3, Infinity]).buffer)]);
  for (const streamed of [false, true]) {
    const arrays = parseNpz(
      zip([plainMember('x.npy', values), plainMember('notes.txt', Buffer.from(SECRET))], { streamed }),
      'd.npz',
      new MemoryBudget(64),
    );
    assert.deepEqual(Object.keys(arrays), ['x']);
    assert.deepEqual(Array.from(arrays.x.data), [1, 2, 3, Infinity]);
  }
});

test('np.zeros((50000000, 4)) written in the source is refused before one value exists', () => {
  const budget = new MemoryBudget(2048);
  const before = process.memoryUsage().arrayBuffers;
  const e = refused(() => evaluateInlineArray({ op: 'zeros', shape: [50_000_000, 4] }, 'x (inline)', budget));
  assert.equal(
    e.message,
    'x (inline): `np.zeros((50000000, 4))` (200,000,000 values) needs about 2.98 GiB; the memory cap is 2 GiB (setting masklens.memoryCapMB)',
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6);
  assert.equal(budget.usedBytes, 0);
  // What fits is built, and stays charged for what it keeps.
  assert.equal(evaluateInlineArray({ op: 'zeros', shape: [1000, 4] }, 'x', budget).data.length, 4000);
  assert.equal(budget.usedBytes, 4000 * 8);
});
