/**
 * Lazy decoding of libpg-query parse trees (the parser's JSON text, see `pg.ts`).
 *
 * Most of a migration's parse tree is never read: the catalog replay and the rules look at a
 * statement's top-level fields (`ViewStmt.view`, `CreateTableAsStmt.into`, …) but rarely at a view's
 * or a data migration's query tree, which is most of the JSON (civitai: 3.3 of 5.4 MB are view
 * queries). So each large field value of a statement node is split out of the parser's UTF-8 output
 * (`splitTreeBytes`, done by whoever parsed: this thread or a worker), the rest is decoded, and each
 * split-out value becomes a property that decodes itself on first read (`decodeSplitTree`). The result reads exactly like `JSON.parse(json)`: same keys in the
 * same order, same values (`JSON.stringify`, `Object.keys`, `in` all agree); only the decoding of what
 * nobody reads is skipped.
 */
import type { RawParseTree } from './preparse';

/**
 * A field value that was never turned into JSON (`elide.ts`): it is `stmts[0].stmt.<Kind>.<field>` of
 * the parse of `text` after `pad` spaces (the statement at its byte offset in the file, so the value's
 * locations are the file's).
 */
export interface DeferredParse {
  pad: number;
  text: string;
}

/**
 * A field value split out of the tree: statement index, field name, and the value's JSON as UTF-8
 * bytes, or the statement to parse for it.
 */
export type SplitField = [stmt: number, field: string, json: Uint8Array | DeferredParse];

/** Parses a deferred statement (`DeferredParse`): the tree of `' '.repeat(pad) + text`. */
export type Reparse = (deferred: DeferredParse) => RawParseTree;

export interface SplitTree {
  /** The tree's JSON text with each split-out value replaced by `0`. */
  json: string;
  fields: SplitField[];
}

/** Field values of at least this many bytes are split out (smaller ones cost more to defer than to decode). */
const SPLIT_MIN_BYTES = 1024;

/**
 * Outputs smaller than this are decoded whole, not scanned for values to split out: the scan (a pass
 * over every byte, here in JavaScript) costs more than it saves on them. Since long view queries are
 * no longer parsed with the file (`elide.ts`), few outputs are large: on civitai's 400 migrations,
 * scanning every output cost 5% more instructions than scanning none, and scanning only outputs from
 * this size on keeps the split for the files it pays for (large data migrations).
 */
const SPLIT_SCAN_MIN_BYTES = 64 * 1024;

const decoder = new TextDecoder();

/**
 * Splits the large field values of each statement node (`stmts[i].stmt.<Kind>.<field>`) out of
 * libpg-query's JSON, straight from its UTF-8 bytes (e.g. the parser's output in WebAssembly memory):
 * the structure is found on the bytes, only the skeleton is decoded to a string, and each split-out
 * value is a copy of its bytes, decoded when first read. Saves decoding and scanning as a string the
 * megabytes of view and data-migration query trees nobody reads. The split points are ASCII
 * brackets, so no multi-byte character is ever cut. `bytes` is not kept (values are copied).
 * Anything unexpected in the shape, or an output under `scanMinBytes`, leaves the tree whole (no
 * fields split).
 */
export function splitTreeBytes(bytes: Uint8Array, minBytes = SPLIT_MIN_BYTES, scanMinBytes = SPLIT_SCAN_MIN_BYTES): SplitTree {
  const n = bytes.length;
  const whole = (): SplitTree => ({ json: decoder.decode(bytes), fields: [] });
  if (n < minBytes || n < scanMinBytes) return whole();
  const fields: SplitField[] = [];
  /** Split-out extents [start, end) in order. */
  const cuts: number[] = [];
  // Depths: 1 the tree, 2 `stmts`, 3 a statement, 4 `stmt`, 5 the node, 6 a field value of the node.
  let depth = 0;
  let stmt = -1;
  let keyStart = -1;
  let keyEnd = -1;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 34 /* " */) {
      const end = bytesStringEnd(bytes, i);
      // A node field's name: a string at depth 5 followed by `:`.
      if (depth === 5 && bytes[end] === 58 /* : */) {
        keyStart = i;
        keyEnd = end;
      }
      i = end - 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 5 && keyEnd === i - 1) {
        // A field value that is an object or array: find its end, split it out when large.
        const end = bytesValueEnd(bytes, i);
        if (end < 0) return whole();
        if (end - i >= minBytes) {
          const rawKey = decoder.decode(bytes.subarray(keyStart + 1, keyEnd - 1));
          const key = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
          fields.push([stmt, key, bytes.slice(i, end)]);
          cuts.push(i, end);
        }
        i = end - 1;
        continue;
      }
      depth++;
      if (depth === 3) stmt++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth < 0) return whole();
    }
  }
  if (depth !== 0 || !fields.length) return whole();
  // The skeleton: the bytes between the cuts, each cut replaced by `0`.
  let size = n;
  for (let k = 0; k < cuts.length; k += 2) size -= cuts[k + 1] - cuts[k] - 1;
  const skeleton = new Uint8Array(size);
  let from = 0;
  let to = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    skeleton.set(bytes.subarray(from, cuts[k]), to);
    to += cuts[k] - from;
    skeleton[to++] = 48; /* 0 */
    from = cuts[k + 1];
  }
  skeleton.set(bytes.subarray(from), to);
  return { json: decoder.decode(skeleton), fields };
}

