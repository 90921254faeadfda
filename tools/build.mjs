// Bundles the programs MaskLens ships into dist/: the extension host, the analysis process and
// its analyzer thread, the runtime process (which hosts the worker pool), the worker, the CLI
// and the webview scripts. Every JavaScript dependency is bundled (tfjs-node and piscina too), so
// what runs needs no node_modules: besides the bundles, dist/ holds the tree-sitter wasm files
// and tfjs-node's N-API binding in tfjs-node's own layout (tfjs-node/lib/napi-v8/tfjs_binding.node).
// The binding finds the TensorFlow C library through LD_LIBRARY_PATH, which the runtime process
// is started with (src/tensorflow/ finds or downloads the library), or else through its RUNPATH,
// $ORIGIN/../../deps/lib: a development build links dist/tfjs-node/deps to the library `npm ci`
// staged into node_modules, so tests and F5 runs need no provisioning; a packaged build has none.
//
//   node tools/build.mjs                      development build into dist/ (source maps)
//   node tools/build.mjs --production         minified, no source maps
//   node tools/build.mjs --outdir DIR         build into DIR instead of dist/
//   node tools/build.mjs --no-library-link    leave the staged TensorFlow library out (a package's build)
//   node tools/build.mjs --watch
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** tfjs-node's N-API binding as its install script built it (build-from-source, see tools/native-setup). */
export const TFJS_BINDING = join(root, 'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node');
/** Where the bundles find the binding, relative to dist/. */
export const BINDING_IN_DIST = 'tfjs-node/lib/napi-v8/tfjs_binding.node';
/** The binding's RUNPATH ($ORIGIN/../../deps/lib) seen from dist/. */
const LIBRARY_DIR_IN_DIST = 'tfjs-node/deps';

/**
 * tfjs-node finds its binding through node-pre-gyp, which reads tfjs-node's package.json at
 * run time; bundled, there is no such file. This stands in for node-pre-gyp with a `find` that
 * answers the binding's place beside the bundle (the runtime require of a variable path stays a
 * real require, which loads the .node file).
 */
const bindingLocator = {
  name: 'masklens-tfjs-binding',
  setup(build) {
    build.onResolve({ filter: /^@mapbox\/node-pre-gyp$/ }, () => ({
      path: 'node-pre-gyp',
      namespace: 'masklens-binding',
    }));
    build.onLoad({ filter: /.*/, namespace: 'masklens-binding' }, () => ({
      contents: `const { join } = require('node:path');\nmodule.exports = { find: () => join(__dirname, ${JSON.stringify(BINDING_IN_DIST)}) };\n`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * Piscina starts each thread on its own `worker.js` found beside its code (`__dirname`). Bundled,
 * its code sits in dist/runtime.js, and dist/worker.js is MaskLens' task worker; so within
 * piscina's main module `__dirname` is dist/piscina/, where its own worker is bundled.
 */
const piscinaWorkerDir = {
  name: 'masklens-piscina-worker',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]piscina[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      if (!source.includes("'worker.js'"))
        throw new Error(`piscina no longer names its worker 'worker.js' (${args.path}); update tools/build.mjs`);
      return {
        contents: `var __dirname = require('node:path').join(__masklensBundleDir, 'piscina');\n${source}`,
        loader: 'js',
      };
    });
  },
};

export async function buildAll({
  outdir = join(root, 'dist'),
  production = false,
  watch = false,
  linkLibrary = true,
} = {}) {
  const common = {
    bundle: true,
    sourcemap: !production,
    minify: production,
    logLevel: watch ? 'info' : 'warning',
    absWorkingDir: root,
  };
  // web-tree-sitter's CommonJS build reads import.meta.url through an empty shim and fails when
  // bundled; its ESM build, with import.meta.url taken from the bundle's own path, works.
  // jsonc-parser's main build is UMD, whose require('./impl/...') calls esbuild cannot follow.
  const nodeCommon = {
    ...common,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // vscode is the host's; @napi-rs/nice is piscina's optional native module (niceness), which
    // piscina loads only when asked to and tolerates missing.
    external: ['vscode', '@napi-rs/nice'],
    alias: {
      'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.js'),
      'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js'),
    },
    define: { 'import.meta.url': '__masklensImportMetaUrl' },
    banner: {
      js: "var __masklensImportMetaUrl = require('url').pathToFileURL(__filename).href; var __masklensBundleDir = __dirname;",
    },
    plugins: [bindingLocator, piscinaWorkerDir],
  };
  const builds = [
    { ...nodeCommon, entryPoints: { extension: 'src/extension/main.ts' }, outdir },
    { ...nodeCommon, entryPoints: { runtime: 'src/runtimeProcess/main.ts' }, outdir },
    { ...nodeCommon, entryPoints: { worker: 'src/worker/index.ts' }, outdir },
    {
      ...nodeCommon,
      entryPoints: { worker: join(dirname(require.resolve('piscina')), 'worker.js') },
      outdir: join(outdir, 'piscina'),
    },
    {
      ...nodeCommon,
      entryPoints: { analysis: 'src/analysisProcess/main.ts', analysisThread: 'src/analysisProcess/thread.ts' },
      outdir,
    },
    {
      ...nodeCommon,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir,
      banner: { js: `#!/usr/bin/env node\n${nodeCommon.banner.js}` },
    },
    {
      ...common,
      entryPoints: {
        panel: 'webview/panel/main.ts',
        graph: 'webview/graph/main.ts',
        savedModel: 'webview/savedModel/main.ts',
      },
      outdir: join(outdir, 'webview'),
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
  ];

  const copyAssets = () => {
    mkdirSync(join(outdir, 'webview'), { recursive: true });
    mkdirSync(join(outdir, 'walkthrough'), { recursive: true });
    mkdirSync(join(outdir, dirname(BINDING_IN_DIST)), { recursive: true });
    const assets = [
      [require.resolve('web-tree-sitter/tree-sitter.wasm'), 'tree-sitter.wasm'],
      [join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), 'tree-sitter-python.wasm'],
      [join(root, 'webview/panel/panel.css'), 'webview/panel.css'],
      [join(root, 'webview/graph/graph.css'), 'webview/graph.css'],
      [join(root, 'webview/savedModel/savedModel.css'), 'webview/savedModel.css'],
      // the getting-started walkthrough opens this example (examples/ is not in the .vsix)
      [join(root, 'examples/seed002_lambda_drops_mask.py'), 'walkthrough/seed002_lambda_drops_mask.py'],
      [TFJS_BINDING, BINDING_IN_DIST],
    ];
    for (const [from, to] of assets) {
      if (!existsSync(from)) throw new Error(`${relative(root, from)} is missing: run npm ci first`);
      copyFileSync(from, join(outdir, to));
    }
    const link = join(outdir, LIBRARY_DIR_IN_DIST);
    rmSync(link, { recursive: true, force: true });
    if (linkLibrary) symlinkSync(relative(dirname(link), join(root, 'node_modules/@tensorflow/tfjs-node/deps')), link);
  };

  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    copyAssets();
    console.log('[masklens] watching for changes');
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyAssets();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  await buildAll({
    outdir: at >= 0 ? resolve(args[at + 1]) : undefined,
    production: args.includes('--production'),
    watch: args.includes('--watch'),
    linkLibrary: !args.includes('--no-library-link'),
  });
}
