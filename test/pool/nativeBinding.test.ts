/**
 * The installed tfjs-node binding is the one MaskLens builds: its source carries the patch from
 * tools/native-setup/patch-binding.js, the compiled binding is newer than that source, two
 * worker threads running TensorFlow at the same time survive (the unpatched binding crashes
 * that workload with SIGSEGV about one run in ten, so three runs also catch a missing patch only
 * sometimes: the first checks are the deterministic ones), and its error paths are safe: an op
 * TensorFlow refuses, and a tensor TensorFlow refuses to take (a failure injected with
 * LD_PRELOAD: the unpatched binding then deleted an object twice and died with SIGSEGV).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MARKER, AUTO_REF_MARKER } = require('../../tools/native-setup/patch-binding.js') as {
  MARKER: string;
  AUTO_REF_MARKER: string;
};

const root = join(__dirname, '..', '..');
const tfjsNode = dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
const source = join(tfjsNode, 'binding', 'tfjs_backend.cc');
const binary = join(tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node');

describe('tfjs-node binding built for several worker threads', () => {
  test('its source guards the shared attribute-name set with a mutex', () => {
    const text = readFileSync(source, 'utf8');
    assert.ok(text.includes(MARKER), `${source} is not patched: run npm ci`);
    assert.match(
      text,
      /std::lock_guard<std::mutex> lock\(ATTR_NAME_SET_MUTEX\);\n\s*attr_name = ATTR_NAME_SET\.insert/,
    );
  });

  test("its typed-array error path leaves auto_ref to the tensor's deallocator", () => {
    const text = readFileSync(source, 'utf8');
    assert.ok(text.includes(AUTO_REF_MARKER), `${source} lacks the error-path fix: run npm ci`);
    assert.doesNotMatch(
      text,
      /TFE_NewTensorHandle\(tensor\.tensor, tf_status\.status\);\n\s*if \(TF_GetCode\(tf_status\.status\) != TF_OK\) \{\n\s*delete auto_ref;/,
    );
  });

  test('the compiled binding was built after the patch', () => {
    assert.ok(
      statSync(binary).mtimeMs >= statSync(source).mtimeMs,
      `${binary} is older than its patched source: run npm rebuild @tensorflow/tfjs-node`,
    );
  });

  test('two threads running ops at once for 1.5 s, three times, never crash', { timeout: 180_000 }, () => {
    for (let run = 0; run < 3; run++) {
      const result = spawnSync(process.execPath, [join(root, 'tools', 'check-native.mjs'), '2', '1500'], {
        encoding: 'utf8',
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
      });
      assert.equal(result.signal, null, `run ${run + 1} died with ${result.signal}\n${result.stderr}`);
      assert.equal(result.status, 0, `run ${run + 1} failed\n${result.stdout}${result.stderr}`);
      assert.match(result.stdout, /check-native: OK/);
      assert.equal((result.stdout.match(/stress steps=[1-9]/g) ?? []).length, 2, result.stdout);
    }
  });

  /** Runs the error-path driver in a fresh process; `preload` is a library for LD_PRELOAD. */
  function errorPaths(
    phase: 'execute' | 'handle',
    preload?: string,
  ): { failures: number; message: string; tensorsBefore: number; tensorsAfter: number; sound: number[] } {
    const result = spawnSync(process.execPath, [join(__dirname, 'fixtures', 'bindingErrorPaths.cjs'), phase, '1000'], {
      encoding: 'utf8',
      cwd: root,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', ...(preload ? { LD_PRELOAD: preload } : {}) },
    });
    assert.equal(result.signal, null, `the process died with ${result.signal}\n${result.stderr}`);
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
  }

  test(
    'an op TensorFlow refuses (GatherNd out of range), 1,000 times: one clear error each, no tensor left behind',
    { timeout: 120_000 },
    () => {
      const r = errorPaths('execute');
      assert.equal(r.failures, 1000);
      assert.equal(r.message, 'Invalid TF_Status: 3');
      assert.equal(r.tensorsAfter, r.tensorsBefore);
      assert.deepEqual(r.sound, [2, 3]);
    },
  );

  test(
    'a tensor TensorFlow refuses to take, 1,000 times: one clear error each, and nothing freed twice',
    { timeout: 120_000 },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'masklens-fault-'));
      const library = join(dir, 'fail_new_tensor_handle.so');
      const cc = spawnSync(
        'cc',
        ['-shared', '-fPIC', '-o', library, join(__dirname, 'fixtures', 'fail_new_tensor_handle.c'), '-ldl'],
        { encoding: 'utf8' },
      );
      assert.equal(
        cc.status,
        0,
        `cannot build the fault-injection library (the C compiler that built the binding): ${cc.error?.message ?? cc.stderr}`,
      );
      const r = errorPaths('handle', library);
      assert.equal(r.failures, 1000);
      assert.equal(r.message, 'Invalid TF_Status: 3');
      assert.equal(r.tensorsAfter, r.tensorsBefore);
      assert.deepEqual(r.sound, [2, 3]);
    },
  );
});
