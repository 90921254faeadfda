/**
 * LSTM, GRU (both `reset_after` forms; Keras 3 defaults to True, which tfjs-layers lacks),
 * SimpleRNN, the generic `RNN(cell)` and `Bidirectional`, following Keras' TensorFlow
 * `rnn()` loop: at a masked step the states are carried over and the output repeats the
 * previous step's output (zeros with `zero_output_for_mask`, as Bidirectional forces).
 */
import type { JsonObject, JsonValue } from '../../core/ir';
import type { Shape } from '../../core/graph/modelGraph';
import { type ActivationFn, getActivation } from './activations';
import {
  type CallContext,
  type CallExtra,
  type LayerEnv,
  RuntimeLayer,
  type Tensor,
  type Variable,
  lastDim,
} from './base';
import { denseOp } from './core';
import { type FusedGruWeights, fusedGru } from './fusedGru';
import { type FusedLstmWeights, fusedLstm } from './fusedLstm';
import { fusedRnnEnabled, prefixLengths } from './fusedRnn';
import { initialize } from './initializers';
import type { WeightBuilder } from './weights';

type Tf = LayerEnv['tf'];

interface StepResult {
  output: Tensor;
  states: Tensor[];
}

/** One recurrent cell: weights, the per-sequence input projection, and one step. */
abstract class Cell {
  protected kernel!: Variable;
  protected recurrent!: Variable;
  protected bias: Variable | null = null;
  protected act!: ActivationFn;
  protected recAct!: ActivationFn;
  readonly units: number;

  constructor(
    protected readonly tf: Tf,
    protected readonly config: JsonObject,
    protected readonly env: LayerEnv,
    readonly who: string,
  ) {
    this.units = Number(config.units);
  }

  protected activations(): void {
    this.act = getActivation(this.tf, this.config.activation ?? 'tanh', this.env.family, this.who).fn;
    this.recAct = getActivation(this.tf, this.config.recurrent_activation ?? 'sigmoid', this.env.family, this.who).fn;
  }

  abstract build(inputDim: number, w: WeightBuilder): void;
  abstract stateCount(): number;
  /** x (b, T, f) → its projection through the kernel (and input bias), (b, T, gates·units). */
  abstract project(x: Tensor): Tensor;
  abstract step(projected: Tensor, states: Tensor[], recurrentDropout: Tensor | null): StepResult;

  dropout(): number {
    return typeof this.config.dropout === 'number' ? this.config.dropout : 0;
  }

  recurrentDropout(): number {
    return typeof this.config.recurrent_dropout === 'number' ? this.config.recurrent_dropout : 0;
  }

  protected useBias(): boolean {
    return this.config.use_bias !== false;
  }

  /**
   * Whether a fused path computes exactly this cell: Keras' default tanh/sigmoid activations,
   * and no dropout drawn (dropout applies in training only).
   */
  protected fusable(training: boolean): boolean {
    const act = this.config.activation ?? 'tanh';
    const recAct = this.config.recurrent_activation ?? 'sigmoid';
    if (act !== 'tanh' || recAct !== 'sigmoid') return false;
    return !(training && (this.dropout() > 0 || this.recurrentDropout() > 0));
  }
}

class LSTMCell extends Cell {
  build(inputDim: number, w: WeightBuilder): void {
    const u = this.units;
    this.kernel = w.add('kernel', [inputDim, 4 * u], this.config.kernel_initializer, 'glorot_uniform');
    this.recurrent = w.add('recurrent_kernel', [u, 4 * u], this.config.recurrent_initializer, 'orthogonal');
    if (this.useBias()) {
      const unitForget = this.config.unit_forget_bias !== false;
      this.bias = w.add('bias', [4 * u], this.config.bias_initializer, 'zeros', true, (seedFor) => {
        if (!unitForget) return initialize(this.config.bias_initializer, 'zeros', [4 * u], seedFor('init'), this.who);
        // Keras: concat(init(units), ones(units), init(2 * units)).
        const out = new Float32Array(4 * u);
        out.set(initialize(this.config.bias_initializer, 'zeros', [u], seedFor('i'), this.who), 0);
        out.fill(1, u, 2 * u);
        out.set(initialize(this.config.bias_initializer, 'zeros', [2 * u], seedFor('co'), this.who), 2 * u);
        return out;
      });
    }
    this.activations();
  }

  stateCount(): number {
    return 2;
  }

