/**
 * The MaskLens panel: one webview panel that shows the backend, the running task and the
 * last result. Messages from the webview are validated before they are acted on.
 */
import * as vscode from 'vscode';
import { hostMessageSchema, webviewMessageSchema, type HostMessage, type WebviewMessage } from '../../core/messages';
import { log } from '../log';
import { webviewHtml, webviewOptions } from '../webviewHtml';

export interface RenderedView {
  view: string;
  summary: string;
}

export class PanelController implements vscode.Disposable {
  static readonly viewType = 'masklens.panel';
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly pending: HostMessage[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedView>();
  /** Fires each time the webview confirms what it rendered. */
  readonly onDidRender = this.renderedEmitter.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onDidBecomeReady = this.readyEmitter.event;
  lastRendered: RenderedView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (message: WebviewMessage) => void,
  ) {}

  get visible(): boolean {
    return this.panel !== undefined;
  }

  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(PanelController.viewType, 'MaskLens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'masklens.svg');
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'panel', 'MaskLens');
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
    this.panel = panel;
  }

  post(message: HostMessage): void {
    const checked = hostMessageSchema.parse(message);
    if (!this.panel || !this.ready) {
      this.pending.push(checked);
      if (this.pending.length > 50) this.pending.shift();
      return;
    }
    void this.panel.webview.postMessage(checked);
  }

  private receive(raw: unknown): void {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log().warn(`Ignored a malformed message from the MaskLens panel: ${parsed.error.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.ready = true;
      for (const m of this.pending.splice(0)) void this.panel?.webview.postMessage(m);
      this.readyEmitter.fire();
    } else if (message.type === 'rendered') {
      this.lastRendered = { view: message.view, summary: message.summary };
      this.renderedEmitter.fire(this.lastRendered);
    }
    this.onMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    this.renderedEmitter.dispose();
    this.readyEmitter.dispose();
  }
}
