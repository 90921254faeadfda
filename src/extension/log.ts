/** The MaskLens output channel: one place for logs, task reports and loss tables. */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('MaskLens', { log: true });
  return channel;
}
