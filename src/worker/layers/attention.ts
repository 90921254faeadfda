/**
 * Attention, AdditiveAttention and MultiHeadAttention as Keras 3 computes them: the value
 * mask (and for MultiHeadAttention the query and key masks) keep padded positions out of
 * the softmax; the output mask is the query's (from the registry's `query` kind).
 */
import type { Shape } from '../../core/graph/modelGraph';
import { type CallContext, type CallExtra, RuntimeLayer, type Tensor, type Variable, lastDim } from './base';
import type { WeightBuilder } from './weights';

const LARGE_NEGATIVE = 1e9;

export class DotAttention extends RuntimeLayer {
  private scale: Variable | null = null;
  private concatWeight: Variable | null = null;

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    if (this.className === 'AdditiveAttention') {
      if (this.bool('use_scale', true))
        this.scale = w.add('scale', [lastDim(inputShapes[0], this.name)], undefined, 'glorot_uniform');
      return;
    }
    if (this.bool('use_scale', false)) this.scale = w.add('scale', [], undefined, 'ones');
    if (this.str('score_mode', 'dot') === 'concat')
      this.concatWeight = w.add('concat_score_weight', [], undefined, 'ones');
  }

  private scores(q: Tensor, k: Tensor, ctx: CallContext): Tensor {
    const { tf } = ctx;
    if (this.className === 'AdditiveAttention') {
      const sum = tf.tanh(tf.add(tf.expandDims(q, -2), tf.expandDims(k, -3)));
      return tf.sum(this.scale ? tf.mul(this.scale, sum) : sum, -1);
    }
    if (this.concatWeight) {
      const s = tf.add(tf.expandDims(q, -2), tf.expandDims(k, -3));
      return tf.mul(this.concatWeight, tf.sum(tf.tanh(this.scale ? tf.mul(this.scale, s) : s), -1));
    }
    const dot = tf.matMul(q, k, false, true);
    return this.scale ? tf.mul(dot, this.scale) : dot;
  }

  call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor {
    const { tf } = ctx;
    if (inputs.length < 2 || inputs.length > 3)
      this.fail('must be called on [query, value] or [query, value, key]', 'model-config');
    const [q, v] = inputs;
    const k = inputs[2] ?? v;
    let scores = this.scores(q, k, ctx);
    let scoresMask = masks[1] ? tf.expandDims(tf.cast(masks[1] as Tensor, 'bool'), -2) : null;
    if (extra.kwargs.use_causal_mask === true) {
      const [tq, tv] = scores.shape.slice(-2);
      const causal = tf.expandDims(tf.cast(tf.linalg.bandPart(tf.ones([tq, tv]), -1, 0), 'bool'), 0);
      scoresMask = scoresMask ? tf.logicalAnd(scoresMask, causal) : causal;
    }
    if (scoresMask) scores = tf.where(tf.broadcastTo(scoresMask, scores.shape), scores, tf.sub(scores, LARGE_NEGATIVE));
    let weights = tf.softmax(scores, -1);
    const dropout = this.num('dropout', 0);
    if (ctx.training && dropout > 0) weights = tf.dropout(weights, dropout, undefined, ctx.nextSeed());
    let out = tf.matMul(weights, v);
    if (masks[0])
      out = tf.where(tf.broadcastTo(tf.expandDims(tf.cast(masks[0], 'bool'), -1), out.shape), out, tf.zerosLike(out));
    return out;
  }
}

interface Projection {
  kernel: Variable;
  bias: Variable | null;
}

export class MultiHeadAttention extends RuntimeLayer {
  private q!: Projection;
  private k!: Projection;
  private v!: Projection;
  private o!: Projection;

  private proj(w: WeightBuilder, name: string, kernel: number[], bias: number[]): Projection {
    const s = w.scoped(name);
    return {
      kernel: s.add('kernel', kernel, this.config.kernel_initializer, 'glorot_uniform'),
      bias: this.bool('use_bias', true) ? s.add('bias', bias, this.config.bias_initializer, 'zeros') : null,
    };
  }

  override build(inputShapes: Shape[], w: WeightBuilder): void {
    if (this.bool('use_gate', false)) this.fail('use_gate=True is not supported');
    const axes = this.intList('attention_axes');
    // [1] is the default for (batch, time, features) inputs, which is all MaskLens supports.
    if (axes && !(axes.length === 1 && (axes[0] === 1 || axes[0] === -2)))
      this.fail('attention_axes other than the time axis are not supported');
    const heads = this.num('num_heads');
    const keyDim = this.num('key_dim');
    const valueDim = this.num('value_dim', keyDim);
    const [qs, vs] = [inputShapes[0], inputShapes[1] ?? inputShapes[0]];
    const ks = inputShapes[2] ?? vs;
    const dq = lastDim(qs, this.name);
    const outDim = this.config.output_shape ? (this.intList('output_shape') as number[])[0] : dq;
    this.q = this.proj(w, 'query', [dq, heads, keyDim], [heads, keyDim]);
    this.k = this.proj(w, 'key', [lastDim(ks, this.name), heads, keyDim], [heads, keyDim]);
    this.v = this.proj(w, 'value', [lastDim(vs, this.name), heads, valueDim], [heads, valueDim]);
    this.o = this.proj(w, 'attention_output', [heads, valueDim, outDim], [outDim]);
  }

