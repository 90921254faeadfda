/**
 * The TensorFlow MaskLens downloads when the user agrees to: the tensorflow-cpu wheel from the
 * Python package index, of the TensorFlow release the binding is built against. Only its two C
 * libraries, its METADATA and its licence are kept. The checksum ships with MaskLens, so the
 * download is checked against a value that did not come over the same connection (it is the
 * sha256 PyPI lists for this file). Any Python version's wheel of a release carries the same C
 * library; the CPython 3.12 one is taken.
 */
export interface PinnedWheel {
  /** The TensorFlow release. */
  version: string;
  filename: string;
  url: string;
  sha256: string;
  /** Bytes to download. */
  size: number;
  /** Bytes the kept files take once extracted. */
  extractedSize: number;
  /** Paths inside the wheel of what is kept, and their names in the cache folder. */
  keep: Readonly<Record<string, string>>;
}

export const TENSORFLOW_WHEEL: PinnedWheel = {
  version: '2.21.0',
  filename: 'tensorflow_cpu-2.21.0-cp312-cp312-manylinux_2_27_x86_64.whl',
  url: 'https://files.pythonhosted.org/packages/6f/07/a691049cb74276164d8449de9e25c4f51ad3111a3eba86358395d2552fc3/tensorflow_cpu-2.21.0-cp312-cp312-manylinux_2_27_x86_64.whl',
  sha256: 'dcc8afd32930e42d5296b6ee19078b773706830af4ea97fbe503b9f5e0f820cb',
  size: 274_000_871,
  extractedSize: 853_324_742,
  keep: {
    'tensorflow/libtensorflow_cc.so.2': 'libtensorflow_cc.so.2',
    'tensorflow/libtensorflow_framework.so.2': 'libtensorflow_framework.so.2',
    'tensorflow_cpu-2.21.0.dist-info/METADATA': 'METADATA',
    'tensorflow/include/LICENSE': 'LICENSE',
  },
};

/** The cache folder a wheel is extracted into. */
export function cacheFolderName(wheel: PinnedWheel): string {
  return `tensorflow-cpu-${wheel.version}`;
}
