/**
 * `masklens analyze --format sarif`: the findings as a SARIF 2.1.0 log, which code-scanning
 * tools (GitHub's upload-sarif action, Azure DevOps, SonarQube) read and show on pull requests.
 * One run, one rule per diagnostic code, one result per diagnostic with its region (1-based
 * lines and columns counted in UTF-16 code units, as VS Code counts them) and, where MaskLens
 * offers a quick fix, the fix as replacements. File URIs are relative to %SRCROOT%, the folder
 * the CLI ran in, so results line up with the repository's files.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { FileAnalysis } from '../core/analysis/analyze';
import type { Diagnostic, Range, Severity } from '../core/ir';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const HELP_URI = 'https://github.com/masklens/masklens#what-it-finds';

/** What each diagnostic code means, for the rule list code-scanning tools show. */
const RULES: Record<string, string> = {
  'mask-destroyed': 'A layer that does not support masking receives a mask and drops (or, in tf.keras, raises on) it.',
  'mask-consumed': 'A layer consumes the mask, so the layers after it and the loss see none.',
  'lambda-drops-mask': 'A Lambda layer without mask= does not propagate the incoming mask.',
  'nan-mask-value': 'Masking(mask_value=NaN) never matches, so NaN padding reaches the loss.',
  'embedding-mask-zero-vocab':
    'Embedding(mask_zero=True) reserves index 0, so input_dim must exceed the largest index.',
  'masking-needs-features': 'Masking compares whole feature vectors, so its input needs a feature axis.',
  'nan-padding': 'Sequences padded with NaN: masking multiplies by 0, and 0 * NaN is NaN, so the loss becomes NaN.',
  'keras-error': 'Keras itself raises an error on this code.',
  'unresolved-shape':
    'A dimension the source does not fix; give it with --dim or the masklens.unresolvedDimensions setting.',
  'unknown-layer': 'A layer class MaskLens does not know: its masking behaviour is unknown.',
  'unsupported-construct': 'Code MaskLens cannot follow statically, so part of the model is not analysed.',
  'internal-error': 'MaskLens failed to analyse the file.',
};

function level(severity: Severity): Sarif.Result.level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function region(range: Range): Sarif.Region {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** A file's location: relative to %SRCROOT% when it lies below it, else an absolute file URI. */
function artifactLocation(file: string, root: string, index: number): Sarif.ArtifactLocation {
  const rel = relative(root, resolve(root, file));
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(resolve(root, file)).href, index };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%', index };
}

function result(d: Diagnostic, location: Sarif.ArtifactLocation, ruleIndex: number): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: d.code,
    ruleIndex,
    level: level(d.severity),
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation: location, region: region(d.range) } }],
  };
  if (d.fix) {
    out.fixes = [
      {
        description: { text: d.fix.title },
        artifactChanges: [
          {
            artifactLocation: location,
            replacements: d.fix.edits.map((e) => ({
              deletedRegion: region(e.range),
              insertedContent: { text: e.newText },
            })),
          },
        ],
      },
    ];
  }
  return out;
}

export function toSarif(analyses: readonly FileAnalysis[], options: { root: string; toolVersion: string }): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = (code: string): number => {
    const at = rules.findIndex((r) => r.id === code);
    if (at >= 0) return at;
    rules.push({ id: code, shortDescription: { text: RULES[code] ?? code }, helpUri: HELP_URI });
    return rules.length - 1;
  };
  const results: Sarif.Result[] = [];
  const artifacts: Sarif.Artifact[] = [];
  analyses.forEach((analysis, index) => {
    const location = artifactLocation(analysis.file, options.root, index);
    artifacts.push({
      location: { uri: location.uri, uriBaseId: location.uriBaseId },
      properties: { keras: analysis.keras, models: analysis.models.map((m) => m.ir.name) },
    });
    for (const d of [...analysis.models.flatMap((m) => m.diagnostics), ...analysis.diagnostics])
      results.push(result(d, location, ruleIndex(d.code)));
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'MaskLens',
            version: options.toolVersion,
            informationUri: 'https://github.com/masklens/masklens',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${resolve(options.root)}${sep}`).href } },
        columnKind: 'utf16CodeUnits',
        artifacts,
        results,
      },
    ],
  };
}
