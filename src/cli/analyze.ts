/**
 * `masklens analyze FILE|GLOB... [--format text|json|sarif] [--fail-on error|warning|never]
 *  [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N ...]`
 *
 * Reads each file statically (never runs it): Python source, a Jupyter notebook (its code
 * cells in order, positions named by cell and line), or a model Keras saved (`.keras`, legacy
 * `.h5`), whose config is analysed as it stands. Exit codes, for CI:
 *   0  every file was analysed, and nothing was found at or above --fail-on (default: error);
 *   1  a finding at or above --fail-on;
 *   2  a usage error, a file that cannot be read, or a glob that matches nothing.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { version as toolVersion } from '../../package.json';
import { createAnalyzer } from '../core/analysis/analyzer';
import { analyzeModels, type FileAnalysis } from '../core/analysis/analyze';
import { parseJsonText } from '../core/data/jsonText';
import {
  cellLabel,
  ipynbCodeCells,
  type NotebookProgram,
  notebookProgram,
  skippedNotes,
} from '../core/notebook/program';
import { UserFacingError } from '../core/protocol/task';
import { readSavedModel, savedFormatOf, type SavedModel } from '../core/saved/savedModel';
import { savedModelIR } from '../core/saved/savedIR';
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
  mask comes in and goes out, whether a mask reaches the loss, and what is wrong. FILE may be
  Python, a Jupyter notebook (.ipynb: its code cells in order) or a model Keras saved (.keras, .h5).
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

/** How a 0-based line of the analysed text is named: `12`, or `cell 3, line 2` in a notebook. */
type LineLabel = (line: number) => string;
const plainLine: LineLabel = (line) => String(line + 1);

function where(d: Diagnostic, label: LineLabel): string {
  return label === plainLine
    ? `${d.range.start.line + 1}:${d.range.start.character + 1}`
    : `${label(d.range.start.line)}, column ${d.range.start.character + 1}`;
}

const SAVED_WORDS: Record<SavedModel['format'], string> = {
  'keras-archive': 'a .keras archive',
  'legacy-h5': 'a legacy HDF5 model',
  'weights-h5': 'a weights file',
};

/** One file as read: its analysis, and what names its positions (a notebook's cells; a saved model has none). */
interface Read {
  analysis: FileAnalysis;
  saved?: SavedModel;
  notebook?: NotebookProgram;
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

/** The readable mask-flow table; `saved`: the model came from a file Keras saved, which has no lines to point at. */
export function formatTable(analysis: FileAnalysis, saved?: SavedModel, label: LineLabel = plainLine): string {
  const lines: string[] = [`${analysis.file} — mask rules of ${analysis.keras}`];
  if (analysis.models.length === 0) lines.push('', 'No Keras models found.');
  for (const model of analysis.models) {
    const from = saved
      ? `from ${SAVED_WORDS[saved.format]}${saved.kerasVersion ? ` saved by Keras ${saved.kerasVersion}` : ''}`
      : label === plainLine
        ? `line ${model.ir.range.start.line + 1}`
        : label(model.ir.range.start.line);
    lines.push('', `model ${model.ir.name} (${model.ir.kind}, ${from})`);
    const nameWidth = Math.max(5, ...model.layers.map((l) => l.name.length));
    const classWidth = Math.max(5, ...model.layers.map((l) => l.className.length));
    lines.push(
      `  ${pad('layer', nameWidth)}  ${pad('class', classWidth)}  mask in  mask out  effect${saved ? '' : '      line'}`,
    );
    for (const l of model.layers) {
      const row = `  ${pad(l.name, nameWidth)}  ${pad(l.className, classWidth)}  ${pad(stateCell(l.mask.in), 7)}  ${pad(stateCell(l.mask.out), 8)}  ${saved ? l.mask.effect : `${pad(l.mask.effect, 10)}  ${label(l.range.start.line)}`}`;
      lines.push(row);
    }
    const verdict =
      model.lossMasked === 'no' && model.outputPerTimestep === false
        ? 'no mask reaches the loss, and none is needed: one output per sequence'
        : LOSS_MASK_TEXT[model.lossMasked];
    lines.push(`  loss: ${model.loss ?? '(not compiled)'} — ${verdict}`);
    for (const d of model.diagnostics) {
      lines.push(`  ${d.severity} ${d.code} at ${where(d, label)}: ${d.message}`);
      if (d.fix) lines.push(`    fix: ${d.fix.title}`);
    }
  }
  if (analysis.diagnostics.length > 0) {
    lines.push('', 'file:');
    for (const d of analysis.diagnostics) lines.push(`  ${d.severity} ${d.code} at ${where(d, label)}: ${d.message}`);
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
  const contents: Buffer[] = [];
  for (const file of options.files) {
    try {
      contents.push(readFileSync(file));
    } catch (error) {
      io.stderr(`masklens analyze: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  const analyzer = await createAnalyzer();
  const reads: Read[] = [];
  const modules = workspaceModules([process.cwd()], false);
  try {
    for (const [i, file] of options.files.entries()) {
      const bytes = contents[i];
      try {
        if (savedFormatOf(bytes.subarray(0, 8))) {
          const saved = readSavedModel(new Uint8Array(bytes), file);
          reads.push({
            analysis: analyzeModels(file, [savedModelIR(saved)], options.family, options.kerasVersion),
            saved,
          });
          continue;
        }
        let text = bytes.toString('utf8');
        let notebook: NotebookProgram | undefined;
        if (extname(file).toLowerCase() === '.ipynb') {
          notebook = notebookProgram(ipynbCodeCells(parseJsonText(text, file), file));
          text = notebook.text;
          for (const note of skippedNotes(notebook)) io.stderr(`note: ${file}: ${note}\n`);
        }
        reads.push({
          analysis: analyzer.analyze(text, {
            file,
            family: options.family,
            kerasVersion: options.kerasVersion,
            dimensions: options.dimensions,
            modules,
          }),
          notebook,
        });
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        io.stderr(`masklens analyze: ${error.message}\n`);
        return 2;
      }
    }
  } finally {
    analyzer.dispose();
  }
  const analyses = reads.map((r) => r.analysis);
  if (options.format === 'sarif')
    io.stdout(`${JSON.stringify(toSarif(analyses, { root: process.cwd(), toolVersion }), null, 2)}\n`);
  else if (options.format === 'json') {
    const json = reads.map(({ analysis, notebook }) => {
      const base = toAnalysisJson(analysis);
      // A notebook's ranges are lines of its code cells joined in order; `notebook.cells` maps them back.
      const withCells = notebook ? { ...base, notebook: { cells: notebook.cells, skipped: notebook.skipped } } : base;
      return analysisJsonText(withCells);
    });
    io.stdout(`${json.length === 1 ? json[0] : `[\n${json.join(',\n')}\n]`}\n`);
  } else {
    io.stdout(
      reads
        .map(({ analysis, saved, notebook }) =>
          formatTable(analysis, saved, notebook ? (line) => cellLabel(notebook, line) : plainLine),
        )
        .join('\n'),
    );
    if (analyses.length > 1)
      io.stdout(
        `\n${analyses.length} files: ${count(analyses, 'error')} error(s), ${count(analyses, 'warning')} warning(s)\n`,
      );
  }
  return analyses.some((a) => allDiagnostics(a).some((d) => fails(d.severity, options.failOn))) ? 1 : 0;
}
