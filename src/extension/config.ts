/** Typed access to the `masklens.*` settings. */
import * as vscode from 'vscode';
import type { KerasFamily } from '../core/ir';
import type { AnalysisLimits } from '../core/protocol/analysisProcess';

export interface MaskLensSettings {
  kerasFamily: KerasFamily;
  defaultReduction: 'none' | 'valid-mean' | 'total-mean' | 'sequence-mean';
  poolSize: number;
  maxQueuedTasks: number;
  memoryCapMB: number;
  taskTimeoutSeconds: number;
  samplesShown: number;
  synthetic: { samples: number; minLength: number; maxLength: number; padding: 'pre' | 'post'; seed: number };
  dataFiles: Record<string, { x?: string; y?: string; sampleWeight?: string }>;
  unresolvedDimensions: Record<string, number>;
}

const clamp = (value: number, min: number, max: number, fallback: number): number =>
  Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;

/** The analysis process' limits (`masklens.analysis.*`): one process serves every folder. Settings files can hold anything; out-of-range values are clamped. */
export function readAnalysisLimits(): AnalysisLimits {
  const c = vscode.workspace.getConfiguration('masklens.analysis');
  return {
    timeLimitMs: clamp(1000 * c.get<number>('timeLimitSeconds', 5), 500, 600_000, 5000),
    memoryLimitMB: clamp(c.get<number>('memoryLimitMB', 1024), 128, 16_384, 1024),
  };
}

/**
 * Remembers a value for a dimension the source leaves open in `masklens.unresolvedDimensions`,
 * where the document's settings live (its folder's, else the workspace's, else the user's).
 */
export async function rememberDimension(uri: vscode.Uri, key: string, value: number): Promise<void> {
  const c = vscode.workspace.getConfiguration('masklens', uri);
  const target = vscode.workspace.getWorkspaceFolder(uri)
    ? vscode.ConfigurationTarget.WorkspaceFolder
    : vscode.workspace.workspaceFolders
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await c.update(
    'unresolvedDimensions',
    { ...c.get<Record<string, number>>('unresolvedDimensions', {}), [key]: value },
    target,
  );
}

export function readSettings(scope?: vscode.ConfigurationScope): MaskLensSettings {
  const c = vscode.workspace.getConfiguration('masklens', scope);
  return {
    kerasFamily: c.get<KerasFamily>('kerasFamily', 'keras3'),
    defaultReduction: c.get('defaultReduction', 'valid-mean'),
    // Settings files can hold anything: the numbers the manifest bounds are clamped to those bounds.
    poolSize: clamp(c.get<number>('poolSize', 0), 0, 16, 0),
    maxQueuedTasks: clamp(c.get<number>('maxQueuedTasks', 16), 1, 1024, 16),
    memoryCapMB: clamp(c.get<number>('memoryCapMB', 2048), 64, 1_048_576, 2048),
    taskTimeoutSeconds: clamp(c.get<number>('taskTimeoutSeconds', 300), 0, 7 * 24 * 3600, 300),
    samplesShown: clamp(c.get<number>('samplesShown', 64), 1, 1024, 64),
    synthetic: {
      samples: c.get<number>('synthetic.samples', 8),
      minLength: c.get<number>('synthetic.minLength', 1),
      maxLength: c.get<number>('synthetic.maxLength', 0),
      padding: c.get<'pre' | 'post'>('synthetic.padding', 'post'),
      seed: c.get<number>('synthetic.seed', 42),
    },
    // Copies: VS Code hands out object settings as proxies, which cannot be sent to another process.
    dataFiles: { ...c.get('dataFiles', {}) },
    unresolvedDimensions: { ...c.get('unresolvedDimensions', {}) },
  };
}
