/**
 * The task commands: Evaluate with Masking, Compare Masked and Unmasked Loss, Train with
 * Masking, Select Data Files…. Each picks a model (the one at the cursor first), sends the
 * work to TensorFlow's process with a cancellable progress notification, and delivers the result to the
 * panel, the CodeLens and (for comparisons) the output channel.
 */
import * as vscode from 'vscode';
import { compareTable, evaluateSummary, formatNumber } from '../core/format';
import type { AnalysisView, ModelView, TaskInputReply } from '../core/protocol/analysisProcess';
import { shorten } from '../core/protocol/fitForView';
import { VIEW_LIMITS, type TaskOrigin } from '../core/protocol/viewMessages';
import type { ProgressEvent } from '../core/protocol/task';
import type { RegisteredKind, RequestOf, ResultOf } from '../core/protocol/taskKinds';
import type { RuntimeModel } from '../core/protocol/runtimeTasks';
import type { AnalysisService } from './analysisService';
import { readSettings, rememberDimension } from './config';
import { toRange } from './convert';
import type { LensState } from './lensState';
import { log } from './log';
import type { PanelController } from './panel/panelController';
import { PoolTaskError, TaskCancelled } from '../pool/errors';
import type { RuntimeService } from './runtimeService';
import type { DataChoices } from './dataChoices';
import type { WeightsChoices, WeightsSpec } from './weightsChoices';
import { commonRequest, type ModelSource, trainValidation } from './requests';
import type { MaskLensStatusBar } from './statusBar';

interface Target {
  document: vscode.TextDocument;
  analysis: AnalysisView;
  model: ModelView;
}

export type ModelTaskKind = Exclude<RegisteredKind, 'probe' | 'inspect'>;

const TASK_TITLES: Record<ModelTaskKind, string> = { evaluate: 'Evaluating', compare: 'Comparing losses', train: 'Training' };

let runs = 0;

/** Names the run a task starts: its document and version, its model, and an id no other run of this session has. */
function originOf(target: Target, cell: string | null = null): TaskOrigin {
  return {
    runId: `${Date.now().toString(36)}-${++runs}`,
    document: target.document.uri.toString(),
    // A notebook's model is named by its cell: "tagger.ipynb, cell 3".
    file: cell ?? vscode.workspace.asRelativePath(target.document.uri),
    version: target.document.version,
    model: shorten(target.model.name, VIEW_LIMITS.name),
  };
}

export class TaskCommands {
  /** Results by kind, newest last: what the panel shows and tests inspect. */
  readonly lastResults: { [K in RegisteredKind]?: ResultOf<K> } = {};
  /** The last loss table written to the MaskLens output channel (the channel itself cannot be read back). */
  lastComparisonTable: string | undefined;
  /** The last task failure shown to the user, as its notification says it. */
  lastError: string | undefined;
  /** Dimensions the user was asked for and declined: not asked again this session. */
  private readonly declined = new Set<string>();
  /** How a value is asked for: VS Code's input box (the integration tests answer in its place). */
  askValue: (options: vscode.InputBoxOptions) => Thenable<string | undefined> = (options) => vscode.window.showInputBox(options);

