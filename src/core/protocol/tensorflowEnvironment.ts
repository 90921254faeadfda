/**
 * What the runtime process is told about the TensorFlow C library it was started with, in its
 * environment (set by whoever starts it: the extension host or the CLI). The library itself is
 * found by the dynamic loader through LD_LIBRARY_PATH; these say where it came from, or why
 * there is none, so that every result can say which library ran.
 */
export const TENSORFLOW_ENV = {
  /** e.g. "the Python environment /home/me/project/.venv". */
  origin: 'MASKLENS_TENSORFLOW_ORIGIN',
  /**
   * How it was found (a LibrarySource: setting, python, cache, download, ...). Unset, or
   * 'development', for the library a development build was made with: that one is what the
   * binding was built against, so its version is not checked against the accepted range.
   */
  source: 'MASKLENS_TENSORFLOW_SOURCE',
  /** Set when no library could be had: the reason, shown with the pure-JS fallback. */
  unavailable: 'MASKLENS_TENSORFLOW_UNAVAILABLE',
} as const;
