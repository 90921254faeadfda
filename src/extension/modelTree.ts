/**
 * The side view as a native tree: the active editor's models → their layers (an icon and words
 * for what each does to the mask, the mask in and out and the output shape in the tooltip) and
 * their findings; the last result under each model; which TensorFlow backend runs. A tree
 * gets VS Code's keyboard navigation, type-to-find, theming and screen-reader support for free.
 */
import * as vscode from 'vscode';
import { lossVerdict, type LossVerdict, MASK_EFFECT_WORDS } from '../core/masking/words';
import { formatShape } from '../core/format';
import type { Diagnostic } from '../core/ir';
import type { LayerView, ModelView } from '../core/protocol/analysisProcess';
import type { BackendReport } from '../core/protocol/viewMessages';
import type { AnalysisService, DocumentAnalysis } from './analysisService';
import { toRange } from './convert';
import type { LensState } from './lensState';

type MaskState = LayerView['mask']['in'];

const EFFECT_ICON: Record<LayerView['mask']['effect'], vscode.ThemeIcon> = {
  creates: new vscode.ThemeIcon('add', new vscode.ThemeColor('charts.green')),
  propagates: new vscode.ThemeIcon('arrow-right', new vscode.ThemeColor('charts.green')),
  transforms: new vscode.ThemeIcon('symbol-operator', new vscode.ThemeColor('charts.purple')),
  consumes: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.blue')),
  destroys: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  none: new vscode.ThemeIcon('circle-small'),
  unknown: new vscode.ThemeIcon('question'),
};

/** How long typing must pause before the tree follows the newest analysis (VS Code's lenses wait about as long). */
const TYPING_PAUSE_MS = 300;

export type TreeNode =
  /** `uri`: the document the model is built in (a notebook's: its cell's); `cell`: that cell's number, from 0. */
  | { kind: 'model'; uri: vscode.Uri; model: ModelView; keras: string; cell: number | null }
  | { kind: 'layer'; uri: vscode.Uri; model: string; layer: LayerView }
  | { kind: 'finding'; uri: vscode.Uri; diagnostic: Diagnostic }
  | { kind: 'result'; uri: vscode.Uri; model: string; text: string; outdated: string | undefined }
  | { kind: 'backend'; report: BackendReport }
  | { kind: 'message'; text: string };

function maskWord(state: MaskState): string {
  return state === 'unknown' ? 'unknown' : state;
}

const VERDICT_ICON: Record<LossVerdict['tone'], vscode.ThemeIcon> = {
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  unknown: new vscode.ThemeIcon('question'),
  info: new vscode.ThemeIcon('info'),
  bad: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
};

/** The model's verdict: whether a mask reaches the loss, and whether that matters for this model. */
export function modelVerdict(m: ModelView): { text: string; icon: vscode.ThemeIcon } {
  if (m.incomplete)
    return {
      text: `incomplete: ${m.incomplete}`,
      icon: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
    };
  const verdict = lossVerdict(m);
  return { text: verdict.text, icon: VERDICT_ICON[verdict.tone] };
}

function reveal(
  uri: vscode.Uri,
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
): vscode.Command {
  return {
    title: 'Show in the editor',
    command: 'vscode.open',
    arguments: [uri, { selection: toRange(range), preserveFocus: false }],
  };
}

/**
 * The document the tree follows: the active text editor's, else (a notebook focused outside its
 * cells' editors) the active notebook's first code cell, through which the tree lists the
 * whole notebook.
 */
function activeDocument(): vscode.TextDocument | undefined {
  const text = vscode.window.activeTextEditor?.document;
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (text || !notebook) return text;
  return notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)?.document;
}

/** What the tree lists: one Python file's models, or a notebook's, each with the document (cell) it is built in. */
interface Shown {
  file: string;
  keras: string;
  stopped: string | undefined;
  models: { uri: vscode.Uri; model: ModelView; cell: number | null }[];
}

