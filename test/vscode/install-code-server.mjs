#!/usr/bin/env node
// Installs what the real-VS Code suite needs when VS Code itself cannot be downloaded:
//   * code-server (the npm package, a real VS Code server + workbench) into `~/.cache/masklens/code-server/` (outside the repo),
//     never into the extension's own package.json;
//   * Debian's Chromium (`/usr/bin/chromium`), which playwright-core drives.
// Fully non-interactive, needs only the package registries (npm, Debian apt). Idempotent: when
// everything is already there it returns in milliseconds.
//
// What an offline install of code-server needs (each handled below):
//   * apt: `libkrb5-dev` (the `kerberos` native module), `ripgrep` (seed for @vscode/ripgrep);
//   * a C/C++ toolchain and Node's headers for node-gyp (Node's own headers are used through
//     `npm_config_nodedir` when they sit next to the node binary, so node-gyp downloads nothing);
//   * `npm_config_yes=true npm_config_unsafe_perm=true` (code-server's postinstall refuses to run as
//     root without unsafe-perm, and runs two nested `npm install`s);
//   * @vscode/ripgrep's download cache pre-seeded: its postinstall looks for
//     `<os.tmpdir()>/vscode-ripgrep-cache-<pkg version>/ripgrep-<tag>-<target>.tar.gz` before it
//     goes to GitHub; a tarball holding Debian's `/usr/bin/rg` as `rg` is accepted.
//
// Usage: node test/vscode/install-code-server.mjs   (or import { ensureCodeServer })
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir, arch as osArch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = process.env.MASKLENS_CODE_SERVER_VERSION || '4.100.3';
// code-server 4.100.3's lib/vscode/npm-shrinkwrap.json pins @vscode/ripgrep 1.15.11, whose
// lib/postinstall.js downloads release tag v13.0.0-10 (x64 and arm64 Linux use musl builds).
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TAG = 'v13.0.0-10';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Outside the repository: VS Code in extension-development mode scans the extension's folder
// and would pick up code-server's own themes and icon sets from inside it.
export const cacheDir = resolve(
  process.env.MASKLENS_CODE_SERVER_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'masklens', 'code-server'),
);
export const codeServerPackageDir = join(cacheDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackageDir, 'out', 'node', 'entry.js');
export const chromiumPath = process.env.MASKLENS_CHROMIUM || '/usr/bin/chromium';
const vscodeDir = join(codeServerPackageDir, 'lib', 'vscode');

