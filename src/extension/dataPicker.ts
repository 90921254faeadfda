/**
 * Select Data Files…: the files the model's code loads come first when they are there; the
 * dialogs say what each file must hold; the chosen files' headers are checked against the
 * model before they are kept, so a wrong shape is told now, in one sentence, not after a run.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DataError } from '../core/data/errors';
import { type ExpectedData, expectedData } from '../core/data/expected';
import { type DataHeader, HEADER_BYTES, headerProblems, readDataHeader } from '../core/data/headerCheck';
import { formatShape } from '../core/format';
import type { ModelView, TaskInputReply } from '../core/protocol/analysisProcess';
import type { DataChoice } from './dataChoices';
import { codeFiles } from './requests';

type TaskInput = TaskInputReply['input'];

const FILTERS = { 'Arrays (.npy, .npz, .csv, .json)': ['npy', 'npz', 'csv', 'json'] };

/** The files the user settled on for a model, with what their headers say; undefined when cancelled. */
export interface PickedData {
  choice: DataChoice;
  /** "x.npy (5, 4) int64 and y.npy (5, 4, 1) float64" */
  summary: string;
}

export async function pickData(
  document: vscode.TextDocument,
  model: ModelView,
  input: TaskInput | undefined,
): Promise<PickedData | undefined> {
  const expected = input ? expectedData(input.model.config) : { inputs: [], lines: [] };
  const loaded = input ? codeFiles(document, input) : null;
  let choice: DataChoice | null | undefined;
  if (loaded?.data && typeof loaded.data.x === 'string') {
    choice = await offerCodeFiles(model.name, expected, {
      x: loaded.data.x,
      ...(loaded.data.y !== undefined ? { y: loaded.data.y } : {}),
      ...(loaded.data.keys ? { keys: loaded.data.keys } : {}),
    });
    if (choice === undefined) return undefined;
  }
  for (;;) {
    choice ??= await chooseInDialogs(document, model, expected);
    if (!choice) return undefined;
    const checked = await checkHeaders(choice, expected);
    if (checked.problems.length === 0) return { choice, summary: checked.summary };
    const answer = await vscode.window.showQuickPick(
      [
        { label: '$(folder-opened) Choose other files…', retry: true },
        { label: '$(warning) Use these files anyway', detail: 'the run will report what does not fit', retry: false },
      ],
      {
        title: checked.problems.join(' · '),
        placeHolder: 'Choose other files, or use these anyway',
        ignoreFocusOut: true,
      },
    );
    if (!answer) return undefined;
    if (!answer.retry) return { choice, summary: checked.summary };
    choice = undefined;
  }
}

/** The code's own files, or the dialogs: a quick pick, since the user may want other data than the code's. */
async function offerCodeFiles(
  model: string,
  expected: ExpectedData,
  files: DataChoice,
): Promise<DataChoice | null | undefined> {
  const names = [files.x, ...(files.y !== undefined ? [files.y] : [])].map((f) => vscode.workspace.asRelativePath(f));
  const answer = await vscode.window.showQuickPick(
    [
      { label: `$(file-code) ${names.join(', ')}`, description: 'the files the code loads', useCode: true },
      { label: '$(folder-opened) Choose files…', useCode: false },
    ],
    {
      title: `Data for ${model}`,
      placeHolder: expected.lines.length > 0 ? `expected ${expected.lines.join('; ')}` : undefined,
      ignoreFocusOut: true,
    },
  );
  if (!answer) return undefined;
  return answer.useCode ? files : null;
}

async function chooseInDialogs(
  document: vscode.TextDocument,
  model: ModelView,
  expected: ExpectedData,
): Promise<DataChoice | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const start = folder?.uri ?? vscode.Uri.file(path.dirname(document.uri.fsPath));
  const output = model.layers[model.layers.length - 1]?.outputShape;
  const inputsText = expected.lines.length > 0 ? ` — expected ${expected.lines.join('; ')}` : '';
  const x = await vscode.window.showOpenDialog({
    title: `Inputs (x) for ${model.name}${inputsText}`,
    openLabel: 'Use as inputs',
    canSelectMany: false,
    filters: FILTERS,
    defaultUri: start,
  });
  if (!x?.[0]) return undefined;
  const y = await vscode.window.showOpenDialog({
    title: `Labels (y) for ${model.name}${output ? ` — to match the output ${formatShape(output)}` : ''}; cancel for none`,
    openLabel: 'Use as labels',
    canSelectMany: false,
    filters: FILTERS,
    defaultUri: start,
  });
  return { x: x[0].fsPath, ...(y?.[0] ? { y: y[0].fsPath } : {}) };
}

/** Reads only each file's first bytes, whatever its size. */
async function header(file: string): Promise<DataHeader | null> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(Math.min(size, HEADER_BYTES));
    await handle.read(prefix, 0, prefix.length, 0);
    return readDataHeader(vscode.workspace.asRelativePath(file), prefix, size);
  } finally {
    await handle.close();
  }
}

async function checkHeaders(
  choice: DataChoice,
  expected: ExpectedData,
): Promise<{ problems: string[]; summary: string }> {
  const problems: string[] = [];
  const described: string[] = [];
  const read = async (file: string): Promise<DataHeader | null> => {
    const name = vscode.workspace.asRelativePath(file);
    try {
      const h = await header(file);
      described.push(h ? `${name} ${formatShape(h.shape)} ${h.dtype}` : name);
      return h;
    } catch (error) {
      described.push(name);
      // A DataError names its file already.
      if (error instanceof DataError) problems.push(error.message);
      else problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  };
  // A member of an .npz is chosen by key: its header is inside the archive, checked when it runs.
  const xHeader = choice.keys?.x === undefined ? await read(choice.x) : null;
  const yHeader = choice.y !== undefined && choice.keys?.y === undefined ? await read(choice.y) : null;
  if (xHeader) {
    const rel = vscode.workspace.asRelativePath;
    problems.push(
      ...headerProblems(
        expected.inputs,
        { file: rel(choice.x), header: xHeader },
        yHeader && choice.y ? { file: rel(choice.y), header: yHeader } : undefined,
      ),
    );
  }
  return { problems, summary: described.join(' and ') };
}
