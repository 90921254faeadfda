/**
 * MaskLens extension entry. Activation is cheap: no TensorFlow, no worker threads until
 * the user asks for numbers. Everything heavy runs in the worker pool.
 */
import * as vscode from 'vscode';
import type { WebviewMessage } from '../core/messages';
import { log } from './log';
import { PanelController } from './panel/panelController';
import { PoolClient } from './poolClient';
import { SidebarViewProvider } from './sidebarView';
import { MaskLensStatusBar } from './statusBar';

/** What the extension exports: used by its integration tests and by other extensions. */
export interface MaskLensApi {
  panel: PanelController;
  sidebar: SidebarViewProvider;
  pool: PoolClient;
}

export function activate(context: vscode.ExtensionContext): MaskLensApi {
  const pool = new PoolClient(context.extensionUri);
  const statusBar = new MaskLensStatusBar(pool);
  const panel = new PanelController(context.extensionUri, (message) => onPanelMessage(message));
  const sidebar = new SidebarViewProvider(context.extensionUri, (message) => onPanelMessage(message));
  pool.onDidReportBackend((report) => sidebar.post({ type: 'backend', report }));

  async function showPanel(): Promise<void> {
    panel.show();
    try {
      const report = await pool.probe();
      panel.post({ type: 'backend', report });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log().error(`Backend probe failed: ${message}`);
      panel.post({ type: 'backendError', message });
    }
  }

  function onPanelMessage(message: WebviewMessage): void {
    if (message.type === 'command') void vscode.commands.executeCommand(`masklens.${message.command}`);
    if (message.type === 'rendered') log().debug(`panel rendered ${message.view}: ${message.summary}`);
  }

  context.subscriptions.push(
    pool,
    statusBar,
    panel,
    sidebar,
    vscode.window.registerWebviewViewProvider(SidebarViewProvider.viewId, sidebar),
    vscode.commands.registerCommand('masklens.showPanel', showPanel),
    vscode.commands.registerCommand('masklens.cancel', () => {
      const n = pool.cancelAll();
      void vscode.window.setStatusBarMessage(n ? `MaskLens: cancelling ${n} task(s)` : 'MaskLens: nothing is running', 3000);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('masklens.poolSize') || e.affectsConfiguration('masklens.memoryCapMB')) void pool.restart();
    }),
  );
  log().info(`MaskLens activated (workspace trusted: ${vscode.workspace.isTrusted}).`);
  return { panel, sidebar, pool };
}

export function deactivate(): void {
  // Disposables registered on the context close the pool.
}
