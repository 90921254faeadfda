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
import { cellView } from './notebookCells';
import { type NotebookProgram, notebookProgram } from '../core/notebook/program';

/** VS Code's scheme for a notebook cell's text document. */
const CELL_SCHEME = 'vscode-notebook-cell';

/**
 * A notebook as the analysis process sees it: one document, its code cells joined in order
 * (src/core/notebook/program.ts), re-sent whole when a cell changes. `cells`: each code cell's
 * document and version as of the text last sent, to hand each cell its part of the analysis.
 */
interface SyncedNotebook {
  notebook: vscode.NotebookDocument;
  version: number;
  text: string;
  program: NotebookProgram;
  cells: { index: number; uri: vscode.Uri; version: number }[];
}

function endOf(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

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

function settingsOf(document: { uri: vscode.Uri }): DocumentSettings {
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
  /** The notebooks synced to the analysis process, by the notebook's URI. */
  private readonly notebooks = new Map<string, SyncedNotebook>();
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
      vscode.workspace.onDidOpenNotebookDocument((n) => this.syncNotebook(n)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length > 0) this.syncNotebook(e.notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((n) => this.closeNotebook(n)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.resendSettings()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('masklens.analysis')) this.client.restart(readAnalysisLimits());
        else if (
          e.affectsConfiguration('masklens.kerasFamily') ||
          e.affectsConfiguration('masklens.unresolvedDimensions')
        )
          this.resendSettings();
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.open(d);
    for (const n of vscode.workspace.notebookDocuments) this.syncNotebook(n);
  }

  private resendSettings(): void {
    for (const [key, d] of this.synced) this.client.setSettings(key, settingsOf(d));
    for (const [key, n] of this.notebooks) this.client.setSettings(key, settingsOf(n.notebook));
  }

  /** For a notebook cell: every code cell's latest analysis, in cell order (the side view lists the notebook's models); else []. */
  notebookParts(document: vscode.TextDocument): { cell: number; result: DocumentAnalysis }[] {
    const synced = this.notebookOf(document);
    if (!synced) return [];
    return synced.cells.flatMap((c) => {
      const result = this.results.get(c.uri.toString());
      return result ? [{ cell: c.index, result }] : [];
    });
  }

  /** The notebook a cell's document belongs to, when it is one. */
  private notebookOf(document: vscode.TextDocument): SyncedNotebook | undefined {
    if (document.uri.scheme !== CELL_SCHEME) return undefined;
    const key = document.uri.toString();
    for (const n of vscode.workspace.notebookDocuments) {
      if (n.getCells().some((c) => c.document.uri.toString() === key)) {
        if (!this.notebooks.has(n.uri.toString())) this.syncNotebook(n);
        return this.notebooks.get(n.uri.toString());
      }
    }
    return undefined;
  }

  /** Sends a notebook's code cells, joined, as one document (opened, or replaced whole). */
  private syncNotebook(notebook: vscode.NotebookDocument): void {
    const code = notebook
      .getCells()
      .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
    const key = notebook.uri.toString();
    const before = this.notebooks.get(key);
    if (code.length === 0 && !before) return;
    const program = notebookProgram(code.map((c) => ({ index: c.index, text: c.document.getText() })));
    const cells = code.map((c) => ({ index: c.index, uri: c.document.uri, version: c.document.version }));
    if (!before) {
      this.notebooks.set(key, { notebook, version: 1, text: program.text, program, cells });
      const file = notebook.uri.scheme === 'file' ? notebook.uri.fsPath : key;
      this.client.open({
        uri: key,
        file,
        label: vscode.workspace.asRelativePath(notebook.uri),
        version: 1,
        text: program.text,
        settings: settingsOf(notebook),
      });
      return;
    }
    if (before.text === program.text && before.cells.every((c, i) => cells[i]?.uri.toString() === c.uri.toString())) {
      before.cells = cells;
      return;
    }
    const version = before.version + 1;
    this.notebooks.set(key, { notebook, version, text: program.text, program, cells });
    this.client.change(key, version, [
      {
        range: { start: { line: 0, character: 0 }, end: endOf(before.text) },
        rangeLength: before.text.length,
        text: program.text,
      },
    ]);
  }

  private closeNotebook(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    const synced = this.notebooks.get(key);
    if (!synced) return;
    this.notebooks.delete(key);
    this.client.close(key);
    for (const c of synced.cells) {
      this.results.delete(c.uri.toString());
      this.settle(c.uri.toString(), () => true, undefined);
    }
  }

  /** The notebook a cell's document belongs to, as the workspace names it ("tagger.ipynb"); null for a file. */
  notebookLabel(document: vscode.TextDocument): string | null {
    const synced = this.notebookOf(document);
    return synced ? vscode.workspace.asRelativePath(synced.notebook.uri) : null;
  }

  /** Which notebook cell a document is ("tagger.ipynb, cell 3"), for results that name where their model is; null for a file. */
  cellLabel(document: vscode.TextDocument): string | null {
    const synced = this.notebookOf(document);
    const cell = synced?.cells.find((c) => c.uri.toString() === document.uri.toString());
    return synced && cell ? `${vscode.workspace.asRelativePath(synced.notebook.uri)}, cell ${cell.index + 1}` : null;
  }

  static isPython(document: vscode.TextDocument): boolean {
    return document.languageId === 'python';
  }

  /** The analysis of the document's current version (or a newer one), waiting for it if it is on its way. */
  async get(document: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
    if (!AnalysisService.isPython(document) || document.isClosed) return undefined;
    const key = document.uri.toString();
    if (document.uri.scheme === CELL_SCHEME) {
      if (!this.notebookOf(document)) return undefined;
    } else if (!this.synced.has(key)) this.open(document);
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
    const notebook = this.notebookOf(document);
    if (notebook) return this.client.taskInput(notebook.notebook.uri.toString(), notebook.version, model);
    return this.client.taskInput(document.uri.toString(), document.version, model);
  }

  private open(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    // A notebook's cells are analysed together, as their notebook (syncNotebook).
    if (!AnalysisService.isPython(document) || this.synced.has(key) || document.uri.scheme === CELL_SCHEME) return;
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
    const notebook =
      e.document.uri.scheme === CELL_SCHEME && e.contentChanges.length > 0 ? this.notebookOf(e.document) : undefined;
    if (notebook) {
      this.syncNotebook(notebook.notebook);
      return;
    }
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

  /** A notebook's analysis, handed to each of its code cells as the part that lies in it. */
  private receiveNotebook(view: AnalysisView, synced: SyncedNotebook): void {
    if (view.version < synced.version) return; // edited since
    for (const cell of synced.cells) {
      const key = cell.uri.toString();
      const part = cellView(view, synced.program, cell.index, key, cell.version);
      const notes = synced.program.skipped.filter((s) => s.cell === cell.index);
      part.diagnostics.push(
        ...notes.map((n) => ({
          code: 'ipython-line',
          severity: 'information' as const,
          message: `\`${n.text}\` is IPython, not Python: MaskLens skips it.`,
          range: { start: { line: n.line, character: 0 }, end: { line: n.line, character: n.text.length } },
        })),
      );
      const previous = this.results.get(key);
      const result: DocumentAnalysis = {
        uri: cell.uri,
        version: cell.version,
        analysis: part,
        receivedAt: performance.now(),
        sameText: !previous || previous.version === cell.version,
      };
      this.results.set(key, result);
      this.emitter.fire(result);
      this.settle(key, (w) => w.version <= cell.version, result);
    }
    log().trace(
      `analysed notebook ${vscode.workspace.asRelativePath(synced.notebook.uri)} v${view.version}: ${view.models.length} model(s)`,
    );
  }

  private receive(view: AnalysisView): void {
    const notebook = this.notebooks.get(view.uri);
    if (notebook) {
      this.receiveNotebook(view, notebook);
      return;
    }
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
