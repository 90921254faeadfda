/**
 * Lazy parsing (src/core/python/skim.ts): which definitions are left out of the parse, and
 * the property that matters — skimming never changes an analysis. Every corpus file, with
 * unused helpers inserted, files truncated or broken, and a sequence of editor edits, must
 * give byte-identical analysis JSON with and without skimming; the one exception is a syntax
 * error inside an unused helper, which skimming does not see (the file then reads exactly as
 * if that helper were blank).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import { skimRanges } from '../../src/core/python/skim';
import { Rng } from '../../src/core/data/random';
import { generate } from '../../bench/analyze.bench';
import { corpusFiles } from './helpers';

/** The source text tree-sitter will read, skipped parts blanked. */
function kept(text: string): string {
  const ranges = skimRanges(text);
  if (!ranges) return text;
  return ranges.map((r) => text.slice(r.startIndex, r.endIndex)).join('|');
}

test('an unused helper without Keras in it is skipped, up to the next top-level statement', () => {
  const text = 'import keras\n\ndef helper(v):\n    return v * 2\n# trailing comment\nmodel = keras.Sequential()\n';
  assert.equal(kept(text), 'import keras\n\n|model = keras.Sequential()\n');
});

test('the ranges carry rows and columns that match their indices', () => {
  const text = 'print(1)\ndef f():\n    pass\nprint(2)\n';
  const ranges = skimRanges(text);
  assert.deepEqual(ranges, [
    { startIndex: 0, endIndex: 9, startPosition: { row: 0, column: 0 }, endPosition: { row: 1, column: 0 } },
    { startIndex: 27, endIndex: 36, startPosition: { row: 3, column: 0 }, endPosition: { row: 4, column: 0 } },
  ]);
});

/** Each text, named by why it matters, is parsed whole: nothing in it may be skipped. */
function assertParsedWhole(cases: Record<string, string>): void {
  for (const [why, text] of Object.entries(cases)) assert.equal(skimRanges(text), null, why);
}

test('definitions that can matter are parsed', () => {
  const cases: Record<string, string> = {
    'called': 'def f():\n    return 1\nx = f()\n',
    'named in a comment on a kept line': 'def f():\n    return 1\nprint(2)  # see f\n',
    'named in a string': 'def f():\n    return 1\ng = globals()["f"]\n',
    'decorated': '@register\ndef f():\n    return 1\n',
    'mentions Keras': 'def f():\n    return layers.Dense(1)\n',
    'mentions Keras in an indented comment': 'def f():\n    return 1\n    # Masking\nm = keras.Sequential()\n',
  };
  assertParsedWhole(cases);
});

test('a self-recursive helper that nothing else calls is skipped', () => {
  assert.equal(kept('def f(n):\n    return f(n - 1)\nprint(1)\n'), 'print(1)\n');
});

test('column-0 comments after a helper introduce what follows: their Keras words do not keep it', () => {
  assert.equal(kept('def f():\n    return 1\n# --- a Masking model\nm = keras.Sequential()\n'), 'm = keras.Sequential()\n');
});

test('constants only skipped code reads are skipped, which can leave more unnamed', () => {
  const text = 'import keras\nLR = 1e-3\nCOLORS = ["r", "g"]  # plot(model)\ndef plot(v):\n    return v * LR\nEPOCHS = 3\nmodel = keras.Sequential()\nmodel.fit(epochs=EPOCHS)\n';
  assert.equal(kept(text), 'import keras\n|EPOCHS = 3\nmodel = keras.Sequential()\nmodel.fit(epochs=EPOCHS)\n');
});

test('constants whose value or line can matter are parsed', () => {
  const cases: Record<string, string> = {
    'used': 'N = 5\nprint(N)\n',
    'a call': 'x = f()\n',
    'a name': 'x = y\n',
    'an attribute': 'x = np.pi\n',
    'an f-string': 'x = f"{y}"\n',
    'a second statement': 'x = 1; 2\n',
    'a keyword operator': 'x = not 1\n',
    'an indented line after it': 'x = 1\n    y = 2\n',
    'column-0 code inside its brackets': 'x = [1,\n2]\n',
    'a comparison, not an assignment': 'x == 1\n',
    'an annotation': 'x: int = 1\n',
  };
  assertParsedWhole(cases);
  // Literals of every kind are values without names.
  assert.equal(kept('A = (1.5e-3, 0xFF, 2j, -3, "s", \'t\', """u""", [None, True, False], {1: ...})\nprint(0)\n'), 'print(0)\n');
});

test('a column-0 line inside a string does not end a definition; quotes in comments and brackets in strings are not counted', () => {
  const text = 'def f(a):\n    s = """\nx = 1\n"""\n    # it\'s\n    t = "(["\n    return s + t\nprint(3)\n';
  assert.equal(kept(text), 'print(3)\n');
});

test('a definition with column-0 code inside its brackets or after a backslash is parsed', () => {
  // Legal Python, but where the definition ends would then rest on the bracket count alone.
  assert.equal(skimRanges('def f(a,\nb):\n    return a\nprint(3)\n'), null);
  assert.equal(skimRanges('def f():\n    return 1 + \\\n2\nprint(3)\n'), null);
});

