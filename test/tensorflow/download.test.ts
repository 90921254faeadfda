/**
 * TensorFlow downloaded on first use, for real: the pinned tensorflow-cpu wheel from PyPI,
 * checked against its sha256, its C library extracted into a cache folder that later searches
 * find, and the runtime process started on it runs native TensorFlow from exactly that folder.
 * A wrong checksum, a cancel or a broken cache entry keep nothing and are never used.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RuntimeClient } from '../../src/runtimeProcess/client';
import { findCachedTensorFlow, readManifest } from '../../src/tensorflow/cache';
import { DownloadCancelled, downloadTensorFlow, type DownloadProgress } from '../../src/tensorflow/download';
import { runtimeEnvironment } from '../../src/tensorflow/runtimeEnvironment';
import { cacheFolderName, TENSORFLOW_WHEEL } from '../../src/tensorflow/wheel';

const root = join(__dirname, '..', '..');
const made: string[] = [];
const tempRoot = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'masklens-tf-cache-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test(
  'the pinned wheel downloads, checks, unpacks into the cache, is found there, and the runtime process runs on it',
  { timeout: 300_000 },
  async () => {
    const cacheRoot = tempRoot();
    const phases = new Set<DownloadProgress['phase']>();
    let lastDownload = 0;
    const library = await downloadTensorFlow({
      wheel: TENSORFLOW_WHEEL,
      cacheRoot,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'download') lastDownload = p.done;
      },
    });
    assert.deepEqual([...phases], ['download', 'extract']);
    assert.equal(lastDownload, TENSORFLOW_WHEEL.size);
    assert.equal(library.dir, join(cacheRoot, cacheFolderName(TENSORFLOW_WHEEL)));
    assert.equal(library.version, TENSORFLOW_WHEEL.version);
    assert.deepEqual(readdirSync(cacheRoot), [cacheFolderName(TENSORFLOW_WHEEL)], 'no temporary folder is left');
    const read = await readManifest(library.dir);
    assert.ok('manifest' in read);
    assert.equal(read.manifest.wheel.sha256, TENSORFLOW_WHEEL.sha256);
    assert.equal(
      Object.values(read.manifest.files).reduce((a, b) => a + b, 0),
      TENSORFLOW_WHEEL.extractedSize,
    );

    const cached = await findCachedTensorFlow([cacheRoot]);
    assert.deepEqual(
      cached.found.map((l) => [l.dir, l.version, l.source]),
      [[library.dir, '2.21.0', 'cache']],
    );

    const client = new RuntimeClient({
      runtimeFile: join(root, 'dist', 'runtime.js'),
      settings: { workers: 1, maxQueue: 1, memoryCapMB: 2048 },
      environment: async () => runtimeEnvironment({ library: cached.found[0] }, process.env),
    });
    try {
      const probe = await client.run({ kind: 'probe', workMs: 0, matrixSize: 16 }).result;
      assert.equal(probe.backend.backend, 'tensorflow', probe.backend.fallbackReason ?? '');
      assert.equal(
        probe.backend.libraryPath,
        join(library.dir, 'libtensorflow_cc.so.2'),
        'LD_LIBRARY_PATH wins over the development build’s RUNPATH',
      );
      assert.equal(probe.backend.tensorflowVersion, '2.21.0');
      assert.equal(probe.backend.libraryOrigin, cached.found[0].origin);
    } finally {
      await client.close();
    }

    // A cache entry whose library was cut short is not used, and says why.
    truncateSync(join(library.dir, 'libtensorflow_framework.so.2'), 1000);
    const broken = await findCachedTensorFlow([cacheRoot]);
    assert.deepEqual(broken.found, []);
    assert.deepEqual(broken.refused, [
      `${join(library.dir, 'libtensorflow_framework.so.2')} is not the size it was downloaded at`,
    ]);
  },
);

test('a download whose checksum is not the pinned one keeps nothing', { timeout: 300_000 }, async () => {
  const cacheRoot = tempRoot();
  const wrong = { ...TENSORFLOW_WHEEL, sha256: '0'.repeat(64) };
  await assert.rejects(
    downloadTensorFlow({ wheel: wrong, cacheRoot }),
    (e: unknown) =>
      e instanceof Error &&
      /is not the file MaskLens expects \(its sha256 is dcc8afd3[0-9a-f]+, not 0{64}\); nothing was kept/.test(
        e.message,
      ),
  );
  assert.deepEqual(readdirSync(cacheRoot), []);
});

test('a cancelled download stops at once and keeps nothing', { timeout: 120_000 }, async () => {
  const cacheRoot = tempRoot();
  const abort = new AbortController();
  let received = 0;
  await assert.rejects(
    downloadTensorFlow({
      wheel: TENSORFLOW_WHEEL,
      cacheRoot,
      signal: abort.signal,
      onProgress: (p) => {
        received = p.done;
        abort.abort();
      },
    }),
    DownloadCancelled,
  );
  assert.ok(received < TENSORFLOW_WHEEL.size, 'stopped before the end');
  assert.deepEqual(readdirSync(cacheRoot), []);
});

test('an address that does not answer fails with the reason and keeps nothing', { timeout: 60_000 }, async () => {
  const cacheRoot = tempRoot();
  await assert.rejects(
    downloadTensorFlow({ wheel: { ...TENSORFLOW_WHEEL, url: 'https://127.0.0.1:9/tensorflow.whl' }, cacheRoot }),
    /ECONNREFUSED/,
  );
  assert.deepEqual(readdirSync(cacheRoot), []);
});
