/** Shared test helpers: one analyzer per test process (loading the grammar is the slow part). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer, type Analyzer } from '../../src/core/analysis/analyzer';
import type { FileAnalysis, ModelAnalysis } from '../../src/core/analysis/analyze';
import type { Diagnostic, JsonObject, KerasFamily, Range } from '../../src/core/ir';
import type { MaskState } from '../../src/core/masking/state';

let shared: Promise<Analyzer> | null = null;

export function analyzer(): Promise<Analyzer> {
  shared ??= createAnalyzer();
  return shared;
}

let counter = 0;

export async function analyze(
  text: string,
  family: KerasFamily = 'keras3',
  extra: { kerasVersion?: string; dimensions?: Record<string, number> } = {},
): Promise<FileAnalysis> {
  // A fresh file name per call: no incremental reuse between unrelated snippets.
  return (await analyzer()).analyze(text, { file: `snippet-${counter++}.py`, family, ...extra });
}

export function model(a: FileAnalysis, name?: string): ModelAnalysis {
  const m = name === undefined ? a.models[0] : a.models.find((x) => x.ir.name === name);
  if (!m) throw new Error(`no model ${name ?? '(first)'}; have ${a.models.map((x) => x.ir.name).join(', ') || 'none'}`);
  return m;
}

/** Layer configs of a model, in config order. */
export function layers(m: ModelAnalysis): { class_name: string; config: JsonObject; inbound_nodes?: unknown[] }[] {
  return m.ir.config.config.layers as unknown as {
    class_name: string;
    config: JsonObject;
    inbound_nodes?: unknown[];
  }[];
}

export function layerConfig(m: ModelAnalysis, name: string): JsonObject {
  const l = layers(m).find((x) => x.config.name === name);
  if (!l)
    throw new Error(
      `no layer ${name}; have ${layers(m)
        .map((x) => String(x.config.name))
        .join(', ')}`,
    );
  return l.config;
}

/** `[class, name]` per layer. */
export function names(m: ModelAnalysis): [string, string][] {
  return layers(m).map((l) => [l.class_name, String(l.config.name)]);
}

/** Flattened `keras_history` of every inbound tensor, per layer name. */
export function connections(m: ModelAnalysis): Record<string, [string, number, number][][]> {
  const out: Record<string, [string, number, number][][]> = {};
  const walk = (v: unknown, acc: [string, number, number][]): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, acc));
    else if (v && typeof v === 'object') {
      const o = v as { class_name?: string; config?: { keras_history?: [string, number, number] } };
      if (o.class_name === '__keras_tensor__' && o.config?.keras_history) acc.push(o.config.keras_history);
      else Object.values(o).forEach((x) => walk(x, acc));
    }
  };
  for (const l of layers(m)) {
    out[String(l.config.name)] = (l.inbound_nodes ?? []).map((n) => {
      const acc: [string, number, number][] = [];
      walk((n as { args: unknown }).args, acc);
      return acc;
    });
  }
  return out;
}

/** A mask state as the tests write it: true / false, or 'unknown'. */
export type MaskFact = boolean | 'unknown';

const fact = (s: MaskState): MaskFact => (s === 'unknown' ? 'unknown' : s === 'yes');

export function masks(m: ModelAnalysis): Record<string, [MaskFact, MaskFact]> {
  return Object.fromEntries(m.layers.map((l) => [l.name, [fact(l.mask.in), fact(l.mask.out)]]));
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

export function find(diagnostics: Diagnostic[], code: string): Diagnostic {
  const d = diagnostics.find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} diagnostic; have ${codes(diagnostics).join(', ') || 'none'}`);
  return d;
}

/** The source text a range covers. */
export function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

/** Applies text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Every Python file of `examples/` and the golden corpus, in a stable order. */
export function corpusFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const dir of ['examples', 'test/golden/corpus']) {
    for (const n of readdirSync(dir)
      .filter((f) => f.endsWith('.py'))
      .sort())
      out.push({ name: `${dir}/${n}`, text: readFileSync(join(dir, n), 'utf8') });
  }
  return out;
}
