/**
 * The hostile-input suite, analysis side: files made to exhaust a reader — values that double
 * until they would take gigabytes, structures that hold or share themselves, loops and calls
 * without end, nesting 100,000 deep, huge identifiers, comments and literals, bytes no editor
 * writes — each analysed through the real analysis process (analysisHarness.ts). Each must end
 * in its analysis, within the time limit and under the memory bound, with exactly the warnings
 * listed here, on their lines; and the process must then analyse a sound file. The
 * measurements go to test-results/hostile-analysis.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LIST_DOUBLING, SLOW_LOOPS, STRING_DOUBLING } from '../analysisProcess/texts';
import { AnalysisRun, writeResults } from './analysisHarness';

const SEED001 = readFileSync(join(__dirname, '..', '..', 'examples', 'seed001_embedding_dense_mse.py'), 'utf8');
const KERAS = 'from keras import Sequential\nfrom keras.layers import Dense\n';

const GROWS =
  /^This (list|tuple|dict) would grow past 1,000,000 elements( \(nested ones counted each time they appear\))?; MaskLens stops following its value here\.$/;
const STRING = /^This string would grow past 1,000,000 characters; MaskLens stops following its value here\.$/;
const HOLDS_ITSELF = /^This (list|dict) would hold itself; MaskLens stops following its value here\.$/;
const NESTS =
  /^This (expression nests deeper than 400|list would nest deeper than 100) levels; MaskLens stops following its value here\.$/;
const BUDGET =
  /^MaskLens stopped reading here: following this (loop|call) took more than the [\d,]+ steps a file's reading may take; the models built before it are kept; MaskLens did not read the rest of the file\.$/;

interface Case {
  title: string;
  text: () => string;
  /** The limit warnings, by line (0-based), in the order the reading meets them. */
  limits: [number, RegExp][];
  /** The models the file still yields. */
  models?: number;
  /** Other diagnostics it gives, by code. */
  others?: string[];
}

/** One line: a list of numbers `bytes` long. */
function numberList(bytes: number): string {
  const parts: string[] = [];
  for (let length = 0, i = 0; length < bytes; i++) {
    parts.push(`${i % 1000}, `);
    length += parts[parts.length - 1].length;
  }
  return `x = [${parts.join('')}0]\n`;
}

