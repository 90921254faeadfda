/**
 * The MaskLens panel: one webview panel that shows the backend, the running task and the
 * last result. Messages from the webview are validated before they are acted on.
 *
 * Besides relaying messages it keeps the host's copy of the shown result (exports are written
 * from it, never from webview content), attaches each layer's source range from the analysis
 * to results (so the panel can link a dropped mask to its line), turns per-epoch training
 * events into typed `trainingEpoch` messages, and acts on the panel's `reveal` and `export`.
 */
import * as vscode from 'vscode';
import type { ExportableResult } from '../../core/export';
import { fitResultSources } from '../../core/protocol/fitForView';
import {
  webviewMessageSchema,
  type HostMessage,
  type ResultSources,
  type TaskOrigin,
  type WebviewMessage,
} from '../../core/protocol/viewMessages';
import { progressEventSchema } from '../../core/protocol/task';
import type { AnalysisService } from '../analysisService';
import { log } from '../log';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { exportToFile, type ExportOutcome, type SaveDialog } from './exportFile';

const RESULT_KINDS = { evaluate: true, compare: true, train: true } as const;

/** The result the panel shows, as the host received it from the pool, and where its model is written. */
/**
 * What the page needs of a result: everything but the layers' and the model's raw outputs,
 * which it does not show and which can hold millions of numbers (exports keep them).
 */
function forWebview(result: ExportableResult): ExportableResult {
  if (result.kind !== 'evaluate') return result;
  return { ...result, output: [], layers: result.layers.map(({ output: _output, ...layer }) => layer) };
}

