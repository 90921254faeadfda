/**
 * The installed tfjs-node binding is the thread-safe one MaskLens builds: its source carries
 * the patch from tools/native-setup/patch-binding.js, the compiled binding is newer than that
 * source, and two worker threads running TensorFlow at the same time survive (the unpatched
 * binding crashes that workload with SIGSEGV about one run in ten, so three runs also catch a
 * missing patch only sometimes: the first two checks are the deterministic ones).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MARKER } = require('../../tools/native-setup/patch-binding.js') as { MARKER: string };

const root = join(__dirname, '..', '..');
const tfjsNode = dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
const source = join(tfjsNode, 'binding', 'tfjs_backend.cc');
const binary = join(tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node');

describe('tfjs-node binding built for several worker threads', () => {
  test('its source guards the shared attribute-name set with a mutex', () => {
    const text = readFileSync(source, 'utf8');
    assert.ok(text.includes(MARKER), `${source} is not patched: run npm ci`);
    assert.match(text, /std::lock_guard<std::mutex> lock\(ATTR_NAME_SET_MUTEX\);\n\s*attr_name = ATTR_NAME_SET\.insert/);
  });

  test('the compiled binding was built after the patch', () => {
    assert.ok(statSync(binary).mtimeMs >= statSync(source).mtimeMs, `${binary} is older than its patched source: run npm rebuild @tensorflow/tfjs-node`);
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
});