const CASES: Case[] = [
  { title: 'list doubling (a = a + a, forty times)', text: () => LIST_DOUBLING, limits: [[2, GROWS]] },
  {
    title: 'layer name doubling (s = s + s, 28 times: 256 MiB)',
    text: () => STRING_DOUBLING,
    limits: [[4, STRING]],
    models: 1,
  },
  {
    title: 'shared list doubling (a = [a, a], sixty times), then written out',
    text: () => 'a = [0]\nfor _ in range(60):\n    a = [a, a]\nx = str(a)\n',
    limits: [[2, GROWS]],
  },
  {
    title: 'shared list doubling as a layer argument',
    text: () =>
      `${KERAS}a = [0]\nfor _ in range(60):\n    a = [a, a]\nm = Sequential([Dense(2, kernel_initializer=a)])\n`,
    limits: [[4, GROWS]],
    models: 1,
  },
  {
    title: 'dict doubling',
    text: () => 'd = {"a": 0}\nfor i in range(60):\n    d = {"l": d, "r": d}\n',
    limits: [[2, GROWS]],
  },
  {
    title: 'a list appended to itself, then written out',
    text: () => 'a = []\nfor _ in range(100):\n    a.append(a)\nprint(str(a))\n',
    limits: [[2, HOLDS_ITSELF]],
  },
  { title: 'a dict holding itself', text: () => 'd = {}\nd["self"] = d\nx = str(d)\n', limits: [[1, HOLDS_ITSELF]] },
  {
    title: 'extend doubling',
    text: () => 'a = [0] * 1000\nfor _ in range(40):\n    a.extend(a)\n',
    limits: [[2, GROWS]],
  },
  { title: '+= doubling', text: () => 'a = [0] * 1000\nfor _ in range(40):\n    a += a\n', limits: [[2, GROWS]] },
  {
    title: 'an alias sees the list it shares become unknown',
    text: () =>
      `${KERAS}a = [0] * 1000\nb = a\nfor _ in range(40):\n    a.extend(a)\nm = Sequential([Dense(len(b))])\n`,
    limits: [[5, GROWS]],
    models: 1,
    others: ['unresolved-shape'],
  },
  { title: 'list repetition by 10**9', text: () => 'a = [0] * 10**9\n', limits: [[0, GROWS]] },
  { title: 'string repetition by 10**9', text: () => 's = "x" * 10**9\n', limits: [[0, STRING]] },
  {
    title: 'join doubling',
    text: () => 's = "x" * 1000\nfor _ in range(40):\n    s = "".join([s, s])\n',
    limits: [[2, STRING]],
  },
  {
    title: 'f-string doubling',
    text: () => 's = "x"\nfor _ in range(40):\n    s = f"{s}{s}"\n',
    limits: [[2, STRING]],
  },
  {
    title: 'format doubling',
    text: () => 's = "x"\nfor _ in range(40):\n    s = "{}{}".format(s, s)\n',
    limits: [[2, STRING]],
  },
  { title: '% doubling', text: () => 's = "x"\nfor _ in range(40):\n    s = "%s%s" % (s, s)\n', limits: [[2, STRING]] },
  {
    title: 'replace doubling',
    text: () => 's = "xx"\nfor _ in range(40):\n    s = s.replace("x", "xx")\n',
    limits: [[2, STRING]],
  },
  {
    title: 'zfill(10**9) and a format width of 10**9',
    text: () => 's = "1".zfill(10**9)\nt = f"{1:>1000000000}"\nu = "%.200f" % 1.0\n',
    limits: [[0, STRING]],
  },
  {
    title: 'zip of a hundred 10,000-item lists',
    text: () => 'a = list(range(10000))\nb = [a] * 100\nz = list(zip(*b))\n',
    limits: [[1, GROWS]],
  },
  {
    title: 'lists nested a million times in loops',
    text: () => 'a = 0\nfor i in range(1000):\n    for j in range(1000):\n        a = [a]\n',
    limits: [
      [3, NESTS],
      [1, BUDGET],
    ],
  },
  {
    title: '[[[[...]]]] 100,000 deep',
    text: () => `x = ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`,
    limits: [[0, NESTS]],
  },
  {
    title: '((((...)))) 100,000 deep',
    text: () => `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`,
    limits: [[0, NESTS]],
  },
  {
    title: 'f(f(f(...))) 50,000 deep',
    text: () => `x = ${'f('.repeat(50_000)}${')'.repeat(50_000)}\n`,
    limits: [[0, NESTS]],
  },
  { title: '(((( 100,000 unclosed', text: () => `x = ${'('.repeat(100_000)}\n`, limits: [], others: ['syntax-error'] },
  { title: 'a million loop iterations', text: () => SLOW_LOOPS, limits: [[1, BUDGET]] },
  {
    title: 'models built before a runaway loop are kept',
    text: () =>
      `${KERAS}m0 = Sequential([Dense(1)])\nx = 0\nfor i in range(1000):\n    for j in range(1000):\n        x = x + 1\nm1 = Sequential([Dense(1)])\n`,
    limits: [[4, BUDGET]],
    models: 1,
  },
  { title: 'while True', text: () => 'while True:\n    x = 1\n', limits: [] },
  { title: 'for i in range(10**9)', text: () => 'for i in range(10**9):\n    x = i\n', limits: [] },
  {
    title: 'recursion: def f(): return f()',
    text: () => 'def f():\n    return f()\nf()\n',
    limits: [],
    others: ['unsupported-construct'],
  },
  {
    title: 'recursion three ways at every level',
    text: () => 'def f(n):\n    f(n)\n    f(n)\n    f(n)\n    return 1\nf(1)\n',
    limits: [[5, BUDGET]],
    others: ['unsupported-construct', 'unsupported-construct', 'unsupported-construct'],
  },
  {
    title: 'a thousand models of a thousand layers',
    text: () =>
      `${KERAS}L = [Dense(1) for _ in range(1000)]\nms = []\nfor i in range(1000):\n    ms.append(Sequential(L))\n`,
    limits: [
      [4, BUDGET],
      [
        5,
        /^MaskLens reads at most 10,000 layers over a file's models; this model and the \d+ after it would pass that and are left out\.$/,
      ],
    ],
    models: 10,
  },
  {
    title: 'a thousand layers named with a million characters each',
    text: () => `${KERAS}s = "x" * 999000\nm = Sequential([Dense(1, name=s + str(i)) for i in range(1000)])\n`,
    limits: [
      [3, /^This name is longer than 1,000 characters; MaskLens names the object as Keras names one given no name\.$/],
    ],
    models: 1,
  },
  {
    title:
      "twenty models of a thousand layers named with 900 characters each (over 4 MB of view a model: each name, and again as the next layer's inbound)",
    text: () =>
      `${KERAS}s = "x" * 900\nms = [Sequential([Dense(1, name=s + str(i)) for i in range(1000)]) for _ in range(20)]\n`,
    limits: [
      [
        3,
        /^MaskLens reads at most 10,000 layers over a file's models; this model and the 9 after it would pass that and are left out\.$/,
      ],
      [
        3,
        /^MaskLens shows this file's first 3 models only: with this one, what it read of them would pass 16 MB \(long names, many layers\); this model and the 6 after it are left out\.$/,
      ],
    ],
    models: 3,
  },
  { title: 'a 1 MB identifier', text: () => `${'a'.repeat(1_000_000)} = 1\n`, limits: [] },
  { title: 'a 10 MB comment', text: () => `# ${'x'.repeat(10_000_000)}\n`, limits: [] },
  {
    title: '40,000 comment lines inside a function',
    text: () =>
      `${KERAS}def f():\n${Array.from({ length: 40_000 }, (_, i) => `    # comment ${i}`).join('\n')}\n    return Sequential([Dense(1)])\nm = f()\n`,
    limits: [],
    models: 1,
  },
  {
    title: 'NUL bytes',
    text: () => `${KERAS}m = Sequential([Dense(1)])\u0000\u0000\nx = "\u0000"\n${'\u0000'.repeat(10_000)}\n`,
    limits: [],
    models: 1,
    others: ['syntax-error', 'model-incomplete'],
  },
  {
    title: 'invalid UTF-8 (as VS Code decodes it)',
    text: () =>
      Buffer.concat([
        Buffer.from(`${KERAS}m = Sequential([Dense(1)])\n# `),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]),
        Buffer.from('\nx = 1\n'),
      ]).toString('utf8'),
    limits: [],
    models: 1,
  },
  {
    title: 'CRLF line ends',
    text: () => `${KERAS}m = Sequential([Dense(1)])\nm.compile(loss="mse")\n`.replace(/\n/g, '\r\n'),
    limits: [],
    models: 1,
  },
  {
    title: 'CR-only line ends',
    text: () => `${KERAS}m = Sequential([Dense(1)])\nm.compile(loss="mse")\n`.replace(/\n/g, '\r'),
    limits: [],
    models: 1,
  },
  {
    title: '50,000 statements',
    text: () => Array.from({ length: 50_000 }, (_, i) => `v${i} = ${i} + 1`).join('\n') + '\n',
    limits: [],
  },
  { title: 'a 2 MB one-line list of numbers', text: () => numberList(2_000_000), limits: [] },
  { title: 'a 4 MB one-line list of numbers', text: () => numberList(4_000_000), limits: [] },
];

