/** A status bar item: which backend runs, how busy TensorFlow's pool is, and what task is running. */
import * as vscode from 'vscode';
import type { RuntimeService } from './runtimeService';

export class MaskLensStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('masklens.status', vscode.StatusBarAlignment.Right, 100);
  private task: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly runtime: RuntimeService) {
    this.item.name = 'MaskLens';
    this.item.command = 'masklens.showPanel';
    this.subscriptions.push(
      runtime.onDidChangeState(() => this.render()),
      runtime.onDidReportBackend(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  setTask(task: string | undefined): void {
    this.task = task;
    this.render();
  }

  private render(): void {
    const backend = this.runtime.backend?.backend;
    const state = this.runtime.state;
    const label =
      backend === undefined
        ? 'MaskLens'
        : backend.backend === 'tensorflow'
          ? 'MaskLens: TF native'
          : 'MaskLens: cpu fallback';
    const icon = this.task ? '$(sync~spin)' : backend?.backend === 'cpu' ? '$(warning)' : '$(pulse)';
    this.item.text = `${icon} ${label}${this.task ? ` · ${this.task}` : ''}`;
    const lines = [
      backend
        ? `Backend: ${backend.backend}${backend.fallbackReason ? ` (${backend.fallbackReason})` : ''}`
        : 'Backend: not started yet',
      ...(backend?.libraryPath
        ? [
            `TensorFlow ${backend.tensorflowVersion ?? ''}: ${backend.libraryPath}${backend.libraryOrigin ? ` (${backend.libraryOrigin})` : ''}`,
          ]
        : []),
      state
        ? `Pool: ${state.workers} worker(s), ${state.running} running, ${state.queued} queued`
        : "Pool: TensorFlow's process starts on first use",
    ];
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor =
      backend?.backend === 'cpu' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