/** End (exclusive) of the JSON string whose opening quote is at `i`. */
function bytesStringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  for (let j = i + 1; j < n; j++) {
    const c = b[j];
    if (c === 34) return j + 1;
    if (c === 92 /* \ */) j++;
  }
  return n;
}

/** End (exclusive) of the object or array starting at `start`, or -1. */
function bytesValueEnd(b: Uint8Array, start: number): number {
  let depth = 0;
  const n = b.length;
  for (let i = start; i < n; i++) {
    const c = b[i];
    if (c === 34) i = bytesStringEnd(b, i) - 1;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}


/** The first (only) key of a statement wrapper: the node kind. */
function kindOf(stmt: Record<string, unknown>): string | undefined {
  for (const k in stmt) return k;
  return undefined;
}

/**
 * The tree a split stands for (`JSON.parse` of the JSON it was made from), its split-out fields decoded
 * on first read. Throws if the skeleton lacks a split-out field's place (never for a split made here).
 */
export function decodeSplit(split: SplitTree, reparse?: Reparse): RawParseTree {
  if (!split.fields.length) return JSON.parse(split.json) as RawParseTree;
  const tree = decodeSplitTree(split, reparse);
  if (!tree) throw new Error('the parse tree does not have the shape it was split for');
  return tree;
}

/**
 * Decodes a split tree: `JSON.parse` of the skeleton, then each split-out field as a property that
 * decodes its JSON on first read (and becomes a plain data property, in place, from then on).
 * A deferred field (`DeferredParse`) is parsed with `reparse` on first read, and must come from a
 * statement of the same kind. Returns null when the skeleton does not have the shape the split was
 * made for (or a deferred field has no `reparse`).
 */
export function decodeSplitTree(split: SplitTree, reparse?: Reparse): RawParseTree | null {
  const tree = JSON.parse(split.json) as RawParseTree;
  for (const [i, field, value] of split.fields) {
    const wrapper = tree.stmts?.[i]?.stmt as Record<string, unknown> | undefined;
    const kind = wrapper && kindOf(wrapper);
    const node = kind === undefined ? undefined : (wrapper![kind] as Record<string, unknown> | undefined);
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, field)) return null;
    if (value instanceof Uint8Array) lazyProperty(node, field, () => JSON.parse(decoder.decode(value)));
    else if (reparse) lazyProperty(node, field, () => deferredField(reparse(value), kind!, field));
    else return null;
  }
  return tree;
}

/** `stmts[0].stmt.<kind>.<field>` of a deferred statement's tree; throws if it is not that statement. */
function deferredField(tree: RawParseTree, kind: string, field: string): unknown {
  const node = tree.stmts?.[0]?.stmt?.[kind] as Record<string, unknown> | undefined;
  if (tree.stmts?.length !== 1 || !node || !Object.prototype.hasOwnProperty.call(node, field)) throw new Error(`the deferred ${kind} does not parse to one ${kind} with a ${field}`);
  return node[field];
}

function lazyProperty(node: Record<string, unknown>, field: string, decode: () => unknown): void {
  const settle = (value: unknown) => {
    // Redefining keeps the property's place in the key order.
    Object.defineProperty(node, field, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(node, field, {
    get: () => settle(decode()),
    set: (v: unknown) => settle(v),
    enumerable: true,
    configurable: true,
  });
}
