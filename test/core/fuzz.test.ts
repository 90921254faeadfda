/**
 * Property test: mangled versions of every corpus file (deleted tokens, truncation, random
 * bytes, duplicated and dropped lines) never make the analyzer throw, report an internal
 * error, or take long. A seeded PRNG makes every run the same; a failure prints the seed
 * and mutation so it can be replayed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzer, corpusFiles } from './helpers';
import { Rng } from '../../src/core/data/random';

const MUTANTS = 1_200;
const PER_FILE_MS = 200;
const TOTAL_MS = 90_000;

const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?|\S/g;
const NOISE = ['(', ')', '[', ']', ':', ',', '=', '"', "'", '"""', '\\', '\n', '\t', '    ', 'lambda', 'def', 'class', '*', '**', '#', '\u0000', '😀', '\uFFFD', 'é'];

type Mutation = { kind: string; apply: (text: string, rnd: () => number) => string };

const pick = <T,>(xs: T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)];

const MUTATIONS: Mutation[] = [
  {
    kind: 'delete tokens',
    apply: (text, rnd) => {
      const tokens = [...text.matchAll(TOKEN)];
      let out = text;
      const n = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < n && tokens.length > 0; i++) {
        const t = tokens.splice(Math.floor(rnd() * tokens.length), 1)[0];
        const at = out.indexOf(t[0], Math.max(0, (t.index ?? 0) - (text.length - out.length)));
        if (at >= 0) out = out.slice(0, at) + out.slice(at + t[0].length);
      }
      return out;
    },
  },
  { kind: 'truncate', apply: (text, rnd) => text.slice(0, Math.floor(rnd() * text.length)) },
  {
    kind: 'random bytes',
    apply: (text, rnd) => {
      let out = text;
      const n = 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) {
        const at = Math.floor(rnd() * (out.length + 1));
        const insert = rnd() < 0.5 ? pick(NOISE, rnd) : String.fromCharCode(Math.floor(rnd() * 0xd7ff));
        out = out.slice(0, at) + insert + out.slice(at);
      }
      return out;
    },
  },
  {
    kind: 'replace characters',
    apply: (text, rnd) => [...text].map((c) => (rnd() < 0.02 ? pick(NOISE, rnd) : c)).join(''),
  },
  {
    kind: 'shuffle lines',
    apply: (text, rnd) => {
      const lines = text.split('\n');
      for (let i = 0; i < 3; i++) {
        const a = Math.floor(rnd() * lines.length);
        const b = Math.floor(rnd() * lines.length);
        if (rnd() < 0.5) [lines[a], lines[b]] = [lines[b], lines[a]];
        else lines.splice(a, 0, lines[b]);
      }
      return lines.join('\n');
    },
  },
  {
    kind: 'indent',
    apply: (text, rnd) => text.split('\n').map((l) => (rnd() < 0.1 ? `  ${l}` : rnd() < 0.05 ? l.trimStart() : l)).join('\n'),
  },
];

test(`fuzz: ${MUTANTS} mutated corpus files never throw, never report an internal error, each under ${PER_FILE_MS} ms`, async () => {
  const files = corpusFiles();
  assert.ok(files.length >= 10, 'the corpus is missing');
  const a = await analyzer();
  const rng = new Rng(0x5eed);
  const rnd = (): number => rng.next();
  // Warm up the JIT so the per-file bound measures the analyzer, not V8's first compile.
  for (const f of files) a.analyze(f.text, { file: f.name });
  const started = performance.now();
  let slowest = 0;
  for (let i = 0; i < MUTANTS; i++) {
    const file = files[i % files.length];
    const mutation = pick(MUTATIONS, rnd);
    const text = mutation.apply(file.text, rnd);
    const family = rnd() < 0.5 ? 'keras3' : 'tf-keras2';
    const t0 = performance.now();
    let result;
    try {
      // A fresh file name per mutant: every mutant is parsed from scratch...
      result = a.analyze(text, { file: `fuzz-${i}.py`, family });
      // ...and, on the same name, incrementally from the original (the editor's path).
      a.analyze(text, { file: file.name, family });
      a.analyze(file.text, { file: file.name, family });
    } catch (error) {
      assert.fail(`mutant ${i} (${mutation.kind} of ${file.name}) threw: ${String(error)}`);
    }
    const ms = (performance.now() - t0) / 3;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < PER_FILE_MS, `mutant ${i} (${mutation.kind} of ${file.name}) took ${ms.toFixed(1)} ms`);
    const internal = [...result.diagnostics, ...result.models.flatMap((m) => m.diagnostics)].filter((d) => d.code === 'internal-error');
    assert.deepEqual(internal, [], `mutant ${i} (${mutation.kind} of ${file.name}):\n${text}`);
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
    assert.ok(!r.diagnostics.some((d) => d.code === 'internal-error'), `case ${i}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  }
});
