/** Static Keras mask analysis: parse Python → ModelIR → mask flow and diagnostics. */
export { createAnalyzer, createAnalyzerFromParser, diffEdit, type Analyzer, type AnalyzeOptions } from './analyzer';
export { analyzeParsed, lossName, type FileAnalysis, type LayerMask, type ModelAnalysis } from './analyze';
export { verdictLabel } from './diagnostics';
export { modelFlow, type LayerFlow, type MaskEvent, type ModelFlow } from './flow';
export { analysisJsonText, toAnalysisJson, type AnalysisJson } from './json';
