/** Builds pool requests from what the analysis process says of a model and the user's settings. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TaskInputReply } from '../core/protocol/analysisProcess';
import type { DataSpec, TrainRequest } from '../core/protocol/runtimeTasks';
import type { MaskLensSettings } from './config';

type TaskInput = TaskInputReply['input'];

export function dataKey(document: vscode.TextDocument, model: string): string {
  return `${vscode.workspace.asRelativePath(document.uri, false)}#${model}`;
}

function resolveInWorkspace(document: vscode.TextDocument, file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  return path.join(folder, file);
}

/** Data in order of preference: chosen files, arrays the source writes, labelled synthetic data. */
export function dataSpec(document: vscode.TextDocument, input: TaskInput, settings: MaskLensSettings): DataSpec {
  const files = settings.dataFiles[dataKey(document, input.model.name)];
  if (files?.x) {
    return {
      source: 'file',
      x: resolveInWorkspace(document, files.x),
      y: files.y ? resolveInWorkspace(document, files.y) : undefined,
      sampleWeight: files.sampleWeight ? resolveInWorkspace(document, files.sampleWeight) : undefined,
    };
  }
  if (input.sourceData) return input.sourceData;
  const s = settings.synthetic;
  return { source: 'synthetic', samples: s.samples, minLength: s.minLength, maxLength: s.maxLength, padding: s.padding, seed: s.seed };
}

/** Fields every evaluate / compare / train request shares. */
export function commonRequest(document: vscode.TextDocument, input: TaskInput, settings: MaskLensSettings) {
  // In Restricted Mode data files may only come from inside the workspace.
  const allowedRoot = vscode.workspace.isTrusted ? undefined : vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  return {
    model: input.model,
    family: settings.kerasFamily,
    data: dataSpec(document, input, settings),
    seed: settings.synthetic.seed,
    samplesShown: settings.samplesShown,
    memoryCapMB: settings.memoryCapMB,
    taskTimeoutSeconds: settings.taskTimeoutSeconds,
    dimensions: settings.unresolvedDimensions,
    allowedRoot,
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
