/**
 * The data files the user picked for each model with Select Data Files…, kept in the
 * workspace's own storage (VS Code's workspaceState): it exists in single-file, folder and
 * multi-root windows alike, needs no settings file to write, and — unlike a setting a cloned
 * repository could ship — only ever holds what the user chose in a dialog. That is why, in
 * Restricted Mode, these files may be read even outside the workspace folders.
 */
import { z } from 'zod';
import type * as vscode from 'vscode';

const choiceSchema = z.object({
  x: z.string(),
  y: z.string().optional(),
  sampleWeight: z.string().optional(),
  /** The members of `.npz` files to read, when the code picks them. */
  keys: z.object({ x: z.string().optional(), y: z.string().optional() }).optional(),
});
const choicesSchema = z.record(z.string(), choiceSchema);
export type DataChoice = z.infer<typeof choiceSchema>;

const KEY = 'masklens.dataChoices';

export class DataChoices {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, DataChoice> {
    const parsed = choicesSchema.safeParse(this.state.get(KEY));
    return parsed.success ? parsed.data : {};
  }

  /** Absolute paths of the files picked for `model` of the document at `documentUri`. */
  get(documentUri: string, model: string): DataChoice | undefined {
    return this.all()[`${documentUri}#${model}`];
  }

  async set(documentUri: string, model: string, choice: DataChoice): Promise<void> {
    await this.state.update(KEY, { ...this.all(), [`${documentUri}#${model}`]: choice });
  }

  /** Every picked file, for the Restricted Mode check. */
  files(documentUri: string, model: string): string[] {
    const c = this.get(documentUri, model);
    return c ? [c.x, c.y, c.sampleWeight].filter((f): f is string => f !== undefined) : [];
  }
}
