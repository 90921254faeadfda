/** Builds pool requests from a document's analysis and the user's settings. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelAnalysis } from '../core/analysis';
import { sourceArrays } from '../core/data/sourceArrays';
import type { DataSpec, RuntimeModel } from '../core/runtime/types';
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
export async function dataSpec(document: vscode.TextDocument, model: ModelAnalysis, settings: MaskLensSettings, extensionUri: vscode.Uri): Promise<DataSpec> {
  const files = settings.dataFiles[dataKey(document, model.ir.name)];
  if (files?.x) {
    return {
      source: 'file',
      x: resolveInWorkspace(document, files.x),
      y: files.y ? resolveInWorkspace(document, files.y) : undefined,
      sampleWeight: files.sampleWeight ? resolveInWorkspace(document, files.sampleWeight) : undefined,
    };
  }
  const dist = (file: string) => vscode.Uri.joinPath(extensionUri, 'dist', file).fsPath;
  const inline = await sourceArrays(document.getText(), model.ir, {
    file: document.uri.fsPath,
    label: vscode.workspace.asRelativePath(document.uri),
    family: settings.kerasFamily,
    dimensions: settings.unresolvedDimensions,
    grammar: { treeSitterWasm: dist('tree-sitter.wasm'), pythonWasm: dist('tree-sitter-python.wasm') },
  });
  if (inline.arrays) return { source: 'inline', x: inline.arrays.x, y: inline.arrays.y, description: inline.arrays.description };
  const s = settings.synthetic;
  return { source: 'synthetic', samples: s.samples, minLength: s.minLength, maxLength: s.maxLength, padding: s.padding, seed: s.seed };
}

export function runtimeModel(model: ModelAnalysis): RuntimeModel {
  const t = model.ir.training;
  return { name: model.ir.name, config: model.ir.config, lambdas: model.ir.lambdas, training: { loss: t.loss ?? undefined, optimizer: t.optimizer ?? undefined, batchSize: t.batchSize, epochs: t.epochs } };
}

/** Fields every evaluate / compare / train request shares. */
export async function commonRequest(document: vscode.TextDocument, model: ModelAnalysis, settings: MaskLensSettings, extensionUri: vscode.Uri) {
  // In Restricted Mode data files may only come from inside the workspace.
  const allowedRoot = vscode.workspace.isTrusted ? undefined : vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
  return {
    model: runtimeModel(model),
    family: settings.kerasFamily,
    data: await dataSpec(document, model, settings, extensionUri),
    seed: settings.synthetic.seed,
    samplesShown: settings.samplesShown,
    memoryCapMB: settings.memoryCapMB,
    dimensions: settings.unresolvedDimensions,
    allowedRoot,
  };
}
