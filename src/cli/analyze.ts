/**
 * `masklens analyze FILE [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N ...] [--json]`
 *
 * FILE is Python source (read, never run) or a model Keras saved (`.keras`, legacy `.h5`),
 * whose config is analysed as it stands.
 *
 * Exit codes: 0 when the analysis ran (whatever it found), 2 for usage errors or an
 * unreadable file.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseJsonText } from '../core/data/jsonText';
import { cellLabel, ipynbCodeCells, type NotebookProgram, notebookProgram, skippedNotes } from '../core/notebook/program';
import { parseArgs } from 'node:util';
import { createAnalyzer } from '../core/analysis/analyzer';
import type { FileAnalysis } from '../core/analysis/analyze';
import { analyzeModels } from '../core/analysis/analyze';
import { analysisJsonText, toAnalysisJson } from '../core/analysis/json';
import { readSavedModel, savedFormatOf, type SavedModel } from '../core/saved/savedModel';
import { savedModelIR } from '../core/saved/savedIR';
import { UserFacingError } from '../core/protocol/task';
import type { Diagnostic, KerasFamily } from '../core/ir';
import type { MaskState } from '../core/masking/state';
import { type CliIO, dimensions, kerasFamily, kerasVersion, MODEL_OPTIONS, oneFile, parseCommandLine, UsageError } from './options';
import { workspaceModules } from '../analysisProcess/workspaceModules';

const USAGE = `usage: masklens analyze FILE [--keras keras3|tf-keras2] [--keras-version X.Y.Z] [--dim NAME=N]... [--json]
  Reads the Keras models in FILE (without running it), or the model a .keras or .h5 file
  holds, and shows, per layer, whether a mask comes in and goes out, and whether a mask
  reaches the loss.
`;

const SAVED_WORDS: Record<SavedModel['format'], string> = { 'keras-archive': 'a .keras archive', 'legacy-h5': 'a legacy HDF5 model', 'weights-h5': 'a weights file' };

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

/** How a 0-based line of the analysed text is named: `12`, or `cell 3, line 2` in a notebook. */
type LineLabel = (line: number) => string;
const plainLine: LineLabel = (line) => String(line + 1);

function where(d: Diagnostic, label: LineLabel): string {
  return label === plainLine ? `${d.range.start.line + 1}:${d.range.start.character + 1}` : `${label(d.range.start.line)}, column ${d.range.start.character + 1}`;
}

/** A mask state in the table: yes, `-` for none, `?` for unknown. */
function stateCell(s: MaskState): string {
  return s === 'yes' ? 'yes' : s === 'unknown' ? '?' : '-';
}

const LOSS_MASK_TEXT: Record<MaskState, string> = { yes: 'the mask reaches the loss', no: 'no mask reaches the loss', unknown: 'unknown whether a mask reaches the loss' };

/** The readable mask-flow table; `saved`: the model came from a file Keras saved, which has no lines to point at. */
export function formatTable(analysis: FileAnalysis, saved?: SavedModel, label: LineLabel = plainLine): string {
  const lines: string[] = [`${analysis.file} — mask rules of ${analysis.keras}`];
  if (analysis.models.length === 0) lines.push('', 'No Keras models found.');
  for (const model of analysis.models) {
    const from = saved ? `from ${SAVED_WORDS[saved.format]}${saved.kerasVersion ? ` saved by Keras ${saved.kerasVersion}` : ''}` : label === plainLine ? `line ${model.ir.range.start.line + 1}` : label(model.ir.range.start.line);
    lines.push('', `model ${model.ir.name} (${model.ir.kind}, ${from})`);
    const nameWidth = Math.max(5, ...model.layers.map((l) => l.name.length));
    const classWidth = Math.max(5, ...model.layers.map((l) => l.className.length));
    lines.push(`  ${pad('layer', nameWidth)}  ${pad('class', classWidth)}  mask in  mask out  effect${saved ? '' : '      line'}`);
    for (const l of model.layers) {
      const row = `  ${pad(l.name, nameWidth)}  ${pad(l.className, classWidth)}  ${pad(stateCell(l.mask.in), 7)}  ${pad(stateCell(l.mask.out), 8)}  ${saved ? l.mask.effect : `${pad(l.mask.effect, 10)}  ${label(l.range.start.line)}`}`;
      lines.push(row);
    }
    const verdict = model.lossMasked === 'no' && model.outputPerTimestep === false ? 'no mask reaches the loss, and none is needed: one output per sequence' : LOSS_MASK_TEXT[model.lossMasked];
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
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    io.stderr(`masklens analyze: cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (savedFormatOf(bytes.subarray(0, 8))) {
    let saved: SavedModel;
    try {
      saved = readSavedModel(new Uint8Array(bytes), options.file);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      io.stderr(`masklens analyze: ${error.message}\n`);
      return 1;
    }
    const analysis = analyzeModels(options.file, [savedModelIR(saved)], options.family, options.kerasVersion);
    io.stdout(options.json ? `${analysisJsonText(toAnalysisJson(analysis))}\n` : formatTable(analysis, saved));
    return 0;
  }
  let text = bytes.toString('utf8');
  let notebook: NotebookProgram | null = null;
  if (extname(options.file).toLowerCase() === '.ipynb') {
    try {
      notebook = notebookProgram(ipynbCodeCells(parseJsonText(text, options.file), options.file));
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      io.stderr(`masklens analyze: ${error.message}\n`);
      return 1;
    }
    text = notebook.text;
    for (const note of skippedNotes(notebook)) io.stderr(`note: ${note}\n`);
  }
  const analyzer = await createAnalyzer();
  try {
    const analysis = analyzer.analyze(text, { file: options.file, family: options.family, kerasVersion: options.kerasVersion, dimensions: options.dimensions, modules: workspaceModules([process.cwd()], false) });
    const program = notebook;
    if (options.json) {
      const json = toAnalysisJson(analysis);
      // A notebook's ranges are lines of its code cells joined in order; `notebook.cells` maps them back.
      const withCells = program ? { ...json, notebook: { cells: program.cells, skipped: program.skipped } } : json;
      io.stdout(`${analysisJsonText(withCells)}\n`);
    } else io.stdout(formatTable(analysis, undefined, program ? (line) => cellLabel(program, line) : plainLine));
    return 0;
  } finally {
    analyzer.dispose();
  }
}
