import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import { test } from 'node:test';
import { csvNumber, csvText, decodePngDataUrl, exportFileName, resultToCsv, resultToJson } from '../../src/core/export';
import {
  compareResultSchema,
  evaluateResultSchema,
  toJsonText,
  trainResultSchema,
  type CompareResult,
  type EvaluateResult,
  type TrainResult,
} from '../../src/core/protocol/runtimeTasks';

const backendInfo = {
  backend: 'tensorflow' as const,
  fallbackReason: null,
  tfjsVersion: '4.22.0',
  tensorflowVersion: '2.21.0',
  libraryPath: '/envs/ml/lib/python3.12/site-packages/tensorflow/libtensorflow_cc.so.2',
  libraryOrigin: 'the Python environment /envs/ml',
};
const data = {
  source: 'synthetic' as const,
  synthetic: true,
  description: '2 synthetic samples',
  samples: 5,
  shapes: { x: [5, 3, 1], y: [5, 3, 1], sampleWeight: null },
  nan: { x: 0, y: 0, sampleWeight: 0 },
  inf: { x: 0, y: 0, sampleWeight: 0 },
  notes: [],
};
const layer = (name: string, mask: number[][] | null, effect: 'creates' | 'destroys') => ({
  name,
  className: name === 'masking' ? 'Masking' : 'Lambda',
  outputShape: [null, 3, 1],
  mask,
  maskShape: mask ? [2, 3] : null,
  maskSummary: null,
  effect,
  maskIn: effect === 'destroys',
  rule: { kind: 'x', supportsMasking: true, known: true, evidence: '' },
  warning: null,
});

// two shown rows of five samples: the data's samples 0 and 3
const evaluate: EvaluateResult = evaluateResultSchema.parse({
  kind: 'evaluate',
  backend: 'tensorflow',
  backendInfo,
  model: 'model',
  modelOutput: { name: 'dense', names: ['dense'] },
  family: 'keras3',
  kerasVersion: '3.15.1',
  data,
  weightsUsed: { source: 'initialised', description: "initial weights: Keras' default initializers under seed 42" },
  layers: [
    layer(
      'masking',
      [
        [1, 1, 0],
        [1, 0, 0],
      ],
      'creates',
    ),
    layer('=cmd,"x"', null, 'destroys'),
  ],
  output: [],
  outputShape: [5, 3, 1],
  outputMask: [
    [1, 1, 0],
    [1, 0, 0],
  ],
  perTimestepLoss: [
    [0.5, 0.25, 2],
    [1, NaN, Infinity],
  ],
  loss: {
    none: 1.5,
    'valid-mean': 0.75,
    'total-mean': 0.3,
    'sequence-mean': 0.6,
    name: 'mse',
    perTimestep: [
      [0.5, 0.25, 2],
      [1, NaN, Infinity],
    ],
    keras: { reduction: 'valid-mean', value: 0.75 },
  },
  lossValues: { none: 1.5, 'valid-mean': 0.75, 'total-mean': 0.3, 'sequence-mean': 0.6 },
  paddingShareOfUnmaskedLoss: 0.125,
  paddingMaskSource: 'output',
  lengthBuckets: { chunks: 1, of: 1, reason: null },
  metrics: [
    {
      name: 'accuracy',
      resolved: 'sparse_categorical_accuracy',
      weighted: false,
      unmasked: 0.5,
      masked: 0.4,
      keras: 0.4,
      share: true,
    },
  ],
  semantics: 'all',
  caps: {
    samples: { shown: 2, total: 5, indices: [0, 3] },
    timesteps: { shown: 3, total: 3 },
    features: { shown: 1, total: 1 },
  },
  warnings: [],
  tensors: { before: 0, after: 0 },
  elapsedMs: 1,
});

test('JSON export is the result itself, NaN and Infinity spelled out', () => {
  const text = resultToJson(evaluate);
  assert.equal(text, `${toJsonText(evaluate, 2)}\n`);
  const back = JSON.parse(text);
  assert.deepEqual(back.loss.perTimestep, [
    [0.5, 0.25, 2],
    [1, 'NaN', 'Infinity'],
  ]);
  assert.equal(back.lossValues['valid-mean'], 0.75);
});

test("evaluate CSV: tidy rows of reductions, loss matrix, output mask and layer masks with the data's sample numbers", () => {
  const rows = parseCsv(resultToCsv(evaluate));
  assert.deepEqual(rows[0], ['section', 'name', 'sample', 'timestep', 'value']);
  assert.ok(
    rows.every((r) => r.length === 5),
    'every row has five fields',
  );
  const pick = (section: string) => rows.filter((r) => r[0] === section);
  assert.deepEqual(
    pick('reduction').map((r) => [r[1], Number(r[4])]),
    [
      ['none', 1.5],
      ['valid-mean', 0.75],
      ['total-mean', 0.3],
      ['sequence-mean', 0.6],
    ],
  );
  assert.deepEqual(pick('keras_reported'), [['keras_reported', 'valid-mean', '', '', '0.75']]);
  assert.deepEqual(pick('metric_masked'), [['metric_masked', 'accuracy', '', '', '0.4']]);
  assert.deepEqual(pick('metric_unmasked'), [['metric_unmasked', 'accuracy', '', '', '0.5']]);
  assert.deepEqual(pick('padding_share_of_unmasked_loss')[0][4], '0.125');
  const loss = pick('per_timestep_loss');
  assert.equal(loss.length, 6);
  assert.deepEqual(
    loss.map((r) => r.slice(1)),
    [
      ['mse', '0', '0', '0.5'],
      ['mse', '0', '1', '0.25'],
      ['mse', '0', '2', '2'],
      ['mse', '3', '0', '1'],
      ['mse', '3', '1', 'NaN'],
      ['mse', '3', '2', 'Infinity'],
    ],
  );
  assert.deepEqual(
    pick('output_mask')
      .map((r) => r[4])
      .join(''),
    '110100',
  );
  assert.deepEqual(
    pick('layer_mask')
      .map((r) => `${r[1]}:${r[2]}:${r[3]}=${r[4]}`)
      .slice(0, 4),
    ['masking:0:0=1', 'masking:0:1=1', 'masking:0:2=0', 'masking:3:0=1'],
  );
});

