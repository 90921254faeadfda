// MaskLens install step, run by `npm ci` / `npm install` as this local package's `preinstall`.
//
// Why a local package: npm runs the root package's own install scripts only after every
// dependency is built, too late for tfjs-node. npm builds dependencies in phases: every
// dependency's `preinstall` finishes before any dependency's `install` runs (arborist
// rebuild.js #build), so this runs before `@tensorflow/tfjs-node`'s install script.
// `install-links=true` in the project .npmrc makes npm copy this folder instead of
// symlinking it: linked packages are built in a second round, after tfjs-node.
//
// It does three things:
// 1. creates `.venv/` with the pinned TensorFlow, Keras 3 and tf-keras (the golden-value
//    reference), skipping pip when requirements-python.txt is unchanged since the last run;
// 2. unless the tfjs CDN answers (then tfjs-node's own download path runs unchanged), stages
//    the TensorFlow C library of that TensorFlow wheel into tfjs-node's deps/ folder under the
//    names its install script and its binding expect. tfjs-node's install script then skips
//    its download, node-pre-gyp's prebuilt-binary download fails, and it builds the binding
//    from source against Node's own headers, which also makes the binding context-aware
//    (it loads in several worker threads; the prebuilt one does not);
// 3. patches the binding's source so that several threads may run ops at once
//    (patch-binding.js says why); the binding is always built from source (.npmrc).
//
// MASKLENS_TF_STAGE=auto (default) | always (stage even if the CDN answers) | never.
// MASKLENS_PYTHON: the interpreter that creates the venv (default python3).
// Output is shown by `npm ci --foreground-scripts`, or by npm when this step fails.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { patchTfjsNodeBinding } = require('./patch-binding');

// INIT_CWD is where `npm ci` was typed; this package itself sits at <root>/node_modules/<name>
// (or at <root>/tools/native-setup when run by hand), so both lead to the project root.
const isRoot = (dir) => !!dir && fs.existsSync(path.join(dir, 'requirements-python.txt'));
const root = [process.env.INIT_CWD, process.env.npm_config_local_prefix, path.resolve(__dirname, '..', '..')]
  .find(isRoot) || path.resolve(__dirname, '..', '..');
const requirements = path.join(root, 'requirements-python.txt');
const venv = path.join(root, '.venv');
const python = path.join(venv, 'bin', 'python');
const stamp = path.join(venv, '.masklens-requirements.sha256');
const tfjsNode = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const mode = (process.env.MASKLENS_TF_STAGE || 'auto').toLowerCase();
// The libtensorflow version tfjs-node 4.22's install script looks for (scripts/deps-constants.js).
const TFJS_LIBTENSORFLOW_VERSION = '2.9.1';
// The same CDN (and overrides) tfjs-node's install script would download from.
const CDN = process.env.TFJS_NODE_CDN_STORAGE || process.env.npm_config_TFJS_NODE_CDN_STORAGE
  || process.env.CDN_STORAGE || 'https://storage.googleapis.com/';

