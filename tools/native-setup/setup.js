// MaskLens install step, run by `npm ci` / `npm install` as this local package's `preinstall`.
//
// Why a local package: npm runs the root package's own install scripts only after every
// dependency is built, too late for tfjs-node. npm builds dependencies in phases: every
// dependency's `preinstall` finishes before any dependency's `install` runs (arborist
// rebuild.js #build), so this runs before `@tensorflow/tfjs-node`'s install script.
// `install-links=true` in the project .npmrc makes npm copy this folder instead of
// symlinking it: linked packages are built in a second round, after tfjs-node.
//
// It does three things, and downloads nothing it has not pinned by hash:
// 1. creates `.venv/` with TensorFlow, Keras 3 and tf-keras (the golden-value reference) from
//    requirements-python.lock, every package pinned with its SHA-256 and installed with
//    pip --require-hashes; pip is skipped when the lock is unchanged since the last run;
// 2. puts the TensorFlow C library into tfjs-node's deps/ folder under the names its install
//    script and its binding expect, so that script skips its own (unverified) download:
//    where the tfjs CDN answers, this step downloads the libtensorflow archive over https
//    itself and checks it against the SHA-256 pinned below; otherwise it stages the library
//    the TensorFlow wheel carries (verified by the lock). node-pre-gyp's prebuilt-binary
//    download is never used: the binding is always built from source (.npmrc) against Node's
//    own headers, which also makes it context-aware (it loads in several worker threads;
//    the prebuilt one does not);
// 3. patches the binding's source: a mutex so several threads may run ops at once, and an
//    error path that freed an object twice (patch-binding.js says why).
//
// MASKLENS_TF_STAGE=auto (default) | always (stage from the wheel even if the CDN answers) |
// never (always download the pinned archive). A CDN override (TFJS_NODE_CDN_STORAGE,
// CDN_STORAGE, TFJS_NODE_BASE_URI) must be https and serve the same bytes.
// MASKLENS_PYTHON: the interpreter that creates the venv (default python3).
// Output is shown by `npm ci --foreground-scripts`, or by npm when this step fails.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { patchTfjsNodeBinding } = require('./patch-binding');

// INIT_CWD is where `npm ci` was typed; this package itself sits at <root>/node_modules/<name>
// (or at <root>/tools/native-setup when run by hand), so both lead to the project root.
const isRoot = (dir) => !!dir && fs.existsSync(path.join(dir, 'requirements-python.lock'));
const root =
  [process.env.INIT_CWD, process.env.npm_config_local_prefix, path.resolve(__dirname, '..', '..')].find(isRoot) ||
  path.resolve(__dirname, '..', '..');
// The lock, made from requirements-python.txt by pip-compile (see the README).
const requirements = path.join(root, 'requirements-python.lock');
const venv = path.join(root, '.venv');
const python = path.join(venv, 'bin', 'python');
const stamp = path.join(venv, '.masklens-requirements.sha256');
const tfjsNode = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
const mode = (process.env.MASKLENS_TF_STAGE || 'auto').toLowerCase();
// The libtensorflow version tfjs-node 4.22's install script looks for (scripts/deps-constants.js).
const TFJS_LIBTENSORFLOW_VERSION = '2.9.1';
// The same CDN (and overrides) tfjs-node's install script would download from.
const CDN =
  process.env.TFJS_NODE_CDN_STORAGE ||
  process.env.npm_config_TFJS_NODE_CDN_STORAGE ||
  process.env.CDN_STORAGE ||
  'https://storage.googleapis.com/';
const BASE_URI =
  process.env.TFJS_NODE_BASE_URI ||
  process.env.npm_config_TFJS_NODE_BASE_URI ||
  `${CDN}tensorflow/libtensorflow/libtensorflow-`;