test('CSV text fields from user code are quoted and cannot start a spreadsheet formula', () => {
  assert.equal(csvText('=cmd,"x"'), `"'=cmd,""x"""`);
  assert.equal(csvText('-1'), "'-1");
  assert.equal(csvText('lstm_1'), 'lstm_1');
  assert.deepEqual(parseCsv(`a,"'=cmd,""x"""\r\n`), [['a', `'=cmd,"x"`]]);
  assert.equal(csvNumber(-0.5), '-0.5');
  assert.equal(csvNumber(NaN), 'NaN');
  assert.equal(csvNumber(-Infinity), '-Infinity');
  assert.equal(csvNumber(null), '');
  assert.equal(csvNumber(0.1 + 0.2), '0.30000000000000004', 'full precision');
});

test('compare and train CSV', () => {
  const compare: CompareResult = compareResultSchema.parse({
    kind: 'compare',
    backend: 'tensorflow',
    backendInfo,
    model: 'model',
    modelOutput: { name: 'dense', names: ['dense'] },
    family: 'keras3',
    data,
    weightsUsed: evaluate.weightsUsed,
    loss: 'mae',
    maskReachesLoss: false,
    maskDroppedBy: 'lambda',
    reductions: [
      { id: 'none', label: 'u', formula: 'f', kerasVersions: 'k', value: 2 },
      { id: 'valid-mean', label: 'v', formula: 'f', kerasVersions: 'k', value: 1 },
    ],
    relativeDifference: -0.5,
    paddingShareOfUnmaskedLoss: 0.4,
    metrics: [],
    perSample: [{ sample: 3, validSteps: 2, steps: 4, validMean: 1, unmaskedMean: 2 }],
    warnings: [],
    tensors: { before: 0, after: 0 },
    elapsedMs: 1,
  });
  const rows = parseCsv(resultToCsv(compare));
  assert.deepEqual(rows.slice(1, 3), [
    ['reduction', 'none', '', '', '2'],
    ['reduction', 'valid-mean', '', '', '1'],
  ]);
  assert.deepEqual(
    rows.find((r) => r[0] === 'per_sample_valid_steps'),
    ['per_sample_valid_steps', '', '3', '', '2'],
  );
  const train: TrainResult = trainResultSchema.parse({
    kind: 'train',
    backend: 'tensorflow',
    backendInfo,
    model: 'model',
    family: 'keras3',
    data,
    weightsUsed: evaluate.weightsUsed,
    validation: null,
    loss: 'mae',
    optimizer: { name: 'adam', config: {} },
    reduction: 'valid-mean',
    epochs: 2,
    batchSize: 4,
    history: [
      { epoch: 0, train: { masked: 1, unmasked: 2 }, val: null, seconds: 0.5 },
      { epoch: 1, train: { masked: 0.5, unmasked: 1.5 }, val: { masked: 0.7, unmasked: NaN }, seconds: 0.25 },
    ],
    stopped: { reason: 'completed', message: 'ok', epoch: null, batch: null },
    warnings: [],
    tensors: { before: 0, after: 0 },
    elapsedMs: 1,
  });
  assert.deepEqual(parseCsv(resultToCsv(train)), [
    ['epoch', 'train_masked', 'train_unmasked', 'val_masked', 'val_unmasked', 'seconds'],
    ['1', '1', '2', '', '', '0.5'],
    ['2', '0.5', '1.5', '0.7', 'NaN', '0.25'],
  ]);
});

test('PNG data URLs: only base64 PNG bytes are accepted', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20, 7)]);
  const ok = decodePngDataUrl(`data:image/png;base64,${png.toString('base64')}`);
  assert.ok(ok instanceof Uint8Array);
  assert.deepEqual(Buffer.from(ok), png);
  assert.ok(decodePngDataUrl(`data:image/jpeg;base64,${png.toString('base64')}`) instanceof Error);
  assert.ok(decodePngDataUrl(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`) instanceof Error);
  assert.ok(decodePngDataUrl('data:image/png;base64,not base64!') instanceof Error);
  assert.match(
    String(decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a not a png at all').toString('base64')}`)),
    /not a PNG/,
  );
  assert.ok(decodePngDataUrl('javascript:alert(1)') instanceof Error);
});

test('export file names are plain', () => {
  assert.equal(exportFileName('model', 'evaluate', 'json'), 'model-evaluate.json');
  assert.equal(exportFileName('../../etc/x', 'mask-lstm', 'png'), 'etc_x-mask-lstm.png');
  assert.equal(exportFileName('', '', 'csv'), 'masklens-masklens.csv');
});
