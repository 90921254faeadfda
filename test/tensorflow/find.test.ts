/**
 * Finding TensorFlow's C library without running Python: in the repository's own .venv (the
 * real TensorFlow wheel `npm ci` installs), in environments laid out as venv, conda and pyenv
 * lay them out, and refusing versions MaskLens does not run on, with the reason.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findTensorFlow } from '../../src/tensorflow/find';
import { checkLibrary, libraryVersion } from '../../src/tensorflow/library';
import { findPythonTensorFlow, prefixOfInterpreter } from '../../src/tensorflow/pythonEnvironments';

const root = join(__dirname, '..', '..');
const venv = join(root, '.venv');
const pythonDir = readdirSync(join(venv, 'lib')).find((d) => d.startsWith('python3'));
assert.ok(pythonDir, '.venv has a lib/python3.X folder (npm ci creates it)');
const venvTensorFlow = join(venv, 'lib', pythonDir, 'site-packages', 'tensorflow');
const noPlaces = (home: string) => ({ interpreters: [], projectFolders: [], home, env: {} });

/** A Python environment at `prefix` whose TensorFlow is the .venv's libraries under another version's metadata. */
function environment(prefix: string, version: string): string {
  const packages = join(prefix, 'lib', 'python3.12', 'site-packages');
  mkdirSync(join(packages, 'tensorflow'), { recursive: true });
  for (const name of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'])
    symlinkSync(join(venvTensorFlow, name), join(packages, 'tensorflow', name));
  mkdirSync(join(packages, `tensorflow-${version}.dist-info`));
  writeFileSync(
    join(packages, `tensorflow-${version}.dist-info`, 'METADATA'),
    `Metadata-Version: 2.1\nName: tensorflow\nVersion: ${version}\n`,
  );
  return join(packages, 'tensorflow');
}

test("the repository's .venv, named by its interpreter, is found with the version its wheel metadata names", async () => {
  assert.equal(prefixOfInterpreter(join(venv, 'bin', 'python')), venv);
  const home = mkdtempSync(join(tmpdir(), 'masklens-home-'));
  const { found, refused } = await findPythonTensorFlow({
    ...noPlaces(home),
    interpreters: [join(venv, 'bin', 'python')],
  });
  assert.deepEqual(refused, []);
  assert.equal(found.length, 1);
  assert.equal(found[0].dir, venvTensorFlow);
  assert.equal(found[0].version, '2.21.0');
  assert.equal(found[0].source, 'python');
  assert.equal(found[0].origin, `the Python environment ${venv}`);
});

test('a project folder .venv, a conda env and a pyenv version are found in order; a version out of range is refused with the reason', async () => {
  const home = mkdtempSync(join(tmpdir(), 'masklens-home-'));
  const project = mkdtempSync(join(tmpdir(), 'masklens-project-'));
  const old = environment(join(home, 'miniconda3', 'envs', 'old'), '2.12.0');
  const conda = environment(join(home, 'miniconda3', 'envs', 'ml'), '2.18.1');
  const pyenv = environment(join(home, '.pyenv', 'versions', '3.12.4'), '2.16.2');
  const local = environment(join(project, '.venv'), '2.21.0');
  const { found, refused } = await findPythonTensorFlow({ ...noPlaces(home), projectFolders: [project] });
  assert.deepEqual(
    found.map((f) => f.dir),
    [local, pyenv, conda],
  );
  assert.deepEqual(
    found.map((f) => f.version),
    ['2.21.0', '2.16.2', '2.18.1'],
  );
  assert.deepEqual(refused, [`TensorFlow 2.12.0 is outside the versions MaskLens runs on (>=2.16.0 <3.0.0): ${old}`]);
  // Without the project folder (an untrusted workspace is not looked in), its .venv is not found.
  const untrusted = await findPythonTensorFlow(noPlaces(home));
  assert.ok(!untrusted.found.some((f) => f.dir === local));
});

test('a named folder is used as it is, or refused with what it lacks; nothing else is tried in its place', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'masklens-empty-'));
  const home = mkdtempSync(join(tmpdir(), 'masklens-home-'));
  const distDir = mkdtempSync(join(tmpdir(), 'masklens-dist-'));
  const refused = await findTensorFlow({
    named: { dir: empty, source: 'setting', origin: 'the setting' },
    distDir,
    python: noPlaces(home),
    cacheRoots: [],
  });
  assert.equal(refused.library, null);
  assert.equal(
    refused.namedRefused,
    `${empty} holds no libtensorflow_cc.so.2 and no libtensorflow_framework.so.2 (a TensorFlow wheel's tensorflow/ folder holds both)`,
  );
  const named = await findTensorFlow({
    named: { dir: venvTensorFlow, source: 'option', origin: 'the --tensorflow option' },
    distDir,
    python: noPlaces(home),
    cacheRoots: [],
  });
  assert.equal(named.library?.dir, venvTensorFlow);
  assert.equal(named.library?.version, '2.21.0');
});

test('a folder without metadata has no known version: refused when found, accepted when named; one library file alone is not enough', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'masklens-bare-'));
  copyFileSync(join(venvTensorFlow, 'libtensorflow_framework.so.2'), join(bare, 'libtensorflow_framework.so.2'));
  const half = await checkLibrary(bare, 'setting', 'the setting');
  assert.ok(!half.ok && !half.absent && /holds no libtensorflow_cc\.so\.2 \(/.test(half.reason));
  symlinkSync(join(venvTensorFlow, 'libtensorflow_cc.so.2'), join(bare, 'libtensorflow_cc.so.2'));
  assert.equal(await libraryVersion(bare), null);
  const found = await checkLibrary(bare, 'python', 'an environment');
  assert.ok(!found.ok && /its version is unknown/.test(found.reason));
  const named = await checkLibrary(bare, 'setting', 'the setting');
  assert.ok(named.ok && named.library.version === null);
});

test('the development build links the library its binding was built against, and it comes first', async () => {
  const home = mkdtempSync(join(tmpdir(), 'masklens-home-'));
  const result = await findTensorFlow({
    distDir: join(root, 'dist'),
    python: { ...noPlaces(home), interpreters: [join(venv, 'bin', 'python')] },
    cacheRoots: [],
  });
  assert.equal(result.library?.source, 'development', 'npm run compile links dist/tfjs-node/deps');
});
