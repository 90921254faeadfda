// MaskLens install step, run by `npm ci` as this local package's `preinstall`.
//
// Why a local package: npm runs the root package's own install scripts only after every
// dependency is built, too late for tfjs-node. A dependency's `preinstall` runs in the
// dependencies' preinstall phase, which npm completes before any `install` script — so this
// runs before `@tensorflow/tfjs-node`'s install script. (`install-links=true` in .npmrc makes
// npm copy this folder rather than symlink it; linked packages are built last.)
//
// It does two things:
// 1. creates `.venv/` with the pinned TensorFlow, Keras 3 and tf-keras (the golden-value
//    reference), skipping the work when requirements-python.txt is unchanged;
// 2. unless the tfjs CDN answers (then tfjs-node's own download path runs unchanged), stages
//    the TensorFlow C library from that TensorFlow wheel into tfjs-node's deps/ folder under
//    the names its install script and its binding expect. tfjs-node then finds the library,
//    skips its download, and builds its binding from source against Node's headers — which
//    also makes it context-aware, so it loads in several worker threads.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');

const root = process.env.INIT_CWD && fs.existsSync(path.join(process.env.INIT_CWD, 'requirements-python.txt'))
  ? process.env.INIT_CWD
  : path.resolve(__dirname, '..', '..');
const venv = path.join(root, '.venv');
const python = path.join(venv, 'bin', 'python');
const requirements = path.join(root, 'requirements-python.txt');
const tfjsNode = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const mode = (process.env.MASKLENS_TF_STAGE || 'auto').toLowerCase();
// The library version tfjs-node 4.22 checks for (scripts/deps-constants.js).
const TFJS_LIBTENSORFLOW_VERSION = '2.9.1';

const say = (message) => console.log(`[masklens setup] ${message}`);

function fail(message, error) {
  console.error(`[masklens setup] ERROR: ${message}`);
  if (error) console.error(String(error && error.stack ? error.stack : error));
  console.error('[masklens setup] Fix the cause above and run `npm ci` again. MASKLENS_TF_STAGE=never skips staging.');
  process.exit(1);
}

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

function ensureVenv() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const stamp = path.join(venv, '.masklens-requirements.sha256');
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash) {
    say('Python reference venv is up to date.');
    return;
  }
  say(`Creating the Python reference venv in ${venv} (TensorFlow, Keras 3, tf-keras)…`);
  const python3 = process.env.PYTHON || 'python3';
  run(python3, ['-m', 'venv', venv]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  fs.writeFileSync(stamp, `${hash}\n`);
  say('Python reference venv ready.');
}

/** True when the tfjs CDN answers within 3 s: then tfjs-node's own download path is used. */
function cdnReachable() {
  return new Promise((resolve) => {
    const req = https.request('https://storage.googleapis.com/tf-builds/', { method: 'HEAD', timeout: 3000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tensorflowPackageDir() {
  const purelib = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
  const dir = path.join(purelib, 'tensorflow');
  for (const f of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', 'include/tensorflow/c/c_api.h']) {
    if (!fs.existsSync(path.join(dir, f))) fail(`the TensorFlow wheel in ${dir} has no ${f}; cannot stage the TensorFlow C library.`);
  }
  return dir;
}

/** Hard links cost no disk (the 1 GB library stays one file); copying is the fallback across filesystems. */
function linkOrCopy(from, to) {
  fs.rmSync(to, { force: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function symlink(target, at) {
  fs.rmSync(at, { force: true, recursive: true });
  fs.symlinkSync(target, at);
}

function stage(tfDir) {
  const lib = path.join(tfjsNode, 'deps', 'lib');
  fs.mkdirSync(lib, { recursive: true });
  // Runtime names: the binding records the libraries' SONAMEs and finds them via its rpath.
  linkOrCopy(path.join(tfDir, 'libtensorflow_cc.so.2'), path.join(lib, 'libtensorflow_cc.so.2'));
  linkOrCopy(path.join(tfDir, 'libtensorflow_framework.so.2'), path.join(lib, 'libtensorflow_framework.so.2'));
  // Link-time names (`-ltensorflow -ltensorflow_framework`) and the versioned names
  // tfjs-node's install script checks before it would download.
  symlink('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so'));
  symlink('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  symlink('libtensorflow_cc.so.2', path.join(lib, `libtensorflow.so.${TFJS_LIBTENSORFLOW_VERSION}`));
  symlink('libtensorflow_framework.so.2', path.join(lib, `libtensorflow_framework.so.${TFJS_LIBTENSORFLOW_VERSION}`));
  // Headers are needed only while the binding compiles.
  symlink(path.join(tfDir, 'include'), path.join(tfjsNode, 'deps', 'include'));
  say(`Staged the TensorFlow C library from ${tfDir} into ${path.relative(root, path.join(tfjsNode, 'deps'))}.`);
}

async function main() {
  if (!fs.existsSync(requirements)) fail(`cannot find requirements-python.txt (looked in ${root}).`);
  try {
    ensureVenv();
  } catch (error) {
    fail('creating the Python reference venv failed.', error);
  }
  if (mode === 'never') return say('MASKLENS_TF_STAGE=never: tfjs-node will download libtensorflow itself.');
  if (mode !== 'always' && (await cdnReachable())) return say('The tfjs CDN is reachable: tfjs-node downloads libtensorflow itself.');
  if (!fs.existsSync(tfjsNode)) fail(`@tensorflow/tfjs-node is not unpacked at ${tfjsNode}.`);
  say('The tfjs CDN is unreachable: staging TensorFlow from the TensorFlow wheel; tfjs-node will build its binding from source.');
  stage(tensorflowPackageDir());
}

main().catch((error) => fail('unexpected failure.', error));
