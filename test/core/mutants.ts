/**
 * Mangled versions of the corpus files (deleted tokens, truncation, random bytes, duplicated and
 * dropped lines), made from a seeded PRNG so every run makes the same ones: the property test
 * (fuzz.test.ts) reads them in-process, the hostile suite (test/hostile) through the analysis
 * process.
 */
import { Rng } from '../../src/core/data/random';
import type { KerasFamily } from '../../src/core/ir';
import { corpusFiles } from './helpers';

const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?|\S/g;
const NOISE = [
  '(',
  ')',
  '[',
  ']',
  ':',
  ',',
  '=',
  '"',
  "'",
  '"""',
  '\\',
  '\n',
  '\t',
  '    ',
  'lambda',
  'def',
  'class',
  '*',
  '**',
  '#',
  '\u0000',
  '😀',
  '\uFFFD',
  'é',
];

type Mutation = { kind: string; apply: (text: string, rnd: () => number) => string };

const pick = <T>(xs: T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)];

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
    apply: (text, rnd) =>
      text
        .split('\n')
        .map((l) => (rnd() < 0.1 ? `  ${l}` : rnd() < 0.05 ? l.trimStart() : l))
        .join('\n'),
  },
];

export interface Mutant {
  index: number;
  kind: string;
  /** The corpus file it mangles. */
  name: string;
  original: string;
  text: string;
  family: KerasFamily;
}

export const MUTANT_SEED = 0x5eed;

/** The first `count` mutants, in order. */
export function* mutants(count: number): Generator<Mutant> {
  const files = corpusFiles();
  const rng = new Rng(MUTANT_SEED);
  const rnd = (): number => rng.next();
  for (let i = 0; i < count; i++) {
    const file = files[i % files.length];
    const mutation = pick(MUTATIONS, rnd);
    const text = mutation.apply(file.text, rnd);
    const family: KerasFamily = rnd() < 0.5 ? 'keras3' : 'tf-keras2';
    yield { index: i, kind: mutation.kind, name: file.name, original: file.text, text, family };
  }
}
