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
import { VIEW_LIMITS, type FailureLocation, type TaskOrigin } from '../core/protocol/viewMessages';
import type { ProgressEvent } from '../core/protocol/task';
import type { RegisteredKind, RequestOf, ResultOf } from '../core/protocol/taskKinds';
import type { RuntimeModel } from '../core/protocol/runtimeTasks';
import type { AnalysisService } from './analysisService';
import { readSettings, rememberDimension } from './config';
import { toRange } from './convert';
import { LensState } from './lensState';
import { describeFailure, type LocatedModel } from '../core/runs/failure';
import { RunHistory, summariseRun } from '../core/runs/history';
import { log } from './log';
import type { PanelController } from './panel/panelController';
import { PoolTaskError, TaskCancelled } from '../pool/errors';
import type { RuntimeService } from './runtimeService';
import type { DataChoices } from './dataChoices';
import { pickData } from './dataPicker';
import type { Staleness } from './staleness';
import type { TreeNode } from './modelTree';
import type { WeightsChoices, WeightsSpec } from './weightsChoices';
import { codeFiles, commonRequest, type ModelSource, trainValidation } from './requests';
import type { MaskLensStatusBar } from './statusBar';

/**
 * What a task runs: a model of a Python file or notebook cell, or the model a file Keras saved
 * holds (no source: `located` is null, and a failure points at no line).
 */
interface RunTarget {
  document: ModelSource & { version?: number };
  model: { name: string };
  located: LocatedModel | null;
}

/** A model written in a Python file or a notebook cell. */
interface Target extends RunTarget {
  document: vscode.TextDocument;
  analysis: AnalysisView;
  model: ModelView;
  located: ModelView;
}

export type ModelTaskKind = Exclude<RegisteredKind, 'probe' | 'inspect' | 'evaluateShard'>;

const TASK_TITLES: Record<ModelTaskKind, string> = {
  evaluate: 'Evaluating',
  compare: 'Comparing losses',
  train: 'Training',
};

let runs = 0;

/**
 * Names the run a task starts: its document and version, its model, and an id no other run of
 * this session has. `cell`: a notebook's model is named by its cell ("tagger.ipynb, cell 3").
 */
function originOf(target: RunTarget, seed: number, cell: string | null = null): TaskOrigin {
  return {
    seed,
    runId: `${Date.now().toString(36)}-${++runs}`,
    document: target.document.uri.toString(),
    file: cell ?? vscode.workspace.asRelativePath(target.document.uri),
    // a file Keras saved has no editor versions: 0, which no text document has
    version: target.document.version ?? 0,
    model: shorten(target.model.name, VIEW_LIMITS.name),
  };
}

/** A command's document and model: a URI and a name (lenses, the panel), or a model of the side view's tree. */
export function commandTarget(
  at: vscode.Uri | TreeNode | undefined,
  model: string | undefined,
): [vscode.Uri | undefined, string | undefined] {
  if (at instanceof vscode.Uri || at === undefined) return [at, model];
  return at.kind === 'model' ? [at.uri, at.model.name] : [undefined, undefined];
}

export class TaskCommands {
  /** Results by kind, newest last: what the panel shows and tests inspect. */
  readonly lastResults: { [K in RegisteredKind]?: ResultOf<K> } = {};
  /** The last loss table written to the MaskLens output channel (the channel itself cannot be read back). */
  lastComparisonTable: string | undefined;
  private readonly runEmitter = new vscode.EventEmitter<number>();
  /** Fires after a run is recorded, with how many runs its model has. */
  readonly onDidRecordRun = this.runEmitter.event;
  /** Each model's runs, newest last (what the panel's side-by-side comparison picks from). */
  readonly history = new RunHistory();
  /** The last task failure shown to the user, as the panel says it. */
  lastError: string | undefined;
  /** Dimensions the user was asked for and declined: not asked again this session. */
  private readonly declined = new Set<string>();
  /** How a value is asked for: VS Code's input box (the integration tests answer in its place). */
  askValue: (options: vscode.InputBoxOptions) => Thenable<string | undefined> = (options) =>
    vscode.window.showInputBox(options);

