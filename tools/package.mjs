// Builds what MaskLens publishes, from a folder staged with exactly what each holds:
//   the .vsix (linux-x64): the manifest, README, CHANGELOG, LICENSE, the icons, and dist/ —
//     the bundles, the tree-sitter wasm files and tfjs-node's N-API binding; no node_modules and
//     no TensorFlow library (found or downloaded on first use, see src/tensorflow/);
//   the npm package of the CLI (`npx masklens analyze ...`): the same dist/ minus the extension
//     host, the analysis process and the webviews, with a package.json of its own.
//
//   node tools/package.mjs                      both, into dist/ (masklens-linux-x64.vsix, masklens-<version>.tgz)
//   node tools/package.mjs --vsix FILE          only the .vsix, written to FILE
//   node tools/package.mjs --cli DIR            only the CLI package, its .tgz written into DIR
//   --target T                                  the .vsix's platform (default: this machine's, e.g. linux-x64)
// A target's binding must be built on that platform; only linux-x64 is supported so far (the
// planned CI matrix in CONTRIBUTING.md runs this script once per target).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BINDING_IN_DIST, buildAll, TFJS_BINDING } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The bundles the CLI runs: itself, TensorFlow's process, its worker threads and piscina's. */
const CLI_FILES = [
  'cli.js',
  'runtime.js',
  'worker.js',
  'piscina/worker.js',
  'tree-sitter.wasm',
  'tree-sitter-python.wasm',
  BINDING_IN_DIST,
];

function run(command, args, cwd) {
  const r = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal}) in ${cwd}`);
}

/**
 * The binding must be linked against the TensorFlow wheel's library names, the ones MaskLens
 * provides at run time (libtensorflow_cc.so.2); one built against tfjs' own libtensorflow
 * download (libtensorflow.so.2) would find no library on a user's machine.
 */
function checkBinding() {
  if (!existsSync(TFJS_BINDING)) throw new Error(`${TFJS_BINDING} is missing: run npm ci first`);
  if (!readFileSync(TFJS_BINDING).includes('libtensorflow_cc.so.2')) {
    throw new Error(
      "tfjs-node's binding was not built against the TensorFlow wheel's C library; run MASKLENS_TF_STAGE=always npm ci, then package again",
    );
  }
}

/** A production build of dist/ in a fresh folder, without the development library link. */
async function productionDist(stage) {
  checkBinding();
  const dist = join(stage, 'dist');
  await buildAll({ outdir: dist, production: true, linkLibrary: false });
  return dist;
}

/** vsce's name for this machine's platform. */
export function hostTarget() {
  return `${process.platform}-${process.arch}`;
}

export async function packageVsix(out, target = hostTarget()) {
  if (target !== hostTarget())
    throw new Error(`a ${target} package needs a binding built on ${target}; this machine is ${hostTarget()}`);
  if (target !== 'linux-x64')
    throw new Error(
      `${target} is not supported yet: MaskLens finds TensorFlow's C library by its Linux names (see CONTRIBUTING.md, Packaging)`,
    );
  const stage = mkdtempSync(join(tmpdir(), 'masklens-vsix-'));
  try {
    const dist = await productionDist(stage);
    rmSync(join(dist, 'cli.js')); // the CLI is published on npm; the extension does not run it
    // The manifest without what only the repository needs: everything it runs is bundled in dist/.
    const {
      devDependencies: _dev,
      dependencies: _deps,
      scripts: _scripts,
      allowScripts: _allow,
      bin: _bin,
      private: _private,
      ...extension
    } = manifest;
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(extension, null, 2)}\n`);
    for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) copyFileSync(join(root, file), join(stage, file));
    mkdirSync(join(stage, 'media'));
    for (const file of ['icon.png', 'masklens.svg'])
      copyFileSync(join(root, 'media', file), join(stage, 'media', file));
    // the getting-started walkthrough's pages (contributes.walkthroughs)
    mkdirSync(join(stage, 'media', 'walkthrough'));
    for (const file of readdirSync(join(root, 'media', 'walkthrough')))
      copyFileSync(join(root, 'media', 'walkthrough', file), join(stage, 'media', 'walkthrough', file));
    // Nothing to leave out: the stage holds only what ships (vsce still reads this file).
    writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n');
    mkdirSync(dirname(out), { recursive: true });
    run(
      process.execPath,
      [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--target', target, '--no-dependencies', '--out', out],
      stage,
    );
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The CLI's own package.json: a command-line tool with no dependencies (all of it is bundled). */
function cliManifest() {
  return {
    name: 'masklens',
    version: manifest.version,
    description:
      'MaskLens on the command line: the Keras masking analysis for CI (text, JSON, SARIF), and masked evaluation, comparison and training on native TensorFlow.',
    license: manifest.license,
    keywords: manifest.keywords,
    repository: manifest.repository,
    bugs: manifest.bugs,
    homepage: manifest.homepage,
    engines: { node: manifest.engines.node },
    os: ['linux', 'darwin', 'win32'],
    bin: { masklens: 'dist/cli.js' },
    files: ['dist/', 'README.md', 'LICENSE'],
  };
}

export async function packageCli(outDir) {
  const stage = mkdtempSync(join(tmpdir(), 'masklens-cli-'));
  try {
    const built = await productionDist(mkdtempSync(join(tmpdir(), 'masklens-cli-build-')));
    const dist = join(stage, 'dist');
    for (const file of CLI_FILES) {
      mkdirSync(dirname(join(dist, file)), { recursive: true });
      copyFileSync(join(built, file), join(dist, file));
    }
    rmSync(dirname(built), { recursive: true, force: true });
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(cliManifest(), null, 2)}\n`);
    copyFileSync(join(root, 'tools', 'cli-readme.md'), join(stage, 'README.md'));
    copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
    mkdirSync(outDir, { recursive: true });
    run('npm', ['pack', '--silent', '--pack-destination', outDir], stage);
    const tgz = join(outDir, `masklens-${manifest.version}.tgz`);
    if (!existsSync(tgz)) throw new Error(`npm pack wrote no ${tgz}`);
    return tgz;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Files and sizes in a folder tree, for the summary line. */
export function treeSize(dir) {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = treeSize(path);
      bytes += sub.bytes;
      files += sub.files;
    } else {
      bytes += statSync(path).size;
      files++;
    }
  }
  return { bytes, files };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = (name) => (args.includes(name) ? resolve(args[args.indexOf(name) + 1]) : undefined);
  const vsix = option('--vsix');
  const cli = option('--cli');
  const target = args.includes('--target') ? args[args.indexOf('--target') + 1] : hostTarget();
  const both = !vsix && !cli;
  if (vsix || both) {
    const file = await packageVsix(vsix ?? join(root, 'dist', `masklens-${target}.vsix`), target);
    console.log(`[masklens] ${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  }
  if (cli || both) {
    const file = await packageCli(cli ?? join(root, 'dist'));
    console.log(`[masklens] ${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  }
}