const started = Date.now();
const say = (message) => console.log(`[masklens setup +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

function fail(what, hint, error) {
  console.error(`[masklens setup] ERROR: ${what}`);
  if (error) console.error(`[masklens setup] ${error.message || error}`); // the tool's own output is above
  console.error(`[masklens setup] What to do: ${hint}`);
  console.error('[masklens setup] Then run `npm ci` again (add --foreground-scripts to watch this step).');
  process.exit(1);
}

function run(command, args) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

function venvInfo() {
  const out = execFileSync(python, ['-c', 'import sysconfig, importlib.metadata as m; '
    + 'print(sysconfig.get_paths()["purelib"]); print(m.version("tensorflow"))'], { encoding: 'utf8' });
  const [purelib, version] = out.trim().split('\n');
  return { tfDir: path.join(purelib, 'tensorflow'), version };
}

function ensureVenv() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const upToDate = () => {
    try {
      return fs.readFileSync(stamp, 'utf8').trim() === hash
        && fs.existsSync(path.join(venvInfo().tfDir, 'libtensorflow_cc.so.2'));
    } catch {
      return false; // no stamp, or the venv's python is gone or broken
    }
  };
  if (upToDate()) return say(`Python reference venv ${venv} is up to date.`);

  const python3 = process.env.MASKLENS_PYTHON || 'python3';
  // A venv whose interpreter is gone (python upgraded or moved) cannot be repaired in place.
  const clear = fs.existsSync(venv) && !fs.existsSync(python) ? ['--clear'] : [];
  say(`Creating the Python reference venv ${venv} with ${python3}…`);
  try {
    run(python3, ['-m', 'venv', ...clear, venv]);
  } catch (error) {
    fail(`\`${python3} -m venv ${venv}\` failed.`, 'install a Python 3 that TensorFlow supports, with its '
      + 'venv module (Debian: apt-get install python3-venv), or set MASKLENS_PYTHON to such an interpreter.', error);
  }
  say('Installing TensorFlow, Keras 3 and tf-keras from requirements-python.txt (about 1 GB)…');
  try {
    run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', requirements]);
  } catch (error) {
    fail(`pip could not install ${requirements} into ${venv}.`, 'check that the Python package index is '
      + 'reachable (pip honours PIP_INDEX_URL) and that this Python version has TensorFlow wheels.', error);
  }
  fs.writeFileSync(stamp, `${hash}\n`); // written last: an interrupted install is retried next time
  say('Python reference venv ready.');
}

/** True when the tfjs CDN answers (any HTTP status) within 3 s. */
function cdnReachable() {
  return new Promise((resolve) => {
    let req;
    const done = (reachable) => { clearTimeout(timer); req?.destroy(); resolve(reachable); };
    // An overall timer, because a socket timeout does not cover a hanging DNS lookup.
    const timer = setTimeout(() => done(false), 3000);
    try {
      req = (CDN.startsWith('http:') ? http : https).request(CDN, { method: 'HEAD' }, () => done(true));
    } catch {
      return done(false); // not a usable URL
    }
    req.on('error', () => done(false));
    req.end();
  });
}

/** Hard links cost no time or disk; copying is the fallback (other filesystem, no permission). */
function linkOrCopy(from, to) {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function linkTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const [a, b] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) linkTree(a, b);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(a), b);
    else linkOrCopy(a, b);
  }
}

// Layout (tfjs-node's binding.gyp links `-ltensorflow -ltensorflow_framework` from deps/lib with
// rpath $ORIGIN/../../deps/lib; the libraries' SONAMEs are libtensorflow_cc.so.2 and
// libtensorflow_framework.so.2, so those are the names the binding needs at run time):
//   deps/lib/libtensorflow_cc.so.2              real file (hard link of the wheel's library)
//   deps/lib/libtensorflow_framework.so.2       real file (hard link of the wheel's library)
//   deps/lib/libtensorflow.so{,.2.9.1}          -> libtensorflow_cc.so.2         (relative symlinks)
//   deps/lib/libtensorflow_framework.so{,.2.9.1} -> libtensorflow_framework.so.2
//   deps/include/                               hard-linked copy of tensorflow/include
// Hard links rather than symlinks into .venv keep node_modules self-contained: deleting or
// re-creating .venv (pip replaces files, it does not rewrite them) cannot break the built
// binding, and the 1.3 GB of libraries use no extra disk. The extra names are relative
// symlinks inside deps/lib, the same shape as the libtensorflow tarball tfjs-node downloads.
function stage(tfDir, version) {
  for (const f of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', 'include/tensorflow/c/c_api.h',
    'include/tensorflow/c/eager/c_api.h']) {
    if (!fs.existsSync(path.join(tfDir, f))) {
      fail(`the TensorFlow wheel in ${tfDir} has no ${f}, so it cannot stand in for libtensorflow.`,
        'pin a TensorFlow version whose wheel ships the C API (2.21.0 does), or run with internet access '
        + 'and MASKLENS_TF_STAGE=never so tfjs-node downloads libtensorflow itself.');
    }
  }
  const deps = path.join(tfjsNode, 'deps');
  const lib = path.join(deps, 'lib');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(lib, { recursive: true });
  for (const name of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    linkOrCopy(path.join(tfDir, name), path.join(lib, name));
  }
  for (const suffix of ['', `.${TFJS_LIBTENSORFLOW_VERSION}`]) {
    fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, `libtensorflow.so${suffix}`));
    fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, `libtensorflow_framework.so${suffix}`));
  }
  linkTree(path.join(tfDir, 'include'), path.join(deps, 'include'));
  fs.writeFileSync(path.join(deps, 'MASKLENS-STAGED.txt'),
    `TensorFlow ${version} C library staged by MaskLens (tools/native-setup/setup.js) from ${tfDir}\n`);
  say(`Staged TensorFlow ${version} from ${tfDir} into ${path.relative(root, deps)}/ (lib/, include/).`);
}