  /**
   * The weights for the fused BlockLSTM kernel, or null when this cell is not the plain LSTM
   * that kernel computes: tanh/sigmoid activations, and no dropout drawn in training.
   */
  fusedWeights(training: boolean): FusedLstmWeights | null {
    if (!this.fusable(training)) return null;
    return { kernel: this.kernel, recurrent: this.recurrent, bias: this.bias, units: this.units };
  }

  project(x: Tensor): Tensor {
    const z = denseOp({ tf: this.tf }, x, this.kernel);
    return this.bias ? this.tf.add(z, this.bias) : z;
  }

  step(xz: Tensor, [h, c]: Tensor[], recDrop: Tensor | null): StepResult {
    const tf = this.tf;
    const hIn = recDrop ? tf.mul(h, recDrop) : h;
    const z = tf.add(xz, tf.matMul(hIn, this.recurrent));
    const [z0, z1, z2, z3] = tf.split(z, 4, 1);
    const i = this.recAct(z0);
    const f = this.recAct(z1);
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, this.act(z2)));
    const o = this.recAct(z3);
    const hNew = tf.mul(o, this.act(cNew));
    return { output: hNew, states: [hNew, cNew] };
  }
}

class GRUCell extends Cell {
  private resetAfter = true;

  build(inputDim: number, w: WeightBuilder): void {
    const u = this.units;
    // Keras 3 and tf.keras ≥ 2 default to reset_after=True (the cuDNN-compatible form).
    this.resetAfter = this.config.reset_after !== false;
    this.kernel = w.add('kernel', [inputDim, 3 * u], this.config.kernel_initializer, 'glorot_uniform');
    this.recurrent = w.add('recurrent_kernel', [u, 3 * u], this.config.recurrent_initializer, 'orthogonal');
    // With reset_after the bias is (2, 3u): the input bias, then the recurrent bias.
    if (this.useBias())
      this.bias = w.add('bias', this.resetAfter ? [2, 3 * u] : [3 * u], this.config.bias_initializer, 'zeros');
    this.activations();
  }

  stateCount(): number {
    return 1;
  }

  /** The weights for the fused GRU path (fusedGru.ts), or null when it does not compute this cell. */
  fusedWeights(training: boolean): FusedGruWeights | null {
    if (!this.fusable(training)) return null;
    const [inputBias, recurrentBias] = this.biases();
    const { kernel, recurrent, units, resetAfter } = this;
    return { kernel, recurrent, inputBias, recurrentBias, units, resetAfter };
  }

  private biases(): [Tensor | null, Tensor | null] {
    if (!this.bias) return [null, null];
    if (!this.resetAfter) return [this.bias, null];
    const [a, b] = this.tf.unstack(this.bias, 0);
    return [a, b];
  }

  project(x: Tensor): Tensor {
    const [inputBias] = this.biases();
    const z = denseOp({ tf: this.tf }, x, this.kernel);
    return inputBias ? this.tf.add(z, inputBias) : z;
  }

  step(xz: Tensor, [h]: Tensor[], recDrop: Tensor | null): StepResult {
    const tf = this.tf;
    const u = this.units;
    const hIn = recDrop ? tf.mul(h, recDrop) : h;
    const [xZ, xR, xH] = tf.split(xz, 3, 1);
    let z: Tensor;
    let r: Tensor;
    let recH: Tensor;
    if (this.resetAfter) {
      const [, recurrentBias] = this.biases();
      let inner = tf.matMul(hIn, this.recurrent);
      if (recurrentBias) inner = tf.add(inner, recurrentBias);
      const [rZ, rR, rH] = tf.split(inner, 3, 1);
      z = this.recAct(tf.add(xZ, rZ));
      r = this.recAct(tf.add(xR, rR));
      recH = tf.mul(r, rH);
    } else {
      const [uZR, uH] = tf.split(this.recurrent, [2 * u, u], 1);
      const inner = tf.matMul(hIn, uZR);
      const [rZ, rR] = tf.split(inner, 2, 1);
      z = this.recAct(tf.add(xZ, rZ));
      r = this.recAct(tf.add(xR, rR));
      recH = tf.matMul(tf.mul(r, hIn), uH);
    }
    const hh = this.act(tf.add(xH, recH));
    const hNew = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    return { output: hNew, states: [hNew] };
  }
}

