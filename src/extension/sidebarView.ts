/**
 * The activity-bar side view: the active editor's models with their layers' mask state,
 * diagnostics, buttons, and the last result's summary. Same CSP and message validation as
 * the panel.
 */
import * as vscode from 'vscode';
import { webviewMessageSchema, type HostMessage, type WebviewMessage } from '../core/protocol/viewMessages';
import { log } from './log';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'masklens.sidebar';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private latest = new Map<string, HostMessage>();
  private readonly renderedEmitter = new vscode.EventEmitter<{ view: string; summary: string }>();
  readonly onDidRender = this.renderedEmitter.event;
  lastRendered: { view: string; summary: string } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: WebviewMessage) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', 'MaskLens');
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = webviewMessageSchema.safeParse(raw);
      if (!parsed.success) {
        log().warn(`Ignored a malformed message from the MaskLens side view: ${parsed.error.message}`);
        return;
      }
      if (parsed.data.type === 'ready') {
        this.ready = true;
        for (const m of this.latest.values()) void view.webview.postMessage(m);
      } else if (parsed.data.type === 'rendered') {
        this.lastRendered = { view: parsed.data.view, summary: parsed.data.summary };
        this.renderedEmitter.fire(this.lastRendered);
      }
      this.onMessage(parsed.data);
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /** Sends a message (the view validates it on arrival); the latest of each type is replayed when the view (re)loads. */
  post(message: HostMessage): void {
    this.latest.set(message.type, message);
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  dispose(): void {
    this.renderedEmitter.dispose();
  }
}
