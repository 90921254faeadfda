/**
 * `masklens analyze FILE [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N ...] [--json]`
 *
 * Exit codes: 0 when the analysis ran (whatever it found), 2 for usage errors or an
 * unreadable file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import { analysisJsonText, toAnalysisJson } from '../core/analysis/json';
import type { Diagnostic, KerasFamily } from '../core/ir';
import type { MaskState } from '../core/masking/state';
import { type CliIO, dimensions, kerasFamily, kerasVersion, MODEL_OPTIONS, oneFile, parseCommandLine, UsageError } from './options';
import { workspaceModules } from '../analysisProcess/workspaceModules';

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

/** The options, or null when only help was asked for. */
function readOptions(argv: string[]): Options | null {
  const { values, positionals } = parseCommandLine(() => parseArgs({ args: argv, options: MODEL_OPTIONS, allowPositionals: true, strict: true }));
  if (values.help) return null;
  return {
    file: oneFile(positionals),
    family: kerasFamily(values.keras),
    kerasVersion: kerasVersion(values['keras-version']),
    dimensions: dimensions(values.dim),
    json: values.json ?? false,
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function where(d: Diagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

/** A mask state in the table: yes, `-` for none, `?` for unknown. */
function stateCell(s: MaskState): string {
  return s === 'yes' ? 'yes' : s === 'unknown' ? '?' : '-';
}

const LOSS_MASK_TEXT: Record<MaskState, string> = { yes: 'the mask reaches the loss', no: 'no mask reaches the loss', unknown: 'unknown whether a mask reaches the loss' };

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
      lines.push(`  ${pad(l.name, nameWidth)}  ${pad(l.className, classWidth)}  ${pad(stateCell(l.mask.in), 7)}  ${pad(stateCell(l.mask.out), 8)}  ${pad(l.mask.effect, 10)}  ${l.range.start.line + 1}`);
    }
    const verdict = model.lossMasked === 'no' && model.outputPerTimestep === false ? 'no mask reaches the loss, and none is needed: one output per sequence' : LOSS_MASK_TEXT[model.lossMasked];
    lines.push(`  loss: ${model.loss ?? '(not compiled)'} — ${verdict}`);
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
  let options: Options | null;
  try {
    options = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`masklens analyze: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (!options) {
    io.stdout(USAGE);
    return 0;
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
    const analysis = analyzer.analyze(text, { file: options.file, family: options.family, kerasVersion: options.kerasVersion, dimensions: options.dimensions, modules: workspaceModules([process.cwd()], false) });
    io.stdout(options.json ? `${analysisJsonText(toAnalysisJson(analysis))}\n` : formatTable(analysis));
    return 0;
  } finally {
    analyzer.dispose();
  }
}
