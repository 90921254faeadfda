/**
 * `masklens analyze FILE|GLOB... [--format text|json|sarif] [--fail-on error|warning|never]
 *  [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N ...]`
 *
 * Reads each file statically (never runs it). Exit codes, for CI:
 *   0  every file was analysed, and nothing was found at or above --fail-on (default: error);
 *   1  a finding at or above --fail-on;
 *   2  a usage error, a file that cannot be read, or a glob that matches nothing.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { version as toolVersion } from '../../package.json';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import { analysisJsonText, toAnalysisJson } from '../core/analysis/json';
import type { Diagnostic, KerasFamily, Severity } from '../core/ir';
import type { MaskState } from '../core/masking/state';
import { expandFiles } from './files';
import {
  type CliIO,
  dimensions,
  kerasFamily,
  kerasVersion,
  MODEL_OPTIONS,
  oneOf,
  parseCommandLine,
  UsageError,
} from './options';
import { toSarif } from './sarif';
import { workspaceModules } from '../analysisProcess/workspaceModules';

const USAGE = `usage: masklens analyze FILE|GLOB... [--format text|json|sarif] [--fail-on error|warning|never]
                        [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N]...
  Reads the Keras models in each FILE (without running it) and shows, per layer, whether a
  mask comes in and goes out, whether a mask reaches the loss, and what is wrong.
  --format text   a table per file (default); json: the analysis as JSON (one object for one
                  FILE, an array for several; --json is short for it); sarif: a SARIF 2.1.0 log
  --fail-on L     exit 1 when a finding of level L or worse is found (default error)
  exit codes: 0 nothing at or above --fail-on, 1 such a finding, 2 usage error or unreadable file
`;

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON = ['error', 'warning', 'never'] as const;

interface Options {
  files: string[];
  format: (typeof FORMATS)[number];
  failOn: (typeof FAIL_ON)[number];
  family: KerasFamily;
  kerasVersion?: string;
  dimensions: Record<string, number>;
}

/** The options, or null when only help was asked for. */
async function readOptions(argv: string[]): Promise<Options | null> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: argv,
      options: { ...MODEL_OPTIONS, format: { type: 'string' }, 'fail-on': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) return null;
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new UsageError(`--json and --format ${values.format} disagree`);
  return {
    files: await expandFiles(positionals),
    format: values.json ? 'json' : (oneOf(values.format, FORMATS, '--format') ?? 'text'),
    failOn: oneOf(values['fail-on'], FAIL_ON, '--fail-on') ?? 'error',
    family: kerasFamily(values.keras),
    kerasVersion: kerasVersion(values['keras-version']),
    dimensions: dimensions(values.dim),
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

const LOSS_MASK_TEXT: Record<MaskState, string> = {
  yes: 'the mask reaches the loss',
  no: 'no mask reaches the loss',
  unknown: 'unknown whether a mask reaches the loss',
};

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
      lines.push(
        `  ${pad(l.name, nameWidth)}  ${pad(l.className, classWidth)}  ${pad(stateCell(l.mask.in), 7)}  ${pad(stateCell(l.mask.out), 8)}  ${pad(l.mask.effect, 10)}  ${l.range.start.line + 1}`,
      );
    }
    const verdict =
      model.lossMasked === 'no' && model.outputPerTimestep === false
        ? 'no mask reaches the loss, and none is needed: one output per sequence'
        : LOSS_MASK_TEXT[model.lossMasked];
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

function allDiagnostics(analysis: FileAnalysis): Diagnostic[] {
  return [...analysis.models.flatMap((m) => m.diagnostics), ...analysis.diagnostics];
}

/** Whether a finding of this severity fails the run under --fail-on. */
export function fails(severity: Severity, failOn: Options['failOn']): boolean {
  if (failOn === 'never') return false;
  return severity === 'error' || (failOn === 'warning' && severity === 'warning');
}

function count(analyses: readonly FileAnalysis[], severity: Severity): number {
  return analyses.reduce((n, a) => n + allDiagnostics(a).filter((d) => d.severity === severity).length, 0);
}

export async function runAnalyze(argv: string[], io: CliIO): Promise<number> {
  let options: Options | null;
  try {
    options = await readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`masklens analyze: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (!options) {
    io.stdout(USAGE);
    return 0;
  }
  const texts: string[] = [];
  for (const file of options.files) {
    try {
      texts.push(readFileSync(file, 'utf8'));
    } catch (error) {
      io.stderr(`masklens analyze: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  const analyzer = await createAnalyzer();
  const analyses: FileAnalysis[] = [];
  const modules = workspaceModules([process.cwd()], false);
  try {
    options.files.forEach((file, i) =>
      analyses.push(
        analyzer.analyze(texts[i], {
          file,
          family: options.family,
          kerasVersion: options.kerasVersion,
          dimensions: options.dimensions,
          modules,
        }),
      ),
    );
  } finally {
    analyzer.dispose();
  }
  if (options.format === 'sarif')
    io.stdout(`${JSON.stringify(toSarif(analyses, { root: process.cwd(), toolVersion }), null, 2)}\n`);
  else if (options.format === 'json') {
    const json = analyses.map((a) => analysisJsonText(toAnalysisJson(a)));
    io.stdout(`${json.length === 1 ? json[0] : `[\n${json.join(',\n')}\n]`}\n`);
  } else {
    io.stdout(analyses.map(formatTable).join('\n'));
    if (analyses.length > 1)
      io.stdout(
        `\n${analyses.length} files: ${count(analyses, 'error')} error(s), ${count(analyses, 'warning')} warning(s)\n`,
      );
  }
  return analyses.some((a) => allDiagnostics(a).some((d) => fails(d.severity, options.failOn))) ? 1 : 0;
}
