/**
 * The analysis process' copy of each open document, kept in sync as a language server keeps
 * its own: the full text when it opens, then VS Code's incremental edits applied in order
 * (vscode-languageserver-textdocument), with the document's version and settings.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DidChange, DidOpen, DocumentSettings } from '../core/protocol/analysisProcess';

export interface OpenDocument {
  text: TextDocument;
  file: string;
  label: string;
  settings: DocumentSettings;
}

export class OpenDocuments {
  private readonly documents = new Map<string, OpenDocument>();

  open(p: DidOpen): void {
    this.documents.set(p.uri, {
      text: TextDocument.create(p.uri, 'python', p.version, p.text),
      file: p.file,
      label: p.label,
      settings: p.settings,
    });
  }

  /** Applies the edits; false when the document is not open here or the version is not newer. */
  change(p: DidChange): boolean {
    const d = this.documents.get(p.uri);
    if (!d || p.version <= d.text.version) return false;
    d.text = TextDocument.update(d.text, p.changes, p.version);
    return true;
  }

  setSettings(uri: string, settings: DocumentSettings): boolean {
    const d = this.documents.get(uri);
    if (d) d.settings = settings;
    return d !== undefined;
  }

  close(uri: string): OpenDocument | undefined {
    const d = this.documents.get(uri);
    this.documents.delete(uri);
    return d;
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }
}