  constructor(
    private readonly analyses: AnalysisService,
    private readonly runtime: RuntimeService,
    private readonly panel: PanelController,
    private readonly lenses: LensState,
    private readonly statusBar: MaskLensStatusBar,
    private readonly choices: DataChoices,
    readonly weights: WeightsChoices,
  ) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('masklens.evaluate', (uri?: vscode.Uri, model?: string) => this.evaluate(uri, model)),
      vscode.commands.registerCommand('masklens.compareLosses', (uri?: vscode.Uri, model?: string) => this.compare(uri, model)),
      vscode.commands.registerCommand('masklens.train', (uri?: vscode.Uri, model?: string) => this.train(uri, model)),
      vscode.commands.registerCommand('masklens.selectData', (uri?: vscode.Uri, model?: string) => this.selectData(uri, model)),
    ];
  }

  /** The document and model a command applies to: its arguments, else the active editor (quick pick). */
  private async target(uri: vscode.Uri | undefined, modelName: string | undefined): Promise<Target | undefined> {
    const editor = vscode.window.activeTextEditor;
    const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!document || document.languageId !== 'python') {
      void vscode.window.showInformationMessage('MaskLens: open a Python file with a Keras model first.');
      return undefined;
    }
    const result = await this.analyses.get(document);
    const models = result?.analysis.models ?? [];
    if (result?.analysis.stopped) {
      void vscode.window.showWarningMessage(result.analysis.stopped.message);
      return undefined;
    }
    if (models.length === 0) {
      void vscode.window.showInformationMessage(`MaskLens found no Keras model in ${vscode.workspace.asRelativePath(document.uri)}.`);
      return undefined;
    }
    if (modelName) {
      const model = models.find((m) => m.name === modelName);
      if (!model) void vscode.window.showErrorMessage(`MaskLens: no model named '${modelName}' in ${vscode.workspace.asRelativePath(document.uri)}.`);
      return model && result ? { document, analysis: result.analysis, model } : undefined;
    }
    if (!result) return undefined;
    if (models.length === 1) return { document, analysis: result.analysis, model: models[0] };
    const cursor = editor?.document === document ? editor.selection.active : undefined;
    const ordered = [...models].sort((a, b) => Number(cursor !== undefined && toRange(b.range).contains(cursor)) - Number(cursor !== undefined && toRange(a.range).contains(cursor)));
    const picked = await vscode.window.showQuickPick(
      ordered.map((m) => ({ label: m.name, description: `${m.kind} · ${m.layers.length} layers`, detail: lossMaskDetail(m), model: m })),
      { placeHolder: 'Which model?' },
    );
    return picked ? { document, analysis: result.analysis, model: picked.model } : undefined;
  }

  /**
   * The model's config, Lambdas, training settings and source arrays, asked of the analysis
   * process, and the weights to run it with (asked of the user when the source names weights
   * files that exist); an error is shown, and a dismissed question runs nothing.
   */
  private async taskInput(target: Target): Promise<(TaskInputReply['input'] & { weights: WeightsSpec | undefined }) | undefined> {
    let input: TaskInputReply['input'];
    try {
      ({ input } = await this.analyses.taskInput(target.document, target.model.name));
      for (const note of input.notes) log().info(`${target.model.name}: ${note}`);
    } catch (error) {
      void vscode.window.showErrorMessage(`MaskLens cannot run ${target.model.name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    const weights = await this.weights.weightsFor(target.document, input, readSettings(target.document.uri).synthetic.seed);
    if (weights === null) return undefined;
    return { ...input, weights };
  }

  /**
   * Runs one task with progress, cancellation, status bar and lens state. `build` makes the
   * request from the settings as they are when it runs: a dimension the user supplies on the
   * way is in them for the retry.
   */
  private async runTask<K extends ModelTaskKind>(
    document: ModelSource,
    model: { name: string },
    build: () => RequestOf<K> & { kind: K },
    onEvent?: (event: ProgressEvent) => void,
  ): Promise<ResultOf<K> | undefined> {
    const request = build();
    const title = `${TASK_TITLES[request.kind]} ${model.name}`;
    this.lenses.set(document.uri, model.name, { ...this.lenses.get(document.uri, model.name), running: `${title}…` });
    this.statusBar.setTask(title);
    void vscode.commands.executeCommand('setContext', 'masklens.taskRunning', true);
    this.panel.post({ type: 'busy', task: title, message: 'queued', fraction: null });
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MaskLens: ${title}`, cancellable: true }, async (progress, token) => {
        const handle = this.runtime.run<K>(request, {
          onProgress: (event) => {
            if (event.type === 'progress') {
              progress.report({ message: event.message });
              this.panel.post({ type: 'busy', task: title, message: event.message, fraction: event.fraction });
            }
            onEvent?.(event);
          },
        });
        token.onCancellationRequested(() => handle.cancel('cancelled by the user'));
        const result = await handle.result;
        this.lastResults[request.kind] = result as never;
        // The panel's backend line comes from a probe; the first task is as good a time as any.
        if (!this.runtime.backend) void this.runtime.probe().then((report) => this.panel.post({ type: 'backend', report }), () => undefined);
        return result;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const cancelled = error instanceof TaskCancelled;
      if (await this.askDimension(document, error)) return this.runTask(document, model, build, onEvent);
      // A cancel the user asked for is news, not an error.
      if (cancelled) log().info(`${title} ${model.name}: cancelled`);
      else log().error(`${title} failed: ${message}`);
      this.panel.post({ type: 'taskError', task: title, message });
      if (!cancelled) {
        this.lastError = `MaskLens: ${title} failed: ${message}`;
        void vscode.window.showErrorMessage(this.lastError);
      }
      return undefined;
    } finally {
      this.lenses.set(document.uri, model.name, { ...this.lenses.get(document.uri, model.name), running: undefined });
      this.statusBar.setTask(undefined);
      void vscode.commands.executeCommand('setContext', 'masklens.taskRunning', this.runtime.runningCount > 0);
      this.panel.post({ type: 'idle' });
    }
  }

  /**
   * A size the source computes from data and nothing else fixed (the runtime names it): asks
   * for it once, remembers it in `masklens.unresolvedDimensions`, and returns it for a retry.
   */
  private async askDimension(document: ModelSource, error: unknown): Promise<boolean> {
    if (!(error instanceof PoolTaskError) || error.code !== 'model-dimension' || !error.location || this.declined.has(error.location)) return false;
    const key = error.location;
    const answer = await this.askValue({
      title: `MaskLens: a value for \`${key}\``,
      prompt: `${error.message.split('; give its value')[0]}. Its value is remembered in masklens.unresolvedDimensions.`,
      placeHolder: 'a positive whole number',
      ignoreFocusOut: true,
      validateInput: (text) => (/^\s*[1-9]\d*\s*$/.test(text) ? undefined : 'a positive whole number'),
    });
    if (answer === undefined) {
      this.declined.add(key);
      return false;
    }
    const value = Number(answer.trim());
    await rememberDimension(document.uri, key, value);
    log().info(`${key} = ${value} remembered in masklens.unresolvedDimensions`);
    return true;
  }

  async evaluate(uri?: vscode.Uri, modelName?: string): Promise<ResultOf<'evaluate'> | undefined> {
    const target = await this.target(uri, modelName);
    const input = target && (await this.taskInput(target));
    if (!target || !input) return undefined;
    const origin = originOf(target, this.analyses.cellLabel(target.document));
    this.panel.show(true);
    const result = await this.runTask(target.document, target.model, () => ({ kind: 'evaluate', ...commonRequest(target.document, input, readSettings(target.document.uri), this.choices, input.weights), semantics: 'all' }));
    if (!result) return undefined;
    const summary = evaluateSummary(result);
    this.lenses.set(target.document.uri, target.model.name, { summary });
    log().info(`${target.model.name}: ${summary} [${result.weightsUsed.description}; ${result.backend}, ${result.elapsedMs.toFixed(0)} ms]`);
    this.panel.post({ type: 'result', task: 'evaluate', payload: result, origin });
    return result;
  }

  async compare(uri?: vscode.Uri, modelName?: string): Promise<ResultOf<'compare'> | undefined> {
    const target = await this.target(uri, modelName);
    const input = target && (await this.taskInput(target));
    if (!target || !input) return undefined;
    const settings = readSettings(target.document.uri);
    const origin = originOf(target, this.analyses.cellLabel(target.document));
    this.panel.show(true);
    const result = await this.runTask(target.document, target.model, () => ({ kind: 'compare', ...commonRequest(target.document, input, readSettings(target.document.uri), this.choices, input.weights) }));
    if (!result) return undefined;
    this.lastComparisonTable = compareTable(result);
    log().info(`Loss comparison\n${this.lastComparisonTable}`);
    log().show(true);
    const masked = result.reductions.find((r) => r.id === settings.defaultReduction);
    const unmasked = result.reductions.find((r) => r.id === 'none');
    this.lenses.set(target.document.uri, target.model.name, { summary: `${settings.defaultReduction} ${formatNumber(masked?.value)} · unmasked ${formatNumber(unmasked?.value)}` });
    this.panel.post({ type: 'result', task: 'compare', payload: result, origin });
    return result;
  }

  async train(uri?: vscode.Uri, modelName?: string): Promise<ResultOf<'train'> | undefined> {
    const target = await this.target(uri, modelName);
    const input = target && (await this.taskInput(target));
    if (!target || !input) return undefined;
    const settings = readSettings(target.document.uri);
    const origin = originOf(target, this.analyses.cellLabel(target.document));
    this.panel.show(true);
    const request = () => {
      const common = commonRequest(target.document, input, readSettings(target.document.uri), this.choices, input.weights);
      return { kind: 'train' as const, ...common, validation: trainValidation(input, common.data), reduction: settings.defaultReduction };
    };
    const result = await this.runTask(target.document, target.model, request, (event) => {
      if (event.type === 'epoch') this.panel.post({ type: 'result', task: 'trainEpoch', payload: event });
    });
    if (!result) return undefined;
    const last = result.history[result.history.length - 1];
    this.lenses.set(target.document.uri, target.model.name, {
      summary: last ? `trained ${result.history.length} epoch(s): masked ${formatNumber(last.train.masked)} · unmasked ${formatNumber(last.train.unmasked)}${result.stopped.reason === 'nan-loss' ? ' · stopped: NaN loss' : ''}` : result.stopped.message,
    });
    this.panel.post({ type: 'result', task: 'train', payload: result, origin });
    return result;
  }

  /**
   * Evaluate, compare or train a model a file Keras saved holds (the saved-model editor), with
   * that file's own weights; the result goes to the panel like any other. `model`: what the
   * runtime's inspect task read from the file.
   */
  async runSaved(kind: ModelTaskKind, uri: vscode.Uri, model: RuntimeModel): Promise<void> {
    const source: ModelSource = { uri };
    const input = { model, sourceData: null, sourceValidation: null, notes: [], weightFiles: [] };
    const weights = { source: 'file' as const, path: uri.fsPath };
    const origin: TaskOrigin = { runId: `${Date.now().toString(36)}-${++runs}`, document: uri.toString(), file: vscode.workspace.asRelativePath(uri), version: 0, model: shorten(model.name, VIEW_LIMITS.name) };
    const common = () => commonRequest(source, input, readSettings(uri), this.choices, weights);
    this.panel.show(true);
    if (kind === 'evaluate') {
      const result = await this.runTask(source, model, () => ({ kind: 'evaluate' as const, ...common(), semantics: 'all' as const }));
      if (result) this.panel.post({ type: 'result', task: 'evaluate', payload: result, origin });
    } else if (kind === 'compare') {
      const result = await this.runTask(source, model, () => ({ kind: 'compare' as const, ...common() }));
      if (result) this.panel.post({ type: 'result', task: 'compare', payload: result, origin });
    } else {
      const result = await this.runTask(source, model, () => ({ kind: 'train' as const, ...common(), reduction: readSettings(uri).defaultReduction }));
      if (result) this.panel.post({ type: 'result', task: 'train', payload: result, origin });
    }
  }

  async selectData(uri?: vscode.Uri, modelName?: string): Promise<void> {
    const target = await this.target(uri, modelName);
    if (!target) return;
    const folder = vscode.workspace.getWorkspaceFolder(target.document.uri);
    const filters = { 'Arrays (.npy, .npz, .csv, .json)': ['npy', 'npz', 'csv', 'json'] };
    const x = await vscode.window.showOpenDialog({ title: `Inputs (x) for ${target.model.name}`, canSelectMany: false, filters, defaultUri: folder?.uri });
    if (!x?.[0]) return;
    const y = await vscode.window.showOpenDialog({ title: `Labels (y) for ${target.model.name} — cancel for none`, canSelectMany: false, filters, defaultUri: folder?.uri });
    // Kept in the workspace's storage, not in a settings file: see DataChoices.
    await this.choices.set(target.document.uri.toString(), target.model.name, { x: x[0].fsPath, ...(y?.[0] ? { y: y[0].fsPath } : {}) });
    void vscode.window.showInformationMessage(`MaskLens: ${target.model.name} will use ${vscode.workspace.asRelativePath(x[0])}${y?.[0] ? ` and ${vscode.workspace.asRelativePath(y[0])}` : ''}.`);
  }
}

function lossMaskDetail(m: ModelView): string {
  if (m.lossMasked === 'yes') return 'mask reaches the loss';
  if (m.outputPerTimestep === false) return 'one output per sequence: no mask needed at the loss';
  return m.lossMasked === 'unknown' ? 'unknown whether a mask reaches the loss' : 'mask does not reach the loss';
}
