/** Builds pool requests from a document's analysis and the user's settings. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelAnalysis } from '../core/analysis';
import type { FileAnalysis } from '../core/analysis';
import { sourceData, sourceValidation } from '../core/data/sourceData';
import type { DataSpec, RuntimeModel, TrainRequest } from '../core/protocol/runtimeTasks';
import { layerLines } from '../core/runtime/memory';
import type { MaskLensSettings } from './config';

export function dataKey(document: vscode.TextDocument, model: string): string {
  return `${vscode.workspace.asRelativePath(document.uri, false)}#${model}`;
}

function resolveInWorkspace(document: vscode.TextDocument, file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.uri.fsPath);
  return path.join(folder, file);
}

/** Data in order of preference: chosen files, arrays the source writes, labelled synthetic data. */
export function dataSpec(document: vscode.TextDocument, analysis: FileAnalysis, model: ModelAnalysis, settings: MaskLensSettings): DataSpec {
  const files = settings.dataFiles[dataKey(document, model.ir.name)];
  if (files?.x) {
    return {
      source: 'file',
      x: resolveInWorkspace(document, files.x),
      y: files.y ? resolveInWorkspace(document, files.y) : undefined,
      sampleWeight: files.sampleWeight ? resolveInWorkspace(document, files.sampleWeight) : undefined,
    };
  }
  const inline = sourceData(analysis, model.ir, vscode.workspace.asRelativePath(document.uri)).data;
  if (inline) return inline;
  const s = settings.synthetic;
  return { source: 'synthetic', samples: s.samples, minLength: s.minLength, maxLength: s.maxLength, padding: s.padding, seed: s.seed };
}

export function runtimeModel(model: ModelAnalysis): RuntimeModel {
  const t = model.ir.training;
  return { name: model.ir.name, config: model.ir.config, lambdas: model.ir.lambdas, training: { loss: t.loss ?? undefined, optimizer: t.optimizer ?? undefined, batchSize: t.batchSize, epochs: t.epochs }, layerLines: layerLines(model.ir.sources) };
}

/** Fields every evaluate / compare / train request shares. */
export function commonRequest(document: vscode.TextDocument, analysis: FileAnalysis, model: ModelAnalysis, settings: MaskLensSettings) {
  // In Restricted Mode data files may only come from inside the workspace.
  const allowedRoot = vscode.workspace.isTrusted ? undefined : vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  return {
    model: runtimeModel(model),
    family: settings.kerasFamily,
    data: dataSpec(document, analysis, model, settings),
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
export function trainValidation(analysis: FileAnalysis, model: ModelAnalysis, data: DataSpec): TrainRequest['validation'] {
  const v = sourceValidation(analysis, model.ir);
  return v && 'data' in v && data.source === 'file' ? undefined : v;
}
