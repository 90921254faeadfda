/**
 * Reads a model Keras saved and analyses it statically: the saved-model editor's content.
 * The file is opened once and checked on the opened file (Restricted Mode); its size is
 * charged to the memory cap before it is read, and the archive reader bounds what it
 * inflates. No TensorFlow is loaded for this.
 */
import type { z } from 'zod';
import { analyzeModels } from '../core/analysis/analyze';
import type { InspectResult, inspectRequestSchema } from '../core/protocol/inspect';
import { MemoryBudget } from '../core/runtime/memory';
import { runtimeModelOf } from '../core/protocol/runtimeTasks';
import { UserFacingError } from '../core/protocol/task';
import { readSavedModel } from '../core/saved/savedModel';
import { savedModelIR } from '../core/saved/savedIR';
import { savedModelSummary } from '../core/analysis/savedSummary';
import { openForReading, readAll } from './fileAccess';

export function inspectTask(request: z.output<typeof inspectRequestSchema>): InspectResult {
  const budget = new MemoryBudget(request.memoryCapMB);
  let bytes: Uint8Array;
  try {
    const file = openForReading(request.path, request.access, `model file ${request.path}`);
    try {
      budget.take(file.size, `the model file (${file.size.toLocaleString('en-US')} bytes)`, request.path);
      bytes = readAll(file);
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(
      `cannot read model file: ${error instanceof Error ? error.message : String(error)}`,
      'weights-file',
      request.path,
    );
  }
  const saved = readSavedModel(bytes, request.path);
  const ir = savedModelIR(saved);
  const analysis = analyzeModels(request.path, [ir], request.family, request.kerasVersion);
  return {
    kind: 'inspect',
    format: saved.format,
    savedBy: saved.kerasVersion,
    keras: analysis.keras,
    model: runtimeModelOf(ir),
    summary: savedModelSummary(analysis.models[0], saved),
  };
}