export interface ShownResult {
  result: ExportableResult;
  /** The run the result came from (absent for results posted without one, e.g. by tests). */
  origin: TaskOrigin | undefined;
  document: vscode.Uri | undefined;
  sources: ResultSources | undefined;
}

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
  private readonly exportEmitter = new vscode.EventEmitter<ExportOutcome>();
  /** Fires after an export file was written. */
  readonly onDidExport = this.exportEmitter.event;
  private readonly revealEmitter = new vscode.EventEmitter<vscode.TextEditor>();
  /** Fires after the panel's `reveal` moved an editor's selection. */
  readonly onDidReveal = this.revealEmitter.event;
  private analyses: AnalysisService | undefined;
  /** The host's copy of the result the panel shows: what JSON / CSV exports are written from. */
  shown: ShownResult | undefined;
  /**
   * Picks the export file. Tests may replace it (they cannot click a native dialog); the
   * writing code after it is the same either way.
   */
  saveDialog: SaveDialog = (options) => vscode.window.showSaveDialog(options);

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
    const panel = vscode.window.createWebviewPanel(
      PanelController.viewType,
      'MaskLens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: true,
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'masklens.svg');
    this.ready = false;
    // a new page knows nothing yet: give it the backend line and the shown result again
    if (this.lastBackend && !this.pending.some((m) => m.type === 'backend')) this.pending.unshift(this.lastBackend);
    if (this.lastResultMessage && !this.pending.some((m) => m.type === 'result' || m.type === 'taskError'))
      this.pending.push(this.lastResultMessage);
    if (this.lastHistory && !this.pending.some((m) => m.type === 'history')) this.pending.push(this.lastHistory);
    const runId = this.lastResultMessage?.type === 'result' ? this.lastResultMessage.origin?.runId : undefined;
    const outdated = runId ? this.outdatedRuns.get(runId) : undefined;
    if (runId && outdated) this.pending.push({ type: 'outdated', runId, reason: outdated });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'panel', 'MaskLens');
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
    this.panel = panel;
  }

  /** Lets results carry their layers' source ranges (from the document's analysis). */
  useAnalyses(analyses: AnalysisService): void {
    this.analyses = analyses;
  }

  private lastBackend: HostMessage | undefined;
  private lastResultMessage: HostMessage | undefined;
  private lastHistory: HostMessage | undefined;
  /** The document of the last failed run the panel shows (Go to line opens it). */
  private failedDocument: vscode.Uri | undefined;
  /** Runs whose file or data changed after them, with the reason. */
  private readonly outdatedRuns = new Map<string, string>();

  /** The document the panel's result or failure is about: where its actions apply. */
  get currentDocument(): vscode.Uri | undefined {
    return this.shown?.document ?? this.failedDocument;
  }

  /** The run no longer matches its file or data: the panel says so if it shows that run. */
  markOutdated(runId: string, reason: string): void {
    this.outdatedRuns.set(runId, reason);
    const shownRun =
      this.lastResultMessage?.type === 'result' || this.lastResultMessage?.type === 'taskError'
        ? this.lastResultMessage.origin?.runId
        : undefined;
    if (shownRun === runId) this.post({ type: 'outdated', runId, reason });
  }

  /** Sends a message; the webview validates it on arrival (the one check at this boundary). */
  post(message: HostMessage): void {
    const checked = this.prepare(message);
    if (checked.type === 'backend') this.lastBackend = checked;
    if (checked.type === 'result' && checked.task in RESULT_KINDS) this.lastResultMessage = checked;
    // A failed run replaces the shown result: a reloaded page shows the failure, not the run before it.
    if (checked.type === 'taskError' && checked.origin) {
      this.lastResultMessage = checked;
      this.shown = undefined;
      this.failedDocument = vscode.Uri.parse(checked.origin.document);
    }
    if (checked.type === 'history') this.lastHistory = checked;
    if (!this.panel || !this.ready) {
      this.pending.push(checked);
      if (this.pending.length > 50) this.pending.shift();
      return;
    }
    void this.panel.webview.postMessage(checked);
  }

  /**
   * Per-epoch training events arrive as `result`/`trainEpoch` with the pool's progress event:
   * they become typed `trainingEpoch` messages. Results of evaluate / compare / train are kept
   * (validated) as the host's copy and get their layers' source ranges attached.
   */
  private prepare(message: HostMessage): HostMessage {
    if (message.type === 'busy') this.busyTask = message.task;
    if (message.type !== 'result') return message;
    if (message.task === 'trainEpoch') {
      const event = progressEventSchema.safeParse(message.payload);
      if (!event.success || event.data.type !== 'epoch') return message;
      const m = event.data.metrics;
      const finite = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const hasVal = m.val_loss !== undefined && m.val_loss !== null;
      return {
        type: 'trainingEpoch',
        task: this.busyTask ?? 'Training',
        epoch: event.data.epoch,
        epochs: event.data.epochs,
        train: { masked: finite(m.loss), unmasked: finite(m.unmasked_loss) },
        val: hasVal ? { masked: finite(m.val_loss), unmasked: finite(m.val_unmasked_loss) } : null,
      };
    }
    // The runtime client validated this result against its schema when it came back (src/runtimeProcess/client.ts);
    // parsing a large evaluate result again here would only cost the extension host time.
    const payload = message.payload as { kind?: unknown; model?: unknown } | null;
    if (
      !(message.task in RESULT_KINDS) ||
      typeof payload !== 'object' ||
      payload === null ||
      payload.kind !== message.task ||
      typeof payload.model !== 'string'
    )
      return message;
    // keep the payload itself so exports hold exactly what the pool returned
    const result = message.payload as ExportableResult;
    const sources = message.origin ? this.sourcesOf(message.origin) : undefined;
    this.shown = {
      result,
      origin: message.origin,
      document: message.origin ? vscode.Uri.parse(message.origin.document) : undefined,
      sources,
    };
    this.failedDocument = undefined;
    return { ...message, payload: forWebview(result), ...(sources ? { sources } : {}) };
  }

  private busyTask: string | undefined;

  /** Where the result's model is written: its layers' ranges in the analysis of the document the run came from. */
  private sourcesOf(origin: TaskOrigin): ResultSources | undefined {
    const model = this.analyses
      ?.peek(vscode.Uri.parse(origin.document))
      ?.analysis.models.find((m) => m.name === origin.model);
    return model
      ? fitResultSources({
          file: origin.file,
          layers: model.layers.map((l) => ({ name: l.name, start: l.range.start, end: l.range.end })),
        })
      : undefined;
  }

  /** Handles one message from the webview (validated first): the panel's only way in. */
  handleMessage(raw: unknown): void {
    this.receive(raw);
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
    } else if (message.type === 'reveal') {
      void this.reveal(message.line, message.character).catch((error: unknown) =>
        log().warn(`MaskLens could not reveal the layer: ${String(error)}`),
      );
    } else if (message.type === 'export') {
      void this.export(message);
    }
    this.onMessage(message);
  }

  /**
   * Shows the shown result's document and selects the layer written at (line, character): its
   * current range if the document was edited since (found by name), else that position.
   */
  private async reveal(line: number, character: number): Promise<void> {
    const uri = this.currentDocument;
    if (!uri) {
      void vscode.window.showInformationMessage('MaskLens: the source of this result is not open any more.');
      return;
    }
    const layer = this.shown?.sources?.layers.find((l) => l.start.line === line && l.start.character === character);
    const current = layer
      ? this.analyses
          ?.peek(uri)
          ?.analysis.models.flatMap((m) => m.layers)
          .find((l) => l.name === layer.name)?.range
      : undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
    const start = document.validatePosition(
      new vscode.Position(current?.start.line ?? line, current?.start.character ?? character),
    );
    const end = current
      ? document.validatePosition(new vscode.Position(current.end.line, current.end.character))
      : start;
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.revealEmitter.fire(editor);
  }

  private async export(message: Extract<WebviewMessage, { type: 'export' }>): Promise<void> {
    const folder =
      (this.shown?.document && vscode.workspace.getWorkspaceFolder(this.shown.document)?.uri) ??
      vscode.workspace.workspaceFolders?.[0]?.uri;
    try {
      const outcome = await exportToFile(message, this.shown?.result, folder, this.saveDialog);
      if (!outcome) return;
      log().info(`Exported ${outcome.format.toUpperCase()} (${outcome.bytes} bytes) to ${outcome.uri.fsPath}`);
      void vscode.window.setStatusBarMessage(
        `MaskLens: exported ${vscode.workspace.asRelativePath(outcome.uri)}`,
        4000,
      );
      this.exportEmitter.fire(outcome);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      log().warn(`Export refused: ${text}`);
      void vscode.window.showErrorMessage(`MaskLens could not export: ${text}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.renderedEmitter.dispose();
    this.readyEmitter.dispose();
    this.exportEmitter.dispose();
    this.revealEmitter.dispose();
  }
}
