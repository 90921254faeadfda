/**
 * Python is read in the analysis process only: the extension host's bundle carries neither the
 * tree-sitter parser nor the reader, and the analysis process' main thread (which only keeps
 * documents) does not either. Checked on dist/ as `npm test` builds it (not minified: esbuild
 * marks each bundled module with a `// path` comment).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const dist = (file: string) => readFileSync(join(__dirname, '..', '..', 'dist', file), 'utf8');
const PYTHON_READER = [
  /\/\/ node_modules\/web-tree-sitter\//,
  /\/\/ src\/core\/python\//,
  /\/\/ src\/core\/analysis\/analyzer\.ts/,
];

test('the analyzer thread carries the parser and the reader (what the other bundles must not)', () => {
  const thread = dist('analysisThread.js');
  for (const marker of PYTHON_READER) assert.match(thread, marker);
});

test('the extension host and the analysis process main thread carry no Python parser or reader', () => {
  for (const file of ['extension.js', 'analysis.js']) {
    const text = dist(file);
    for (const marker of PYTHON_READER) assert.doesNotMatch(text, marker, `${file} bundles ${marker.source}`);
  }
});
