/**
 * Writes an export from the panel: JSON / CSV from the host's own copy of the result (never
 * from webview content), a chart PNG from the webview's canvas after checking it really is a
 * PNG data URL. The user picks the file in a save dialog that opens in the workspace folder.
 */
import * as vscode from 'vscode';
import {
  decodePngDataUrl,
  exportFileName,
  resultToCsv,
  resultToJson,
  type ExportFormat,
  type ExportableResult,
} from '../../core/export';

export interface ExportRequest {
  format: ExportFormat;
  /** The webview's name for what is exported (a chart id, or the result). */
  name: string;
  dataUrl?: string;
}

export interface ExportOutcome {
  format: ExportFormat;
  uri: vscode.Uri;
  bytes: number;
}

export type SaveDialog = (options: vscode.SaveDialogOptions) => Thenable<vscode.Uri | undefined>;

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  json: { JSON: ['json'] },
  csv: { CSV: ['csv'] },
  png: { 'PNG image': ['png'] },
};

/** The bytes to write, or an Error the user is shown. */
export function exportBytes(request: ExportRequest, result: ExportableResult | undefined): Uint8Array | Error {
  if (request.format === 'png') {
    if (!request.dataUrl) return new Error('the panel sent no image');
    return decodePngDataUrl(request.dataUrl);
  }
  if (!result) return new Error('there is no result to export yet: evaluate, compare or train first');
  const text = request.format === 'json' ? resultToJson(result) : resultToCsv(result);
  return new TextEncoder().encode(text);
}

export async function exportToFile(
  request: ExportRequest,
  result: ExportableResult | undefined,
  folder: vscode.Uri | undefined,
  saveDialog: SaveDialog,
): Promise<ExportOutcome | undefined> {
  const bytes = exportBytes(request, result);
  if (bytes instanceof Error) throw bytes;
  const model = result?.model ?? 'masklens';
  const what = request.format === 'png' ? request.name : (result?.kind ?? 'result');
  const fileName = exportFileName(model, what, request.format);
  const defaultUri = folder ? vscode.Uri.joinPath(folder, fileName) : undefined;
  const uri = await saveDialog({
    defaultUri,
    filters: FILTERS[request.format],
    title: `MaskLens: export ${request.format === 'png' ? `chart ${request.name}` : `${what} result`} as ${request.format.toUpperCase()}`,
    saveLabel: 'Export',
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, bytes);
  return { format: request.format, uri, bytes: bytes.length };
}