const run = new AnalysisRun();
const measured: { title: string; ms: number; peakRssMB: number; warnings: number }[] = [];
before(() => run.ready());
after(() => {
  run.dispose();
  writeResults('hostile-analysis.json', measured);
});

for (const c of CASES) {
  test(`${c.title}: analysed with ${c.limits.length === 0 ? 'no limit warning' : `a limit warning on line ${c.limits.map(([l]) => l + 1).join(', ')}`}, then a sound file analyses`, async () => {
    const { view, ms, peakRssMB } = await run.analyse(c.text(), c.title);
    const diagnostics = [...view.diagnostics, ...view.models.flatMap((m) => m.diagnostics)];
    const limits = diagnostics.filter((d) => d.code === 'analysis-limit');
    assert.deepEqual(
      limits.map((d) => d.range.start.line),
      c.limits.map(([line]) => line),
      JSON.stringify(limits.map((d) => d.message)),
    );
    limits.forEach((d, i) => assert.match(d.message, c.limits[i][1]));
    assert.deepEqual(
      diagnostics.filter((d) => d.code !== 'analysis-limit').map((d) => d.code),
      c.others ?? [],
    );
    assert.equal(view.models.length, c.models ?? 0);
    measured.push({ title: c.title, ms: Math.round(ms), peakRssMB: Math.round(peakRssMB), warnings: limits.length });
    process.stdout.write(`# ${c.title}: ${ms.toFixed(0)} ms, peak RSS ${peakRssMB.toFixed(0)} MB\n`);
    const sound = await run.analyse(SEED001, 'seed 001 after it');
    assert.deepEqual(
      sound.view.models.map((m) => m.name),
      ['m'],
    );
  });
}
