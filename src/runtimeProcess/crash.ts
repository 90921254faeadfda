/**
 * What a stopped runtime process tells its user: which signal or exit code ended it, the line
 * of its stderr that says why (TensorFlow and the C++ runtime print it just before they abort),
 * and what was running. Tasks in flight fail with one of these errors; nothing else is affected.
 */
import type { RegisteredKind } from '../core/protocol/taskKinds';

/** How a process ended, as Node's `exit` event reports it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The last lines a process wrote to stderr, to quote when it dies. */
export class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep = 20) {}

  /** Adds a chunk of output; returns the complete lines it finished. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    const complete = parts.map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
    this.lines.push(...complete);
    this.lines.splice(0, Math.max(0, this.lines.length - this.keep));
    return complete;
  }

  /** The kept lines, the unfinished last one included. */
  get text(): string[] {
    return this.partial.trim() ? [...this.lines, this.partial] : [...this.lines];
  }
}

/** C++ exception types the runtime throws, in words a user recognises. */
const EXCEPTION_NAMES: Record<string, string> = {
  'dnnl::error': 'oneDNN error',
  'std::bad_alloc': 'out of memory (std::bad_alloc)',
};

/** The stderr line that explains a crash, or null when the tail holds none. */
export function crashReason(tail: readonly string[]): string | null {
  for (let i = tail.length - 1; i >= 0; i--) {
    const line = tail[i].trim();
    const thrown = /terminate called after throwing an instance of '([^']+)'/.exec(line);
    if (thrown) {
      const what = /^what\(\):\s*(.+)$/.exec(tail[i + 1]?.trim() ?? '')?.[1];
      const name = EXCEPTION_NAMES[thrown[1]] ?? thrown[1];
      return what ? `${name}: ${what}` : name;
    }
    // TensorFlow's fatal log lines: "F0000 00:00:1700000000.000000  1234 file.cc:56] Check failed: ..."
    const fatal = /^F\d{4} .*?\] (.+)$/.exec(line);
    if (fatal) return fatal[1];
    const v8 = /FATAL ERROR: (.+)$/.exec(line);
    if (v8) return v8[1];
  }
  return null;
}

/** "SIGABRT: oneDNN error: could not create a primitive", "exit code 3", ... */
export function describeExit(exit: ProcessExit, tail: readonly string[]): string {
  const how = exit.signal ?? `exit code ${exit.code ?? 'unknown'}`;
  const reason = crashReason(tail);
  if (reason) return `${how}: ${clip(reason, 240)}`;
  if (exit.signal === 'SIGKILL') return `${how}: killed from outside, e.g. by the system when memory ran out`;
  return how;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** What a task was doing, for messages: "evaluating model 'm'". */
export interface TaskLabel {
  kind: RegisteredKind;
  model: string | null;
}

export function describeTask(label: TaskLabel): string {
  const model = `model '${label.model ?? '?'}'`;
  switch (label.kind) {
    case 'evaluate':
    case 'evaluateShard':
      return `evaluating ${model}`;
    case 'compare':
      return `comparing the losses of ${model}`;
    case 'train':
      return `training ${model}`;
    case 'probe':
      return 'probing the TensorFlow backend';
    case 'inspect':
      return 'reading a saved model';
  }
}
