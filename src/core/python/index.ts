/** Reading Keras model code from Python source, without running it. */
export { loadPythonParser, type GrammarPaths } from './syntax';
export { parseTree, type ParseResult, type ParsedModel } from './parse';
export type { ParseOptions } from './context';
