#!/usr/bin/env node
// Runs the same integration suite (dist/test/integration) in desktop VS Code through
// @vscode/test-electron's runTests, for machines that can download VS Code (or have one:
// MASKLENS_VSCODE_EXECUTABLE). No screenshots here: MASKLENS_SCREENSHOT_DIR is left unset, so
// test/integration/screenshot.ts logs that it skipped each one; the tests' assertions still run.
//
// Usage: node test/vscode/run-electron.mjs [--workspace DIR] [--extension DIR] [--tests DIR]
// Env: MASKLENS_VSCODE_VERSION (default: the newest release matching engines.vscode),
//      MASKLENS_VSCODE_EXECUTABLE (use this VS Code instead of downloading one),
//      MASKLENS_TEST_WORKSPACE / MASKLENS_EXTENSION_PATH / MASKLENS_TESTS_PATH as for code-server.
// On Linux without a display it re-runs itself under `xvfb-run -a` (apt package `xvfb`, installed
// if missing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { ensureAptPackages } from './install-code-server.mjs';
import { parseOptions } from './run-code-server.mjs';

const log = (m) => console.log(`[electron-harness] ${m}`);

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export async function runInElectron(options = parseOptions()) {
  const { workspace, extension, tests } = options;
  if (!existsSync(join(tests, 'index.js')))
    throw new Error(`${tests}/index.js is missing (build it: node test/vscode/build-suite.mjs)`);
  delete process.env.MASKLENS_SCREENSHOT_DIR; // no screenshot harness under Electron
  const scratch = mkdtempSync(join(tmpdir(), 'masklens-electron-'));
  const userData = join(scratch, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'security.workspace.trust.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
    }),
  );
  const launchArgs = [
    workspace,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    join(scratch, 'extensions'),
    '--disable-extensions', // other extensions; the one under development still loads
    '--disable-workspace-trust',
    '--skip-welcome',
    '--skip-release-notes',
    '--disable-gpu',
  ];
  if (process.getuid?.() === 0) launchArgs.push('--no-sandbox'); // Electron refuses to run as root otherwise
  // Written by the suite when mocha has finished: exit code 0 without it means the extension host died.
  const suiteDone = join(scratch, 'suite-finished.json');
  try {
    const code = await runTests({
      extensionDevelopmentPath: extension,
      extensionTestsPath: tests,
      launchArgs,
      ...(process.env.MASKLENS_VSCODE_EXECUTABLE
        ? { vscodeExecutablePath: process.env.MASKLENS_VSCODE_EXECUTABLE }
        : {}),
      ...(process.env.MASKLENS_VSCODE_VERSION ? { version: process.env.MASKLENS_VSCODE_VERSION } : {}),
      extensionTestsEnv: {
        TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '3',
        CUDA_VISIBLE_DEVICES: process.env.CUDA_VISIBLE_DEVICES ?? '-1',
        MASKLENS_TEST_HOOKS: '1', // the suite crashes TensorFlow's process on purpose
        MASKLENS_SUITE_DONE: suiteDone,
      },
    });
    if (code === 0 && !existsSync(suiteDone)) {
      log('FAILED: VS Code reported success, but the suite never finished: the extension host died');
      return 1;
    }
    return code;
  } catch (error) {
    // runTests rejects with TestRunFailedError (code) when the suite fails, or any error when
    // VS Code cannot be downloaded or started
    if (error && typeof error.code === 'number') {
      log(`the suite exited with code ${error.code}`);
      return error.code || 1;
    }
    log(`FAILED: ${error?.stack ?? error}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (needsDisplay && !process.env.MASKLENS_UNDER_XVFB) {
    if (!hasCommand('xvfb-run')) {
      try {
        ensureAptPackages(['xvfb']);
      } catch (error) {
        log(`FAILED: no display (DISPLAY unset) and xvfb-run could not be installed: ${error.message}`);
        process.exit(1);
      }
    }
    const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, MASKLENS_UNDER_XVFB: '1' },
    });
    process.exit(r.status ?? 1);
  }
  let options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`[electron-harness] ${error.message}`);
    process.exit(2);
  }
  runInElectron(options).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`[electron-harness] FAILED: ${error?.stack ?? error}`);
      process.exit(1);
    },
  );
}
