/**
 * CSV: one sample per row. A non-numeric first row is a header. Empty cells and `nan` are
 * NaN (reported later as such, not silently zero).
 */
import type { NdArray } from '../runtime/array';
import { DataError } from './errors';

function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

function parseCell(cell: string): number | undefined {
  if (cell === '' || /^[+-]?nan$/i.test(cell)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/^true$/i.test(cell)) return 1;
  if (/^false$/i.test(cell)) return 0;
  const n = Number(cell);
  return Number.isNaN(n) ? undefined : n;
}

export function parseCsv(text: string, location: string): { array: NdArray; header: string[] | null } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const firstContent = lines.find((l) => l.trim().length > 0 && !l.startsWith('#'));
  if (firstContent === undefined) throw new DataError('the CSV file is empty', 'data-format', location);
  const delimiter = [',', ';', '\t'].map((d) => [d, firstContent.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const rows: number[][] = [];
  let header: string[] | null = null;
  let width = -1;
  lines.forEach((line, i) => {
    if (line.trim().length === 0 || line.startsWith('#')) return;
    const cells = splitLine(line, delimiter);
    const values = cells.map(parseCell);
    const bad = values.findIndex((v) => v === undefined);
    if (bad >= 0) {
      if (rows.length === 0 && header === null) {
        header = cells;
        width = cells.length;
        return;
      }
      throw new DataError(`line ${i + 1}, column ${bad + 1}: ${JSON.stringify(cells[bad])} is not a number`, 'data-dtype', location);
    }
    if (width < 0) width = values.length;
    if (values.length !== width) {
      throw new DataError(`line ${i + 1} has ${values.length} columns, expected ${width} (like the first row)`, 'data-shape', location);
    }
    rows.push(values as number[]);
  });
  if (rows.length === 0) throw new DataError('the CSV file has a header but no data rows', 'data-format', location);
  const data = new Float64Array(rows.length * width);
  let allInt = true;
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!Number.isInteger(v)) allInt = false;
      data[i * width + j] = v;
    }),
  );
  return { array: { shape: [rows.length, width], kind: allInt ? 'int' : 'float', data, sourceDtype: 'csv' }, header };
}
