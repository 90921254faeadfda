/**
 * patches/web-tree-sitter+0.25.10.patch reads a node's type, end index and end position
 * straight from the subtree in Wasm memory instead of calling into Wasm for each. That
 * relies on tree-sitter's Subtree layout, so here both builds the project loads (CommonJS
 * for tests and the CLI from source, ES module for the bundle) are checked against
 * tree-sitter's own cursor, which still asks Wasm, on every node of the corpus, of mangled
 * copies of it (ERROR and MISSING nodes) and of non-ASCII text.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as TreeSitter from 'web-tree-sitter';
import { Rng } from '../../src/core/data/random';
import { corpusFiles } from './helpers';

type Module = typeof TreeSitter;

function texts(): string[] {
  const rng = new Rng(17);
  const out = [
    'x = "é" + \'😀\'  # ünïcode\nif x:\n    y = f"{x!r:>{w}}"\n',
    'def f(:\n  x = [1,\nprint(1 +\n',
    'class A(B): ...\n@d\ndef g(): return a[1:2, ::3]\n\n\n',
  ];
  for (const { text } of corpusFiles()) {
    out.push(text);
    // Cut and spliced copies: error recovery makes ERROR and zero-width MISSING nodes.
    const at = Math.floor(rng.next() * text.length);
    const to = Math.min(text.length, at + Math.floor(rng.next() * 40));
    out.push(text.slice(0, at) + text.slice(to), text.slice(0, at));
  }
  return out;
}

async function check(ts: Module): Promise<{ nodes: number; mismatches: string[] }> {
  const require = createRequire(__filename);
  await ts.Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
  const parser = new ts.Parser();
  parser.setLanguage(await ts.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
  let nodes = 0;
  const mismatches: string[] = [];
  for (const text of texts()) {
    const tree = parser.parse(text);
    assert.ok(tree);
    const cursor = tree.walk();
    const visit = (): void => {
      const node = cursor.currentNode;
      nodes++;
      const expected = { type: tree.language.types[cursor.nodeTypeId] || 'ERROR', endIndex: cursor.endIndex, endPosition: cursor.endPosition };
      const actual = { type: node.type, endIndex: node.endIndex, endPosition: node.endPosition };
      if (JSON.stringify(actual) !== JSON.stringify(expected) && mismatches.length < 5) mismatches.push(`${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
      if (cursor.gotoFirstChild()) {
        do visit();
        while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
    };
    visit();
    cursor.delete();
    tree.delete();
  }
  parser.delete();
  return { nodes, mismatches };
}

test('the CommonJS build reads node types and ends from Wasm memory exactly as tree-sitter computes them', async () => {
  const { nodes, mismatches } = await check(createRequire(__filename)('web-tree-sitter') as Module);
  assert.deepEqual(mismatches, []);
  assert.ok(nodes > 20_000, `only ${nodes} nodes were compared`);
});

test('so does the ES module build the extension bundle uses', async () => {
  const esm = join(dirname(createRequire(__filename).resolve('web-tree-sitter/tree-sitter.wasm')), 'tree-sitter.js');
  const { nodes, mismatches } = await check((await import(pathToFileURL(esm).href)) as Module);
  assert.deepEqual(mismatches, []);
  assert.ok(nodes > 20_000, `only ${nodes} nodes were compared`);
});
