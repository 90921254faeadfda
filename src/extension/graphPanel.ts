/**
 * The model graph: one model's layers and calls drawn as a graph, each edge showing whether a
 * mask travels along it, so branching and multi-input models read right. Static (from the
 * analysis, nothing runs): it follows the document as it is edited. One panel, reused.
 */
import * as vscode from 'vscode';
import type { ModelView } from '../core/protocol/analysisProcess';
import { type GraphHostMessage, graphWebviewMessageSchema, type ModelGraphView } from '../core/protocol/graphView';
import { VIEW_LIMITS } from '../core/protocol/viewMessages';
import type { AnalysisService } from './analysisService';
import { log } from './log';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** What the page last drew: for tests, and for the log. */
export interface RenderedGraph {
  nodes: number;
  edges: number;
  text: string;
}

export class GraphPanel implements vscode.Disposable {
  static readonly viewType = 'masklens.graph';
  private panel: vscode.WebviewPanel | undefined;
  private shown: { uri: vscode.Uri; model: string } | undefined;
  private ready = false;
  private pending: GraphHostMessage | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedGraph>();
  readonly onDidRender = this.renderedEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly analyses: AnalysisService,
  ) {
    // The graph follows the file: each new analysis of the shown document redraws it.
    this.subscriptions.push(
      analyses.onDidAnalyze((result) => {
        if (this.shown && result.uri.toString() === this.shown.uri.toString()) this.update();
      }),
    );
  }

  show(uri: vscode.Uri, model: string): void {
    this.shown = { uri, model };
    if (!this.panel) this.create();
    else this.panel.reveal(undefined, true);
    this.update();
  }

  private create(): void {
    const panel = vscode.window.createWebviewPanel(
      GraphPanel.viewType,
      'MaskLens Graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'masklens.svg');
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'graph', 'MaskLens Graph');
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.shown = undefined;
    });
    this.panel = panel;
  }

  private update(): void {
    if (!this.shown || !this.panel) return;
    const result = this.analyses.peek(this.shown.uri);
    const model = result?.analysis.models.find((m) => m.name === this.shown?.model);
    const file = vscode.workspace.asRelativePath(this.shown.uri);
    this.panel.title = `Graph: ${this.shown.model}`;
    this.post(
      model && result
        ? { type: 'graph', graph: graphOf(model, file, result.analysis.keras) }
        : { type: 'empty', message: `No model named '${this.shown.model}' in ${file} now.` },
    );
  }

  private post(message: GraphHostMessage): void {
    if (this.ready) void this.panel?.webview.postMessage(message);
    else this.pending = message;
  }

  private receive(raw: unknown): void {
    const parsed = graphWebviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log().warn(`Ignored a malformed message from the MaskLens graph: ${parsed.error.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.ready = true;
      if (this.pending) void this.panel?.webview.postMessage(this.pending);
      this.pending = undefined;
    } else if (message.type === 'rendered') {
      this.renderedEmitter.fire({ nodes: message.nodes, edges: message.edges, text: message.text });
    } else if (message.type === 'reveal') {
      void this.reveal(message.layer);
    }
  }

  /** Shows the layer's line in the source, beside the graph. */
  private async reveal(layer: string): Promise<void> {
    if (!this.shown) return;
    const result = this.analyses.peek(this.shown.uri);
    const found = result?.analysis.models
      .find((m) => m.name === this.shown?.model)
      ?.layers.find((l) => l.name === layer);
    if (!found) return;
    const document = await vscode.workspace.openTextDocument(this.shown.uri);
    const start = new vscode.Position(found.range.start.line, found.range.start.character);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(start, start),
    });
  }

  /** Closes the graph's editor tab (it opens again with Show Model Graph). */
  close(): void {
    this.panel?.dispose();
  }

  dispose(): void {
    this.panel?.dispose();
    this.renderedEmitter.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * The graph of one analysed model. The mask on an edge is the one leaving the layer it starts
 * from; the loss's edge carries what reaches the output. Names are cut to the view's limits.
 */
export function graphOf(model: ModelView, file: string, keras: string): ModelGraphView {
  const layers = model.layers.slice(0, VIEW_LIMITS.layers);
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const edges = layers.flatMap((l) =>
    l.inbound
      .filter((from) => byName.has(from))
      .map((from) => ({
        from: cut(from, VIEW_LIMITS.name),
        to: cut(l.name, VIEW_LIMITS.name),
        mask: byName.get(from)?.mask.out ?? 'unknown',
      })),
  );
  const called = new Set(layers.flatMap((l) => l.inbound));
  const layerOnLine = new Map<number, string>();
  for (const l of layers)
    if (!layerOnLine.has(l.range.start.line)) layerOnLine.set(l.range.start.line, cut(l.name, VIEW_LIMITS.name));
  const outputs = layers.filter((l) => !called.has(l.name) && l.className !== 'InputLayer').map((l) => l.name);
  return {
    file: cut(file, 4096),
    model: cut(model.name, VIEW_LIMITS.name),
    keras: cut(keras, VIEW_LIMITS.label),
    nodes: layers.map((l) => ({
      name: cut(l.name, VIEW_LIMITS.name),
      className: cut(l.className, VIEW_LIMITS.label),
      effect: l.mask.effect,
      line: l.range.start.line,
    })),
    edges: edges.slice(0, VIEW_LIMITS.layers * 8),
    loss: {
      name: model.loss ? cut(model.loss, VIEW_LIMITS.label) : null,
      masked: model.lossMasked,
      perTimestep: model.outputPerTimestep,
    },
    outputs: outputs.map((o) => cut(o, VIEW_LIMITS.name)),
    findings: model.diagnostics.slice(0, VIEW_LIMITS.diagnostics).map((d) => ({
      severity: d.severity,
      message: cut(d.message, VIEW_LIMITS.message),
      layer: layerOnLine.get(d.range.start.line) ?? null,
    })),
  };
}
