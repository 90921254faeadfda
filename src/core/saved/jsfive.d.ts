/**
 * The part of jsfive (a pure-JavaScript HDF5 reader without type declarations) that
 * `hdf5.ts` uses. Values and attributes are `unknown`: the file is untrusted, so the
 * adapter checks what it gets instead of trusting a declared type.
 */
declare module 'jsfive' {
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): unknown;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly name: string;
    readonly shape: unknown;
    readonly dtype: unknown;
    readonly value: unknown;
    readonly attrs: Record<string, unknown>;
  }
}