/** Before tfjs-node's install script builds the binding: make it safe in several threads. */
function patchBinding() {
  if (!fs.existsSync(path.join(tfjsNode, 'binding', 'tfjs_backend.cc'))) {
    fail(`@tensorflow/tfjs-node's binding sources are not unpacked at ${tfjsNode}.`,
      'install with npm ci in the project root (tfjs-node must be a dependency of the project).');
  }
  try {
    say(`tfjs-node binding thread-safety patch: ${patchTfjsNodeBinding(tfjsNode)}.`);
  } catch (error) {
    fail('cannot apply the thread-safety patch to tfjs-node\'s binding.',
      'use the @tensorflow/tfjs-node version pinned in package.json (4.22.0).', error);
  }
}

async function main() {
  say(`Project root ${root}; MASKLENS_TF_STAGE=${mode}.`);
  if (!['auto', 'always', 'never'].includes(mode)) {
    fail(`MASKLENS_TF_STAGE=${mode} is not understood.`, 'set it to auto, always or never (or unset it).');
  }
  if (!fs.existsSync(requirements)) {
    fail(`cannot find requirements-python.txt (looked in ${root}).`, 'run npm in the MaskLens project folder.');
  }
  ensureVenv();
  patchBinding();

  if (mode === 'never') return say('MASKLENS_TF_STAGE=never: tfjs-node downloads libtensorflow itself.');
  if (mode === 'auto') {
    // The wheel's library names and tfjs-node's build rules match on Linux only.
    if (process.platform !== 'linux') return say('Not Linux: tfjs-node downloads libtensorflow itself.');
    if (await cdnReachable()) return say(`${CDN} answers: tfjs-node downloads libtensorflow itself.`);
    say(`${CDN} is unreachable: staging TensorFlow from the Python venv instead.`);
  }
  if (!fs.existsSync(path.join(tfjsNode, 'package.json'))) {
    fail(`@tensorflow/tfjs-node is not unpacked at ${tfjsNode}.`,
      'install with npm ci in the project root (tfjs-node must be a dependency of the project).');
  }
  if (!process.env.npm_config_nodedir) {
    // Without nodedir, node-gyp downloads Node's headers (nodejs.org), which fails offline.
    say(`WARNING: npm's nodedir is not set; offline, node-gyp needs it to find Node's headers: `
      + `add nodedir=${path.resolve(process.execPath, '..', '..')} to ~/.npmrc if the build fails.`);
  }
  const { tfDir, version } = venvInfo();
  stage(tfDir, version);
  say('tfjs-node will now skip its download and build its binding from source (about 30 s).');
}

main().catch((error) => fail(`unexpected failure: ${error.stack || error}`, 'MASKLENS_TF_STAGE=never skips '
  + 'the staging step where tfjs-node can download libtensorflow itself; otherwise report this error.'));
