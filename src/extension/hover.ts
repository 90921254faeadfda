/**
 * Hover over a layer call in a detected model: the layer's class and name, its mask in → out
 * and what it does to the mask under the active Keras family and version, its output shape, and
 * the codes of the diagnostics on it (VS Code shows their messages in the same hover). Everything comes from the cached static analysis; nothing runs.
 * User text (layer names, diagnostic messages) only enters the hover through escaping:
 * every markdown character backslash-escaped, or inline code with the backticks taken out;
 * the MarkdownString is untrusted (no command links) and renders no HTML.
 */
import * as vscode from 'vscode';
import { formatShape } from '../core/format';
import type { LayerView, ModelView } from '../core/protocol/analysisProcess';
import type { AnalysisService } from './analysisService';
import { toRange } from './convert';

const EFFECT_TEXT: Record<string, string> = {
  creates: 'creates a mask',
  propagates: 'passes the mask on unchanged',
  transforms: 'transforms the mask',
  consumes: 'uses the mask and does not pass it on',
  destroys: 'drops the mask',
  none: 'no mask involved',
  unknown: 'MaskLens cannot tell what happens to the mask here',
};

/** Markdown with every ASCII punctuation character backslash-escaped (CommonMark): shows as plain text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'=$%@^,;/?]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** Inline code that user text cannot break out of. */
function code(text: string): string {
  const clean = text.replace(/[`\r\n]/g, ' ');
  return `\`${clean}\``;
}

function shapeText(shape: LayerView['outputShape']): string {
  return shape ? formatShape(shape) : 'unknown';
}

/** The innermost layer whose source range holds the position (ranges nest for calls inside calls). */
export function layerAt(
  models: ModelView[],
  position: vscode.Position,
): { model: ModelView; layer: LayerView } | undefined {
  let best: { model: ModelView; layer: LayerView; size: number } | undefined;
  for (const model of models) {
    for (const layer of model.layers) {
      const range = toRange(layer.range);
      if (range.isEmpty || !range.contains(position)) continue;
      const size = (range.end.line - range.start.line) * 100_000 + (range.end.character - range.start.character);
      if (!best || size < best.size) best = { model, layer, size };
    }
  }
  return best && { model: best.model, layer: best.layer };
}

export class MaskLensHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analyses: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const result = await this.analyses.get(document);
    if (!result) return undefined;
    const hit = layerAt(result.analysis.models, position);
    if (!hit) return undefined;
    const { model, layer } = hit;
    const range = toRange(layer.range);
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**${code(layer.className)}** ${code(layer.name)} in model ${code(model.name)}\n\n`);
    md.appendMarkdown(`Mask: in \`${String(layer.mask.in)}\` → out \`${String(layer.mask.out)}\`  \n`);
    md.appendMarkdown(`Effect: **${layer.mask.effect}** — ${EFFECT_TEXT[layer.mask.effect] ?? ''}  \n`);
    if (layer.unknownBecause) md.appendMarkdown(`Unknown because ${escapeMarkdown(layer.unknownBecause)}  \n`);
    md.appendMarkdown(`Output shape: ${code(shapeText(layer.outputShape))}  \n`);
    md.appendMarkdown(`Verdict for ${escapeMarkdown(result.analysis.keras)}\n\n`);
    // VS Code shows each diagnostic's message in the same hover, above this one: name them, do not repeat them.
    const codes = [
      ...new Set(
        model.diagnostics.filter((d) => toRange(d.range).intersection(range) !== undefined).map((d) => d.code),
      ),
    ];
    if (codes.length > 0)
      md.appendMarkdown(
        `Findings here: ${codes.map(code).join(', ')} (the problem${codes.length > 1 ? 's' : ''} above say${codes.length > 1 ? '' : 's'} what to do)\n`,
      );
    return new vscode.Hover(md, range);
  }
}
