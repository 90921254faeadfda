/**
 * The static analyses of the open Python documents, as the extension host sees them: it never
 * parses Python on its own thread. Each document is synced to the analysis process
 * (src/analysisProcess/client.ts) as it is edited, every change at once (changes are small; the
 * process analyses only the newest version), and each analysis comes back tagged with its
 * document and version. Analyses of a version older than the document's are dropped; the rest
 * are kept and announced to the Problems view, CodeLens, hovers and the side view.
 */
import * as vscode from 'vscode';
import { AnalysisClient } from '../analysisProcess/client';
import type { AnalysisView, ContentChange, DocumentSettings, TaskInputReply } from '../core/protocol/analysisProcess';
import { readAnalysisLimits, readSettings } from './config';
import { log } from './log';

export interface DocumentAnalysis {
  uri: vscode.Uri;
  version: number;
  analysis: AnalysisView;
  /** `performance.now()` when it arrived. */
  receivedAt: number;
  /**
   * True when no analysis of this document came before, or the one before was of the same
   * version: the text did not change (new settings, a restarted process), so VS Code will not
   * ask for new lenses by itself.
   */
  sameText: boolean;
}

/** How long past the time limit a provider waits for the analysis of the version it was asked about. */
const WAIT_GRACE_MS = 10_000;

interface Waiter {
  version: number;
  resolve: (result: DocumentAnalysis | undefined) => void;
  timer: NodeJS.Timeout;
}

function settingsOf(document: vscode.TextDocument): DocumentSettings {
  const s = readSettings(document.uri);
  // The document's own modules are looked for in its workspace folder (every folder when it is in none).
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const importRoots = (folder ? [folder] : (vscode.workspace.workspaceFolders ?? []))
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.fsPath);
  return {
    family: s.kerasFamily,
    dimensions: s.unresolvedDimensions,
    importRoots,
    restricted: !vscode.workspace.isTrusted,
  };
}

function toChange(c: vscode.TextDocumentContentChangeEvent): ContentChange {
  const { start, end } = c.range;
  return {
    range: {
      start: { line: start.line, character: start.character },
      end: { line: end.line, character: end.character },
    },
    rangeLength: c.rangeLength,
    text: c.text,
  };
}

export class AnalysisService implements vscode.Disposable {
  private readonly client: AnalysisClient;
  /** The documents synced to the analysis process, by URI. */
  private readonly synced = new Map<string, vscode.TextDocument>();
  private readonly results = new Map<string, DocumentAnalysis>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly emitter = new vscode.EventEmitter<DocumentAnalysis>();
  readonly onDidAnalyze = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(extensionUri: vscode.Uri) {
    this.client = new AnalysisClient({
      serverModule: vscode.Uri.joinPath(extensionUri, 'dist', 'analysis.js').fsPath,
      limits: readAnalysisLimits(),
      log: (line) => log().info(line),
    });
    this.subscriptions.push(
      this.client.onAnalysis((view) => this.receive(view)),
      vscode.workspace.onDidOpenTextDocument((d) => this.open(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.change(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const [key, d] of this.synced) this.client.setSettings(key, settingsOf(d));
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('masklens.analysis')) this.client.restart(readAnalysisLimits());
        else if (
          e.affectsConfiguration('masklens.kerasFamily') ||
          e.affectsConfiguration('masklens.unresolvedDimensions')
        ) {
          for (const [key, d] of this.synced) this.client.setSettings(key, settingsOf(d));
        }
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.open(d);
  }

  static isPython(document: vscode.TextDocument): boolean {
    return document.languageId === 'python';
  }

  /** The analysis of the document's current version (or a newer one), waiting for it if it is on its way. */
  async get(document: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    if (!AnalysisService.isPython(document) || document.isClosed) return undefined;
    const key = document.uri.toString();
    if (!this.synced.has(key)) this.open(document);
    const have = this.results.get(key);
    if (have && have.version >= document.version) return have;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        version: document.version,
        resolve,
        // nothing rather than an analysis of older text, whose ranges no longer fit
        timer: setTimeout(
          () => this.settle(key, (w) => w === waiter, undefined),
          readAnalysisLimits().timeLimitMs + WAIT_GRACE_MS,
        ),
      };
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter]);
    });
  }

  /** The last analysis that arrived for the document, whatever its version. */
  peek(uri: vscode.Uri): DocumentAnalysis | undefined {
    return this.results.get(uri.toString());
  }

  /** What a task needs of one model of the document: asked of the analysis process when the user runs one. */
  taskInput(document: vscode.TextDocument, model: string): Promise<TaskInputReply> {
    return this.client.taskInput(document.uri.toString(), document.version, model);
  }

  private open(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!AnalysisService.isPython(document) || this.synced.has(key)) return;
    this.synced.set(key, document);
    const file = document.uri.scheme === 'file' ? document.uri.fsPath : key;
    this.client.open({
      uri: key,
      file,
      label: vscode.workspace.asRelativePath(document.uri),
      version: document.version,
      text: document.getText(),
      settings: settingsOf(document),
    });
  }

  private change(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    if (e.contentChanges.length === 0 || !this.synced.has(key)) return;
    this.client.change(key, e.document.version, e.contentChanges.map(toChange));
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!this.synced.delete(key)) return;
    this.client.close(key);
    this.results.delete(key);
    this.settle(key, () => true, undefined);
  }

  private receive(view: AnalysisView): void {
    const document = this.synced.get(view.uri);
    if (!document || view.version < document.version) return; // closed, or edited since
    const previous = this.results.get(view.uri);
    const result: DocumentAnalysis = {
      uri: document.uri,
      version: view.version,
      analysis: view,
      receivedAt: performance.now(),
      sameText: !previous || previous.version === view.version,
    };
    this.results.set(view.uri, result);
    log().trace(
      `analysed ${vscode.workspace.asRelativePath(document.uri)} v${view.version} in ${view.elapsedMs.toFixed(1)} ms: ${view.stopped ? view.stopped.message : `${view.models.length} model(s)`}`,
    );
    this.emitter.fire(result);
    this.settle(view.uri, (w) => w.version <= view.version, result);
  }

  private settle(key: string, which: (w: Waiter) => boolean, result: DocumentAnalysis | undefined): void {
    const waiting = this.waiters.get(key) ?? [];
    const [done, rest] = [waiting.filter(which), waiting.filter((w) => !which(w))];
    if (rest.length) this.waiters.set(key, rest);
    else this.waiters.delete(key);
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve(result);
    }
  }

  dispose(): void {
    for (const key of [...this.waiters.keys()]) this.settle(key, () => true, undefined);
    for (const s of this.subscriptions) s.dispose();
    this.client.dispose();
    this.emitter.dispose();
  }
}
