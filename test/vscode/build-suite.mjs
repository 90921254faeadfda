#!/usr/bin/env node
// Bundles the integration suite that runs inside the VS Code extension host:
// test/integration/index.ts (+ every test/integration/**/*.itest.ts) → dist/test/integration/index.js,
// CommonJS for node 20, exporting `run(): Promise<void>` as `extensionTestsPath` expects.
//   * `vscode` is external: the extension host provides it.
//   * `mocha` is external too (bundling it trips over its dynamic requires); the bundle sits under
//     the repository, so `require('mocha')` resolves from the repository's node_modules at run time.
//   * `masklens:itests` is a generated module that requires every *.itest.ts, sorted by path.
// Options: --out <dir> (default dist/test/integration), --include <file.itest.ts> (extra suites,
// repeatable; used to prove that a failing test makes the harness exit non-zero), --suites <dir>
// (where the *.itest.ts are, default test/integration; test/installed holds the suite that runs
// against the packaged .vsix).
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultSuiteDir = join(repoRoot, 'dist', 'test', 'integration');

function findItests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findItests(p));
    else if (name.endsWith('.itest.ts')) out.push(p);
  }
  return out;
}

export async function buildSuite({
  outdir = defaultSuiteDir,
  include = [],
  suites = join(repoRoot, 'test', 'integration'),
} = {}) {
  const files = [...findItests(suites), ...include.map((f) => resolve(f))].sort();
  if (files.length === 0) throw new Error(`no ${relative(repoRoot, suites)}/**/*.itest.ts found`);
  for (const f of files) if (!existsSync(f)) throw new Error(`${f} does not exist`);
  const itests = {
    name: 'masklens-itests',
    setup(build) {
      build.onResolve({ filter: /^masklens:itests$/ }, () => ({ path: 'itests', namespace: 'masklens-itests' }));
      build.onLoad({ filter: /.*/, namespace: 'masklens-itests' }, () => ({
        contents:
          files.map((f) => `require(${JSON.stringify(f)});`).join('\n') +
          `\nmodule.exports = { files: ${JSON.stringify(files.map((f) => relative(repoRoot, f)))} };\n`,
        loader: 'js',
        resolveDir: repoRoot,
        watchFiles: files,
      }));
    },
  };
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: { index: join(repoRoot, 'test', 'integration', 'index.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    plugins: [itests],
    logLevel: 'warning',
  });
  return { outdir, files };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opts = { include: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') opts.outdir = resolve(args[++i]);
    else if (args[i] === '--include') opts.include.push(args[++i]);
    else if (args[i] === '--suites') opts.suites = resolve(args[++i]);
    else {
      console.error(`unknown argument ${args[i]}`);
      process.exit(2);
    }
  }
  const t0 = Date.now();
  const { outdir, files } = await buildSuite(opts);
  console.log(
    `[build-suite] ${files.length} suite file(s) → ${relative(repoRoot, join(outdir, 'index.js')) || outdir} in ${Date.now() - t0} ms`,
  );
}
