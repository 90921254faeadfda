/**
 * The arrays a model's `evaluate` / `fit` / `predict` call names, when the source writes
 * their values (`np.array([[1, 2, 0, 0]])`, `np.arange(12).reshape(1, 4, 3)`, ...): read
 * statically from the parser's scope, never by running the file. Shared by the CLI and the
 * extension so both evaluate a model on the same data.
 */
import type { JsonValue, KerasFamily, ModelIR } from '../ir';
import { parseTree } from '../python/parse';
import { loadPythonParser, type GrammarPaths } from '../python/syntax';
import type { ArrayValue } from '../runtime/types';

export interface SourceArrays {
  x: ArrayValue;
  y?: ArrayValue;
  description: string;
}

export interface SourceArraysResult {
  arrays: SourceArrays | null;
  /** Why no arrays were found, when the source names some. */
  notes: string[];
}

/** A parser array value (python/values.ts `{t: 'array'}`) as request data, when its contents are known. */
export function knownArray(v: unknown): ArrayValue | null {
  if (!v || typeof v !== 'object') return null;
  const a = v as { t?: string; shape?: unknown[]; dtype?: string; fill?: number | null; data?: JsonValue | null };
  if (a.t !== 'array' || !Array.isArray(a.shape) || !a.shape.every((d) => typeof d === 'number')) return null;
  const shape = a.shape as number[];
  const count = shape.reduce((x, y) => x * y, 1);
  const flat = (x: JsonValue): (number | null)[] => (Array.isArray(x) ? x.flatMap(flat) : [typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : null]);
  if (a.data !== null && a.data !== undefined) {
    const values = flat(a.data);
    return values.length === count ? { shape, dtype: a.dtype ?? 'float32', values } : null;
  }
  if (typeof a.fill === 'number') return { shape, dtype: a.dtype ?? 'float32', values: new Array<number>(count).fill(a.fill) };
  return null;
}

export async function sourceArrays(
  text: string,
  ir: ModelIR,
  options: { file: string; label: string; family: KerasFamily; kerasVersion?: string; dimensions?: Record<string, number>; grammar?: GrammarPaths },
): Promise<SourceArraysResult> {
  const names = ir.training.evaluateArgs ?? (ir.training.fitArgs.x ? ir.training.fitArgs : null) ?? ir.training.predictArgs;
  if (!names?.x) return { arrays: null, notes: [] };
  const parser = await loadPythonParser(options.grammar);
  try {
    const tree = parser.parse(text);
    if (!tree) return { arrays: null, notes: [] };
    try {
      const scope = parseTree(tree.rootNode, text, { file: options.file, family: options.family, kerasVersion: options.kerasVersion, dimensions: options.dimensions }).scope;
      const x = knownArray(scope.get(names.x));
      const yName: string | undefined = 'y' in names && typeof names.y === 'string' ? names.y : undefined;
      const y = yName ? knownArray(scope.get(yName)) : null;
      if (!x) return { arrays: null, notes: [`the values of '${names.x}' are not written in ${options.label}; using synthetic data (choose data files to use real data)`] };
      return { arrays: { x, y: y ?? undefined, description: `arrays in ${options.label}: ${names.x}${y ? `, ${yName}` : ''}` }, notes: [] };
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}
