/**
 * Which top-level statements of the last analysis an edit left as they were. After a keystroke
 * most of a file's statements are the same text at the same place or moved by whole lines; their
 * syntax nodes (python/syntaxNode.ts) are taken into the new tree instead of being asked of
 * tree-sitter again. A statement is taken only when all of these hold:
 *   * neither tree has a syntax error (error recovery can regroup statements far from the edit);
 *   * it does not touch the edited text, nor a range tree-sitter reports as changed in structure;
 *   * the old tree has a statement of the same text where the edit's shift puts it, at the same
 *     column (positions on a statement's first line are kept as columns, not moved).
 */
import type { Edit, Node, Range as TsRange } from 'web-tree-sitter';
import { SyntaxNode, type SyntaxTree } from '../python/syntaxNode';

export interface PreviousParse {
  root: SyntaxNode;
  /** The text the previous tree was parsed from. */
  text: string;
}

function touches(start: number, end: number, from: number, to: number): boolean {
  return start <= to && end >= from;
}

/** The new root, reusing the previous root's statements the edit left alone. */
export function rootAfterEdit(
  raw: Node,
  tree: SyntaxTree,
  previous: PreviousParse,
  edit: Edit,
  changed: readonly TsRange[],
): SyntaxNode {
  const byStart = new Map<number, SyntaxNode>();
  for (const statement of previous.root.madeChildren()) byStart.set(statement.startIndex, statement);
  const shift = edit.newEndIndex - edit.oldEndIndex;
  return SyntaxNode.rootReusing(raw, tree, (statement) => {
    const start = statement.startIndex;
    const end = statement.endIndex;
    if (touches(start, end, edit.startIndex, edit.newEndIndex)) return null;
    if (changed.some((r) => touches(start, end, r.startIndex, r.endIndex))) return null;
    const old = byStart.get(start > edit.newEndIndex ? start - shift : start);
    if (!old || old.startPosition.column !== statement.startPosition.column) return null;
    if (old.endIndex - old.startIndex !== end - start) return null;
    if (previous.text.slice(old.startIndex, old.endIndex) !== tree.text.slice(start, end)) return null;
    byStart.delete(old.startIndex);
    return old;
  });
}
