/**
 * A Jupyter notebook's code cells as one Python program, in cell order, the way the kernel
 * runs them top to bottom: IPython's magics (`%matplotlib inline`, `%%time`) and shell lines
 * (`!pip install ...`) are not Python, so each such line becomes `pass` at its indentation
 * (the program keeps its shape and its line numbers) and is named in a note. Lines of the
 * program map back to (cell, line).
 */
import { z } from 'zod';
import { DataError } from '../data/errors';

/** A code cell: its index among all the notebook's cells, and its text. */
export interface CodeCell {
  index: number;
  text: string;
}

export interface NotebookProgram {
  text: string;
  /** Per code cell, where it starts in `text` (0-based line) and how many lines it has. */
  cells: { index: number; startLine: number; lineCount: number }[];
  /** Lines that are not Python and were skipped, with where they are. */
  skipped: { cell: number; line: number; text: string }[];
}

/** Cell magics whose body is still Python (IPython times or captures it); any other runs another language. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);

function skippedLine(line: string): string {
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  return `${indent}pass`;
}

/** A line IPython does not hand to Python as written: a line magic, a shell escape, `x = !cmd`, `x = %magic`, help with `?`. */
function isIPythonLine(line: string): boolean {
  const t = line.trim();
  if (t.startsWith('%') || t.startsWith('!')) return true;
  if (/^[A-Za-z_][\w, ]*=\s*[!%]/.test(t)) return true;
  return /^[A-Za-z_][\w.]*\?{1,2}$/.test(t);
}

export function notebookProgram(cells: readonly CodeCell[]): NotebookProgram {
  const lines: string[] = [];
  const out: NotebookProgram = { text: '', cells: [], skipped: [] };
  for (const cell of cells) {
    const cellLines = cell.text.replace(/\r\n?/g, '\n').split('\n');
    const startLine = lines.length;
    const magic = /^\s*%%(\w+)/.exec(cellLines[0] ?? '');
    const foreign = magic !== null && !PYTHON_CELL_MAGICS.has(magic[1]);
    cellLines.forEach((line, i) => {
      if (foreign || isIPythonLine(line)) {
        lines.push(foreign && i > 0 ? '' : skippedLine(line));
        if (i === 0 || !foreign) out.skipped.push({ cell: cell.index, line: i, text: line.trim().slice(0, 120) });
      } else lines.push(line);
    });
    out.cells.push({ index: cell.index, startLine, lineCount: cellLines.length });
  }
  out.text = `${lines.join('\n')}\n`;
  return out;
}

/** The (cell, line) a 0-based line of the program comes from; lines are 0-based, cells their notebook index. */
export function cellPosition(program: NotebookProgram, line: number): { cell: number; line: number } {
  let found = program.cells[0] ?? { index: 0, startLine: 0, lineCount: 0 };
  for (const c of program.cells) {
    if (c.startLine > line) break;
    found = c;
  }
  return { cell: found.index, line: line - found.startLine };
}

/** "cell 3, line 2" (both 1-based, as Jupyter numbers nothing and people count from one). */
export function cellLabel(program: NotebookProgram, line: number): string {
  const p = cellPosition(program, line);
  return `cell ${p.cell + 1}, line ${p.line + 1}`;
}

const ipynbSchema = z.object({
  cells: z.array(z.object({ cell_type: z.string(), source: z.union([z.string(), z.array(z.string())]) })).max(100_000),
});

/** The code cells of an `.ipynb` file's JSON text. */
export function ipynbCodeCells(json: unknown, location: string): CodeCell[] {
  const parsed = ipynbSchema.safeParse(json);
  if (!parsed.success)
    throw new DataError(
      'is not a Jupyter notebook (no "cells" list of cells with "cell_type" and "source")',
      'data-format',
      location,
    );
  return parsed.data.cells.flatMap((c, index) =>
    c.cell_type === 'code' ? [{ index, text: Array.isArray(c.source) ? c.source.join('') : c.source }] : [],
  );
}

/** A note for each skipped line, for the notebook's diagnostics and the CLI. */
export function skippedNotes(program: NotebookProgram): string[] {
  return program.skipped.map(
    (s) => `cell ${s.cell + 1}, line ${s.line + 1}: \`${s.text}\` is IPython, not Python; MaskLens skips it`,
  );
}
