/**
 * Adam, SGD, RMSprop and Adagrad with Keras 3's update rules and defaults (tf.keras ≥ 2.11
 * uses the same), by name or serialized object. tfjs' own optimizers place Adam's epsilon
 * differently, which shows after one step when gradients are small.
 */
import type { JsonValue } from '../core/ir';
import { UserFacingError } from '../core/protocol/task';
import type { Tensor, Variable } from './layers/base';
import type { Tf } from './tf';

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop' | 'adagrad';

export interface OptimizerSpec {
  name: OptimizerName;
  config: Record<string, number>;
}

const DEFAULTS: Record<OptimizerName, Record<string, number>> = {
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: 0 },
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: 0 },
  rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: 0 },
  adagrad: { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 },
};

export function resolveOptimizer(spec: JsonValue | undefined): OptimizerSpec {
  let raw = 'adam';
  let config: Record<string, JsonValue> = {};
  if (typeof spec === 'string') raw = spec;
  else if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.class_name === 'string') {
    raw = spec.class_name;
    if (spec.config && typeof spec.config === 'object' && !Array.isArray(spec.config)) config = spec.config;
  } else if (spec !== undefined && spec !== null) {
    throw new UserFacingError(`optimizer ${JSON.stringify(spec)} is not understood`, 'optimizer-unsupported');
  }
  const name = raw.replace(/^(keras\.optimizers\.|tf\.keras\.optimizers\.)/, '').toLowerCase() as OptimizerName;
  if (!(name in DEFAULTS))
    throw new UserFacingError(
      `optimizer '${raw}' is not supported (supported: adam, sgd, rmsprop, adagrad)`,
      'optimizer-unsupported',
    );
  const out: Record<string, number> = { ...DEFAULTS[name] };
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
    else if (k === 'learning_rate' && v !== null)
      throw new UserFacingError('learning-rate schedules are not supported; give a number', 'optimizer-unsupported');
  }
  for (const k of ['clipnorm', 'clipvalue', 'global_clipnorm', 'weight_decay']) {
    if (typeof config[k] === 'number') out[k] = config[k] as number;
  }
  return { name, config: out };
}

export class KerasOptimizer {
  private iterations = 0;
  private readonly slots = new Map<string, Variable[]>();

  constructor(
    private readonly tf: Tf,
    readonly spec: OptimizerSpec,
  ) {}

  private slot(v: Variable, count: number, init: number): Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      s = Array.from({ length: count }, () => this.tf.variable(this.tf.fill(v.shape, init), false));
      this.slots.set(v.name, s);
    }
    return s;
  }

  private clip(grads: Tensor[]): Tensor[] {
    const { tf } = this;
    const c = this.spec.config;
    let out = grads;
    if (c.clipvalue !== undefined) out = out.map((g) => tf.clipByValue(g, -c.clipvalue, c.clipvalue));
    if (c.clipnorm !== undefined) {
      out = out.map((g) => {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        return tf.mul(g, tf.div(c.clipnorm, tf.maximum(norm, c.clipnorm)));
      });
    }
    if (c.global_clipnorm !== undefined) {
      const norm = tf.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.div(c.global_clipnorm, tf.maximum(norm, c.global_clipnorm));
      out = out.map((g) => tf.mul(g, scale));
    }
    return out;
  }

  /** One update of every variable with its gradient (same order). */
  apply(variables: Variable[], gradients: Tensor[], sparseSquares?: Map<string, Tensor>): void {
    const { tf } = this;
    const c = this.spec.config;
    const lr = c.learning_rate;
    const step = this.iterations + 1;
    tf.tidy(() => {
      const grads = this.clip(gradients);
      variables.forEach((v, i) => {
        const g = grads[i];
        // Σ of squared per-occurrence gradients where Keras 3 sees IndexedSlices (Embedding), else g².
        const g2 = (): Tensor => sparseSquares?.get(v.name) ?? tf.square(g);
        if (c.weight_decay) v.assign(tf.sub(v, tf.mul(v, c.weight_decay * lr)));
        switch (this.spec.name) {
          case 'sgd': {
            if (!c.momentum) {
              v.assign(tf.sub(v, tf.mul(g, lr)));
              break;
            }
            const [m] = this.slot(v, 1, 0);
            m.assign(tf.sub(tf.mul(m, c.momentum), tf.mul(g, lr)));
            v.assign(c.nesterov ? tf.add(v, tf.sub(tf.mul(m, c.momentum), tf.mul(g, lr))) : tf.add(v, m));
            break;
          }
          case 'adam': {
            const [m, u, vhat] = this.slot(v, c.amsgrad ? 3 : 2, 0);
            const alpha = (lr * Math.sqrt(1 - Math.fround(c.beta_2) ** step)) / (1 - Math.fround(c.beta_1) ** step);
            m.assign(tf.add(m, tf.mul(tf.sub(g, m), 1 - c.beta_1)));
            u.assign(tf.add(u, tf.mul(tf.sub(g2(), u), 1 - c.beta_2)));
            let denomSource: Tensor = u;
            if (vhat) {
              vhat.assign(tf.maximum(vhat, u));
              denomSource = vhat;
            }
            v.assign(tf.sub(v, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(denomSource), c.epsilon))));
            break;
          }
          case 'rmsprop': {
            const [vel, mom, mg] = this.slot(v, 3, 0);
            vel.assign(tf.add(tf.mul(vel, c.rho), tf.mul(g2(), 1 - c.rho)));
            let denom: Tensor;
            if (c.centered) {
              mg.assign(tf.add(tf.mul(mg, c.rho), tf.mul(g, 1 - c.rho)));
              denom = tf.add(tf.sub(vel, tf.square(mg)), c.epsilon);
            } else denom = tf.add(vel, c.epsilon);
            const increment = tf.div(tf.mul(g, lr), tf.sqrt(denom));
            if (c.momentum > 0) {
              mom.assign(tf.add(tf.mul(mom, c.momentum), increment));
              v.assign(tf.sub(v, mom));
            } else v.assign(tf.sub(v, increment));
            break;
          }
          case 'adagrad': {
            const [acc] = this.slot(v, 1, c.initial_accumulator_value);
            acc.assign(tf.add(acc, g2()));
            v.assign(tf.sub(v, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(acc, c.epsilon)))));
            break;
          }
        }
      });
    });
    this.iterations++;
  }

  dispose(): void {
    for (const s of this.slots.values()) for (const v of s) v.dispose();
    this.slots.clear();
  }
}
