/**
 * Syntax errors, where they are, and what they cost. tree-sitter reads past a syntax error, so
 * the rest of the file is still analysed; but the statements inside the broken region are lost,
 * and a model built there (`model.add(LSTM(64, ` with its bracket unclosed) would otherwise be
 * shown as a complete model with fewer layers. Each error gets an error diagnostic at its place,
 * and every model it touches is marked incomplete: its verdict becomes unknown.
 */
import type { Diagnostic, Range } from '../ir';
import type { Syntax } from '../python/syntax';
import type { FileAnalysis } from './analyze';

/** How many syntax errors get a diagnostic of their own; a file with more is not worth listing. */
const MAX_ERRORS = 5;

export interface SyntaxError {
  range: Range;
  message: string;
  /** The text of the broken region, which tells the models it touches. */
  text: string;
}

function describe(node: Syntax): string {
  if (node.isMissing) return `a missing '${node.type}'`;
  const first = node.text.split('\n')[0].trim();
  return first
    ? `unexpected text: ${first.length > 40 ? `${first.slice(0, 39)}…` : first}`
    : 'a statement Python cannot read';
}

/** The ERROR and MISSING nodes of a tree, outermost first, in file order. */
export function syntaxErrors(root: Syntax): SyntaxError[] {
  const found: SyntaxError[] = [];
  const visit = (node: Syntax): void => {
    if (found.length >= MAX_ERRORS || !node.hasError) return;
    if (node.type === 'ERROR' || node.isMissing) {
      const start = { line: node.startPosition.row, character: node.startPosition.column };
      // an unclosed bracket's ERROR runs to the end of the file: mark its first line only
      const end =
        node.endPosition.row === node.startPosition.row
          ? { line: node.endPosition.row, character: Math.max(node.endPosition.column, start.character + 1) }
          : { line: start.line, character: start.character + Math.max(1, node.text.split('\n')[0].length) };
      found.push({
        range: { start, end },
        message: `Syntax error: ${describe(node)}. MaskLens reads around it, but what this statement builds is missing from the analysis.`,
        text: node.text,
      });
      return;
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

function touches(model: FileAnalysis['models'][number], error: SyntaxError): boolean {
  const { start, end } = model.ir.range;
  const line = error.range.start.line;
  if (line >= start.line && line <= end.line) return true;
  // a broken statement that names the model's variable (model.add(..., model.compile(...)
  return new RegExp(`(^|[^\\w.])${model.ir.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[.(=[]`).test(error.text);
}

/** Adds the syntax errors' diagnostics and marks the models they touch as incomplete. */
export function withSyntaxErrors(analysis: FileAnalysis, errors: SyntaxError[]): FileAnalysis {
  if (errors.length === 0) return analysis;
  const diagnostics: Diagnostic[] = errors.map((e) => ({
    code: 'syntax-error',
    severity: 'error',
    message: e.message,
    range: e.range,
  }));
  const models = analysis.models.map((m) => {
    const hit = errors.find((e) => touches(m, e));
    if (!hit) return m;
    const incomplete: Diagnostic = {
      code: 'model-incomplete',
      severity: 'warning',
      message: `Model '${m.ir.name}' is incomplete: the syntax error at line ${hit.range.start.line + 1} hides part of it, so MaskLens gives no verdict on its mask until the error is fixed.`,
      range: {
        start: m.ir.range.start,
        end: { line: m.ir.range.start.line, character: m.ir.range.start.character + m.ir.name.length },
      },
    };
    return {
      ...m,
      lossMasked: 'unknown' as const,
      incomplete: `a syntax error at line ${hit.range.start.line + 1}`,
      diagnostics: [incomplete, ...m.diagnostics],
    };
  });
  return { ...analysis, models, diagnostics: [...diagnostics, ...analysis.diagnostics] };
}
