/**
 * `masklens analyze FILE [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N ...] [--json]`
 *
 * Exit codes: 0 when the analysis ran (whatever it found), 2 for usage errors or an
 * unreadable file.
 */
import { readFileSync } from 'node:fs';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import { analysisJsonText, toAnalysisJson } from '../core/analysis/json';
import type { Diagnostic, KerasFamily } from '../core/ir';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const USAGE = `usage: masklens analyze FILE [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N]... [--json]
  Reads the Keras models in FILE (without running it) and shows, per layer, whether a
  mask comes in and goes out, and whether a mask reaches the loss.
`;

interface Options {
  file: string;
  family: KerasFamily;
  kerasVersion?: string;
  dimensions: Record<string, number>;
  json: boolean;
}

function parseArgs(argv: string[]): Options | string {
  let file: string | null = null;
  let family: KerasFamily = 'keras3';
  let kerasVersion: string | undefined;
  let json = false;
  const dimensions: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | null => {
      const eq = arg.indexOf('=');
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      return argv[++i] ?? null;
    };
    if (arg === '--json') json = true;
    else if (arg === '--keras' || arg.startsWith('--keras=')) {
      const v = value();
      if (v !== 'keras3' && v !== 'tf-keras2') return `--keras must be keras3 or tf-keras2 (got ${v ?? 'nothing'})`;
      family = v;
    } else if (arg === '--keras-version' || arg.startsWith('--keras-version=')) {
      const v = value();
      if (!v || !/^\d+(\.\d+)*$/.test(v)) return `--keras-version needs a version like 3.15.1 (got ${v ?? 'nothing'})`;
      kerasVersion = v;
    } else if (arg === '--dim' || arg.startsWith('--dim=')) {
      const v = value();
      const m = v ? /^(.+)=(\d+)$/.exec(v) : null;
      if (!m) return `--dim needs NAME=N (got ${v ?? 'nothing'})`;
      dimensions[m[1]] = Number(m[2]);
    } else if (arg === '-h' || arg === '--help') return '';
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (file === null) file = arg;
    else return `unexpected argument ${arg}`;
  }
  if (file === null) return 'missing FILE';
  return { file, family, kerasVersion, dimensions, json };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function where(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

/** The readable mask-flow table. */
export function formatTable(analysis: FileAnalysis): string {
  const lines: string[] = [`${analysis.file} — mask rules of ${analysis.keras}`];
  if (analysis.models.length === 0) lines.push('', 'No Keras models found.');
  for (const model of analysis.models) {
    lines.push('', `model ${model.ir.name} (${model.ir.kind}, line ${model.ir.range.start.line + 1})`);
    const nameWidth = Math.max(5, ...model.layers.map((l) => l.name.length));
    const classWidth = Math.max(5, ...model.layers.map((l) => l.className.length));
    lines.push(`  ${pad('layer', nameWidth)}  ${pad('class', classWidth)}  mask in  mask out  effect      line`);
    for (const l of model.layers) {
      lines.push(`  ${pad(l.name, nameWidth)}  ${pad(l.className, classWidth)}  ${pad(l.mask.in ? 'yes' : '-', 7)}  ${pad(l.mask.out ? 'yes' : '-', 8)}  ${pad(l.mask.effect, 10)}  ${l.range.start.line + 1}`);
    }
    lines.push(`  loss: ${model.loss ?? '(not compiled)'} — ${model.lossMasked ? 'the mask reaches the loss' : 'no mask reaches the loss'}`);
    for (const d of model.diagnostics) {
      lines.push(`  ${d.severity} ${d.code} at ${where(d)}: ${d.message}`);
      if (d.fix) lines.push(`    fix: ${d.fix.title}`);
    }
  }
  if (analysis.diagnostics.length > 0) {
    lines.push('', 'file:');
    for (const d of analysis.diagnostics) lines.push(`  ${d.severity} ${d.code} at ${where(d)}: ${d.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runAnalyze(argv: string[], io: CliIO): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    io.stderr(options ? `masklens analyze: ${options}\n${USAGE}` : USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    io.stderr(`masklens analyze: cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const analyzer = await createAnalyzer();
  try {
    const analysis = analyzer.analyze(text, { file: options.file, family: options.family, kerasVersion: options.kerasVersion, dimensions: options.dimensions });
    io.stdout(options.json ? `${analysisJsonText(toAnalysisJson(analysis))}\n` : formatTable(analysis));
    return 0;
  } finally {
    analyzer.dispose();
  }
}
