/** Python texts the analysis-process tests open, type into, or once took the extension host down with. */

/**
 * Four lines: the list doubles forty times. Followed to the end it would hold 10^16 items:
 * reading it once ended in a V8 fatal error (invalid size, or the heap limit); now the reader
 * stops following the list where it passes its bound, with a warning on line 3 (`a + a`).
 */
export const LIST_DOUBLING = 'a = [0] * 10000\nfor _ in range(40):\n    a = a + a\n';

/** A layer name doubled 28 times (256 MiB followed to the end); the bound stops it on line 3 (`s + s`). */
export const STRING_DOUBLING =
  'from keras import Sequential\nfrom keras.layers import Dense\ns = "x"\nfor _ in range(28):\n    s = s + s\nm = Sequential([Dense(2, name=s)])\n';

/** A million loop iterations: the reader's step budget ends it after a second or so, with a warning on the outer loop (line 2). */
export const SLOW_LOOPS = 'x = 0\nfor i in range(1000):\n    for j in range(1000):\n        x = x + i * j\n';
/** Loops whose every step builds a 100,000-element list: time, not the reader's step budget, ends them on any machine. */
export const HEAVY_LOOPS = 'x = 0\nfor i in range(1000):\n    for j in range(1000):\n        x = [i] * 100000\n';

/**
 * `models` functional models (Embedding(mask_zero) → LSTM → Lambda without mask= → Dense, compiled
 * with mse), one per 100 lines, comment filler between them: 20 make the 2,000-line file of the
 * real-VS-Code measurement. `TYPED_MODEL` typed on the line `# filler 310` adds a 21st.
 */
export function modelsWithFiller(models = 20): string {
  const lines: string[] = [
    'from keras import Input, Model',
    'from keras.layers import Dense, Embedding, Flatten, LSTM, Lambda',
    '',
  ];
  for (let i = 0; i < models; i++) {
    lines.push(
      `inp${i} = Input(shape=(${10 + i},))`,
      `e${i} = Embedding(100, 16, mask_zero=True)(inp${i})`,
      `h${i} = LSTM(8, return_sequences=True)(e${i})`,
      `l${i} = Lambda(lambda t: t * 2)(h${i})`,
      `o${i} = Dense(1)(l${i})`,
      `model${i} = Model(inp${i}, o${i})`,
      `model${i}.compile(optimizer='adam', loss='mse')`,
    );
    while (lines.length < (i + 1) * 100) lines.push(`# filler ${lines.length}: the models are spread over the file`);
  }
  return lines.join('\n') + '\n';
}

/** A 21st model: only its last key makes the line valid Python, and its Flatten drops model 3's mask (a warning on the line). */
export const TYPED_MODEL = 'fresh = Model(inp3, Flatten()(h3))';

/** The line of `modelsWithFiller` that the typing tests empty and type `TYPED_MODEL` on. */
export function typingLine(text: string): number {
  return text.split('\n').findIndex((l) => l.startsWith('# filler 310'));
}
