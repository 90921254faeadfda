/**
 * Which weights evaluate, compare and train run a model with, when its source saves or loads
 * weights files that exist (`model.save('model.keras')`, `ModelCheckpoint(...)`): asked once
 * per model with a quick pick, remembered in the workspace's storage like the data picks
 * (`DataChoices`), and asked again when the remembered file is gone.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import * as vscode from 'vscode';
import type { TaskInputReply } from '../core/protocol/analysisProcess';
import type { weightsSpecSchema } from '../core/protocol/runtimeTasks';
import { type WeightFileCandidate, weightFileCandidates } from '../core/saved/weightFiles';

const choiceSchema = z.union([z.object({ file: z.string() }), z.object({ initial: z.literal(true) })]);
const choicesSchema = z.record(z.string(), choiceSchema);
type WeightsChoice = z.infer<typeof choiceSchema>;

const KEY = 'masklens.weightsChoices';

export type WeightsSpec = z.input<typeof weightsSpecSchema>;

export interface WeightsPickItem extends vscode.QuickPickItem {
  choice: WeightsChoice;
}

export class WeightsChoices {
  /** How the user is asked: VS Code's quick pick (the integration tests answer in its place). */
  pick: (items: WeightsPickItem[], options: vscode.QuickPickOptions) => Thenable<WeightsPickItem | undefined> = (
    items,
    options,
  ) => vscode.window.showQuickPick(items, options);

  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, WeightsChoice> {
    const parsed = choicesSchema.safeParse(this.state.get(KEY));
    return parsed.success ? parsed.data : {};
  }

  get(documentUri: string, model: string): WeightsChoice | undefined {
    return this.all()[`${documentUri}#${model}`];
  }

  async set(documentUri: string, model: string, choice: WeightsChoice): Promise<void> {
    await this.state.update(KEY, { ...this.all(), [`${documentUri}#${model}`]: choice });
  }

  /** The weights files the source names that exist, beside the source file first, then in its workspace folder. */
  candidates(document: vscode.TextDocument, input: TaskInputReply['input']): WeightFileCandidate[] {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'vscode-notebook-cell') return [];
    const folders = [
      path.dirname(document.uri.fsPath),
      vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath,
    ].filter((f): f is string => f !== undefined);
    return weightFileCandidates(input.weightFiles, folders, existsSync);
  }

  /**
   * The weights for a task: the remembered choice while its file exists, else the user's pick
   * among the files the source names (remembered); none to pick from: initial weights
   * (undefined). `null`: the user dismissed the question, so the task does not run.
   */
  async weightsFor(
    document: vscode.TextDocument,
    input: TaskInputReply['input'],
    seed: number,
  ): Promise<WeightsSpec | undefined | null> {
    const key = document.uri.toString();
    const model = input.model.name ?? 'model';
    const remembered = this.get(key, model);
    if (remembered && 'initial' in remembered) return undefined;
    if (remembered && existsSync(remembered.file)) return { source: 'file', path: remembered.file };
    const found = this.candidates(document, input);
    if (found.length === 0) return undefined;
    const items: WeightsPickItem[] = [
      ...found.map((c) => ({
        label: `$(file-binary) ${path.basename(c.file)}`,
        description: c.label,
        detail: vscode.workspace.asRelativePath(c.file),
        choice: { file: c.file },
      })),
      {
        label: '$(symbol-constant) Initial weights',
        description: `Keras' default initializers under seed ${seed}`,
        choice: { initial: true as const },
      },
    ];
    const picked = await this.pick(items, {
      title: `MaskLens: weights for ${model}`,
      placeHolder: 'The source saves or loads these weights files: run the model with which weights? (remembered)',
      ignoreFocusOut: true,
    });
    if (!picked) return null;
    await this.set(key, model, picked.choice);
    return 'file' in picked.choice ? { source: 'file', path: picked.choice.file } : undefined;
  }
}