class SimpleRNNCell extends Cell {
  build(inputDim: number, w: WeightBuilder): void {
    const u = this.units;
    this.kernel = w.add('kernel', [inputDim, u], this.config.kernel_initializer, 'glorot_uniform');
    this.recurrent = w.add('recurrent_kernel', [u, u], this.config.recurrent_initializer, 'orthogonal');
    if (this.useBias()) this.bias = w.add('bias', [u], this.config.bias_initializer, 'zeros');
    this.act = getActivation(this.tf, this.config.activation ?? 'tanh', this.env.family, this.who).fn;
  }

  stateCount(): number {
    return 1;
  }

  project(x: Tensor): Tensor {
    const z = denseOp({ tf: this.tf }, x, this.kernel);
    return this.bias ? this.tf.add(z, this.bias) : z;
  }

  step(xz: Tensor, [h]: Tensor[], recDrop: Tensor | null): StepResult {
    const tf = this.tf;
    const hIn = recDrop ? tf.mul(h, recDrop) : h;
    const out = this.act(tf.add(xz, tf.matMul(hIn, this.recurrent)));
    return { output: out, states: [out] };
  }
}

const CELLS: Record<string, new (tf: Tf, config: JsonObject, env: LayerEnv, who: string) => Cell> = {
  LSTM: LSTMCell,
  LSTMCell: LSTMCell,
  GRU: GRUCell,
  GRUCell: GRUCell,
  SimpleRNN: SimpleRNNCell,
  SimpleRNNCell: SimpleRNNCell,
};

function objectOf(v: JsonValue | undefined): JsonObject | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
}

/** An RNN layer: LSTM / GRU / SimpleRNN, or `RNN(cell=...)` with one of their cells. */
export class Recurrent extends RuntimeLayer {
  private cell!: Cell;

  private cellFor(): Cell {
    if (this.className === 'RNN') {
      const cellSpec = objectOf(this.config.cell);
      const cellClass = typeof cellSpec?.class_name === 'string' ? cellSpec.class_name : '';
      const Ctor = CELLS[cellClass];
      if (!Ctor)
        this.fail(`cell '${cellClass || 'unknown'}' is not supported (supported: LSTMCell, GRUCell, SimpleRNNCell)`);
      return new Ctor(this.env.tf, objectOf(cellSpec?.config) ?? {}, this.env, this.name);
    }
    return new CELLS[this.className](this.env.tf, this.config, this.env, this.name);
  }

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    if (this.bool('stateful', false))
      this.fail('stateful=True is not supported (MaskLens evaluates each batch from zero states)');
    if (inputShapes[0].length !== 3)
      this.fail(`expects 3-D input (batch, timesteps, features), got rank ${inputShapes[0].length}`, 'data-shape');
    this.cell = this.cellFor();
    // A size the source left open must never run as 0 units.
    if (!Number.isInteger(this.cell.units) || this.cell.units <= 0) {
      this.fail(
        'its units are not fixed by the source (they come from data or code MaskLens does not run); give the value (--dim, or masklens.unresolvedDimensions in VS Code), or choose weights that fix it',
        'model-dimension',
      );
    }
    this.cell.build(lastDim(inputShapes[0], this.name), w);
  }

  get returnSequences(): boolean {
    return this.bool('return_sequences', false);
  }

  override outputShape(inputShapes: Shape[]): Shape {
    const units =
      this.className === 'RNN' ? Number(objectOf(objectOf(this.config.cell)?.config)?.units) : this.num('units');
    const [b, t] = inputShapes[0];
    return this.returnSequences ? [b, t, units] : [b, units];
  }

  get returnState(): boolean {
    return this.bool('return_state', false);
  }

  /** How many state tensors the cell carries (LSTM: h, c; GRU and SimpleRNN: h). */
  get stateCount(): number {
    return this.cell.stateCount();
  }

  /**
   * Keras: `[output, *final_states]` with return_state (LSTM: h, c; GRU and SimpleRNN: h).
   * Inputs after the sequence are the initial states (`initial_state=`, or tf-keras 2's
   * `layer([x, h, c])`).
   */
  call([x, ...initial]: Tensor[], [mask]: (Tensor | null)[], ctx: CallContext, extra?: CallExtra): Tensor | Tensor[] {
    if (unreadStates(extra)) this.fail(UNREAD_STATES, 'model-config');
    const r = this.run(x, mask ?? null, ctx, undefined, initial);
    return this.returnState ? [r.output, ...r.states] : r.output;
  }

  /** The output and the final states (carried over masked steps, as Keras carries them). */
  run(
    x: Tensor,
    mask: Tensor | null,
    ctx: CallContext,
    zeroOutputOverride?: boolean,
    initialStates: Tensor[] = [],
  ): StepResult {
    if (this.config.constants !== undefined && this.config.constants !== null) this.fail('constants= is not supported');
    return runRnn(ctx, this.cell, x, mask, {
      goBackwards: this.bool('go_backwards', false),
      returnSequences: this.returnSequences,
      zeroOutputForMask: zeroOutputOverride ?? this.bool('zero_output_for_mask', false),
      needStates: this.returnState,
      initialStates: initialStates.length > 0 ? this.checkedStates(x, initialStates) : null,
    });
  }

  /** Initial states as Keras requires them: one per cell state, each (batch, units). */
  private checkedStates(x: Tensor, states: Tensor[]): Tensor[] {
    const want = this.cell.stateCount();
    if (states.length !== want) {
      this.fail(
        `initial_state has ${states.length} tensor${states.length === 1 ? '' : 's'}, but a ${this.className} layer has ${want} state${want === 1 ? '' : 's'} (${want === 2 ? '[h, c]' : '[h]'})`,
        'model-config',
      );
    }
    const batch = x.shape[0];
    states.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.cell.units) {
        this.fail(
          `initial state ${i} has shape (${s.shape.join(', ')}), the layer needs (${batch}, ${this.cell.units})`,
          'data-shape',
        );
      }
    });
    return states;
  }
}

