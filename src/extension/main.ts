/**
 * MaskLens extension entry. Activation is cheap: it starts the analysis process (which reads the
 * Python documents; this thread never parses them); TensorFlow's process starts only when the
 * user asks for numbers, and all TensorFlow work runs there. The extension host only does UI.
 */
import * as vscode from 'vscode';
import type { WebviewMessage } from '../core/protocol/viewMessages';
import { AnalysisService } from './analysisService';
import { MaskLensCodeLensProvider } from './codeLens';
import { commandTarget, TaskCommands } from './commands';
import { DataChoices } from './dataChoices';
import { MaskDiagnostics } from './diagnostics';
import { MaskLensHoverProvider } from './hover';
import { LensState } from './lensState';
import { log } from './log';
import { GraphPanel } from './graphPanel';
import { PanelController } from './panel/panelController';
import { RuntimeService } from './runtimeService';
import { ModelTreeProvider, type TreeNode } from './modelTree';
import { SavedModelEditorProvider } from './savedModelEditor';
import { WeightsChoices } from './weightsChoices';
import { Staleness } from './staleness';
import { walkthrough } from './walkthrough';
import { MaskLensStatusBar } from './statusBar';
import { TensorFlowLibraryChooser } from './tensorflowLibrary';

/** What the extension exports: used by its integration tests and by other extensions. */
export interface MaskLensApi {
  panel: PanelController;
  graph: GraphPanel;
  tree: ModelTreeProvider;
  savedModels: SavedModelEditorProvider;
  runtime: RuntimeService;
  analyses: AnalysisService;
  tasks: TaskCommands;
}

const PYTHON: vscode.DocumentSelector = [{ language: 'python' }];

export function activate(context: vscode.ExtensionContext): MaskLensApi {
  const tensorflow = new TensorFlowLibraryChooser(context);
  const runtime = new RuntimeService(context.extensionUri, () => tensorflow.environment());
  const statusBar = new MaskLensStatusBar(runtime);
  const analyses = new AnalysisService(context.extensionUri);
  const lensState = new LensState();
  const panel = new PanelController(context.extensionUri, (message) =>
    onWebviewMessage(message, panel.currentDocument),
  );
  panel.useAnalyses(analyses); // results carry their layers' source lines (the panel links a dropped mask to its line)
  const tree = new ModelTreeProvider(analyses, lensState);
  const staleness = new Staleness(lensState, panel);
  const tasks = new TaskCommands(
    analyses,
    runtime,
    panel,
    lensState,
    statusBar,
    new DataChoices(context.workspaceState),
    staleness,
    new WeightsChoices(context.workspaceState),
  );
  const savedModels = new SavedModelEditorProvider(context.extensionUri, runtime, tasks);
  const diagnostics = new MaskDiagnostics(analyses);
  const graph = new GraphPanel(context.extensionUri, analyses);
  runtime.onDidReportBackend((report) => tree.setBackend(report));
  // Before any backend report the panel says the pool is starting; after a crash that is no longer true.
  runtime.onDidCrash((crash) => {
    if (!runtime.backend)
      panel.post({
        type: 'backendError',
        message: `TensorFlow's process stopped (${crash.ending}); the next task starts a new process.`,
      });
  });

  async function showPanel(): Promise<void> {
    panel.show();
    try {
      const report = await runtime.probe();
      panel.post({ type: 'backend', report });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log().error(`Backend probe failed: ${message}`);
      panel.post({ type: 'backendError', message });
    }
  }

  /** `document`: the one the sending view is about (the panel's run), else the active editor's. */
  function onWebviewMessage(message: WebviewMessage, document?: vscode.Uri): void {
    const editor = vscode.window.activeTextEditor;
    if (message.type === 'command' && message.command === 'showLog') log().show();
    else if (message.type === 'command') {
      const uri = document ?? editor?.document.uri;
      const args = message.model && uri ? [uri, message.model] : [];
      void vscode.commands.executeCommand(`masklens.${message.command}`, ...args);
    }
    if (message.type === 'rendered') log().debug(`webview rendered ${message.view}: ${message.summary}`);
  }

  context.subscriptions.push(
    runtime,
    statusBar,
    analyses,
    lensState,
    staleness,
    panel,
    tree,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(PYTHON, diagnostics, MaskDiagnostics.metadata),
    vscode.languages.registerCodeLensProvider(PYTHON, new MaskLensCodeLensProvider(analyses, lensState)),
    vscode.languages.registerHoverProvider(PYTHON, new MaskLensHoverProvider(analyses)),
    vscode.window.createTreeView(ModelTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true }),
    savedModels,
    vscode.window.registerCustomEditorProvider(SavedModelEditorProvider.viewType, savedModels, {
      supportsMultipleEditorsPerDocument: true,
    }),
    ...tasks.register(),
    vscode.commands.registerCommand('masklens.showPanel', showPanel),
    graph,
    vscode.commands.registerCommand('masklens.showGraph', async (at?: vscode.Uri | TreeNode, model?: string) => {
      const target = await tasks.target(...commandTarget(at, model));
      if (target) graph.show(target.document.uri, target.model.name);
    }),
    ...walkthrough(context.extensionUri, analyses, tasks),
    vscode.commands.registerCommand('masklens.cancel', () => {
      const n = runtime.cancelAll();
      void vscode.window.setStatusBarMessage(
        n ? `MaskLens: cancelling ${n} task(s)` : 'MaskLens: nothing is running',
        3000,
      );
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (
        ['masklens.poolSize', 'masklens.memoryCapMB', 'masklens.maxQueuedTasks'].some((s) => e.affectsConfiguration(s))
      )
        runtime.applySettings();
      if (e.affectsConfiguration('masklens.tensorflow')) {
        tensorflow.reset();
        runtime.chooseLibraryAgain();
      }
    }),
  );
  log().info(`MaskLens activated (workspace trusted: ${vscode.workspace.isTrusted}).`);
  return { panel, graph, tree, savedModels, runtime, analyses, tasks };
}

export function deactivate(): void {
  // Disposables registered on the context stop TensorFlow's process.
}