function fileShown(result: DocumentAnalysis): Shown {
  const { analysis } = result;
  return {
    file: vscode.workspace.asRelativePath(result.uri),
    keras: analysis.keras,
    stopped: analysis.stopped?.message,
    models: analysis.models.map((model) => ({ uri: result.uri, model, cell: null })),
  };
}

function notebookShown(file: string, parts: { cell: number; result: DocumentAnalysis }[]): Shown {
  const first = parts[0].result.analysis;
  return {
    file,
    keras: first.keras,
    stopped: first.stopped?.message,
    models: parts.flatMap((p) => p.result.analysis.models.map((model) => ({ uri: p.result.uri, model, cell: p.cell }))),
  };
}

export class ModelTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  static readonly viewId = 'masklens.models';
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private current: Shown | undefined;
  private pending: NodeJS.Timeout | undefined;
  private backend: BackendReport | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<string>();
  /** Fires with the active file's name and its models each time the tree has new content (tests follow it). */
  readonly onDidUpdate = this.renderedEmitter.event;

  constructor(
    private readonly analyses: AnalysisService,
    private readonly lenses: LensState,
  ) {
    const refresh = () => void this.follow();
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(refresh),
      vscode.window.onDidChangeActiveNotebookEditor(refresh),
      analyses.onDidAnalyze((r) => {
        if (activeDocument()?.uri.toString() !== r.uri.toString()) return;
        // While the user types, every keystroke brings an analysis: rebuild the tree once typing pauses.
        clearTimeout(this.pending);
        this.pending = setTimeout(refresh, r.sameText ? 0 : TYPING_PAUSE_MS);
      }),
      lenses.onDidChange(() => this.emitter.fire()),
      { dispose: () => clearTimeout(this.pending) },
    ];
    refresh();
  }

  /** The file the tree shows, and its models' names: `file: a,b`. */
  get summary(): string {
    return `${this.current?.file ?? ''}: ${this.current?.models.map((m) => m.model.name).join(',') ?? ''}`;
  }

  setBackend(report: BackendReport): void {
    this.backend = report;
    this.emitter.fire();
  }

  private async follow(): Promise<void> {
    const document = activeDocument();
    // a non-Python editor (the Output, a settings file) keeps the last Python file on show
    if (document && document.languageId !== 'python') return;
    const analysis = document ? await this.analyses.get(document) : undefined;
    // A notebook cell: the whole notebook's models, each under the cell that builds it.
    const parts = document && analysis ? this.analyses.notebookParts(document) : [];
    this.current =
      !document || !analysis
        ? undefined
        : parts.length > 0
          ? notebookShown(this.analyses.notebookLabel(document) ?? vscode.workspace.asRelativePath(document.uri), parts)
          : fileShown(analysis);
    this.emitter.fire();
    this.renderedEmitter.fire(this.summary);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      const top: TreeNode[] = [];
      const c = this.current;
      if (!c) top.push({ kind: 'message', text: 'Open a Python file or a notebook with a Keras model.' });
      else if (c.stopped) top.push({ kind: 'message', text: c.stopped });
      else if (c.models.length === 0) top.push({ kind: 'message', text: `No Keras model in ${c.file}.` });
      else
        for (const m of c.models) top.push({ kind: 'model', uri: m.uri, model: m.model, keras: c.keras, cell: m.cell });
      if (this.backend) top.push({ kind: 'backend', report: this.backend });
      return top;
    }
    if (node.kind !== 'model') return [];
    const { uri, model } = node;
    const entry = this.lenses.get(uri, model.name);
    const result: TreeNode[] = [];
    if (entry.summary)
      result.push({ kind: 'result', uri, model: model.name, text: entry.summary, outdated: entry.outdated });
    else if (entry.error)
      result.push({
        kind: 'result',
        uri,
        model: model.name,
        text: `${entry.error.task} failed: ${entry.error.message}`,
        outdated: entry.outdated,
      });
    result.push(...model.layers.map((layer): TreeNode => ({ kind: 'layer', uri, model: model.name, layer })));
    result.push(...model.diagnostics.map((diagnostic): TreeNode => ({ kind: 'finding', uri, diagnostic })));
    return result;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text);
      case 'backend': {
        const b = node.report.backend;
        const item = new vscode.TreeItem(
          b.backend === 'tensorflow' ? 'TensorFlow: native' : 'TensorFlow: pure-JS fallback (slow)',
        );
        item.description = `tfjs ${b.tfjsVersion}${b.tensorflowVersion && !b.fallbackReason ? ` · TensorFlow ${b.tensorflowVersion}` : ''}`;
        item.tooltip =
          b.fallbackReason ??
          `${b.libraryPath ? `${b.libraryPath}\n` : ''}${node.report.pool.workers} worker(s) × ${node.report.pool.intraOpThreads} thread(s)`;
        item.iconPath = new vscode.ThemeIcon(b.backend === 'tensorflow' ? 'server-process' : 'warning');
        return item;
      }
      case 'model': {
        const m = node.model;
        const verdict = modelVerdict(m);
        const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${node.uri.toString()}#${m.name}`;
        item.description = verdict.text;
        item.iconPath = verdict.icon;
        item.contextValue = 'model';
        const where = `${node.cell === null ? '' : `cell ${node.cell + 1}, `}line ${m.range.start.line + 1}`;
        if (node.cell !== null) item.description = `cell ${node.cell + 1} · ${verdict.text}`;
        item.tooltip = `${m.name}: ${m.kind} model, ${where}, ${m.layers.length} layers\n${verdict.text} (${node.keras})`;
        item.command = reveal(node.uri, m.range);
        item.accessibilityInformation = { label: `model ${m.name}, ${verdict.text}` };
        return item;
      }
      case 'layer': {
        const l = node.layer;
        const item = new vscode.TreeItem(l.name);
        item.id = `${node.uri.toString()}#${node.model}#${l.name}#${l.range.start.line}:${l.range.start.character}`;
        item.description = `${l.className} · ${MASK_EFFECT_WORDS[l.mask.effect]}`;
        item.iconPath = EFFECT_ICON[l.mask.effect];
        const shape = l.outputShape ? formatShape(l.outputShape) : 'unknown';
        item.tooltip = `${l.name} (${l.className}), line ${l.range.start.line + 1}\nmask in: ${maskWord(l.mask.in)} · mask out: ${maskWord(l.mask.out)} · ${MASK_EFFECT_WORDS[l.mask.effect]}\noutput shape: ${shape}${l.unknownBecause ? `\nunknown because ${l.unknownBecause}` : ''}`;
        item.command = reveal(node.uri, l.range);
        item.accessibilityInformation = {
          label: `layer ${l.name}, ${l.className}, ${MASK_EFFECT_WORDS[l.mask.effect]}, mask in ${maskWord(l.mask.in)}, mask out ${maskWord(l.mask.out)}`,
        };
        return item;
      }
      case 'finding': {
        const d = node.diagnostic;
        const item = new vscode.TreeItem(d.message.split('\n')[0]);
        item.description = `${d.code} · line ${d.range.start.line + 1}`;
        item.tooltip = d.message;
        item.iconPath = new vscode.ThemeIcon(
          d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
          d.severity === 'error'
            ? new vscode.ThemeColor('errorForeground')
            : d.severity === 'warning'
              ? new vscode.ThemeColor('editorWarning.foreground')
              : undefined,
        );
        item.command = reveal(node.uri, d.range);
        return item;
      }
      case 'result': {
        const item = new vscode.TreeItem(node.outdated ? `outdated: ${node.text}` : `last result: ${node.text}`);
        item.tooltip = node.outdated ?? 'Show it in the MaskLens panel';
        item.iconPath = new vscode.ThemeIcon(node.outdated ? 'history' : 'graph');
        item.command = { title: 'Show Panel', command: 'masklens.showPanel' };
        return item;
      }
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.renderedEmitter.dispose();
  }
}
