/**
 * The hostile suite, analysis side, on real code: Python files that are not Keras models, taken
 * at test time from the reference venv's site-packages (NumPy, pip, setuptools, requests,
 * pygments, rich, ...), and the fuzz test's mangled corpus files (test/core/mutants.ts), each
 * analysed through the real analysis process with the extension's time limit and the memory
 * bound (analysisHarness.ts). A crash, a stop, an internal error or a limit breach fails.
 *
 * The selection is fixed: every site-packages .py file outside Keras and TensorFlow, sorted by
 * path, files over MAX_FILE_BYTES set aside (counted and printed, not hidden), then every n-th
 * so that about FILES remain. The slowest files are printed and written to
 * test-results/hostile-analysis-corpus.json.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { mutants } from '../core/mutants';
import { AnalysisRun, writeResults } from './analysisHarness';

const root = join(__dirname, '..', '..');
const FILES = 240;
const MAX_FILE_BYTES = 256 * 1024;
/** Every n-th of the fuzz test's 1,200 mutants also goes through the process (fuzz.test.ts reads all of them in-process). */
const MUTANT_STRIDE = 10;
const KERAS_PACKAGES = new Set(['keras', 'tf_keras', 'tensorflow']);

function sitePackages(): string {
  const lib = join(root, '.venv', 'lib');
  const python = readdirSync(lib).find((d) => d.startsWith('python3'));
  assert.ok(python, `no python3.* in ${lib}: run npm ci`);
  return join(lib, python, 'site-packages');
}

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === '__pycache__' ? [] : pythonFiles(path);
    return e.isFile() && e.name.endsWith('.py') ? [path] : [];
  });
}

function selection(): { files: string[]; pool: number; tooLarge: number } {
  const base = sitePackages();
  const all = pythonFiles(base)
    .filter((p) => !KERAS_PACKAGES.has(relative(base, p).split('/')[0]))
    .sort();
  const fitting = all.filter((p) => statSync(p).size <= MAX_FILE_BYTES);
  const stride = Math.max(1, Math.floor(fitting.length / FILES));
  return {
    files: fitting.filter((_, i) => i % stride === 0).slice(0, FILES),
    pool: all.length,
    tooLarge: all.length - fitting.length,
  };
}

const run = new AnalysisRun();
before(() => run.ready());
after(() => run.dispose());

test(`${FILES} real non-Keras Python files from site-packages, through the analysis process: no crash, stop, internal error or limit breach`, async () => {
  const { files, pool, tooLarge } = selection();
  assert.ok(files.length >= 200, `only ${files.length} files selected`);
  process.stdout.write(
    `# site-packages: ${files.length} of ${pool} files (${tooLarge} over ${MAX_FILE_BYTES / 1024} KiB set aside)\n`,
  );
  const base = sitePackages();
  const rows: { file: string; bytes: number; ms: number; peakRssMB: number; models: number }[] = [];
  for (const path of files) {
    const name = relative(base, path);
    const text = readFileSync(path, 'utf8');
    const { view, ms, peakRssMB } = await run.analyse(text, name);
    rows.push({
      file: name,
      bytes: text.length,
      ms: Math.round(ms),
      peakRssMB: Math.round(peakRssMB),
      models: view.models.length,
    });
  }
  const slowest = [...rows].sort((a, b) => b.ms - a.ms).slice(0, 10);
  for (const r of slowest)
    process.stdout.write(`# slow: ${r.file} (${r.bytes} chars): ${r.ms} ms, peak RSS ${r.peakRssMB} MB\n`);
  writeResults('hostile-analysis-corpus.json', {
    files: rows.length,
    pool,
    tooLarge,
    maxFileBytes: MAX_FILE_BYTES,
    slowest,
    rows,
  });
});

test(`every ${MUTANT_STRIDE}th of the fuzz test's mangled corpus files, through the analysis process`, async () => {
  let count = 0;
  let slowest = 0;
  for (const m of mutants(1_200)) {
    if (m.index % MUTANT_STRIDE !== 0) continue;
    const { ms } = await run.analyse(m.text, `mutant ${m.index} (${m.kind} of ${m.name})`);
    slowest = Math.max(slowest, ms);
    count++;
  }
  assert.equal(count, 120);
  process.stdout.write(`# mutants: ${count} through the process, slowest ${slowest.toFixed(0)} ms\n`);
});