interface RnnOptions {
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOutputForMask: boolean;
  /** The final states are wanted (return_state): the fused path does not return them. */
  needStates: boolean;
  /** The states the first step starts from (Keras: zeros unless `initial_state=` is given). */
  initialStates: Tensor[] | null;
}

function dropoutMask(ctx: CallContext, shape: number[], rate: number): Tensor | null {
  if (!ctx.training || rate <= 0) return null;
  return ctx.tf.dropout(ctx.tf.ones(shape), rate, undefined, ctx.nextSeed());
}

/** The layer's output through a fused path, or null when none computes it exactly (cell, mask or backend). */
function fusedRun(ctx: CallContext, cell: Cell, x: Tensor, mask: Tensor | null, o: RnnOptions): Tensor | null {
  const { tf } = ctx;
  const lstm = cell instanceof LSTMCell ? cell.fusedWeights(ctx.training) : null;
  const gru = cell instanceof GRUCell ? cell.fusedWeights(ctx.training) : null;
  if (!lstm && !gru) return null;
  const [batch, steps] = x.shape;
  const lengths = prefixLengths(tf, mask, batch, steps);
  if (!lengths) return null;
  return lstm ? fusedLstm(tf, x, lstm, lengths, o) : gru ? fusedGru(tf, x, gru, lengths, o) : null;
}

/** Keras' backend `rnn()` with a mask, unrolled (sequences are short enough, and gradients flow). */
function runRnn(ctx: CallContext, cell: Cell, x: Tensor, mask: Tensor | null, o: RnnOptions): StepResult {
  const { tf } = ctx;
  const [batch, steps, features] = x.shape;
  if (steps > 0 && !o.needStates && !o.initialStates && fusedRnnEnabled()) {
    const y = fusedRun(ctx, cell, x, mask, o);
    if (y) return { output: y, states: [] };
  }
  const inDrop = dropoutMask(ctx, [batch, 1, features], cell.dropout());
  const recDrop = dropoutMask(ctx, [batch, cell.units], cell.recurrentDropout());
  const projected = cell.project(inDrop ? tf.mul(x, inDrop) : x);
  let xs = tf.unstack(projected, 1);
  let ms = mask ? tf.unstack(tf.cast(mask, 'bool'), 1) : null;
  if (o.goBackwards) {
    // Copies: tfjs' tape holds the very array unstack returned, and an in-place
    // reverse would silently pair each gradient with the wrong timestep.
    xs = [...xs].reverse();
    ms = ms ? [...ms].reverse() : null;
  }
  const zeros = tf.zeros([batch, cell.units]);
  // The output before the first unmasked step stays zeros even from given states, as in Keras' rnn().
  let states: Tensor[] = o.initialStates ?? Array.from({ length: cell.stateCount() }, () => zeros);
  let prev = zeros;
  const outputs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    ctx.checkpoint?.();
    const r = cell.step(xs[t], states, recDrop);
    if (ms) {
      const keep = tf.broadcastTo(tf.expandDims(ms[t], 1), [batch, cell.units]);
      prev = tf.where(keep, r.output, o.zeroOutputForMask ? zeros : prev);
      states = r.states.map((s, i) => tf.where(keep, s, states[i]));
    } else {
      prev = r.output;
      states = r.states;
    }
    outputs.push(prev);
  }
  if (steps === 0) return { output: o.returnSequences ? tf.zeros([batch, 0, cell.units]) : zeros, states };
  return { output: o.returnSequences ? tf.stack(outputs, 1) : outputs[outputs.length - 1], states };
}

