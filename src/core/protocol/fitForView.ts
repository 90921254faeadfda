/**
 * Fits what the host sends the panel to the limits of its schema, so that a 300-character
 * layer name or thousands of layers are shown shortened, never refused (the webview validates
 * every message and drops one that does not fit).
 */
import { VIEW_LIMITS, type ResultSources } from './viewMessages';

/** `text` cut in the middle to `max` characters, so both its start and its end stay readable. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** A result's layer sources, fitted: the first layers' ranges, names as long as an identifier may be. */
export function fitResultSources(sources: ResultSources): ResultSources {
  return {
    file: shorten(sources.file, 4096),
    layers: sources.layers.slice(0, VIEW_LIMITS.layers).map((l) => ({ ...l, name: shorten(l.name, VIEW_LIMITS.name) })),
  };
}
