/**
 * A `.keras` or `.h5` file opened in VS Code: a read-only custom editor showing the model the
 * file holds — its layers' masks from its own config, as the side view shows a source's
 * models (the same webview bundle, strict CSP, validated messages) — with Evaluate, Compare
 * and Train running it with the file's own weights. The file is read in TensorFlow's
 * process (the `inspect` task), never in the extension host.
 */
import * as vscode from 'vscode';
import type { InspectResult } from '../core/protocol/inspect';
import { webviewMessageSchema, type HostMessage } from '../core/protocol/viewMessages';
import type { TaskCommands } from './commands';
import { readSettings } from './config';
import { log } from './log';
import type { RuntimeService } from './runtimeService';
import { webviewHtml, webviewOptions } from './webviewHtml';

class SavedModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class SavedModelEditorProvider implements vscode.CustomReadonlyEditorProvider<SavedModelDocument> {
  static readonly viewType = 'masklens.savedModel';
  private readonly renderedEmitter = new vscode.EventEmitter<{ uri: string; view: string; summary: string }>();
  /** Fires when an editor's webview has drawn a model or an error (the tests wait for it). */
  readonly onDidRender = this.renderedEmitter.event;
  /** What each open file's inspect task returned, by URI. */
  readonly inspected = new Map<string, InspectResult>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runtime: RuntimeService,
    private readonly tasks: TaskCommands,
  ) {}

  openCustomDocument(uri: vscode.Uri): SavedModelDocument {
    return new SavedModelDocument(uri);
  }

  resolveCustomEditor(document: SavedModelDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'sidebar', `MaskLens: ${vscode.workspace.asRelativePath(document.uri)}`);
    const file = vscode.workspace.asRelativePath(document.uri);
    const post = (message: HostMessage) => void webview.postMessage(message);
    const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = webviewMessageSchema.safeParse(raw);
      if (!parsed.success) {
        log().warn(`Ignored a malformed message from the saved-model editor: ${parsed.error.message}`);
        return;
      }
      const message = parsed.data;
      if (message.type === 'ready') await this.inspect(document.uri, file, post);
      else if (message.type === 'rendered') this.renderedEmitter.fire({ uri: document.uri.toString(), view: message.view, summary: message.summary });
      else if (message.type === 'command') {
        const inspected = this.inspected.get(document.uri.toString());
        const kind = message.command === 'compareLosses' ? 'compare' : message.command === 'evaluate' || message.command === 'train' ? message.command : null;
        if (inspected && kind) await this.tasks.runSaved(kind, document.uri, inspected.model);
        else if (!kind) void vscode.commands.executeCommand(`masklens.${message.command}`);
      }
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      this.inspected.delete(document.uri.toString());
    });
  }

  private async inspect(uri: vscode.Uri, file: string, post: (message: HostMessage) => void): Promise<void> {
    const settings = readSettings(uri);
    const access = vscode.workspace.isTrusted ? { mode: 'trusted' as const } : { mode: 'restricted' as const, roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), picked: [] };
    try {
      const result = await this.runtime.run({ kind: 'inspect', path: uri.fsPath, family: settings.kerasFamily, access, memoryCapMB: settings.memoryCapMB, taskTimeoutSeconds: settings.taskTimeoutSeconds }).result;
      this.inspected.set(uri.toString(), result);
      post({ type: 'models', file, keras: result.keras, models: [result.summary] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log().error(`MaskLens cannot read ${file}: ${message}`);
      this.renderedEmitter.fire({ uri: uri.toString(), view: 'error', summary: message });
      post({ type: 'models', file: `${file} — ${message}`, keras: '', models: [] });
    }
  }

  dispose(): void {
    this.renderedEmitter.dispose();
  }
}