// The archive tfjs-node 4.22 downloads on each platform (scripts/install.js), with its SHA-256.
// Google publishes no checksums for these; the values are the ones nixpkgs (mjolnir's
// tfjsNative) and wamuir/graft (Bazel http_archive) pin for the same URLs, which agree.
const LIBTENSORFLOW = {
  'linux-x64': {
    url: `${BASE_URI}cpu-linux-x86_64-${TFJS_LIBTENSORFLOW_VERSION}.tar.gz`,
    sha256: '7f510d2546e3db5e10b1d119463689003d587842892ad3c95bca51cf82820173',
  },
  'darwin-x64': {
    url: `${BASE_URI}cpu-darwin-x86_64-${TFJS_LIBTENSORFLOW_VERSION}.tar.gz`,
    sha256: '56f83d3320ba0f69aaafd6c058645e1b7fbc75fb9a3fc36d6be98de1291ca226',
  },
  'linux-arm64': {
    url: `${CDN}tf-builds/libtensorflow_r2_7_linux_arm64.tar.gz`,
    sha256: '9395d1ff39f5b6847f5121e679ff4e599dc7061a2a7f87ceac061c78e908e6e3',
  },
  'darwin-arm64': {
    url: `${CDN}tf-builds/libtensorflow_r2_7_darwin_arm64_cpu.tar.gz`,
    sha256: '13ab22b97e2af06e431aaeb7b42fb89981965dd01aa16da035d8210aa4183d79',
  },
};

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
  const out = execFileSync(
    python,
    [
      '-c',
      'import sysconfig, importlib.metadata as m; ' +
        'print(sysconfig.get_paths()["purelib"]); print(m.version("tensorflow"))',
    ],
    { encoding: 'utf8' },
  );
  const [purelib, version] = out.trim().split('\n');
  return { tfDir: path.join(purelib, 'tensorflow'), version };
}

function ensureVenv() {
  const hash = crypto.createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const upToDate = () => {
    try {
      return (
        fs.readFileSync(stamp, 'utf8').trim() === hash &&
        fs.existsSync(path.join(venvInfo().tfDir, 'libtensorflow_cc.so.2'))
      );
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
    fail(
      `\`${python3} -m venv ${venv}\` failed.`,
      'install a Python 3 that TensorFlow supports, with its ' +
        'venv module (Debian: apt-get install python3-venv), or set MASKLENS_PYTHON to such an interpreter.',
      error,
    );
  }
  say('Installing TensorFlow, Keras 3 and tf-keras from requirements-python.lock, every hash checked (about 1 GB)…');
  try {
    run(python, [
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
      requirements,
    ]);
  } catch (error) {
    fail(
      `pip could not install ${requirements} into ${venv}.`,
      'check that the Python package index is ' +
        'reachable (pip honours PIP_INDEX_URL) and that this Python version has TensorFlow wheels; a hash ' +
        'mismatch means a package is not the one the lock pins (see the README on updating the lock).',
      error,
    );
  }
  fs.writeFileSync(stamp, `${hash}\n`); // written last: an interrupted install is retried next time
  say('Python reference venv ready.');
}

/** Throws unless every download source is https: a plain-http mirror could serve anything. */
function checkHttps(urls) {
  for (const [name, value] of urls) {
    if (value && !/^https:\/\//i.test(value)) {
      throw new Error(`${name}=${value} is not an https URL; MaskLens downloads libtensorflow over https only`);
    }
  }
}

/** True when the tfjs CDN answers (any HTTP status) within 3 s. */
function cdnReachable() {
  return new Promise((resolve) => {
    let req;
    const done = (reachable) => {
      clearTimeout(timer);
      req?.destroy();
      resolve(reachable);
    };
    // An overall timer, because a socket timeout does not cover a hanging DNS lookup.
    const timer = setTimeout(() => done(false), 3000);
    try {
      req = https.request(CDN, { method: 'HEAD' }, () => done(true));
    } catch {
      return done(false); // not a usable URL
    }
    req.on('error', () => done(false));
    req.end();
  });
}

/**
 * Downloads `url` over https (following up to five https redirects) into `file`, hashing it as
 * it arrives; resolves with the SHA-256, and refuses a redirect to anything but https.
 */
function download(url, file, redirects = 5) {
  return new Promise((resolve, reject) => {
    if (!/^https:\/\//i.test(url)) return reject(new Error(`refusing to download ${url}: not https`));
    const req = https.get(url, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new Error(`too many redirects from ${url}`));
        return download(new URL(res.headers.location, url).href, file, redirects - 1).then(resolve, reject);
      }
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`${url} answered HTTP ${res.statusCode}`));
      }
      const hash = crypto.createHash('sha256');
      const out = fs.createWriteStream(file);
      res.on('data', (chunk) => hash.update(chunk));
      res.pipe(out);
      out.on('finish', () => resolve(hash.digest('hex')));
      out.on('error', reject);
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`no data from ${url} for 60 s`)));
    req.on('error', reject);
  });
}

