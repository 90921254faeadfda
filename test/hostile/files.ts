/**
 * Hostile data files, built for the tests rather than stored: zip bombs (a real DEFLATE stream
 * of 2.2 GB of zeros in about 2 MB, with honest, lying and unknown sizes), a .npy whose header
 * declares more than the memory cap on a sparse file, JSON nested 5,000 deep, JSON with junk
 * keys or a secret where a number should be, a CSV with text cells.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';

export const SECRET = 'SECRET-TOKEN-1234';

export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `masklens-${name}-`));
}

/** A .npy version 1.0 header (magic, version, length, padded dict) for this shape and dtype. */
export function npyHeader(shape: number[], descr: string): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

export interface Member {
  name: string;
  /** The raw DEFLATE stream. */
  deflated: Uint8Array;
  crc: number;
  /** What it inflates to. */
  size: number;
}

/**
 * A member holding a .npy of `values` float64 zeros, deflated as its header followed by the
 * same flushed 16 MiB block of zeros again and again: each piece a complete set of non-final
 * blocks, so their concatenation (and a final empty block) is one valid DEFLATE stream.
 */
export function zeroArrayMember(name: string, values: number): Member {
  const header = npyHeader([values], '<f8');
  const block = new Uint8Array(16 * 1024 * 1024);
  const flushed = { finishFlush: constants.Z_SYNC_FLUSH, level: 9 };
  const bytes = values * 8;
  const blocks = Math.floor(bytes / block.length);
  const rest = bytes - blocks * block.length;
  const deflatedBlock = deflateRawSync(block, flushed);
  const parts = [
    deflateRawSync(header, flushed),
    ...Array.from({ length: blocks }, () => deflatedBlock),
    deflateRawSync(block.subarray(0, rest), flushed),
    Uint8Array.from([0x03, 0x00]),
  ];
  let crc = crc32(header);
  for (let i = 0; i < blocks; i++) crc = crc32(block, crc);
  crc = crc32(block.subarray(0, rest), crc);
  return { name, deflated: Buffer.concat(parts), crc: crc >>> 0, size: header.length + bytes };
}

/** A member that inflates to exactly `data`. */
export function plainMember(name: string, data: Uint8Array): Member {
  return { name, deflated: deflateRawSync(data), crc: crc32(data) >>> 0, size: data.length };
}

export interface ZipOptions {
  /** The uncompressed size the archive declares (default: the true one). */
  declaredSize?: (m: Member) => number;
  /** Write sizes in a data descriptor after the data, as streaming zip writers do: the local header then declares none. */
  streamed?: boolean;
}

/** A zip archive (DEFLATE members, no zip64) as NumPy's savez_compressed writes one. */
export function zip(members: Member[], o: ZipOptions = {}): Uint8Array {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const declared = o.declaredSize ? o.declaredSize(m) : m.size;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(o.streamed ? 0x08 : 0, 6);
    head.writeUInt16LE(8, 8);
    head.writeUInt16LE(0x21, 12); // 1980-01-01
    head.writeUInt32LE(o.streamed ? 0 : m.crc, 14);
    head.writeUInt32LE(o.streamed ? 0 : m.deflated.length, 18);
    head.writeUInt32LE(o.streamed ? 0 : declared, 22);
    head.writeUInt16LE(name.length, 26);
    const parts = [head, name, Buffer.from(m.deflated)];
    if (o.streamed) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(m.crc, 4);
      descriptor.writeUInt32LE(m.deflated.length, 8);
      descriptor.writeUInt32LE(declared, 12);
      parts.push(descriptor);
    }
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(o.streamed ? 0x08 : 0, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(m.crc, 16);
    cd.writeUInt32LE(m.deflated.length, 20);
    cd.writeUInt32LE(declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    const entry = Buffer.concat(parts);
    local.push(entry);
    offset += entry.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, cdBytes, end]);
}

/** 2.2 GB of float64 zeros (275,000,000 values) as member 'x.npy'. */
export const BOMB_VALUES = 275_000_000;

/** A .npy whose header declares `values` float64 values, on a sparse file of exactly that size (nothing is written but the header). */
export function sparseNpy(path: string, values: number): string {
  const header = npyHeader([values], '<f8');
  writeFileSync(path, header);
  truncateSync(path, header.length + values * 8);
  return path;
}

/** JSON arrays nested `depth` levels deep. */
export const deepJson = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
