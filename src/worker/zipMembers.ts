/**
 * Where each member of a zip archive lies in the file, from its local headers: the `.npz` reader
 * needs byte offsets to read a member's rows in place, synchronously, without passing the other
 * members' bytes through memory. fflate's streaming Unzip (used to read whole archives) keeps the
 * compressed bytes of every member it is told to skip, and yauzl reads the directory only
 * asynchronously, while a task's data is loaded synchronously in its worker thread; so the few
 * fixed fields are read here. Archives this walk does not handle (encrypted members, sizes only in
 * a trailing data descriptor — written by non-seekable writers, never by NumPy's savez on a file)
 * return null: the caller reads them whole with fflate as before.
 */
import { readRange } from './fileAccess';
import { DataError } from '../core/data/errors';

export interface ZipMember {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  /** Where the member's (compressed) bytes start in the file. */
  dataStart: number;
  compressedSize: number;
  size: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const FIXED = 30;
const ZIP64_EXTRA = 0x0001;
const FLAG_ENCRYPTED = 1;
const FLAG_DATA_DESCRIPTOR = 8;
const MAX_MEMBERS = 10_000;

/** The zip64 extra field's sizes, for those the fixed fields mark as 0xFFFFFFFF (uncompressed first). */
function zip64Sizes(extra: Uint8Array, size: number, compressed: number): { size: number; compressed: number } {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const next = (): number => {
        if (field + 8 > at + 4 + length) return -1;
        const v = Number(view.getBigUint64(field, true));
        field += 8;
        return v;
      };
      const s = size === 0xffffffff ? next() : size;
      const c = compressed === 0xffffffff ? next() : compressed;
      return { size: s, compressed: c };
    }
    at += 4 + length;
  }
  return { size, compressed };
}

/** The members in file order, or null when the archive needs more than this walk reads (see above). */
export function zipMembers(fd: number, fileSize: number, location: string): ZipMember[] | null {
  const members: ZipMember[] = [];
  let at = 0;
  while (at + 4 <= fileSize) {
    const head = readRange(fd, at, FIXED);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const signature = head.length >= 4 ? view.getUint32(0, true) : 0;
    if (signature === CENTRAL_HEADER || signature === END_OF_DIRECTORY) return members;
    if (signature !== LOCAL_HEADER || head.length < FIXED)
      throw new DataError(
        `corrupt .npz archive: no zip member header at byte ${at.toLocaleString('en-US')}`,
        'data-corrupt',
        location,
      );
    const flags = view.getUint16(6, true);
    if (flags & (FLAG_ENCRYPTED | FLAG_DATA_DESCRIPTOR)) return null;
    const nameLength = view.getUint16(26, true);
    const extraLength = view.getUint16(28, true);
    const tail = readRange(fd, at + FIXED, nameLength + extraLength);
    if (tail.length < nameLength + extraLength)
      throw new DataError('corrupt .npz archive: a member header is cut short', 'data-corrupt', location);
    const sizes = zip64Sizes(tail.subarray(nameLength), view.getUint32(22, true), view.getUint32(18, true));
    const dataStart = at + FIXED + nameLength + extraLength;
    if (sizes.size < 0 || sizes.compressed < 0 || dataStart + sizes.compressed > fileSize)
      throw new DataError(
        `corrupt .npz archive: member ${members.length + 1} claims bytes past the end of the file`,
        'data-corrupt',
        location,
      );
    members.push({
      name: new TextDecoder().decode(tail.subarray(0, nameLength)),
      method: view.getUint16(8, true),
      dataStart,
      compressedSize: sizes.compressed,
      size: sizes.size,
    });
    if (members.length > MAX_MEMBERS) return null;
    at = dataStart + sizes.compressed;
  }
  return members;
}
