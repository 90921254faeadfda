/**
 * The harness's handle on one Keras reference: bench/keras/server.py as one long-lived child
 * process, one JSON request per line (Keras on TensorFlow from .venv, or on JAX from the
 * bench's JAX venv, as env.KERAS_BACKEND says). One process keeps TensorFlow loaded and Keras' traced
 * functions warm between runs, so each Keras run is timed like a warm notebook cell.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';

export type KerasReply = { ok: true } & Record<string, unknown>;

export class KerasServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private stderrTail = '';

  constructor(
    root: string,
    python: string,
    env: NodeJS.ProcessEnv,
    /** 'TensorFlow' or 'JAX': which reference this is, in error messages. */
    readonly backend: string,
  ) {
    this.child = spawn(python, [join(root, 'bench', 'keras', 'server.py')], { cwd: join(root, 'bench', 'keras'), env });
    this.child.stderr.on('data', (chunk: Buffer) => {
      // Kept for error messages only; TensorFlow's log lines are not interesting otherwise.
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
    this.child.on('exit', () => {
      for (const w of this.waiting.splice(0)) w(null);
    });
    // No Python at that path (BENCH_PYTHON, or no .venv yet): say so instead of crashing the harness.
    this.child.on('error', (error) => {
      this.stderrTail += `\ncould not start ${python}: ${error.message}`;
      for (const w of this.waiting.splice(0)) w(null);
    });
    this.child.stdin.on('error', () => undefined); // a dead child's stdin; the request fails above
  }

  async request(op: string, args: Record<string, unknown> = {}): Promise<KerasReply> {
    const line = await new Promise<string | null>((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ op, ...args })}\n`);
    });
    if (line === null)
      throw new Error(
        `the Keras (${this.backend}) process exited: ${this.stderrTail.split('\n').slice(-6).join('\n')}`,
      );
    const reply = JSON.parse(line) as { ok: boolean; error?: string } & Record<string, unknown>;
    if (!reply.ok) throw new Error(`Keras (${this.backend}): ${reply.error ?? 'unknown error'}`);
    return reply as KerasReply;
  }

  close(): void {
    this.child.stdin.end();
  }
}
