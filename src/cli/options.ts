/**
 * Command-line parsing shared by every `masklens` command: `node:util` parseArgs does the
 * tokenising (`--name value`, `--name=value`, `-h`, unknown options), and the helpers here turn
 * the strings it returns into checked values. A bad argument is a `UsageError` whose message
 * says what was expected; the command prints it with its usage text and exits 2.
 */
import type { KerasFamily } from '../core/ir';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

export class UsageError extends Error {}

/** Options every command that reads a model takes (parseArgs' own option descriptions). */
export const MODEL_OPTIONS = {
  keras: { type: 'string' },
  'keras-version': { type: 'string' },
  dim: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `parseArgs(...)`, turning its errors into a UsageError. */
export function parseCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes; their first sentence is the useful part.
    const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
    throw new UsageError(message);
  }
}

/** The single FILE argument. */
export function oneFile(positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError('missing FILE');
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
  return positionals[0];
}

export function kerasFamily(value: string | undefined): KerasFamily {
  if (value === undefined) return 'keras3';
  if (value !== 'keras3' && value !== 'tf-keras2')
    throw new UsageError(`--keras must be keras3 or tf-keras2 (got ${value})`);
  return value;
}

export function kerasVersion(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d+(\.\d+)*$/.test(value))
    throw new UsageError(`--keras-version needs a version like 3.15.1 (got ${value})`);
  return value;
}

/** `--dim NAME=N`, repeatable: values for dimensions the source leaves open. */
export function dimensions(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^(.+)=(\d+)$/.exec(v);
    if (!m) throw new UsageError(`--dim needs NAME=N (got ${v})`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new UsageError(`${flag} needs an integer (got ${value})`);
  return n;
}

export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  const n = integer(value, flag);
  if (n !== undefined && n <= 0) throw new UsageError(`${flag} needs a positive integer (got ${value})`);
  return n;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const hit = allowed.find((a) => a === value);
  if (hit === undefined) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got ${value})`);
  return hit;
}
