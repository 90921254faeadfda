/**
 * Creates a layer's weights in Keras `get_weights()` order: from given arrays (a golden
 * fixture, a weights file) with their shapes checked, or from Keras-default initializers
 * under the run's seed.
 */
import type { JsonValue } from '../../core/ir';
import { formatShape } from '../../core/format';
import type { MemoryBudget } from '../../core/runtime/memory';
import { UserFacingError } from '../../core/protocol/task';
import { subSeed } from '../../core/data/random';
import type { Tf, Variable } from '../tf';
import { initialize } from './initializers';

export interface GivenWeight {
  name?: string;
  shape: number[];
  values: Float32Array;
}

export interface WeightRecord {
  layer: string;
  name: string;
  shape: number[];
  variable: Variable;
  trainable: boolean;
}

let variableCounter = 0;

export class WeightBuilder {
  constructor(
    private readonly tf: Tf,
    readonly layer: string,
    private readonly seed: number,
    private readonly given: GivenWeight[] | null,
    readonly created: WeightRecord[] = [],
    private readonly prefix = '',
    /** How many of `given` this builder (and the builders scoped from it) has taken. */
    private readonly taken = { count: 0 },
    /** Charged for each weight before it exists; `label` names the layer in a refusal. */
    private readonly budget?: { budget: MemoryBudget; label: string },
  ) {}

  /** A builder for a nested layer (a Bidirectional's forward RNN): same list, prefixed names. */
  scoped(prefix: string): WeightBuilder {
    return new WeightBuilder(
      this.tf,
      this.layer,
      this.seed,
      this.given,
      this.created,
      `${this.prefix}${prefix}/`,
      this.taken,
      this.budget,
    );
  }

  /** How many of its given arrays this builder has taken so far (a slice counts its own). */
  get takenCount(): number {
    return this.taken.count;
  }

  /** How many arrays were given for the layer (null: weights come from initializers). */
  get givenCount(): number | null {
    return this.given ? this.given.length : null;
  }

  /**
   * A builder for a layer a custom layer holds: its weights are `count` arrays from `offset`
   * of the given list (Keras lists a layer's own weights, then each held layer's in turn,
   * whatever order they are created in), recorded in the same list. The slice's arrays count
   * as taken here, so a layer after this one (in a nested model's one list) takes the next.
   */
  slice(prefix: string, offset: number, count: number): WeightBuilder {
    this.taken.count = Math.max(this.taken.count, offset + count);
    return new WeightBuilder(
      this.tf,
      this.layer,
      this.seed,
      this.given ? this.given.slice(offset, offset + count) : null,
      this.created,
      `${this.prefix}${prefix}/`,
      { count: 0 },
      this.budget,
    );
  }

  add(
    name: string,
    shape: number[],
    init: JsonValue | undefined,
    fallback: string,
    trainable = true,
    compose?: (seedFor: (part: string) => number) => Float32Array,
  ): Variable {
    const index = this.taken.count++;
    const fullName = `${this.prefix}${name}`;
    const shapeText = `(${shape.join(', ')})`;
    // While it is initialised a weight exists twice: the initialiser's array and TensorFlow's copy.
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    this.budget?.budget.take(
      bytes * 2,
      `${this.budget.label}: its weight '${fullName}' of shape ${formatShape(shape)}`,
    );
    let values: Float32Array;
    if (this.given) {
      const g = this.given[index];
      if (!g) {
        throw new UserFacingError(
          `weights for layer '${this.layer}': array ${index + 1} ('${fullName}', shape ${shapeText}) is missing; ${this.given.length} were given`,
          'weights-shape',
          this.layer,
        );
      }
      if (g.shape.length !== shape.length || g.shape.some((d, i) => d !== shape[i])) {
        throw new UserFacingError(
          `weights for layer '${this.layer}': array ${index + 1}${g.name ? ` ('${g.name}')` : ''} has shape (${g.shape.join(', ')}), the layer's '${fullName}' needs ${shapeText}`,
          'weights-shape',
          this.layer,
        );
      }
      values = g.values;
    } else {
      const seedFor = (part: string) => subSeed(this.seed, `${this.layer}/${fullName}/${part}`);
      values = compose
        ? compose(seedFor)
        : initialize(init, fallback, shape, seedFor('init'), `${this.layer}/${fullName}`);
    }
    const initial = this.tf.tensor(values, shape, 'float32');
    const variable = this.tf.variable(initial, trainable, `masklens_${++variableCounter}/${this.layer}/${fullName}`);
    initial.dispose();
    this.budget?.budget.release(bytes);
    this.created.push({ layer: this.layer, name: fullName, shape, variable, trainable });
    return variable;
  }

  /** Fails if more arrays were given than the layer has weights. */
  finish(): void {
    if (this.given && this.given.length !== this.created.length) {
      throw new UserFacingError(
        `weights for layer '${this.layer}': ${this.given.length} arrays were given, the layer has ${this.created.length} (${this.created.map((w) => w.name).join(', ') || 'none'})`,
        'weights-shape',
        this.layer,
      );
    }
  }
}

export { initialize };