const log = (...a) => console.log('[install-code-server]', ...a);

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  return r.status ?? 1;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** Installs Debian packages that are missing; `apt-get update` first only if a package is not found. */
export function ensureAptPackages(pkgs) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (platform() !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`missing system packages ${missing.join(', ')} and no apt-get to install them`);
  }
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (args) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { env }) : run('apt-get', args, { env });
  const install = () => aptGet(['install', '-y', '-q', '--no-install-recommends', ...missing]);
  log(`installing Debian packages: ${missing.join(' ')}`);
  if (install() !== 0) {
    log('apt-get install failed; running apt-get update and retrying');
    if (aptGet(['update', '-q']) !== 0) throw new Error('apt-get update failed');
    if (install() !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
  const still = missing.filter((p) => !dpkgInstalled(p));
  if (still.length) throw new Error(`apt-get did not install ${still.join(', ')}`);
}

export function ensureChromium() {
  if (!existsSync(chromiumPath)) {
    if (process.env.MASKLENS_CHROMIUM) throw new Error(`MASKLENS_CHROMIUM=${chromiumPath} does not exist`);
    ensureAptPackages(['chromium']);
  }
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath} after installing the 'chromium' package`);
  return chromiumPath;
}

function ripgrepTarget() {
  const a = process.env.npm_config_arch || osArch();
  if (a === 'x64') return 'x86_64-unknown-linux-musl';
  if (a === 'arm64') return 'aarch64-unknown-linux-musl';
  return null;
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks before downloading. */
function seedRipgrepCache() {
  const target = ripgrepTarget();
  if (!target) {
    log(`no ripgrep seed for arch ${osArch()}; @vscode/ripgrep will try to download`);
    return;
  }
  const dir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = join(dir, `ripgrep-${RIPGREP_TAG}-${target}.tar.gz`);
  if (existsSync(tarball)) return;
  const rg = ['/usr/bin/rg', '/bin/rg'].find((p) => existsSync(p));
  if (!rg) throw new Error('ripgrep (rg) not found although the ripgrep package is installed');
  mkdirSync(dir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'masklens-rg-'));
  try {
    copyFileSync(rg, join(stage, 'rg'));
    chmodSync(join(stage, 'rg'), 0o755);
    if (run('tar', ['czf', tarball + '.part', '-C', stage, 'rg']) !== 0)
      throw new Error('tar failed while seeding the ripgrep cache');
    // rename last so a half-written tarball is never taken for a cached download
    renameSync(tarball + '.part', tarball);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  log(`seeded ${tarball} with ${rg}`);
}

/** Environment for the nested npm installs: our settings, minus the outer npm run's own variables. */
function npmEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(k)) continue;
    if (
      /^(npm_config_(local_prefix|global_prefix|prefix|user_agent)|npm_command|npm_execpath|npm_node_execpath|INIT_CWD)$/i.test(
        k,
      )
    )
      continue;
    env[k] = v;
  }
  env.npm_config_yes = 'true';
  env.npm_config_unsafe_perm = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  // node-gyp: build against this node's own headers instead of downloading them
  const prefix = resolve(dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  return env;
}

/** Files a complete install has (the last ones are written by the nested installs of the postinstall). */
function installCheckList() {
  return [
    codeServerEntry,
    join(vscodeDir, 'out', 'server-main.js'),
    join(vscodeDir, 'node_modules.asar'),
    join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscodeDir, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    join(vscodeDir, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    join(vscodeDir, 'extensions', 'node_modules', 'typescript', 'package.json'),
  ];
}

export function isCodeServerInstalled() {
  return readInstalledVersion() === CODE_SERVER_VERSION && installCheckList().every((p) => existsSync(p));
}

export function ensureCodeServer() {
  if (isCodeServerInstalled()) return codeServerEntry;
  const t0 = Date.now();
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20 && !process.env.FORCE_NODE_VERSION) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs node 20 (this is ${process.version})`);
  }
  ensureAptPackages(['libkrb5-dev', 'ripgrep']);
  seedRipgrepCache();
  // start clean: a half-finished install is never reused
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  // its own package.json makes this folder npm's project root (the repo's package.json and
  // .npmrc stay out of it) and records which install scripts we expect to run
  writeFileSync(
    join(cacheDir, 'package.json'),
    JSON.stringify(
      {
        name: 'masklens-code-server-cache',
        private: true,
        description:
          'code-server for the MaskLens integration tests (installed by test/vscode/install-code-server.mjs)',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    ) + '\n',
  );
  const npmCli =
    process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)
      ? [process.execPath, [process.env.npm_execpath]]
      : ['npm', []];
  const status = run(
    npmCli[0],
    [...npmCli[1], 'install', '--omit=dev', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel=warn'],
    {
      cwd: cacheDir,
      env: npmEnv(),
    },
  );
  if (status !== 0)
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${status}); see the output above`);
  for (const p of installCheckList()) {
    if (!existsSync(p)) throw new Error(`code-server install is incomplete: ${p} is missing`);
  }
  log(`code-server ${CODE_SERVER_VERSION} installed into ${cacheDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return codeServerEntry;
}

/** Both parts; returns their paths. Throws (never skips) when something cannot be installed. */
export function ensureAll() {
  const chromium = ensureChromium();
  const entry = ensureCodeServer();
  return { chromium, codeServerEntry: entry, version: readInstalledVersion() };
}

function readInstalledVersion() {
  try {
    return JSON.parse(readFileSync(join(codeServerPackageDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t0 = Date.now();
  try {
    const r = ensureAll();
    log(
      `ready: code-server ${r.version} (${r.codeServerEntry}), chromium ${r.chromium} [${((Date.now() - t0) / 1000).toFixed(1)} s]`,
    );
  } catch (e) {
    console.error(`[install-code-server] FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
