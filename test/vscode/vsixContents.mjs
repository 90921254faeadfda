// What the packaged .vsix must hold, exactly: the manifest, the user's pages, the icons, and
// dist/ with the bundles, the wasm grammars and tfjs-node's N-API binding. No node_modules, no
// TensorFlow library, no source maps: anything else in it fails the check, as does a size of
// 50 MB or more (marketplaces cap uploads; Open VSX at 256 MB, the Marketplace once at 100 MB).
import { statSync } from 'node:fs';
import yauzl from 'yauzl';

export const VSIX_LIMIT_BYTES = 50 * 1000 * 1000;

export const VSIX_FILES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/dist/analysis.js',
  'extension/dist/analysisThread.js',
  'extension/dist/extension.js',
  'extension/dist/piscina/worker.js',
  'extension/dist/runtime.js',
  'extension/dist/tfjs-node/lib/napi-v8/tfjs_binding.node',
  'extension/dist/tree-sitter-python.wasm',
  'extension/dist/tree-sitter.wasm',
  'extension/dist/walkthrough/seed002_lambda_drops_mask.py',
  'extension/dist/webview/graph.css',
  'extension/dist/webview/graph.js',
  'extension/dist/webview/panel.css',
  'extension/dist/webview/panel.js',
  'extension/dist/webview/savedModel.css',
  'extension/dist/webview/savedModel.js',
  'extension/dist/worker.js',
  'extension/media/icon.png',
  'extension/media/masklens.svg',
  'extension/media/walkthrough/compare.md',
  'extension/media/walkthrough/evaluate.md',
  'extension/media/walkthrough/fix.md',
  'extension/media/walkthrough/open.md',
  'extension/media/walkthrough/warning.md',
  'extension/package.json',
  'extension/readme.md',
];

function entries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const out = new Map();
      zip.on('entry', (entry) => {
        if (!entry.fileName.endsWith('/')) out.set(entry.fileName, entry.uncompressedSize);
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function readEntry(file, name) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      zip.on('entry', (entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in ${file}`)));
      zip.readEntry();
    });
  });
}

/** Problems with the .vsix, one per line; empty when it is as it must be. Also returns its numbers. */
export async function checkVsix(file) {
  const problems = [];
  const bytes = statSync(file).size;
  if (bytes >= VSIX_LIMIT_BYTES)
    problems.push(`the .vsix is ${(bytes / 1e6).toFixed(1)} MB, not under ${VSIX_LIMIT_BYTES / 1e6} MB`);
  const found = await entries(file);
  for (const name of found.keys())
    if (!VSIX_FILES.includes(name)) problems.push(`unexpected file in the .vsix: ${name}`);
  for (const name of VSIX_FILES) if (!found.has(name)) problems.push(`missing from the .vsix: ${name}`);
  const manifest = JSON.parse(await readEntry(file, 'extension/package.json'));
  if (manifest.dependencies || manifest.devDependencies)
    problems.push('the packaged package.json still lists dependencies');
  if (manifest.main !== './dist/extension.js') problems.push(`the packaged main is ${manifest.main}`);
  for (const field of ['repository', 'bugs', 'homepage', 'icon', 'galleryBanner'])
    if (!manifest[field]) problems.push(`the packaged package.json has no ${field}`);
  const vsixManifest = await readEntry(file, 'extension.vsixmanifest');
  if (!/TargetPlatform="linux-x64"/.test(vsixManifest)) problems.push('the .vsix is not for the linux-x64 target');
  const unpacked = [...found.values()].reduce((a, b) => a + b, 0);
  return { problems, bytes, files: found.size, unpacked };
}
