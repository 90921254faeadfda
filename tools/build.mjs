// Bundles the programs MaskLens ships into dist/: the extension host, the analysis process and
// its analyzer thread, the runtime process (which hosts the worker pool), the worker, the CLI
// and the webview scripts. tfjs-node (a native addon) and piscina (which locates
// its own worker script next to itself) stay external and load from node_modules.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeExternal = ['vscode', 'piscina', '@tensorflow/tfjs-node', '@tensorflow/tfjs'];
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', absWorkingDir: root };
// web-tree-sitter's CommonJS build reads import.meta.url through an empty shim and fails when
// bundled; its ESM build, with import.meta.url taken from the bundle's own path, works.
// jsonc-parser's main build is UMD, whose require('./impl/...') calls esbuild cannot follow.
const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternal,
  alias: {
    'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.js'),
    'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js'),
  },
  define: { 'import.meta.url': '__masklensImportMetaUrl' },
  banner: { js: "var __masklensImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { runtime: 'src/runtimeProcess/main.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { worker: 'src/worker/index.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { analysis: 'src/analysisProcess/main.ts', analysisThread: 'src/analysisProcess/thread.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: `#!/usr/bin/env node\n${nodeCommon.banner.js}` } },
  { ...common, entryPoints: { panel: 'webview/panel/main.ts' }, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' },
];

function copyAssets() {
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  mkdirSync(join(root, 'dist/walkthrough'), { recursive: true });
  const assets = [
    [require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm'],
    [join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm'],
    [join(root, 'webview/panel/panel.css'), 'dist/webview/panel.css'],
    // the getting-started walkthrough opens this example (examples/ is not in the .vsix)
    [join(root, 'examples/seed002_lambda_drops_mask.py'), 'dist/walkthrough/seed002_lambda_drops_mask.py'],
  ];
  for (const [from, to] of assets) if (existsSync(from)) copyFileSync(from, join(root, to));
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  copyAssets();
  console.log('[masklens] watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyAssets();
}
