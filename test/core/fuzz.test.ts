/**
 * Property test: mangled versions of every corpus file (deleted tokens, truncation, random
 * bytes, duplicated and dropped lines) never make the analyzer throw, report an internal
 * error, or take long. A seeded PRNG makes every run the same; a failure prints the seed
 * and mutation so it can be replayed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzer, corpusFiles } from './helpers';
import { mutants } from './mutants';

const MUTANTS = 1_200;
const PER_FILE_MS = 200;
const TOTAL_MS = 90_000;

test(`fuzz: ${MUTANTS} mutated corpus files never throw, never report an internal error, each under ${PER_FILE_MS} ms`, async () => {
  const files = corpusFiles();
  assert.ok(files.length >= 10, 'the corpus is missing');
  const a = await analyzer();
  // Warm up the JIT so the per-file bound measures the analyzer, not V8's first compile.
  for (const f of files) a.analyze(f.text, { file: f.name });
  const started = performance.now();
  let slowest = 0;
  for (const { index: i, kind, name, original, text, family } of mutants(MUTANTS)) {
    const t0 = performance.now();
    let result;
    try {
      // A fresh file name per mutant: every mutant is parsed from scratch...
      result = a.analyze(text, { file: `fuzz-${i}.py`, family });
      // ...and, on the same name, incrementally from the original (the editor's path).
      a.analyze(text, { file: name, family });
      a.analyze(original, { file: name, family });
    } catch (error) {
      assert.fail(`mutant ${i} (${kind} of ${name}) threw: ${String(error)}`);
    }
    const ms = (performance.now() - t0) / 3;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < PER_FILE_MS, `mutant ${i} (${kind} of ${name}) took ${ms.toFixed(1)} ms`);
    const internal = [...result.diagnostics, ...result.models.flatMap((m) => m.diagnostics)].filter(
      (d) => d.code === 'internal-error',
    );
    assert.deepEqual(internal, [], `mutant ${i} (${kind} of ${name}):\n${text}`);
    JSON.stringify(result.ir);
  }
  const total = performance.now() - started;
  assert.ok(total < TOTAL_MS, `fuzzing took ${total.toFixed(0)} ms`);
  process.stdout.write(`# fuzz: ${MUTANTS} mutants in ${total.toFixed(0)} ms, slowest ${slowest.toFixed(1)} ms\n`);
});

test('pathological inputs stay bounded', async () => {
  const a = await analyzer();
  const cases = [
    '('.repeat(5_000),
    `x = ${'['.repeat(3_000)}${']'.repeat(3_000)}`,
    `import keras\nm = keras.Sequential()\nfor i in range(100000):\n    m.add(keras.layers.Dense(1))\n`,
    `def f(n):\n    return f(n + 1)\nf(0)\n`,
    `import keras\nx = keras.Input(shape=(3,))\n${Array.from({ length: 2_000 }, () => 'x = keras.layers.Dense(3)(x)').join('\n')}\nm = keras.Model(keras.Input(shape=(3,)), x)\n`,
    `a = 1\n${'a = a * 2 + a\n'.repeat(5_000)}`,
    `while True:\n    pass\n`,
    '\u0000'.repeat(10_000),
  ];
  for (const [i, text] of cases.entries()) {
    const t0 = performance.now();
    const r = a.analyze(text, { file: `patho-${i}.py` });
    const ms = performance.now() - t0;
    assert.ok(ms < 2_000, `case ${i} took ${ms.toFixed(0)} ms`);
    assert.ok(
      !r.diagnostics.some((d) => d.code === 'internal-error'),
      `case ${i}: ${r.diagnostics.map((d) => d.message).join('; ')}`,
    );
  }
});
