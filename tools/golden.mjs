#!/usr/bin/env node
// Regenerates the golden fixtures from real Keras: runs test/golden/generate.py with the
// project's Python venv (.venv, created from requirements-python.lock), forwarding all
// arguments.  Usage: node tools/golden.mjs [--only PATTERN] [--family keras3|tf-keras2] [--jobs N]
// With --realworld first it runs test/realworld/generate.py instead (the real-world corpus),
// with --sweep first test/golden/sweep.py (the goldens under every Keras release of the sweep),
// with --saved first test/golden/saved_models.py (models trained and saved by Keras).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const candidates =
  process.platform === 'win32'
    ? [join(root, '.venv', 'Scripts', 'python.exe')]
    : [join(root, '.venv', 'bin', 'python'), join(root, '.venv', 'bin', 'python3')];
const python = process.env.MASKLENS_PYTHON || candidates.find((p) => existsSync(p));
if (!python) {
  console.error(
    'golden: no Python venv found at .venv. Create it first:\n' +
      '  python3 -m venv .venv && .venv/bin/pip install --require-hashes -r requirements-python.lock\n' +
      '(or set MASKLENS_PYTHON to a Python that has tensorflow, keras and tf-keras).',
  );
  process.exit(2);
}
const SCRIPTS = {
  '--realworld': 'test/realworld/generate.py',
  '--sweep': 'test/golden/sweep.py',
  '--saved': 'test/golden/saved_models.py',
};
const chosen = Object.hasOwn(SCRIPTS, process.argv[2] ?? '') ? SCRIPTS[process.argv[2]] : undefined;
const script = join(root, chosen ?? 'test/golden/generate.py');
const result = spawnSync(python, [script, ...process.argv.slice(chosen ? 3 : 2)], { cwd: root, stdio: 'inherit' });
if (result.error) {
  console.error(`golden: could not run ${python}: ${result.error.message}`);
  process.exit(2);
}
process.exit(result.status ?? 1);