  private apply(x: Tensor, p: Projection, ctx: CallContext): Tensor {
    const { tf } = ctx;
    const [b, t, d] = x.shape as number[];
    const [, h, e] = p.kernel.shape as number[];
    let y = tf.reshape(tf.matMul(tf.reshape(x, [b * t, d]), tf.reshape(p.kernel, [d, h * e])), [b, t, h, e]);
    if (p.bias) y = tf.add(y, p.bias);
    return y;
  }

  call(inputs: Tensor[], masks: (Tensor | null)[], ctx: CallContext, extra: CallExtra): Tensor | Tensor[] {
    const { tf } = ctx;
    const [query, value] = [inputs[0], inputs[1] ?? inputs[0]];
    const key = inputs[2] ?? value;
    const given = extra.tensors ?? {};
    if (ctx.family === 'tf-keras2') {
      const unknown = ['query_mask', 'value_mask', 'key_mask'].find((k) => given[k] !== undefined);
      if (unknown)
        this.fail(`tf.keras' MultiHeadAttention takes no ${unknown}= argument (Keras raises TypeError)`, 'keras-error');
    }
    // Keras 3 reads the query's mask from the query itself, ignoring query_mask=; value_mask=
    // and key_mask= given explicitly win over the masks the tensors carry (Layer.__call__
    // fills in only the ones left None).
    const qm = masks[0] ?? null;
    const vm = given.value_mask ?? masks[1] ?? null;
    const km = given.key_mask ?? (inputs[2] ? (masks[2] ?? null) : null);
    let auto: Tensor | null = qm ? tf.expandDims(tf.cast(qm, 'bool'), -1) : null;
    for (const m of [vm, km]) {
      if (!m) continue;
      const e = tf.expandDims(tf.cast(m, 'bool'), -2);
      auto = auto ? tf.logicalAnd(auto, e) : e;
    }
    const [b, tq] = query.shape as number[];
    const tv = key.shape[1] as number;
    if (extra.kwargs.use_causal_mask === true) {
      const causal = tf.expandDims(tf.cast(tf.linalg.bandPart(tf.ones([tq, tv]), -1, 0), 'bool'), 0);
      auto = auto ? tf.logicalAnd(auto, causal) : causal;
    }
    // _compute_attention_mask: the attention_mask= given, AND the masks above.
    const attentionMask = given.attention_mask ? tf.cast(given.attention_mask, 'bool') : null;
    if (attentionMask) auto = auto ? tf.logicalAnd(attentionMask, auto) : attentionMask;
    const keyDim = this.num('key_dim');
    // (B, T, N, H) → (B, N, T, H)
    const qh = tf.transpose(this.apply(query, this.q, ctx), [0, 2, 1, 3]);
    const kh = tf.transpose(this.apply(key, this.k, ctx), [0, 2, 1, 3]);
    const vh = tf.transpose(this.apply(value, this.v, ctx), [0, 2, 1, 3]);
    let scores = tf.matMul(tf.mul(qh, 1 / Math.sqrt(keyDim)), kh, false, true);
    let keep: Tensor | null = null;
    if (auto) {
      // _masked_softmax: the mask gains the heads' axis (-3) until it has the scores' rank.
      let expanded = auto;
      while (expanded.rank < scores.rank) expanded = tf.expandDims(expanded, -3);
      keep = tf.broadcastTo(expanded, scores.shape);
      // Keras 3 replaces masked scores (a fully masked row becomes uniform); tf.keras' Softmax
      // adds −1e9 (a fully masked row keeps its unmasked softmax).
      scores =
        ctx.family === 'keras3'
          ? tf.where(keep, scores, tf.fill(scores.shape, -LARGE_NEGATIVE))
          : tf.add(scores, tf.mul(tf.sub(1, tf.cast(keep, 'float32')), -LARGE_NEGATIVE));
    }
    const dropout = this.num('dropout', 0);
    const returnScores = extra.kwargs.return_attention_scores === true;
    // Keras 3 runs dot_product_attention unless it needs the scores (dropout, return_attention_scores);
    // then its Softmax layer zeroes the masked positions after the softmax, so a fully masked
    // row is all zeros instead of uniform.
    const softmaxLayer = ctx.family === 'keras3' && keep !== null && (dropout > 0 || returnScores);
    const probabilities =
      softmaxLayer && keep ? tf.where(keep, tf.softmax(scores, -1), tf.zerosLike(scores)) : tf.softmax(scores, -1);
    let weights = probabilities;
    if (ctx.training && dropout > 0) weights = tf.dropout(weights, dropout, undefined, ctx.nextSeed());
    const attended = tf.transpose(tf.matMul(weights, vh), [0, 2, 1, 3]); // (B, T, N, Hv)
    const [h, e, outDim] = this.o.kernel.shape as number[];
    let out = tf.reshape(tf.matMul(tf.reshape(attended, [b * tq, h * e]), tf.reshape(this.o.kernel, [h * e, outDim])), [
      b,
      tq,
      outDim,
    ]);
    if (this.o.bias) out = tf.add(out, this.o.bias);
    // return_attention_scores=True: the output and the softmax scores (B, N, T, S), before dropout.
    return returnScores ? [out, probabilities] : out;
  }
}
