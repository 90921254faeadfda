#!/usr/bin/env node
// MaskLens as a user installs it: packages the .vsix (tools/package.mjs), installs it with
// code-server's --install-extension into a clean profile in a scratch folder (its own HOME, no
// checkout around it, no Python environment, no earlier download), and runs test/installed in
// three code-server sessions:
//   1. download  the first evaluation finds no TensorFlow; the suite clicks Download; the
//                tensorflow-cpu wheel comes from PyPI into the profile's global storage;
//   2. cache     a new window on the same profile reuses that download;
//   3. python    a second clean profile whose python.defaultInterpreterPath is the repository's
//                .venv: its TensorFlow is used, nothing is downloaded.
// First the .vsix itself is checked: under 50 MB, and exactly the files it must hold (vsixContents.mjs).
// It writes test-results/installed-vsix.json: the .vsix's size, the installed extension's size,
// the download and the cache's sizes, and the time from the first evaluate to its result in
// each session. Exit code 0 only if every session passed and the numbers agree.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, repoRoot } from './build-suite.mjs';
import { codeServerEntry, ensureAll } from './install-code-server.mjs';
import { runInCodeServer } from './run-code-server.mjs';
import { packageVsix, treeSize } from '../../tools/package.mjs';
import { checkVsix } from './vsixContents.mjs';

const log = (m) => console.log(`[installed-vsix] ${m}`);
const results = join(repoRoot, 'test-results');
const timeoutMs = Number(process.env.MASKLENS_VSCODE_TIMEOUT_MS ?? 10 * 60_000);

function venvPython() {
  const python = join(repoRoot, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} is missing: npm ci creates the .venv`);
  return python;
}

function install(vsix, userData, extensions) {
  const r = spawnSync(
    process.execPath,
    [codeServerEntry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { encoding: 'utf8' },
  );
  log(`code-server --install-extension: ${(r.stdout + r.stderr).trim().split('\n').slice(-2).join(' / ')}`);
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status})`);
  const installed = readdirSync(extensions).find((d) => d.startsWith('masklens.masklens-'));
  if (!installed) throw new Error(`no masklens.masklens-* in ${extensions} after installing`);
  return join(extensions, installed);
}

