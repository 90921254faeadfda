#!/usr/bin/env node
// Runs the integration suite (test/integration → dist/test/integration) in a real VS Code.
//   MASKLENS_VSCODE=code-server (default; offline: code-server + Debian's Chromium, with screenshots)
//   MASKLENS_VSCODE=electron    (@vscode/test-electron: downloads desktop VS Code; no screenshots)
// It first bundles the suite (test/vscode/build-suite.mjs, ~0.2 s) and, if dist/extension.js is
// missing or --build-extension is given, the extension (tools/build.mjs).
// Other arguments go to the runner: --workspace DIR --extension DIR --tests DIR --results DIR --timeout MS.
// Exit code: the suite's (0 = all passed); non-zero whenever anything could not be installed or started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite, repoRoot } from './build-suite.mjs';

const argv = process.argv.slice(2);
const forwarded = argv.filter((a) => a !== '--build-extension' && a !== '--no-build');
const kind = (process.env.MASKLENS_VSCODE || 'code-server').toLowerCase();
if (kind !== 'code-server' && kind !== 'electron') {
  console.error(`[vscode-run] MASKLENS_VSCODE must be 'code-server' or 'electron', not '${kind}'`);
  process.exit(2);
}

const t0 = Date.now();
if (!argv.includes('--no-build')) {
  if (argv.includes('--build-extension') || !existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    console.log('[vscode-run] building the extension: node tools/build.mjs');
    const r = spawnSync(process.execPath, [join(repoRoot, 'tools', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('[vscode-run] FAILED: the extension build failed');
      process.exit(1);
    }
  }
  const { files } = await buildSuite();
  console.log(`[vscode-run] suite bundled (${files.length} file(s))`);
}

console.log(`[vscode-run] running the integration suite in ${kind}`);
const script = join(repoRoot, 'test', 'vscode', kind === 'electron' ? 'run-electron.mjs' : 'run-code-server.mjs');
const child = spawn(process.execPath, [script, ...forwarded], { cwd: repoRoot, stdio: 'inherit', env: process.env });
// pass a stop request on, so the runner can shut code-server and Chromium down
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const [status, signal] = await new Promise((resolveExit) => {
  child.on('error', (e) => {
    console.error(`[vscode-run] FAILED to start ${script}: ${e.message}`);
    resolveExit([1, null]);
  });
  child.on('exit', (c, s) => resolveExit([c, s]));
});
const code = status ?? 1;
console.log(
  `[vscode-run] ${kind}: ${code === 0 ? 'passed' : `FAILED (exit ${code}${signal ? `, ${signal}` : ''})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(code);
