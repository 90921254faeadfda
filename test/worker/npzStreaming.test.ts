/**
 * Evaluation over `.npz` archives read by rows: archives written by NumPy itself (`np.savez`,
 * members stored, and `np.savez_compressed`, members deflated; both with NumPy's zip64 headers)
 * give every number the same `.npy` files give; a deflated member is inflated forward a chunk at a
 * time; an archive whose member ends before its rows, or inflates past its declared size, is
 * refused in one located sentence.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { zipSync } from 'fflate';
import { DataError } from '../../src/core/data/errors';
import { writeNpy } from '../../src/core/data/npy';
import { Rng } from '../../src/core/data/random';
import { formatBytes } from '../../src/core/runtime/memory';
import { evaluate } from '../../src/worker/evaluation';
import { openNpzRows } from '../../src/worker/npzFile';
import { runTask } from '../../src/worker/registry';
import { assertSameEvaluation, ctx, fileSession, layer, readCounts, sequential } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'masklens-npz-'));
const trusted = { mode: 'trusted' as const };
const python = join(__dirname, '..', '..', '.venv', 'bin', 'python');

const STEPS = 10;
const FEATURES = 3;
const SAMPLES = 650;
const model = sequential(
  [STEPS, FEATURES],
  [
    layer('Masking', { mask_value: 0 }),
    layer('GRU', { units: 4, return_sequences: true }),
    layer('Dense', { units: 2 }),
  ],
);
const training = { loss: 'mse', batchSize: 40, metrics: ['mae'] };

function writeArrays(): { x: string; y: string; w: string } {
  const rng = new Rng(5);
  const x = new Float32Array(SAMPLES * STEPS * FEATURES);
  const y = new Float32Array(SAMPLES * STEPS * 2);
  const w = new Float32Array(SAMPLES);
  for (let s = 0; s < SAMPLES; s++) {
    const length = Math.floor(rng.next() * (STEPS + 1));
    for (let t = 0; t < length; t++)
      for (let f = 0; f < FEATURES; f++) x[(s * STEPS + t) * FEATURES + f] = rng.next() * 2 - 1 || 0.5;
    for (let i = 0; i < STEPS * 2; i++) y[s * STEPS * 2 + i] = rng.next();
    w[s] = 0.25 + rng.next();
  }
  const paths = { x: join(dir, 'x.npy'), y: join(dir, 'y.npy'), w: join(dir, 'w.npy') };
  writeFileSync(paths.x, writeNpy({ shape: [SAMPLES, STEPS, FEATURES], data: x }));
  writeFileSync(paths.y, writeNpy({ shape: [SAMPLES, STEPS, 2], data: y }));
  writeFileSync(paths.w, writeNpy({ shape: [SAMPLES, 1], data: w }));
  return paths;
}

const npy = writeArrays();

/** The same arrays in an archive NumPy writes (`savez` or `savez_compressed`). */
function numpyArchive(how: 'savez' | 'savez_compressed'): string {
  const out = join(dir, `${how}.npz`);
  execFileSync(python, [
    '-c',
    `import numpy as np, sys; np.${how}(sys.argv[1], x=np.load(sys.argv[2]), y=np.load(sys.argv[3]), sample_weight=np.load(sys.argv[4]))`,
    out,
    npy.x,
    npy.y,
    npy.w,
  ]);
  return out;
}

async function evaluateFrom(data: { x: string; y?: string; sampleWeight?: string }) {
  return runTask(
    {
      kind: 'evaluate',
      model: { name: 'm', config: model, training },
      samplesShown: 7,
      data: { source: 'file', ...data },
      access: trusted,
    },
    ctx,
  );
}

for (const how of ['savez', 'savez_compressed'] as const) {
  test(`np.${how} archive read by rows: every reduction, the Keras figure, metrics and shown rows equal the .npy files'`, async () => {
    const archive = numpyArchive(how);
    const fromNpz = await evaluateFrom({ x: archive, sampleWeight: archive });
    const fromNpy = await evaluateFrom({ x: npy.x, y: npy.y, sampleWeight: npy.w });
    assertSameEvaluation(fromNpz, fromNpy);
    assert.equal(fromNpz.caps.samples.total, SAMPLES);
  });
}

