/**
 * The second Keras reference, Keras 3 on JAX, lives in its own venv (.cache/bench-jax-venv),
 * made on first use by `npm run bench` from bench/requirements-jax.lock (every package pinned
 * with its SHA-256, pip --require-hashes, wheels only) — never by `npm ci`, since only the
 * benchmark needs it. A stamp with the lock's hash, written last, says the venv is complete and
 * current. BENCH_JAX_PYTHON names an interpreter that already has JAX and Keras instead.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function importsJax(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import jax, keras'], {
    stdio: 'ignore',
    env: { ...process.env, KERAS_BACKEND: 'jax' },
  });
  return r.status === 0;
}

/** The JAX venv's interpreter, installing it first if needed; throws one sentence saying why not. */
export function jaxPython(root: string, log: (line: string) => void): string {
  const given = process.env.BENCH_JAX_PYTHON;
  if (given) {
    if (!importsJax(given)) throw new Error(`BENCH_JAX_PYTHON=${given} cannot import jax and keras`);
    return given;
  }
  const lock = join(root, 'bench', 'requirements-jax.lock');
  const venv = join(root, '.cache', 'bench-jax-venv');
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.masklens-requirements.sha256');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const current = (): boolean => {
    try {
      return readFileSync(stamp, 'utf8').trim() === hash && importsJax(python);
    } catch {
      return false;
    }
  };
  if (current()) return python;
  const base = process.env.MASKLENS_PYTHON || 'python3';
  log(`  Keras on JAX: creating ${venv} with ${base} and installing bench/requirements-jax.lock (first use, ~400 MB)`);
  const clear = existsSync(venv) ? ['--clear'] : [];
  const made = spawnSync(base, ['-m', 'venv', ...clear, venv], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error(`\`${base} -m venv ${venv}\` failed (exit ${made.status ?? made.signal})`);
  const pip = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--progress-bar',
      'off',
      '--require-hashes',
      '--only-binary',
      ':all:',
      '-r',
      lock,
    ],
    { stdio: 'inherit' },
  );
  if (pip.status !== 0)
    throw new Error(
      `pip could not install bench/requirements-jax.lock into ${venv} (exit ${pip.status ?? pip.signal}): is the package index reachable, and does this Python have JAX wheels?`,
    );
  if (!importsJax(python)) throw new Error(`${python} has the JAX set installed but cannot import jax and keras`);
  writeFileSync(stamp, `${hash}\n`); // last: an interrupted install is redone next time
  return python;
}
