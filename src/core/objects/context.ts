/**
 * The reader's state for one file, shared by the interpreter and the library stubs: options,
 * Keras' name counters, the models and layers built so far, diagnostics, a step budget so no
 * input (however mangled) can make the reader loop or recurse without bound, and the
 * interpreter as the stubs may use it (`evaluator`).
 */
import type { Diagnostic, KerasFamily, QuickFix, Range, Severity } from '../ir';
import { FAMILIES } from '../masking/registry';
import type { Evaluator } from './evaluator';
import type { ModuleSources } from './modules';
import { Namer } from './names';
import type { LayerObj, ModelObj } from './modelObjects';
import type { Syntax } from '../python/syntax';
import type { ClassValue, FuncValue, Value } from './values';

export interface ParseOptions {
  file: string;
  family: KerasFamily;
  kerasVersion?: string;
  /** Values for dimensions the source leaves open, keyed as diagnostics name them (`timesteps`). */
  dimensions?: Record<string, number>;
  /** The user's own modules, when the caller lets the reader follow imports into them. */
  modules?: ModuleSources;
  /**
   * Asked every few dozen steps; true ends the reading with `AnalysisStopped`. The analysis
   * process answers it from a flag shared with its main thread: a newer version of the file
   * arrived, or the analysis ran out of time.
   */
  shouldStop?: () => boolean;
}

/** Thrown when the step budget runs out; the reader keeps what it has built so far. */
export class BudgetExceeded extends Error {
  constructor(
    readonly steps: number,
    /** The loop or call of the user's code it ran out in (null: the file's own statements). */
    readonly blame: { node: Syntax; loop: boolean } | null,
  ) {
    super('step budget exhausted');
  }
}

/** Thrown when `shouldStop` says so: the reading is abandoned, nothing of it is kept. */
export class AnalysisStopped extends Error {
  constructor() {
    super('the analysis was stopped');
    this.name = 'AnalysisStopped';
  }
}

/**
 * Steps a reading may take beyond one per character of the file (straight-line code evaluates
 * each piece of it once, so the file's own size is always affordable: a one-line literal of
 * 400,000 numbers is 400,000 steps). What exceeds it comes from loops and calls of the user's
 * code; at 1-10 µs a step this ends a runaway in a second or two, well inside the analysis
 * time limit.
 */
export const EXTRA_STEPS = 400_000;
const WORK_PER_STEP = 128;
/**
 * `shouldStop` is asked when the step count is a multiple of this (a power of two). A step
 * (one statement or expression, layer calls included) takes 5-10 µs on the 2,000-line benchmark
 * files, a few thousand steps in all, so this stops within a millisecond; an Atomics.load per
 * 64 steps costs nothing measurable.
 */
const STOP_CHECK_INTERVAL = 64;
export const MAX_CALL_DEPTH = 12;
export const MAX_EXPR_DEPTH = 400;
export const MAX_LOOP_ITERATIONS = 1_000;

export class Ctx {
  readonly namer: Namer;
  readonly models: ModelObj[] = [];
  readonly layers: LayerObj[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Modules imported with `*`. */
  readonly wildcards: string[] = [];
  /** Right-hand sides of assignments by name, for provenance questions (`input_dim = len(vocab)`). */
  readonly assignments = new Map<string, Syntax>();
  /** Same-file functions that were called at least once (the rest are read as templates). */
  readonly calledFunctions = new Set<Syntax['id']>();
  readonly functions: FuncValue[] = [];
  readonly classes: ClassValue[] = [];
  /** Models built inside a same-file layer or model class (its sub-blocks): not models of their own. */
  readonly blocks = new Set<ModelObj>();
  /** Modules of the user's read so far, by path (Python's `sys.modules`): each runs once, a cycle sees the module half-run. */
  readonly modules = new Map<string, Value & { t: 'module' }>();
  /** Above 0 while a subclassed model's `call` is traced: Keras runs it on real tensors, so TensorFlow functions work there. */
  tracing = 0;
  /** How many imports deep the reading is (0: the file itself). */
  importDepth = 0;
  /** The module being read when it is not the file itself (its imports resolve from there). */
  modulePath: string | null = null;
  /** Files read for imports, by path (null: not there or not readable). */
  readonly moduleTexts = new Map<string, string | null>();
  /** Models saved with `model.save(path)`, by path: `load_model(path)` reads them back. */
  readonly savedModels = new Map<string, ModelObj>();
  /** Same-file classes instantiated at least once. */
  readonly instantiated = new Set<Syntax['id']>();
  private steps = 0;
  private readonly maxSteps: number;
  /** The loops and calls of the user's code running now, outermost first. */
  private readonly running: { node: Syntax; loop: boolean }[] = [];
  private nextId = 1;
  callDepth = 0;
  exprDepth = 0;
  readonly version: string;
  /** Whether the user supplied any dimension (most readings have none, and skip the look-ups). */
  readonly hasDimensions: boolean;
  /** The interpreter reading this file, as the library stubs may use it. */
  readonly evaluator: Evaluator;

  constructor(
    readonly options: ParseOptions,
    readonly text: string,
    evaluatorFor: (ctx: Ctx) => Evaluator,
  ) {
    this.namer = new Namer(options.family);
    this.maxSteps = EXTRA_STEPS + text.length;
    this.version = options.kerasVersion ?? FAMILIES[options.family].referenceVersion;
    this.hasDimensions = options.dimensions !== undefined && Object.keys(options.dimensions).length > 0;
    this.evaluator = evaluatorFor(this);
  }

  get family(): KerasFamily {
    return this.options.family;
  }

  id(): number {
    return this.nextId++;
  }

  step(): void {
    if (++this.steps > this.maxSteps)
      throw new BudgetExceeded(this.maxSteps, this.running.find((w) => w.loop) ?? this.running[0] ?? null);
    if ((this.steps & (STOP_CHECK_INTERVAL - 1)) === 0 && this.options.shouldStop?.()) throw new AnalysisStopped();
  }

  /**
   * Charges work that is not a step of its own: copying `units` list items or characters (a
   * list doubled is one expression, but costs its length). One step per 128 units.
   */
  work(units: number): void {
    const steps = Math.floor(units / WORK_PER_STEP);
    if (steps === 0) return;
    this.steps += steps - 1;
    this.step();
  }

  /**
   * Runs a loop or a call of the user's code, so that a step budget running out inside it is
   * blamed on it: on the outermost loop running (what multiplies the work), or else on the
   * outermost call (recursion).
   */
  within<T>(node: Syntax, loop: boolean, run: () => T): T {
    this.running.push({ node, loop });
    try {
      return run();
    } finally {
      this.running.pop();
    }
  }

  dimension(key: string | null): number | undefined {
    if (key === null) return undefined;
    const v = this.options.dimensions?.[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }

  diag(code: string, severity: Severity, message: string, range: Range, fix?: QuickFix): Diagnostic {
    const d: Diagnostic = { code, severity, message, range };
    if (fix) d.fix = fix;
    return d;
  }

  /** A file-level diagnostic, once per code and range. */
  report(code: string, severity: Severity, message: string, range: Range, fix?: QuickFix): void {
    const duplicate = this.diagnostics.some((d) => d.code === code && sameRange(d.range, range));
    if (!duplicate) this.diagnostics.push(this.diag(code, severity, message, range, fix));
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