for (const how of ['savez', 'savez_compressed'] as const)
  test(`np.${how}: a member is read forward, one chunk of rows at a time, and each row once`, () => {
    const archive = numpyArchive(how);
    const session = fileSession(model, training, { x: archive });
    try {
      evaluate(session, { shown: [0, 1], caps: { samples: 4, timesteps: 16, features: 16 }, recordLayers: false });
      const x = session.data.x[0];
      assert.equal(x.whole, null, 'the member is read by rows');
      const rowBytes = STEPS * FEATURES * 4;
      const { largestRead, rowsRead } = readCounts(x);
      assert.ok(session.plan.chunk < SAMPLES, 'the archive is more than one chunk');
      assert.ok(largestRead <= session.plan.chunk * rowBytes, `inflated ${largestRead} bytes of rows at once`);
      assert.equal(rowsRead, 1 + SAMPLES, 'the first sample to build the model, then each row once');
    } finally {
      session.dispose();
    }
  });

/** A one-member deflated archive whose zip entry declares `declared` bytes (patched into both headers). */
function archiveDeclaring(member: Uint8Array, declared: (actual: number) => number): string {
  const zip = zipSync({ 'x.npy': member }, { level: 6 });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 4 <= zip.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x04034b50) view.setUint32(at + 22, declared(view.getUint32(at + 22, true)), true);
    if (sig === 0x02014b50) view.setUint32(at + 24, declared(view.getUint32(at + 24, true)), true);
  }
  const path = join(dir, `declared-${Math.random().toString(36).slice(2)}.npz`);
  writeFileSync(path, zip);
  return path;
}

function refusal(path: string): DataError {
  try {
    const arrays = openNpzRows(path, trusted, 'x (bad.npz)');
    assert.ok(arrays, 'the archive is read by rows');
    arrays.x.take(Array.from({ length: arrays.x.shape[0] }, (_, i) => i));
    Object.values(arrays).forEach((a) => a.close());
  } catch (error) {
    assert.ok(error instanceof DataError, String(error));
    return error;
  }
  assert.fail('the archive was read');
}

test('a member whose .npy header declares more rows than it holds is refused where the read finds its end', () => {
  const full = writeNpy({ shape: [100, 4], data: new Array(400).fill(1) });
  const header = full.length - 400 * 4;
  // The header says 100 rows; the member holds 60 and its zip entry claims the full size.
  const cut = full.subarray(0, header + 60 * 4 * 4);
  const e = refusal(archiveDeclaring(cut, () => full.length));
  assert.equal(e.code, 'data-corrupt');
  assert.equal(
    e.message,
    "x (bad.npz)[x]: corrupt or truncated .npz archive: member 'x.npy' ends inside sample 60 of 100 (shape (100, 4), <f4)",
  );
});

test('a zip entry smaller than its .npy header declares is refused before a row is read', () => {
  // Values that do not compress: the header is inflated before the rest.
  const rng = new Rng(9);
  const member = writeNpy({ shape: [200_000, 4], data: Float32Array.from({ length: 800_000 }, () => rng.next()) });
  const path = archiveDeclaring(member, () => member.length - 1);
  const e = refusal(path);
  assert.equal(e.code, 'data-corrupt');
  assert.equal(
    e.message,
    `x (bad.npz)[x]: corrupt .npz archive: member 'x.npy' holds ${(member.length - 1).toLocaleString('en-US')} bytes, its .npy header declares shape (200000, 4) of <f4 (${member.length.toLocaleString('en-US')} bytes)`,
  );
});

test('a member that inflates past the size its zip entry declares stops at once, as corrupt or a zip bomb', () => {
  const npyBytes = writeNpy({ shape: [1_000, 4], data: new Float32Array(4_000) });
  // 64 MB of zeros after the array: what a bomb hides behind a small declared size.
  const member = new Uint8Array(npyBytes.length + 64 * 1024 * 1024);
  member.set(npyBytes);
  const path = archiveDeclaring(member, () => npyBytes.length);
  assert.ok(readFileSync(path).length < 200_000, 'the archive is small');
  const e = refusal(path);
  assert.equal(e.code, 'data-corrupt');
  assert.equal(
    e.message,
    `x (bad.npz)[x]: member 'x.npy' inflates to more than the ${formatBytes(npyBytes.length)} its zip entry declares: the archive is corrupt or a zip bomb`,
  );
});