async function main() {
  ensureAll();
  mkdirSync(results, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'masklens-installed-'));
  try {
    const vsix = await packageVsix(join(scratch, 'masklens-linux-x64.vsix'));
    const vsixBytes = statSync(vsix).size;
    const contents = await checkVsix(vsix);
    log(
      `packaged ${vsix}: ${(vsixBytes / 1e6).toFixed(2)} MB, ${contents.files} files, ${(contents.unpacked / 1e6).toFixed(2)} MB unpacked`,
    );
    if (contents.problems.length > 0)
      throw new Error(`the .vsix is not as it must be:\n${contents.problems.join('\n')}`);

    // The suite (the test runner, not the extension) sits under the repository so that it finds mocha there.
    const suite = join(repoRoot, 'dist', 'test', 'installed');
    await buildSuite({ outdir: suite, suites: join(repoRoot, 'test', 'installed') });
    // The extension under test is the installed one; the development path is only the test runner's
    // required companion, an empty extension of another name.
    const driver = join(scratch, 'driver');
    mkdirSync(driver);
    writeFileSync(
      join(driver, 'package.json'),
      JSON.stringify({
        name: 'masklens-installed-test-driver',
        publisher: 'test',
        version: '0.0.0',
        engines: { vscode: '^1.95.0' },
      }),
    );
    const home = join(scratch, 'home');
    const workspace = join(scratch, 'workspace');
    mkdirSync(home);
    mkdirSync(workspace);
    copyFileSync(
      join(repoRoot, 'examples', 'seed001_embedding_dense_mse.py'),
      join(workspace, 'seed001_embedding_dense_mse.py'),
    );

    // No Python environment and no cache of the developer's may be seen: another HOME, and none of theirs.
    const cleanEnv = {
      HOME: home,
      XDG_CACHE_HOME: undefined,
      XDG_CONFIG_HOME: undefined,
      VIRTUAL_ENV: undefined,
      CONDA_PREFIX: undefined,
    };
    const profileA = { userDataDir: join(scratch, 'user-a'), extensionsDir: join(scratch, 'extensions-a') };
    const profileB = { userDataDir: join(scratch, 'user-b'), extensionsDir: join(scratch, 'extensions-b') };
    const installedA = install(vsix, profileA.userDataDir, profileA.extensionsDir);
    install(vsix, profileB.userDataDir, profileB.extensionsDir);
    const installedSize = treeSize(installedA);
    log(`installed: ${installedA}, ${(installedSize.bytes / 1e6).toFixed(2)} MB in ${installedSize.files} files`);

    const downloadDir = join(
      profileA.userDataDir,
      'User',
      'globalStorage',
      'masklens.masklens',
      'tensorflow',
      'tensorflow-cpu-2.21.0',
    );
    const pythonLibrary = join(
      repoRoot,
      '.venv',
      'lib',
      readdirSync(join(repoRoot, '.venv', 'lib')).find((d) => d.startsWith('python3')),
      'site-packages',
      'tensorflow',
    );
    const sessions = [
      { expect: 'download', profile: profileA, libraryDir: downloadDir, settings: {} },
      { expect: 'cache', profile: profileA, libraryDir: downloadDir, settings: {} },
      {
        expect: 'python',
        profile: profileB,
        libraryDir: pythonLibrary,
        settings: { 'python.defaultInterpreterPath': venvPython() },
      },
    ];
    const measured = [];
    for (const session of sessions) {
      const resultFile = join(scratch, `result-${session.expect}.json`);
      log(`session '${session.expect}'`);
      const code = await runInCodeServer({
        workspace,
        extension: driver,
        tests: suite,
        results,
        timeoutMs,
        ...session.profile,
        settings: session.settings,
        env: {
          ...cleanEnv,
          MASKLENS_INSTALLED_EXPECT: session.expect,
          MASKLENS_INSTALLED_LIBRARY_DIR: session.libraryDir,
          MASKLENS_INSTALLED_RESULT: resultFile,
          MASKLENS_INSTALLED_EXTENSIONS_DIR: session.profile.extensionsDir,
        },
      });
      if (code !== 0 || !existsSync(resultFile)) throw new Error(`session '${session.expect}' failed (exit ${code})`);
      measured.push(JSON.parse(readFileSync(resultFile, 'utf8')));
    }
    if (!existsSync(join(downloadDir, 'masklens-tensorflow.json')))
      throw new Error(`no complete download in ${downloadDir}`);
    if (existsSync(join(profileB.userDataDir, 'User', 'globalStorage', 'masklens.masklens', 'tensorflow')))
      throw new Error('the python session downloaded TensorFlow although its environment has it');
    const losses = new Set(measured.map((m) => m.validMean));
    if (losses.size !== 1)
      throw new Error(`the three sessions disagree on seed 001's valid-mean loss: ${[...losses].join(', ')}`);

    const manifest = JSON.parse(readFileSync(join(downloadDir, 'masklens-tensorflow.json'), 'utf8'));
    const summary = {
      vsixBytes,
      installedBytes: installedSize.bytes,
      installedFiles: installedSize.files,
      downloadBytes: manifest.wheel.size,
      cacheBytes: treeSize(downloadDir).bytes,
      sessions: measured.map((m) => ({
        expect: m.expect,
        firstEvaluateMs: Math.round(m.firstEvaluateMs),
        warmEvaluateMs: Math.round(m.warmEvaluateMs),
        libraryPath: m.library.libraryPath,
      })),
    };
    writeFileSync(join(results, 'installed-vsix.json'), `${JSON.stringify(summary, null, 2)}\n`);
    log(`[masklens-measure] ${JSON.stringify(summary)}`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[installed-vsix] FAILED: ${error.stack ?? error}`);
    process.exit(1);
  },
);
