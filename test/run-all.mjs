// The one test command (`npm test`, called by .ci/run): build, type-check, lint, format check, then every
// test file under node's test runner — unit, golden (vs real Keras), pool (native TensorFlow)
// and the real-VS Code suite. Any failure fails the run; nothing is skipped silently.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2);

function step(title, command, args) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  console.log(
    `=== ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (/\.test\.(ts|mjs)$/.test(name)) out.push(relative(root, path));
  }
  return out.sort();
}

step('build', process.execPath, ['tools/build.mjs']);
step('build test suite', process.execPath, ['test/vscode/build-suite.mjs']);
step('typecheck (node)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
step('typecheck (webviews)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'webview']);
step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
step('format (Prettier, check only; `npm run format` fixes)', process.execPath, [
  'node_modules/prettier/bin/prettier.cjs',
  '--check',
  '.',
]);
const files = findTests(join(root, 'test')).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
mkdirSync(join(root, 'test-results'), { recursive: true }); // screenshots and the TAP report land here
step('tests', process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  '--test-reporter-destination=test-results/tests.tap',
  ...files,
]);

// One plain closing line from the TAP report, so the totals are the run's last words.
const tap = readFileSync(join(root, 'test-results', 'tests.tap'), 'utf8');
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? NaN);
console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