test('a file of nothing but unused helpers still yields one (empty) range', () => {
  assert.deepEqual(skimRanges('def f():\n    return 1\n'), [{ startIndex: 0, endIndex: 0, startPosition: { row: 0, column: 0 }, endPosition: { row: 0, column: 0 } }]);
});

/** An unused helper the scanner must step through (brackets, strings and comments across lines), and a constant only it reads. */
const helper = (k: number): string => `\nSCALE_${k} = [1.5, -2, "(", None]  # a setting only the helper reads\n# helper ${k}\ndef unused_${k}(a, b=(1,\n        2)):\n    s = """\ntext at column 0 (\n"""\n    x = [a,  # it's\n         b]\n    return s, x, "([{" \\\n        + SCALE_${k}\n`;

function variants(text: string, rnd: () => number): string[] {
  const lines = text.split('\n');
  const at = (): number => Math.floor(rnd() * lines.length);
  const insert = (n: number): string => {
    const l = [...lines];
    for (let j = 0; j < n; j++) l.splice(at(), 0, helper(j));
    return l.join('\n');
  };
  const withHelpers = helper(1) + text + helper(2);
  const cut = Math.floor(rnd() * withHelpers.length);
  return [
    text,
    insert(1),
    insert(3),
    withHelpers,
    withHelpers.slice(0, cut),
    `${withHelpers.slice(0, cut)}${'([{"\''[Math.floor(rnd() * 5)]}${withHelpers.slice(cut)}`,
    `${withHelpers}\nunused_2  # now it is used\n`,
  ];
}

function same(full: Analyzer, lazy: Analyzer, text: string, file: string, keep = false): boolean {
  const a = JSON.stringify(full.analyze(text, { file }));
  full.forget(file);
  const b = JSON.stringify(lazy.analyze(text, { file }));
  if (!keep) lazy.forget(file);
  return a === b;
}

/** The text skimming leaves out, blanked (newlines kept, so every position stays put). */
function blankSkipped(text: string): string {
  const ranges = skimRanges(text) ?? [{ startIndex: 0, endIndex: text.length }];
  let out = '';
  let from = 0;
  for (const r of ranges) {
    out += text.slice(from, r.startIndex).replace(/[^\n]/g, ' ') + text.slice(r.startIndex, r.endIndex);
    from = r.endIndex;
  }
  return out + text.slice(from).replace(/[^\n]/g, ' ');
}

test('skimming never changes an analysis: corpus files with helpers added, truncated and broken', async () => {
  const full = await createAnalyzer({}, { skim: false });
  const lazy = await createAnalyzer({}, { skim: true });
  const rng = new Rng(11);
  const rnd = (): number => rng.next();
  let skimmed = 0;
  let brokenHelpers = 0;
  const differing: string[] = [];
  for (const { name, text } of corpusFiles()) {
    variants(text, rnd).forEach((v, i) => {
      if (skimRanges(v)) skimmed++;
      if (same(full, lazy, v, 'x.py')) return;
      // The one allowed difference: a syntax error inside an unused helper is not seen, so
      // the file reads as if the helper were absent (not as tree-sitter's error recovery
      // would have read it). Anything else is a bug.
      const a = JSON.stringify(full.analyze(blankSkipped(v), { file: 'x.py' }));
      full.forget('x.py');
      const b = JSON.stringify(lazy.analyze(v, { file: 'x.py' }));
      lazy.forget('x.py');
      if (a === b) brokenHelpers++;
      else differing.push(`${name} variant ${i}`);
    });
  }
  full.dispose();
  lazy.dispose();
  assert.deepEqual(differing, []);
  assert.ok(skimmed > 100, `only ${skimmed} variants were skimmed: the property was hardly exercised`);
  assert.ok(brokenHelpers < skimmed / 10, `${brokenHelpers} of ${skimmed} skimmed variants differed only by a broken helper`);
});

test('skimming never changes an analysis across editor edits (incremental parses)', async () => {
  const full = await createAnalyzer({}, { skim: false });
  const lazy = await createAnalyzer({}, { skim: true });
  const rng = new Rng(5);
  const rnd = (): number => rng.next();
  const edits: ((t: string) => string)[] = [
    (t) => t.replace(/\nprint\("model (\d+)"/, (_m, d: string) => `\nhelper_${d}([1])\nprint("model ${d}"`),
    (t) => t.replace(/\nhelper_\d+\(\[1\]\)/, ''),
    (t) => {
      const i = t.indexOf('def helper_1');
      return `${t.slice(0, i)}def helper_1x${t.slice(i + 'def helper_1'.length)}`;
    },
    (t) => {
      const i = t.indexOf('    return total', Math.floor(rnd() * t.length));
      return i < 0 ? t : `${t.slice(0, i)}    model_0 = layers\n${t.slice(i)}`;
    },
  ];
  let text = generate();
  const differing: number[] = [];
  for (let k = 0; k < 24; k++) {
    if (k % 6 === 5) {
      // A syntax error for one keystroke, then undone.
      const i = Math.floor(rnd() * text.length);
      if (!same(full, lazy, `${text.slice(0, i)}(${text.slice(i)}`, 'edited.py', true)) differing.push(k);
    } else text = edits[k % edits.length](text);
    if (!same(full, lazy, text, 'edited.py', true)) differing.push(k);
  }
  full.dispose();
  lazy.dispose();
  assert.deepEqual(differing, []);
});