/** Downloads a pinned archive and checks its SHA-256; the file is removed unless it matches. */
async function downloadVerified({ url, sha256 }, file) {
  const actual = await download(url, file);
  if (actual !== sha256) {
    fs.rmSync(file, { force: true });
    throw new Error(`${url} has SHA-256 ${actual}, not the pinned ${sha256}; it was not used`);
  }
  return file;
}

/**
 * The libtensorflow archive tfjs-node would download, fetched and checked here instead and
 * unpacked into deps/ (lib/, include/), so tfjs-node's install script finds it and downloads
 * nothing.
 */
async function installVerifiedLibtensorflow() {
  const key = `${process.platform}-${process.arch}`;
  const archive = LIBTENSORFLOW[key];
  if (!archive) {
    fail(
      `MaskLens pins no libtensorflow archive for ${key}, and downloads none it cannot verify.`,
      'build where MaskLens ships (linux-x64), or stage TensorFlow from the wheel (Linux: MASKLENS_TF_STAGE=always).',
    );
  }
  const deps = path.join(tfjsNode, 'deps');
  const file = path.join(os.tmpdir(), `masklens-libtensorflow-${process.pid}.tar.gz`);
  say(`Downloading ${archive.url} and checking its SHA-256…`);
  try {
    await downloadVerified(archive, file);
  } catch (error) {
    fail(
      'the libtensorflow archive could not be downloaded and verified.',
      'check the network, or stage TensorFlow ' + 'from the Python wheel instead (MASKLENS_TF_STAGE=always, Linux).',
      error,
    );
  }
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(deps, { recursive: true });
  try {
    run('tar', ['-xzf', file, '-C', deps]);
  } finally {
    fs.rmSync(file, { force: true });
  }
  say(
    `libtensorflow ${TFJS_LIBTENSORFLOW_VERSION} verified (SHA-256 ${archive.sha256.slice(0, 12)}…) and unpacked into ${path.relative(root, deps)}/.`,
  );
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
  for (const f of [
    'libtensorflow_cc.so.2',
    'libtensorflow_framework.so.2',
    'include/tensorflow/c/c_api.h',
    'include/tensorflow/c/eager/c_api.h',
  ]) {
    if (!fs.existsSync(path.join(tfDir, f))) {
      fail(
        `the TensorFlow wheel in ${tfDir} has no ${f}, so it cannot stand in for libtensorflow.`,
        'pin a TensorFlow version whose wheel ships the C API (2.21.0 does), or run with internet access ' +
          'and MASKLENS_TF_STAGE=never to download the pinned libtensorflow archive instead.',
      );
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
  fs.writeFileSync(
    path.join(deps, 'MASKLENS-STAGED.txt'),
    `TensorFlow ${version} C library staged by MaskLens (tools/native-setup/setup.js) from ${tfDir}\n`,
  );
  say(`Staged TensorFlow ${version} from ${tfDir} into ${path.relative(root, deps)}/ (lib/, include/).`);
}

/** Before tfjs-node's install script builds the binding: make it safe in several threads. */
function patchBinding() {
  if (!fs.existsSync(path.join(tfjsNode, 'binding', 'tfjs_backend.cc'))) {
    fail(
      `@tensorflow/tfjs-node's binding sources are not unpacked at ${tfjsNode}.`,
      'install with npm ci in the project root (tfjs-node must be a dependency of the project).',
    );
  }
  try {
    say(`tfjs-node binding patch (thread safety, error path): ${patchTfjsNodeBinding(tfjsNode)}.`);
  } catch (error) {
    fail(
      "cannot apply MaskLens' patch to tfjs-node's binding.",
      'use the @tensorflow/tfjs-node version pinned in package.json (4.22.0).',
      error,
    );
  }
}

async function main() {
  say(`Project root ${root}; MASKLENS_TF_STAGE=${mode}.`);
  if (!['auto', 'always', 'never'].includes(mode)) {
    fail(`MASKLENS_TF_STAGE=${mode} is not understood.`, 'set it to auto, always or never (or unset it).');
  }
  try {
    checkHttps([
      ['TFJS_NODE_CDN_STORAGE', process.env.TFJS_NODE_CDN_STORAGE],
      ['npm_config_TFJS_NODE_CDN_STORAGE', process.env.npm_config_TFJS_NODE_CDN_STORAGE],
      ['CDN_STORAGE', process.env.CDN_STORAGE],
      ['TFJS_NODE_BASE_URI', process.env.TFJS_NODE_BASE_URI],
      ['npm_config_TFJS_NODE_BASE_URI', process.env.npm_config_TFJS_NODE_BASE_URI],
    ]);
  } catch (error) {
    fail(
      'a libtensorflow download source is not https.',
      'point the override at an https mirror (it must serve the ' +
        'same archive: its SHA-256 is checked), or unset it.',
      error,
    );
  }
  if (!fs.existsSync(requirements)) {
    fail(`cannot find requirements-python.lock (looked in ${root}).`, 'run npm in the MaskLens project folder.');
  }
  ensureVenv();
  patchBinding();

  if (mode === 'never' || (mode === 'auto' && process.platform !== 'linux')) return installVerifiedLibtensorflow();
  if (mode === 'auto') {
    // The wheel's library names and tfjs-node's build rules match on Linux only.
    if (await cdnReachable()) {
      say(`${CDN} answers: downloading the pinned libtensorflow archive from it.`);
      return installVerifiedLibtensorflow();
    }
    say(`${CDN} is unreachable: staging TensorFlow from the Python venv instead.`);
  }
  if (!fs.existsSync(path.join(tfjsNode, 'package.json'))) {
    fail(
      `@tensorflow/tfjs-node is not unpacked at ${tfjsNode}.`,
      'install with npm ci in the project root (tfjs-node must be a dependency of the project).',
    );
  }
  if (!process.env.npm_config_nodedir) {
    // Without nodedir, node-gyp downloads Node's headers (nodejs.org), which fails offline.
    say(
      `WARNING: npm's nodedir is not set; offline, node-gyp needs it to find Node's headers: ` +
        `add nodedir=${path.resolve(process.execPath, '..', '..')} to ~/.npmrc if the build fails.`,
    );
  }
  const { tfDir, version } = venvInfo();
  stage(tfDir, version);
  say('tfjs-node will now skip its download and build its binding from source (about 30 s).');
}

if (require.main === module) {
  main().catch((error) =>
    fail(
      `unexpected failure: ${error.stack || error}`,
      'MASKLENS_TF_STAGE=never downloads the ' +
        'pinned libtensorflow archive instead of staging it from the wheel; otherwise report this error.',
    ),
  );
}

module.exports = { downloadVerified, checkHttps, LIBTENSORFLOW };
