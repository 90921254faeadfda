/** Builds pool requests from what the analysis process says of a model and the user's settings. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskInputReply } from '../core/protocol/analysisProcess';
import type { DataSpec, FileAccess, TrainRequest } from '../core/protocol/runtimeTasks';
import type { DataChoices } from './dataChoices';
import type { WeightsSpec } from './weightsChoices';
import { type CodeFilesFound, type CodeFilesMissing, locateCodeFiles } from '../core/data/codePaths';
import { isInside } from '../core/pathInside';
import type { MaskLensSettings } from './config';

type TaskInput = TaskInputReply['input'];

/** The file a task's model comes from: a Python document, or a model file Keras saved. */
export interface ModelSource {
  uri: vscode.Uri;
}

export function dataKey(document: ModelSource, model: string): string {
  return `${vscode.workspace.asRelativePath(document.uri, false)}#${model}`;
}

function resolveInWorkspace(document: ModelSource, file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  return path.join(folder, file);
}

/**
 * Data in order of preference: files picked with Select Data Files…, files named in the
 * `masklens.dataFiles` setting (ignored in Restricted Mode, see package.json), the files the
 * code loads when they are there, arrays the source writes, labelled synthetic data.
 */
export function dataSpec(
  document: ModelSource,
  input: TaskInput,
  settings: MaskLensSettings,
  choices: DataChoices,
): DataSpec {
  const picked = choices.get(document.uri.toString(), input.model.name);
  if (picked)
    return {
      source: 'file',
      x: picked.x,
      y: picked.y,
      sampleWeight: picked.sampleWeight,
      ...(picked.keys ? { keys: picked.keys } : {}),
    };
  const files = settings.dataFiles[dataKey(document, input.model.name)];
  if (files?.x) {
    return {
      source: 'file',
      x: resolveInWorkspace(document, files.x),
      y: files.y ? resolveInWorkspace(document, files.y) : undefined,
      sampleWeight: files.sampleWeight ? resolveInWorkspace(document, files.sampleWeight) : undefined,
    };
  }
  const loaded = codeFiles(document, input);
  if (loaded?.data) return loaded.data;
  if (input.sourceData) return input.sourceData;
  const s = settings.synthetic;
  return {
    source: 'synthetic',
    samples: s.samples,
    minLength: s.minLength,
    maxLength: s.maxLength,
    padding: s.padding,
    seed: s.seed,
  };
}

/**
 * The data files the model's code loads (`np.load('data/X.npy')`), found where Python would
 * look when run from the workspace folder or from the file's own folder; in Restricted Mode only
 * inside the workspace folders. Null when the code loads none.
 */
export function codeFiles(document: ModelSource, input: TaskInput): CodeFilesFound | CodeFilesMissing | null {
  if (!input.sourceFiles) return null;
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  const starts = [...(folder ? [folder] : []), path.dirname(document.uri.fsPath)];
  const usable = (file: string): boolean => {
    if (!vscode.workspace.isTrusted && !roots.some((r) => isInside(r, file))) return false;
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  return locateCodeFiles(input.sourceFiles, starts, usable);
}

/** What a task may read: anything in a trusted workspace; in Restricted Mode the workspace folders and the user's own picks. */
export function fileAccess(document: ModelSource, model: string, choices: DataChoices): FileAccess {
  if (vscode.workspace.isTrusted) return { mode: 'trusted' };
  return {
    mode: 'restricted',
    roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    picked: choices.files(document.uri.toString(), model),
  };
}

/** Fields every evaluate / compare / train request shares; `weights`: what the user chose (WeightsChoices), absent for initial weights. */
export function commonRequest(
  document: ModelSource,
  input: TaskInput,
  settings: MaskLensSettings,
  choices: DataChoices,
  weights?: WeightsSpec,
) {
  return {
    model: input.model,
    family: settings.kerasFamily,
    data: dataSpec(document, input, settings, choices),
    weights,
    seed: settings.synthetic.seed,
    samplesShown: settings.samplesShown,
    memoryCapMB: settings.memoryCapMB,
    taskTimeoutSeconds: settings.taskTimeoutSeconds,
    dimensions: settings.unresolvedDimensions,
    access: fileAccess(document, input.model.name, choices),
    // The panel shows masks and losses, not every layer's activations; copying those between
    // threads halved what a second worker adds (bench W5: 1.46× instead of 1.79×).
    layerOutputs: false,
  };
}

/** What `fit` validates on: its split always; its validation arrays only with the source's own data. */
export function trainValidation(input: TaskInput, data: DataSpec): TrainRequest['validation'] {
  const v = input.sourceValidation ?? undefined;
  return v && 'data' in v && data.source === 'file' ? undefined : v;
}
