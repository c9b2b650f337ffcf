import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stripBom } from '../analysis/text';

/** Files larger than this are not analysed (a schema or migration this big is almost certainly not one). */
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

export type SourceRead = { text: string } | { error: string };

/**
 * Reads a schema or migration file for analysis: UTF-8, BOM stripped (editors do not show it, so
 * positions must not count it). Binary and oversized files are refused with a message the front end
 * shows as a diagnostic instead of crashing or hanging.
 */
export function readSourceFile(absPath: string, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  let buf: Buffer;
  try {
    // Non-blocking: opening a FIFO someone left in the tree must not hang (it is refused below).
    const fd = openSync(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return { error: 'not a regular file' };
      const size = st.size;
      if (size > maxBytes) {
        return { error: `file is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${(maxBytes / 1024 / 1024).toFixed(0)} MB limit for analysis; skipped` };
      }
      buf = Buffer.alloc(size);
      let off = 0;
      while (off < size) {
        const n = readSync(fd, buf, off, size - off, off);
        if (n <= 0) break;
        off += n;
      }
      buf = buf.subarray(0, off);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    // Opening, reading and closing fail alike.
    return { error: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const problem = binaryProblem(buf);
  if (problem) return { error: problem };
  return { text: stripBom(buf.toString('utf8')) };
}

/** Why a buffer is not text, or null: NUL bytes or invalid UTF-8 in its first 64 KiB. */
export function binaryProblem(buf: Uint8Array): string | null {
  const head = buf.subarray(0, 65536);
  if (head.includes(0)) return 'file contains NUL bytes (binary, or UTF-16 encoded); only UTF-8 text is analysed';
  if (!isUtf8(head.subarray(0, lastCompleteUtf8(head)))) return 'file is not valid UTF-8 text; only UTF-8 is analysed';
  return null;
}

/** Length of the prefix that does not end inside a multi-byte UTF-8 sequence. */
function lastCompleteUtf8(b: Uint8Array): number {
  let i = b.length;
  let back = 0;
  while (i > 0 && back < 4 && (b[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i > 0 && b[i - 1] >= 0xc0) {
    const lead = b[i - 1];
    const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    if (back < need) return i - 1;
  }
  return b.length;
}
