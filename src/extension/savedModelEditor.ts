/**
 * A `.keras` or `.h5` file opened in VS Code: a read-only custom editor showing the model the
 * file holds — its layers' masks from its own config and the loss verdict — with Evaluate,
 * Compare and Train running it with the file's own weights. Its webview has its own bundle and
 * typed, validated messages, under the panel's strict CSP. The file is read in TensorFlow's
 * process (the `inspect` task), never in the extension host.
 */
import * as vscode from 'vscode';
import type { InspectResult } from '../core/protocol/inspect';
import { savedModelWebviewMessageSchema, type SavedModelHostMessage } from '../core/protocol/savedModelMessages';
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
    const file = vscode.workspace.asRelativePath(document.uri);
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'savedModel', `MaskLens: ${file}`);
    const post = (message: SavedModelHostMessage) => void webview.postMessage(message);
    const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = savedModelWebviewMessageSchema.safeParse(raw);
      if (!parsed.success) {
        log().warn(`Ignored a malformed message from the saved-model editor: ${parsed.error.message}`);
        return;
      }
      const message = parsed.data;
      if (message.type === 'ready') await this.inspect(document.uri, file, post);
      else if (message.type === 'rendered')
        this.renderedEmitter.fire({ uri: document.uri.toString(), view: message.view, summary: message.summary });
      else {
        const inspected = this.inspected.get(document.uri.toString());
        if (inspected) await this.tasks.runSaved(message.task, document.uri, inspected.model);
      }
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      this.inspected.delete(document.uri.toString());
    });
  }

  private async inspect(uri: vscode.Uri, file: string, post: (message: SavedModelHostMessage) => void): Promise<void> {
    const settings = readSettings(uri);
    const access = vscode.workspace.isTrusted
      ? { mode: 'trusted' as const }
      : {
          mode: 'restricted' as const,
          roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
          picked: [],
        };
    try {
      const result = await this.runtime.run({
        kind: 'inspect',
        path: uri.fsPath,
        family: settings.kerasFamily,
        access,
        memoryCapMB: settings.memoryCapMB,
        taskTimeoutSeconds: settings.taskTimeoutSeconds,
      }).result;
      this.inspected.set(uri.toString(), result);
      post({ type: 'model', file, keras: result.keras, summary: result.summary });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log().error(`MaskLens cannot read ${file}: ${message}`);
      post({ type: 'error', file, message: message.slice(0, 4000) });
    }
  }

  dispose(): void {
    this.renderedEmitter.dispose();
  }
}
