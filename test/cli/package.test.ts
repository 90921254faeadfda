/**
 * The CLI as users get it from npm: `npm pack` of its package, installed into an empty folder
 * with nothing else around, run with npx. `analyze --format sarif` is valid SARIF 2.1.0; `compare`
 * downloads TensorFlow when asked (--download-tensorflow), then finds that download again; and
 * TensorFlow's own start-up lines appear only with --verbose.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sarifErrors } from './sarifSchema';

const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'masklens-cli-package-'));
const project = join(scratch, 'project');
const home = join(scratch, 'home');
const NOISE = /oneDNN|cuInit|cudart|absl::InitializeLog|I0000|E0000/;

/** The environment of a user with none of the developer's Python environments, caches or npm settings (`npm test` sets npm_config_*). */
const userEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_'))),
  HOME: home,
  XDG_CACHE_HOME: undefined,
  VIRTUAL_ENV: undefined,
  CONDA_PREFIX: undefined,
  PATH: '/usr/bin:/bin',
  TF_CPP_MIN_LOG_LEVEL: undefined,
};

function npx(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('npx', ['--no-install', 'masklens', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...userEnv, PATH: `${join(process.execPath, '..')}:${userEnv.PATH}` },
    maxBuffer: 1 << 26,
  });
}

describe('the npm package of the CLI', { timeout: 600_000 }, () => {
  let tgz = '';
  before(() => {
    const built = spawnSync(process.execPath, [join(root, 'tools', 'package.mjs'), '--cli', scratch], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    tgz = join(scratch, readdirSync(scratch).find((f) => f.endsWith('.tgz')) ?? 'none');
    assert.ok(existsSync(tgz), 'npm pack wrote no .tgz');
    for (const dir of [project, home]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "a-user-project", "private": true }\n');
    // Offline: the package has no dependencies, so the registry is not needed.
    const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tgz], {
      cwd: project,
      encoding: 'utf8',
      env: { ...userEnv, PATH: process.env.PATH },
    });
    assert.equal(installed.status, 0, `npm install ${tgz} failed:\n${installed.stderr}`);
    copyFileSync(join(root, 'examples', 'seed001_embedding_dense_mse.py'), join(project, 'seed001.py'));
    copyFileSync(join(root, 'examples', 'seed002_lambda_drops_mask.py'), join(project, 'seed002.py'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('the package is small and carries no TensorFlow library', () => {
    assert.ok(statSync(tgz).size < 5e6, `${tgz} is ${statSync(tgz).size} bytes`);
    const list = spawnSync('tar', ['tzf', tgz], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    assert.deepEqual(list, [
      'package/LICENSE',
      'package/README.md',
      'package/dist/cli.js',
      'package/dist/piscina/worker.js',
      'package/dist/runtime.js',
      'package/dist/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'package/dist/tree-sitter-python.wasm',
      'package/dist/tree-sitter.wasm',
      'package/dist/worker.js',
      'package/package.json',
    ]);
  });

  test('npx masklens analyze --format sarif over a glob is valid SARIF 2.1.0; --fail-on warning fails on the Lambda', () => {
    const r = npx('analyze', '*.py', '--format', 'sarif');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const log = JSON.parse(r.stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    assert.equal(sarifErrors(log), '');
    assert.ok(
      log.runs[0].results.some(
        (x) =>
          x.ruleId === 'lambda-drops-mask' && x.locations[0].physicalLocation.artifactLocation.uri === 'seed002.py',
      ),
    );
    assert.equal(npx('analyze', 'seed002.py', '--fail-on', 'warning').status, 1);
  });

  test('compare: without TensorFlow it says so and runs on the pure-JS backend; --download-tensorflow fetches it from PyPI; the next run finds the download', () => {
    const none = npx('compare', 'seed001.py');
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /on cpu \(no TensorFlow >=2\.16\.0 <3\.0\.0 was found/);
    assert.doesNotMatch(none.stderr, NOISE);

    const downloaded = npx('compare', 'seed001.py', '--download-tensorflow', '--json');
    assert.equal(downloaded.status, 0, downloaded.stderr);
    const cache = join(home, '.cache', 'masklens', 'tensorflow', 'tensorflow-cpu-2.21.0');
    const result = JSON.parse(downloaded.stdout) as {
      backend: string;
      backendInfo: { libraryPath: string; tensorflowVersion: string };
      reductions: { id: string; value: number }[];
    };
    assert.equal(result.backend, 'tensorflow');
    assert.equal(result.backendInfo.libraryPath, join(cache, 'libtensorflow_cc.so.2'));
    assert.equal(result.backendInfo.tensorflowVersion, '2.21.0');
    assert.match(downloaded.stderr, /^downloading TensorFlow 2\.21\.0: 100%$/m);
    assert.doesNotMatch(downloaded.stderr, NOISE, 'TensorFlow start-up lines are kept out of stderr');

    const again = npx('compare', 'seed001.py');
    assert.equal(again.status, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(
        `on tensorflow \\(TensorFlow 2\\.21\\.0, ${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/libtensorflow_cc\\.so\\.2\\)`,
      ),
    );
    assert.equal(again.stderr, '', 'nothing downloaded, nothing said');

    const verbose = npx('compare', 'seed001.py', '--verbose');
    assert.match(verbose.stderr, NOISE, '--verbose shows TensorFlow’s own lines');
  });
});
