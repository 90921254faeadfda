/**
 * Keras' text preprocessing layers (TextVectorization, StringLookup, IntegerLookup) map text
 * or raw ids to vocabulary indices learnt by `adapt()`. The runtime runs models on numeric
 * data only and knows no vocabulary, so it refuses them with that reason.
 */
import type { Shape } from '../../core/graph/modelGraph';
import { RuntimeLayer, type Tensor } from './base';

export class TextPreprocessing extends RuntimeLayer {
  override build(_inputShapes: Shape[]): void {
    this.fail(
      'it maps text to token ids with the vocabulary adapt() learns, which MaskLens does not have; evaluate a model whose input is the ids (the layers after it)',
      'unsupported-layer',
    );
  }

  call(): Tensor {
    this.fail('it was called before it was built', 'internal');
  }
}
