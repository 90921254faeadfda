/**
 * A notebook's analysis as one of its cells sees it: the notebook is analysed as one program
 * (its code cells in order), and each cell's editor shows what lies in it — the models built
 * there (their lenses), the findings there (with their quick fixes), the layers written there
 * (their hovers) — at lines counted from the cell's first line.
 */
import type { Diagnostic, Range } from '../core/ir';
import type { AnalysisView, LayerView, ModelView } from '../core/protocol/analysisProcess';
import type { NotebookProgram } from '../core/notebook/program';

function inCell(range: Range, start: number, count: number): boolean {
  return range.start.line >= start && range.start.line < start + count;
}

function shift(range: Range, by: number): Range {
  return {
    start: { line: range.start.line - by, character: range.start.character },
    end: { line: Math.max(0, range.end.line - by), character: range.end.character },
  };
}

function shiftDiagnostic(d: Diagnostic, by: number): Diagnostic {
  return {
    ...d,
    range: shift(d.range, by),
    ...(d.fix
      ? { fix: { title: d.fix.title, edits: d.fix.edits.map((e) => ({ ...e, range: shift(e.range, by) })) } }
      : {}),
  };
}

/** The view of the code cell at notebook index `cell`; `uri`/`version`: the cell document's. */
export function cellView(
  view: AnalysisView,
  program: NotebookProgram,
  cell: number,
  uri: string,
  version: number,
): AnalysisView {
  const where = program.cells.find((c) => c.index === cell);
  if (!where) return { ...view, uri, version, models: [], diagnostics: [] };
  const { startLine, lineCount } = where;
  const here = (r: Range) => inCell(r, startLine, lineCount);
  // A finding's quick fix must edit this cell only.
  const local = (d: Diagnostic) => here(d.range) && (d.fix?.edits ?? []).every((e) => here(e.range));
  const models: ModelView[] = view.models
    .filter((m) => here(m.range))
    .map((m) => ({
      ...m,
      range: shift(m.range, startLine),
      // Layers written in other cells keep no position here: their line is this cell's first.
      layers: m.layers.map((l): LayerView =>
        here(l.range)
          ? { ...l, range: shift(l.range, startLine) }
          : { ...l, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      ),
      diagnostics: m.diagnostics.filter(local).map((d) => shiftDiagnostic(d, startLine)),
    }));
  // Findings on models built in other cells but located here (a Lambda added in this cell).
  const elsewhere = view.models.filter((m) => !here(m.range)).flatMap((m) => m.diagnostics.filter(local));
  const diagnostics = [...view.diagnostics.filter(local), ...elsewhere].map((d) => shiftDiagnostic(d, startLine));
  return { ...view, uri, version, models, diagnostics };
}
