// Proves the native TensorFlow binding works the way MaskLens uses it: loaded by several
// worker_threads at the same time. A binding that is not context-aware (e.g. tfjs-node's
// prebuilt one) loads in the first thread only; the second fails with "Module did not
// self-register". Each worker runs a small matMul and reports its backend, which must be
// `tensorflow` (not the pure-JS `cpu` fallback). Exit code 0 only if every worker passes.
// With stressMs > 0 every worker then runs ops for that long, all at once: an unpatched
// binding (tools/native-setup/patch-binding.js) dies there with SIGSEGV about 1 time in 10.
//
// Usage: node tools/check-native.mjs [workers] [stressMs]   (defaults 2 and 0)
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const TIMEOUT_MS = 120_000;

if (isMainThread) {
  const count = Math.max(2, Number(process.argv[2]) || 2);
  const stressMs = Math.max(0, Number(process.argv[3]) || 0);
  // Every worker waits here until all of them have loaded the binding, so the check covers
  // the binding being live in several threads at once, not just one after another.
  const loaded = new Int32Array(new SharedArrayBuffer(4));
  const timer = setTimeout(() => {
    console.error(`check-native: FAIL: workers did not finish within ${TIMEOUT_MS / 1000} s`);
    process.exit(1);
  }, TIMEOUT_MS);
  const results = await Promise.all(
    Array.from(
      { length: count },
      (_, id) =>
        new Promise((resolve) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { id, count, loaded, stressMs } });
          worker.once('message', resolve);
          worker.once('error', (error) => resolve({ id, ok: false, error: String(error?.stack ?? error) }));
          worker.once('exit', (code) => resolve({ id, ok: false, error: `worker exited with code ${code}` }));
        }),
    ),
  );
  clearTimeout(timer);
  for (const r of results) {
    if (r.ok) {
      console.log(
        `worker ${r.id}: backend=${r.backend} matMul=${JSON.stringify(r.product)} stress steps=${r.steps} ` +
          `tfjs-node=${r.tfjsNode} libtensorflow=${r.libtensorflow}`,
      );
    } else {
      console.error(`worker ${r.id}: FAIL: ${r.error}`);
    }
  }
  const ok = results.every((r) => r.ok);
  console.log(
    ok
      ? `check-native: OK: the native TensorFlow backend ran in ${count} worker threads at once.`
      : 'check-native: FAIL: the native TensorFlow backend did not run in every worker thread.',
  );
  process.exit(ok ? 0 : 1);
} else {
  const { id, count, loaded, stressMs } = workerData;
  const report = (result) => parentPort.postMessage({ id, ...result });
  try {
    const tf = createRequire(import.meta.url)('@tensorflow/tfjs-node');
    Atomics.add(loaded, 0, 1);
    Atomics.notify(loaded, 0);
    while (Atomics.load(loaded, 0) < count) Atomics.wait(loaded, 0, Atomics.load(loaded, 0), 1000);
    const product = tf
      .matMul(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([
          [5, 6],
          [7, 8],
        ]),
      )
      .arraySync();
    const backend = tf.getBackend();
    let steps = 0;
    for (const start = Date.now(); Date.now() - start < stressMs; steps++) {
      const value = tf.tidy(() => {
        const a = tf.randomUniform([128, 128], -1, 1, 'float32', steps);
        return tf.matMul(a, a).mean();
      });
      value.dataSync();
      value.dispose();
    }
    const expected = JSON.stringify([
      [19, 22],
      [43, 50],
    ]);
    const problems = [];
    if (backend !== 'tensorflow') problems.push(`backend is '${backend}', expected 'tensorflow'`);
    if (JSON.stringify(product) !== expected)
      problems.push(`matMul gave ${JSON.stringify(product)}, expected ${expected}`);
    report({
      ok: problems.length === 0,
      error: problems.join('; '),
      backend,
      product,
      steps,
      tfjsNode: tf.version['tfjs-node'],
      libtensorflow: tf.backend().binding?.TF_Version ?? 'unknown',
    });
  } catch (error) {
    report({ ok: false, error: String(error?.stack ?? error) });
  }
}
