/**
 * The reader's syntax nodes (python/syntaxNode.ts) against tree-sitter's own: every node of
 * every corpus file the same (type, named, place, text, children, fields), also after edits that
 * carry a file's unchanged statements into the new tree (analysis/statementReuse.ts); and the
 * analyzer, edited keystroke by keystroke, giving what a fresh analysis of the same text gives.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { createAnalyzer, diffEdit } from '../../src/core/analysis/analyzer';
import { rootAfterEdit } from '../../src/core/analysis/statementReuse';
import { loadPythonParser } from '../../src/core/python/syntax';
import { SyntaxNode, SyntaxTree } from '../../src/core/python/syntaxNode';
import { generate } from '../../bench/analyze.bench';

const ROOT = join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

const FILES = [
  ...pythonFiles(join(ROOT, 'examples')),
  ...pythonFiles(join(ROOT, 'test', 'golden', 'corpus')),
  ...pythonFiles(join(ROOT, 'test', 'realworld', 'sources')),
];

/** The first place where `ours` and tree-sitter's `raw` differ, or null. Reads every node and field. */
function difference(ours: SyntaxNode, raw: Node, fieldNames: readonly (string | null)[], path = 'root'): string | null {
  const same = (what: string, a: unknown, b: unknown): string | null =>
    JSON.stringify(a) === JSON.stringify(b) ? null : `${path}: ${what} ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  const checks = [
    same('type', ours.type, raw.type),
    same('named', ours.isNamed, raw.isNamed),
    same('start', [ours.startIndex, ours.startPosition], [raw.startIndex, raw.startPosition]),
    same('end', [ours.endIndex, ours.endPosition], [raw.endIndex, raw.endPosition]),
    same('text', ours.text, raw.text),
    same('children', ours.children.length, raw.children.length),
    same('named children', ours.namedChildren.length, raw.namedChildren.length),
  ];
  const first = checks.find((c) => c !== null);
  if (first) return first;
  for (let id = 1; id < fieldNames.length; id++) {
    const name = fieldNames[id];
    if (!name) continue;
    const mine = ours.childForFieldId(id);
    const theirs = raw.childForFieldId(id);
    const at = mine ? ours.children.indexOf(mine) : -1;
    const expected = theirs ? raw.children.findIndex((c) => c?.id === theirs.id) : -1;
    if (at !== expected) return `${path}: field ${name} is child ${at}, tree-sitter says ${expected}`;
    const list = ours.childrenForFieldName(name).map((c) => ours.children.indexOf(c));
    const rawList = raw.childrenForFieldName(name).map((t) => raw.children.findIndex((c) => c?.id === t?.id));
    const listed = same(`field list ${name}`, list, rawList);
    if (listed) return listed;
  }
  for (let i = 0; i < raw.children.length; i++) {
    const child = raw.children[i];
    if (!child) return `${path}: tree-sitter has no child ${i}`;
    const inner = difference(ours.children[i], child, fieldNames, `${path}/${i}:${child.type}`);
    if (inner) return inner;
  }
  return null;
}

function parsed(parser: Parser, text: string, old?: Tree): Tree {
  const tree = parser.parse(text, old);
  if (!tree) throw new Error('no tree');
  return tree;
}

/** Edits a keystroke makes: a comment at a line's end, a line added and removed, a name changed. */
function edits(text: string): string[] {
  const lines = text.split('\n');
  const at = (k: number) => Math.min(lines.length - 1, Math.floor((lines.length * k) / 5));
  const out: string[] = [];
  const commented = [...lines];
  commented[at(2)] += '  # note';
  out.push(commented.join('\n'));
  const inserted = [...lines];
  inserted.splice(at(1), 0, 'extra_name = 3');
  out.push(inserted.join('\n'));
  out.push([...lines.slice(0, at(3)), ...lines.slice(at(3) + 1)].join('\n'));
  out.push(text.replace(/\bunits\b/, 'width'));
  out.push(`${text}\nappended = 1\n`);
  return out;
}

test('syntax nodes read as tree-sitter reads them, in every corpus file and after edits that reuse unchanged statements', async () => {
  const parser = await loadPythonParser();
  try {
    let reused = 0;
    let checked = 0;
    for (const text of [...FILES, generate()]) {
      const tree = parsed(parser, text);
      const fields = tree.language.fields;
      const root = SyntaxNode.root(tree.rootNode, new SyntaxTree(text, tree.language));
      assert.equal(difference(root, tree.rootNode, fields), null);
      checked++;
      if (tree.rootNode.hasError) {
        tree.delete();
        continue;
      }
      // One edit after another, each new root built from the last (nodes already read and not).
      let previous = { root, text, tree };
      for (const next of edits(text)) {
        const edit = diffEdit(previous.text, next);
        if (!edit) continue;
        const base = previous.tree.copy();
        base.edit(edit);
        const nextTree = parsed(parser, next, base);
        const changed = base.getChangedRanges(nextTree);
        base.delete();
        if (nextTree.rootNode.hasError) {
          nextTree.delete();
          continue;
        }
        const oldStatements = new Set(previous.root.children);
        const syntax = previous.root.tree;
        const before = { root: previous.root, text: previous.text };
        syntax.text = next;
        const nextRoot = rootAfterEdit(nextTree.rootNode, syntax, before, edit, changed);
        reused += nextRoot.children.filter((s) => oldStatements.has(s)).length;
        previous.tree.delete();
        assert.equal(difference(nextRoot, nextTree.rootNode, fields), null);
        previous = { root: nextRoot, text: next, tree: nextTree };
        checked++;
      }
      previous.tree.delete();
    }
    assert.ok(checked > 200, `only ${checked} trees compared`);
    assert.ok(reused > 1000, `only ${reused} statements were carried into a new tree`);
  } finally {
    parser.delete();
  }
});

test('an analyzer edited keystroke by keystroke gives what a fresh analyzer gives for each text', async () => {
  const edited = await createAnalyzer();
  const fresh = await createAnalyzer();
  try {
    let compared = 0;
    for (const text of [...FILES.filter((_, i) => i % 3 === 0), generate()]) {
      edited.analyze(text, { file: 'edited.py' });
      for (const next of edits(text)) {
        const mine = edited.analyze(next, { file: 'edited.py' });
        const expected = fresh.analyze(next, { file: 'edited.py' });
        fresh.forget('edited.py');
        assert.deepEqual(JSON.parse(JSON.stringify(mine)), JSON.parse(JSON.stringify(expected)));
        compared++;
      }
      edited.forget('edited.py');
    }
    assert.ok(compared > 100, `only ${compared} analyses compared`);
  } finally {
    edited.dispose();
    fresh.dispose();
  }
});