/** Bidirectional(RNN): forward and backward layers; the backward output is flipped back in time. */
export class Bidirectional extends RuntimeLayer {
  private forward!: Recurrent;
  private backward!: Recurrent;

  private inner(spec: JsonValue | undefined, fallbackName: string, goBackwards?: boolean): Recurrent {
    const s = objectOf(spec);
    const className = typeof s?.class_name === 'string' ? s.class_name : '';
    if (!['LSTM', 'GRU', 'SimpleRNN', 'RNN'].includes(className))
      this.fail(`wrapped layer '${className || 'unknown'}' is not supported`);
    const config = { ...(objectOf(s?.config) ?? {}) };
    if (goBackwards !== undefined) config.go_backwards = goBackwards;
    const name = typeof config.name === 'string' ? config.name : fallbackName;
    return new Recurrent(name, className, config, this.env);
  }

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    const mergeMode = this.config.merge_mode;
    if (mergeMode === null) this.fail('merge_mode=None (two outputs) is not supported');
    this.forward = this.inner(this.config.layer, `forward_${this.name}`);
    const forwardBackwards = this.forward.config.go_backwards === true;
    this.backward = this.config.backward_layer
      ? this.inner(this.config.backward_layer, `backward_${this.name}`)
      : this.inner(this.config.layer, `backward_${this.name}`, !forwardBackwards);
    this.forward.build(inputShapes, w.scoped('forward'));
    this.backward.build(inputShapes, w.scoped('backward'));
  }

  override outputShape(inputShapes: Shape[]): Shape {
    const f = this.forward.outputShape(inputShapes);
    const last = f[f.length - 1];
    const mode = this.str('merge_mode', 'concat');
    return [...f.slice(0, -1), mode === 'concat' && last !== null ? last * 2 : last];
  }

  get returnSequences(): boolean {
    return this.forward.returnSequences;
  }

  /**
   * Inputs after the sequence are initial states: the first half the forward layer's, the
   * rest the backward layer's. With return_state Keras returns `[output, *forward_states,
   * *backward_states]` (LSTM: forward h, c, backward h, c).
   */
  call([x, ...initial]: Tensor[], masks: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor | Tensor[] {
    if (unreadStates(extra)) this.fail(UNREAD_STATES, 'model-config');
    // Keras forces zero_output_for_mask = return_sequences on both directions.
    const zero = this.returnSequences;
    const mask = masks[0] ?? null;
    const half = initial.length / 2;
    if (!Number.isInteger(half))
      this.fail(
        `initial_state has ${initial.length} tensors; it needs the forward layer's states and then the backward layer's`,
        'model-config',
      );
    const forward = this.forward.run(x, mask, ctx, zero, initial.slice(0, half));
    const backward = this.backward.run(x, mask, ctx, zero, initial.slice(half));
    const output = this.merged(ctx, forward.output, backward.output);
    return this.forward.returnState ? [output, ...forward.states, ...backward.states] : output;
  }

  private merged(ctx: CallContext, y: Tensor, backwardOutput: Tensor): Tensor {
    const { tf } = ctx;
    const yRev = this.returnSequences ? tf.reverse(backwardOutput, 1) : backwardOutput;
    switch (this.str('merge_mode', 'concat')) {
      case 'concat':
        return tf.concat([y, yRev], -1);
      case 'sum':
        return tf.add(y, yRev);
      case 'ave':
        return tf.div(tf.add(y, yRev), 2);
      case 'mul':
        return tf.mul(y, yRev);
      default:
        this.fail(`merge_mode '${this.str('merge_mode', '')}' is not supported`);
    }
  }
}

/**
 * States a model passes that are not tensors of the graph (the reader could not follow what
 * made them) stay a keyword argument of the node; starting from zeros instead would give a
 * number Keras does not.
 */
function unreadStates(extra: CallExtra | undefined): boolean {
  const given = extra?.kwargs.initial_state;
  return given !== undefined && given !== null;
}

const UNREAD_STATES =
  'initial_state= is given states MaskLens could not follow to the layers that make them, so it cannot know where this layer starts; it refuses rather than start from zeros, which would give a number Keras does not';