  constructor(
    private readonly analyses: AnalysisService,
    private readonly runtime: RuntimeService,
    private readonly panel: PanelController,
    private readonly lenses: LensState,
    private readonly statusBar: MaskLensStatusBar,
    private readonly choices: DataChoices,
    private readonly staleness: Staleness,
    readonly weights: WeightsChoices,
  ) {}

  register(): vscode.Disposable[] {
    return [
      this.runEmitter,
      vscode.commands.registerCommand('masklens.evaluate', (at?: vscode.Uri | TreeNode, model?: string) =>
        this.evaluate(...commandTarget(at, model)),
      ),
      vscode.commands.registerCommand('masklens.compareLosses', (at?: vscode.Uri | TreeNode, model?: string) =>
        this.compare(...commandTarget(at, model)),
      ),
      vscode.commands.registerCommand('masklens.train', (at?: vscode.Uri | TreeNode, model?: string) =>
        this.train(...commandTarget(at, model)),
      ),
      vscode.commands.registerCommand('masklens.selectData', (at?: vscode.Uri | TreeNode, model?: string) =>
        this.selectData(...commandTarget(at, model)),
      ),
    ];
  }

  /** The document and model a command applies to: its arguments, else the active editor (quick pick). */
  /** The document and model a command is about: the arguments given, else the active editor's (asking when it holds several). */
  async target(uri: vscode.Uri | undefined, modelName: string | undefined): Promise<Target | undefined> {
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
      void vscode.window.showInformationMessage(
        `MaskLens found no Keras model in ${vscode.workspace.asRelativePath(document.uri)}.`,
      );
      return undefined;
    }
    if (modelName) {
      const model = models.find((m) => m.name === modelName);
      if (!model)
        void vscode.window.showErrorMessage(
          `MaskLens: no model named '${modelName}' in ${vscode.workspace.asRelativePath(document.uri)}.`,
        );
      return model && result ? { document, analysis: result.analysis, model, located: model } : undefined;
    }
    if (!result) return undefined;
    if (models.length === 1) return { document, analysis: result.analysis, model: models[0], located: models[0] };
    const cursor = editor?.document === document ? editor.selection.active : undefined;
    const ordered = [...models].sort(
      (a, b) =>
        Number(cursor !== undefined && toRange(b.range).contains(cursor)) -
        Number(cursor !== undefined && toRange(a.range).contains(cursor)),
    );
    const picked = await vscode.window.showQuickPick(
      ordered.map((m) => ({
        label: m.name,
        description: `${m.kind} · ${m.layers.length} layers`,
        detail: lossMaskDetail(m),
        model: m,
      })),
      { placeHolder: 'Which model?' },
    );
    return picked ? { document, analysis: result.analysis, model: picked.model, located: picked.model } : undefined;
  }

  /**
   * The model's config, Lambdas, training settings and source arrays, asked of the analysis
   * process, and the weights to run it with (asked of the user when the source names weights
   * files that exist); a failure is shown as the run's error, and a dismissed question runs nothing.
   */
  private async taskInput(
    target: Target,
    origin: TaskOrigin,
    title: string,
  ): Promise<(TaskInputReply['input'] & { weights: WeightsSpec | undefined }) | undefined> {
    if (target.model.incomplete) {
      // Running what could be read would give numbers for a model the user did not write.
      const error = target.analysis.diagnostics.find((d) => d.code === 'syntax-error');
      const at = error ? { line: error.range.start.line, character: error.range.start.character } : undefined;
      this.fail(
        target,
        origin,
        title,
        {
          message: `${target.model.name} is incomplete (${target.model.incomplete}): fix the syntax error first, so that MaskLens runs the model as written.`,
          code: 'model-incomplete',
        },
        at,
      );
      return undefined;
    }
    let input: TaskInputReply['input'];
    try {
      ({ input } = await this.analyses.taskInput(target.document, target.model.name));
      for (const note of input.notes) log().info(`${target.model.name}: ${note}`);
      const loaded = this.choices.get(target.document.uri.toString(), target.model.name)
        ? null
        : codeFiles(target.document, input);
      if (loaded) log().info(`${target.model.name}: ${loaded.note}`);
    } catch (error) {
      this.fail(target, origin, title, {
        message: `MaskLens cannot run ${target.model.name}: ${error instanceof Error ? error.message : String(error)}`,
      });
      return undefined;
    }
    const weights = await this.weights.weightsFor(
      target.document,
      input,
      readSettings(target.document.uri).synthetic.seed,
    );
    if (weights === null) {
      this.panel.post({ type: 'taskError', task: title, message: 'No weights were chosen: nothing ran.' });
      return undefined;
    }
    return { ...input, weights };
  }

  /**
   * Shows a failed run where the user looks: in the panel (full message, the line and layer it
   * concerns, actions) and on the model's lens. No notification: the panel was opened for this
   * run and the lens is where the user clicked, so a toast would only repeat them, cut short.
   */
  private fail(
    target: RunTarget,
    origin: TaskOrigin,
    title: string,
    error: { message: string; code?: string; location?: string },
    at?: FailureLocation,
  ): void {
    // A saved file's model has no source lines to go to, nor data the user picked for it.
    const failure = target.located
      ? { ...describeFailure(error, target.located), ...(at ? { location: at } : {}) }
      : { message: error.message, code: error.code, location: undefined, actions: ['showLog' as const] };
    this.lastError = `MaskLens: ${title} failed: ${failure.message}`;
    log().error(`${title} failed: ${failure.message}`);
    this.lenses.set(target.document.uri, target.model.name, {
      error: { task: title, message: failure.message },
      origin,
    });
    this.panel.post({
      type: 'taskError',
      task: title,
      message: failure.message,
      origin,
      ...(failure.code ? { code: failure.code.slice(0, 64) } : {}),
      location: failure.location,
      actions: failure.actions,
    });
  }

  /**
   * Runs one task with progress, cancellation, status bar and lens state. `build` makes the
   * request from the settings as they are when it runs: a dimension the user supplies on the
   * way is in them for the retry. Progress shows in the panel and on the lens, each with the one
   * way to cancel there (no progress notification: it would be a second Cancel for the same run).
   */
  private async runTask<K extends ModelTaskKind>(
    target: RunTarget,
    origin: TaskOrigin,
    build: () => RequestOf<K> & { kind: K },
    onEvent?: (event: ProgressEvent) => void,
  ): Promise<ResultOf<K> | undefined> {
    const { document, model } = target;
    const request = build();
    const title = `${TASK_TITLES[request.kind]} ${model.name}`;
    this.lenses.set(document.uri, model.name, {
      ...this.lenses.get(document.uri, model.name),
      running: `${title}…`,
      error: undefined,
    });
    this.statusBar.setTask(title);
    void vscode.commands.executeCommand('setContext', 'masklens.taskRunning', true);
    this.panel.post({ type: 'busy', task: title, message: 'waiting for a TensorFlow worker', fraction: null });
    try {
      const handle = this.runtime.run<K>(request, {
        onProgress: (event) => {
          if (event.type === 'started') this.panel.post({ type: 'busy', task: title, message: 'running', fraction: 0 });
          if (event.type === 'progress')
            this.panel.post({ type: 'busy', task: title, message: event.message, fraction: event.fraction });
          onEvent?.(event);
        },
      });
      const result = await handle.result;
      this.lastResults[request.kind] = result as never;
      return result;
    } catch (error) {
      if (await this.askDimension(document, error)) return this.runTask(target, origin, build, onEvent);
      if (error instanceof TaskCancelled) {
        // A cancel the user asked for is news, not an error.
        log().info(`${title}: cancelled`);
        this.panel.post({ type: 'taskError', task: title, message: error.message });
      } else {
        const data =
          error instanceof PoolTaskError
            ? { message: error.message, code: error.code, location: error.location }
            : { message: error instanceof Error ? error.message : String(error) };
        this.fail(target, origin, title, data);
      }
      return undefined;
    } finally {
      // The panel's backend line comes from a probe; the first task, done or failed, is as good a time as any.
      if (!this.runtime.backend && this.runtime.pid !== undefined)
        void this.runtime.probe().then(
          (report) => this.panel.post({ type: 'backend', report }),
          () => undefined,
        );
      this.lenses.set(document.uri, model.name, { ...this.lenses.get(document.uri, model.name), running: undefined });
      this.statusBar.setTask(undefined);
      void vscode.commands.executeCommand('setContext', 'masklens.taskRunning', this.runtime.runningCount > 0);
      this.panel.post({ type: 'idle' });
    }
  }

  /** Records a finished run: the lens, the run history, and the panel's result and history. */
  private finish<K extends ModelTaskKind>(
    target: RunTarget,
    origin: TaskOrigin,
    kind: K,
    result: ResultOf<K>,
    summary: string,
  ): void {
    const finished = { ...origin, at: Date.now() };
    this.lenses.set(target.document.uri, target.model.name, { summary, origin: finished });
    const key = LensState.key(target.document.uri, target.model.name);
    const runs = this.history.add(key, summariseRun(result, finished));
    this.runEmitter.fire(runs.length);
    const files = result.data.files;
    this.staleness.watchData(
      target.document.uri,
      target.model.name,
      files ? [files.x, files.y, files.sampleWeight].filter((f): f is string => f !== undefined) : [],
    );
    this.panel.post({ type: 'result', task: kind, payload: result, origin: finished });
    this.panel.post({ type: 'history', file: origin.file, model: origin.model, runs });
  }

  /**
   * A size the source computes from data and nothing else fixed (the runtime names it): asks
   * for it once, remembers it in `masklens.unresolvedDimensions`, and returns it for a retry.
   */
  private async askDimension(document: ModelSource, error: unknown): Promise<boolean> {
    if (
      !(error instanceof PoolTaskError) ||
      error.code !== 'model-dimension' ||
      !error.location ||
      this.declined.has(error.location)
    )
      return false;
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
    if (!target) return undefined;
    const origin = originOf(
      target,
      readSettings(target.document.uri).synthetic.seed,
      this.analyses.cellLabel(target.document),
    );
    this.panel.show(true);
    const input = await this.taskInput(target, origin, `${TASK_TITLES.evaluate} ${target.model.name}`);
    if (!input) return undefined;
    const result = await this.runTask(target, origin, () => ({
      kind: 'evaluate',
      ...commonRequest(target.document, input, readSettings(target.document.uri), this.choices, input.weights),
      semantics: 'all',
    }));
    if (!result) return undefined;
    const summary = evaluateSummary(result);
    log().info(
      `${target.model.name}: ${summary} [${result.weightsUsed.description}; ${result.backend}, ${result.elapsedMs.toFixed(0)} ms]`,
    );
    this.finish(target, origin, 'evaluate', result, summary);
    return result;
  }

  async compare(uri?: vscode.Uri, modelName?: string): Promise<ResultOf<'compare'> | undefined> {
    const target = await this.target(uri, modelName);
    if (!target) return undefined;
    const settings = readSettings(target.document.uri);
    const origin = originOf(target, settings.synthetic.seed, this.analyses.cellLabel(target.document));
    this.panel.show(true);
    const input = await this.taskInput(target, origin, `${TASK_TITLES.compare} ${target.model.name}`);
    if (!input) return undefined;
    const result = await this.runTask(target, origin, () => ({
      kind: 'compare',
      ...commonRequest(target.document, input, readSettings(target.document.uri), this.choices, input.weights),
    }));
    if (!result) return undefined;
    // The table goes to the output channel without revealing it: the panel shows the same numbers.
    this.lastComparisonTable = compareTable(result);
    log().info(`Loss comparison\n${this.lastComparisonTable}`);
    this.finish(target, origin, 'compare', result, compareSummary(result, settings.defaultReduction));
    return result;
  }

  async train(uri?: vscode.Uri, modelName?: string): Promise<ResultOf<'train'> | undefined> {
    const target = await this.target(uri, modelName);
    if (!target) return undefined;
    const settings = readSettings(target.document.uri);
    const origin = originOf(target, settings.synthetic.seed, this.analyses.cellLabel(target.document));
    this.panel.show(true);
    const input = await this.taskInput(target, origin, `${TASK_TITLES.train} ${target.model.name}`);
    if (!input) return undefined;
    const request = () => {
      const common = commonRequest(
        target.document,
        input,
        readSettings(target.document.uri),
        this.choices,
        input.weights,
      );
      return {
        kind: 'train' as const,
        ...common,
        validation: trainValidation(input, common.data),
        reduction: settings.defaultReduction,
      };
    };
    const result = await this.runTask(target, origin, request, (event) => {
      if (event.type === 'epoch') this.panel.post({ type: 'result', task: 'trainEpoch', payload: event });
    });
    if (!result) return undefined;
    this.finish(target, origin, 'train', result, trainSummary(result));
    return result;
  }

  /**
   * Evaluate, compare or train the model a file Keras saved holds (the saved-model editor), with
   * that file's own weights; the result goes to the panel, the run history and the log like any
   * other. `model`: what the runtime's inspect task read from the file.
   */
  async runSaved(
    kind: ModelTaskKind,
    uri: vscode.Uri,
    model: RuntimeModel,
  ): Promise<ResultOf<ModelTaskKind> | undefined> {
    const target: RunTarget = { document: { uri }, model: { name: model.name }, located: null };
    const settings = readSettings(uri);
    const origin = originOf(target, settings.synthetic.seed);
    const input = { model, sourceData: null, sourceFiles: null, sourceValidation: null, notes: [], weightFiles: [] };
    const weights = { source: 'file' as const, path: uri.fsPath };
    const common = () => commonRequest(target.document, input, readSettings(uri), this.choices, weights);
    this.panel.show(true);
    if (kind === 'evaluate') {
      const result = await this.runTask(target, origin, () => ({
        kind: 'evaluate' as const,
        ...common(),
        semantics: 'all' as const,
      }));
      if (result) this.finish(target, origin, 'evaluate', result, evaluateSummary(result));
      return result;
    }
    if (kind === 'compare') {
      const result = await this.runTask(target, origin, () => ({ kind: 'compare' as const, ...common() }));
      if (result) this.finish(target, origin, 'compare', result, compareSummary(result, settings.defaultReduction));
      return result;
    }
    const result = await this.runTask(target, origin, () => ({
      kind: 'train' as const,
      ...common(),
      reduction: settings.defaultReduction,
    }));
    if (result) this.finish(target, origin, 'train', result, trainSummary(result));
    return result;
  }

  async selectData(uri?: vscode.Uri, modelName?: string): Promise<void> {
    const target = await this.target(uri, modelName);
    if (!target) return;
    // What each file must hold, from the analysis: the picker says it before the user picks.
    const input = await this.analyses.taskInput(target.document, target.model.name).then(
      ({ input }) => input,
      () => undefined,
    );
    const picked = await pickData(target.document, target.model, input);
    if (!picked) return;
    // Kept in the workspace's storage, not in a settings file: see DataChoices.
    await this.choices.set(target.document.uri.toString(), target.model.name, picked.choice);
    this.staleness.dataChanged(target.document.uri, target.model.name);
    // The status bar, not a notification: the user just chose these files and needs no interruption.
    void vscode.window.setStatusBarMessage(`MaskLens: ${target.model.name} will use ${picked.summary}`, 5000);
  }
}

function compareSummary(result: ResultOf<'compare'>, reduction: string): string {
  const masked = result.reductions.find((r) => r.id === reduction);
  const unmasked = result.reductions.find((r) => r.id === 'none');
  return `${reduction} ${formatNumber(masked?.value)} · unmasked ${formatNumber(unmasked?.value)}`;
}

function trainSummary(result: ResultOf<'train'>): string {
  const last = result.history[result.history.length - 1];
  return last
    ? `trained ${result.history.length} epoch(s): masked ${formatNumber(last.train.masked)} · unmasked ${formatNumber(last.train.unmasked)}${result.stopped.reason === 'nan-loss' ? ' · stopped: NaN loss' : ''}`
    : result.stopped.message;
}

function lossMaskDetail(m: ModelView): string {
  if (m.lossMasked === 'yes') return 'mask reaches the loss';
  if (m.outputPerTimestep === false) return 'one output per sequence: no mask needed at the loss';
  return m.lossMasked === 'unknown' ? 'unknown whether a mask reaches the loss' : 'mask does not reach the loss';
}
