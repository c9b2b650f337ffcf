import type { Position, Range } from './types';

/**
 * Maps string offsets (UTF-16 code units, as JS strings index) to LSP positions and back.
 * Lines end at "\n", "\r\n" or a lone "\r"; the line terminator is not part of the line.
 * A leading BOM is a character like any other: front ends strip it before analysis (editors do not
 * show it, so positions must not count it).
 */
export class LineIndex {
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

  /** Whether the text has no "\r" (only "\n" line breaks): `afterEdit` can then update instead of rebuilding. */
  private readonly lfOnly: boolean;

  /** `lfLineStarts`: the line starts of `text`, known to have no "\r" (`afterEdit`): nothing is searched. */
  constructor(
    readonly text: string,
    lfLineStarts?: number[],
  ) {
    if (lfLineStarts) {
      this.lfOnly = true;
      this.lineStarts = lfLineStarts;
      return;
    }
    this.lfOnly = text.indexOf('\r') < 0;
    const starts = [0];
    if (this.lfOnly) {
      // Only "\n" line breaks (the usual case): let the engine search for them.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /**
   * The index of `text`, an edit of `prev.text` that replaced `prev.text[start, oldEnd)` (and changed
   * the length by `delta`): the line starts before and after the edit are kept (shifted) and only the
   * edited region is searched. Rebuilt from scratch when a "\r" is involved (a CRLF pair can be split
   * or joined by an edit).
   */
  static afterEdit(prev: LineIndex, text: string, change: { start: number; oldEnd: number; delta: number }): LineIndex {
    const newEnd = change.oldEnd + change.delta;
    if (!prev.lfOnly || text.length !== prev.text.length + change.delta || text.slice(change.start, newEnd).includes('\r')) return new LineIndex(text);
    const old = prev.lineStarts;
    // Starts at or before the edit: their "\n" is before it.
    let keep = 1;
    while (keep < old.length && old[keep] <= change.start) keep++;
    const starts = old.slice(0, keep);
    for (let i = text.indexOf('\n', change.start); i >= 0 && i < newEnd; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // Starts whose "\n" is after the edited region move with it.
    let k = keep;
    while (k < old.length && old[k] <= change.oldEnd) k++;
    for (; k < old.length; k++) starts.push(old[k] + change.delta);
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An offset inside a "\r\n" pair (between \r and \n) maps to the end of the line.
    const end = this.lineEnd(lo);
    return { line: lo, character: Math.min(offset, end) - starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset just past the last character of the line (before its terminator). */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && line + 1 < this.lineStarts.length) {
      end--; // \n or lone \r
      if (this.text.charCodeAt(end) === 10 && end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    }
    return end;
  }

  /** Offset of the start of the next line (after the terminator), or text length on the last line. */
  nextLineStart(line: number): number {
    return line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }
}

/** Whether `text[from, to)` holds a line break character. */
function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * After an edit that replaced `old[start, oldEnd)` (`text` is the result, `lines` its index): the
 * offset in `text` from which every offset has the same line and character as the offset `delta`
 * before it had in `old` — the start of the line after the edited one — or -1 when there is none:
 * the edit is on the last line, or removed or inserted a line break (or touched a "\r" that may pair
 * with a "\n"), which moves lines.
 */
export function positionsStableFrom(old: string, text: string, change: { start: number; oldEnd: number; delta: number }, lines: LineIndex): number {
  const newEnd = change.oldEnd + change.delta;
  if (hasLineBreak(old, change.start, change.oldEnd) || hasLineBreak(text, change.start, newEnd)) return -1;
  if (change.start > 0 && text.charCodeAt(change.start - 1) === 13) return -1;
  const line = lines.positionAt(newEnd).line;
  // On the last line, every offset after the edit is on the edited line.
  return line + 1 < lines.lineCount ? lines.lineStarts[line + 1] : -1;
}

/** `s` with the characters that are special in a regular expression escaped. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line terminator a file mostly uses ("\r\n" if its first terminator is one). */
export function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Leading whitespace of a line. */
export function indentOf(line: string): string {
  const m = /^[ \t]*/.exec(line);
  return m ? m[0] : '';
}

/** Any character outside ASCII. */
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Converts UTF-8 byte offsets (what libpg-query reports) into UTF-16 string offsets.
 * Build once per file, then convert any number of offsets in O(log n).
 */
export class Utf8OffsetMap {
  private readonly byteAt: Uint32Array | null;

  constructor(readonly text: string) {
    // Fast path: pure ASCII text has identical offsets.
    if (!NON_ASCII.test(text)) {
      this.byteAt = null;
      return;
    }
    // byteAt[i] = UTF-8 byte offset of UTF-16 index i (length+1 entries).
    const map = new Uint32Array(text.length + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      map[i] = bytes;
      const c = text.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          map[i + 1] = bytes; // the low surrogate shares the code point's start
          bytes += 4;
          i++;
          continue;
        }
        bytes += 3;
      } else bytes += 3;
    }
    map[text.length] = bytes;
    this.byteAt = map;
  }

  /** The text's length in UTF-8 bytes (`Buffer.byteLength(text, 'utf8')`: a lone surrogate is 3 bytes). */
  get byteLength(): number {
    return this.byteAt ? this.byteAt[this.text.length] : this.text.length;
  }

  toUtf16(byteOffset: number): number {
    const map = this.byteAt;
    if (!map) return Math.max(0, Math.min(byteOffset, this.text.length));
    let lo = 0;
    let hi = map.length - 1;
    if (byteOffset >= map[hi]) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map[mid] <= byteOffset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  toUtf8(utf16Offset: number): number {
    const map = this.byteAt;
    if (!map) return utf16Offset;
    return map[Math.max(0, Math.min(utf16Offset, map.length - 1))];
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(range: Range, pos: Position): boolean {
  return comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0;
}

/** Applies text edits (non-overlapping) to a text; used by tests, the CLI and "fix all". */
export function applyEdits(text: string, edits: Array<{ range: Range; newText: string }>): string {
  const index = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.end > lastStart) throw new Error('overlapping edits');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}

/** Whether two ranges are equal (same start and end positions). */
export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
