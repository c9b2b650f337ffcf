/**
 * The binding to libpg-query (PostgreSQL's parser compiled to WebAssembly).
 *
 * libpg-query's `parseSync` decodes the parser's JSON output into objects. We call the WebAssembly
 * module the same way (same exports, same memory handling, same errors, see libpg-query's
 * wasm/index.cjs) but keep the JSON undecoded (`parseSplit`: a text skeleton, its large statement
 * fields as UTF-8 bytes): a worker thread can then hand it over cheaply, and the analysis decodes only
 * the parts of a tree it reads (`lazy-json.ts`). It is exactly the JSON `parseSync` would have
 * decoded, so the trees are the same.
 *
 * Should a libpg-query version not expose what this needs, the binding falls back to the public API
 * (trees re-encoded as JSON): slower, identical results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanToken } from 'libpg-query';
import { splitTreeBytes, type SplitTree } from './lazy-json';

/** The error the parser reports, shaped like libpg-query's `SqlError`. */
class PgSqlError extends Error {
  constructor(
    message: string,
    readonly sqlDetails: { message: string; cursorPosition: number; fileName?: string; functionName?: string; lineNumber?: number },
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

export interface PgBinding {
  /** JSON text of the parse tree of `query` (what `parseSync` decodes); throws what `parseSync` throws. */
  parseJson(query: string): string;
  /** `splitTreeBytes` of the JSON `parseJson(query)` returns, made from the parser's output bytes where it can. */
  parseSplit(query: string): SplitTree;
  /** JSON text of the PL/pgSQL parse of `query`; throws what `parsePlPgSQLSync` throws. */
  plpgsqlJson(query: string): string;
  /** Tokens of `query` (`scanSync(query).tokens`); throws what `scanSync` throws. */
  scan(query: string): ScanToken[];
  /**
   * libpg-query's `normalizeSync(query)`: the grammar's check of `query` without a tree (constants
   * become `$n`). Throws on syntax errors; other errors (an unterminated string, say) come back as the
   * returned text itself, so a caller tells success by the text (it starts as `query` does).
   */
  normalize(query: string): string;
  /** 'wasm': the module called directly; 'api': libpg-query's public API. */
  readonly kind: 'wasm' | 'api';
}

/** The Emscripten module of libpg-query: the exports its own wrappers use. */
interface PgWasm {
  HEAPU8?: Uint8Array;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, ptr: number, max: number): void;
  UTF8ToString(ptr: number): string;
  getValue(ptr: number, type: string): number;
  _malloc(n: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(ptr: number): number;
  _wasm_free_parse_result(ptr: number): void;
  _wasm_parse_plpgsql(ptr: number): number;
  _wasm_scan(ptr: number): number;
  _wasm_normalize_query(ptr: number): number;
  _wasm_free_string(ptr: number): void;
}

const WASM_CALLS: Array<keyof PgWasm> = [
  'lengthBytesUTF8',
  'stringToUTF8',
  'UTF8ToString',
  'getValue',
  '_malloc',
  '_free',
  '_wasm_parse_query_raw',
  '_wasm_free_parse_result',
  '_wasm_parse_plpgsql',
  '_wasm_scan',
  '_wasm_normalize_query',
  '_wasm_free_string',
];

const SURROGATE = /[\ud800-\udfff]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Copies `s` into the module's memory as NUL-terminated UTF-8 (what libpg-query's `stringToPtr` does). */
function stringToPtr(m: PgWasm, s: string): number {
  // Without surrogates, the native encoder writes exactly the bytes Emscripten's encoder would.
  const native = m.HEAPU8 instanceof Uint8Array && !SURROGATE.test(s);
  // Natively: room for the longest encoding (3 bytes per UTF-16 code unit), so the text is not
  // measured first; the encoder reports what it wrote.
  const len = (native ? s.length * 3 : m.lengthBytesUTF8(s)) + 1;
  const ptr = m._malloc(len);
  try {
    const heap = m.HEAPU8; // read after _malloc: the memory may have grown
    if (native && heap instanceof Uint8Array) {
      const { written } = encoder.encodeInto(s, heap.subarray(ptr, ptr + len - 1));
      heap[ptr + written] = 0;
    } else m.stringToUTF8(s, ptr, len);
    return ptr;
  } catch (e) {
    m._free(ptr);
    throw e;
  }
}

/** `UTF8ToString`, finding the terminating NUL natively for long strings (parse trees are megabytes). */
function ptrToString(m: PgWasm, ptr: number): string {
  const heap = m.HEAPU8;
  if (!ptr || !(heap instanceof Uint8Array)) return m.UTF8ToString(ptr);
  const end = heap.indexOf(0, ptr);
  // Emscripten decodes up to 16 bytes by hand (it differs from TextDecoder on invalid UTF-8 only): keep its way.
  if (end < 0 || end - ptr <= 16) return m.UTF8ToString(ptr);
  return decoder.decode(heap.subarray(ptr, end));
}

function isErrorText(s: string): boolean {
  return s.startsWith('syntax error') || s.startsWith('deparse error') || s.startsWith('ERROR');
}

function wasmBinding(m: PgWasm): PgBinding {
  /** Parses `query` and hands the tree's JSON (NUL-terminated, in the module's memory) to `take`. */
  function parsed<T>(query: string, take: (treePtr: number) => T): T {
    if (query === null || query === undefined) throw new Error('Query cannot be null or undefined');
    if (query === '') throw new Error('Query cannot be empty');
    const queryPtr = stringToPtr(m, query);
    let resultPtr = 0;
    try {
      resultPtr = m._wasm_parse_query_raw(queryPtr);
      if (!resultPtr) throw new Error('Failed to parse query: memory allocation failed');
      const parseTreePtr = m.getValue(resultPtr, 'i32');
      const errorPtr = m.getValue(resultPtr + 8, 'i32');
      if (errorPtr) {
        const messagePtr = m.getValue(errorPtr, 'i32');
        const funcnamePtr = m.getValue(errorPtr + 4, 'i32');
        const filenamePtr = m.getValue(errorPtr + 8, 'i32');
        const lineno = m.getValue(errorPtr + 12, 'i32');
        const cursorpos = m.getValue(errorPtr + 16, 'i32');
        const message = messagePtr ? m.UTF8ToString(messagePtr) : 'Unknown error';
        throw new PgSqlError(message, {
          message,
          cursorPosition: cursorpos > 0 ? cursorpos - 1 : 0,
          fileName: filenamePtr ? m.UTF8ToString(filenamePtr) : undefined,
          functionName: funcnamePtr ? m.UTF8ToString(funcnamePtr) : undefined,
          lineNumber: lineno > 0 ? lineno : undefined,
        });
      }
      if (!parseTreePtr) throw new Error('No parse tree generated');
      return take(parseTreePtr);
    } finally {
      m._free(queryPtr);
      if (resultPtr) m._wasm_free_parse_result(resultPtr);
    }
  }
  return {
    kind: 'wasm',
    parseJson: (query) => parsed(query, (ptr) => ptrToString(m, ptr)),
    parseSplit: (query) =>
      parsed(query, (ptr) => {
        const heap = m.HEAPU8;
        const end = heap instanceof Uint8Array ? heap.indexOf(0, ptr) : -1;
        // Short or unusual output: whole, as text (ptrToString keeps Emscripten's decoding of short strings).
        return end - ptr > 16 ? splitTreeBytes(heap!.subarray(ptr, end)) : { json: ptrToString(m, ptr), fields: [] };
      }),
    plpgsqlJson(query) {
      const result = callForString(m, (ptr) => m._wasm_parse_plpgsql(ptr), query);
      if (!result.startsWith('{')) throw new Error(result);
      return result;
    },
    scan(query) {
      const result = callForString(m, (ptr) => m._wasm_scan(ptr), query);
      if (isErrorText(result)) throw new Error(result);
      return (JSON.parse(result) as { tokens: ScanToken[] }).tokens;
    },
    normalize(query) {
      const result = callForString(m, (ptr) => m._wasm_normalize_query(ptr), query);
      if (isErrorText(result)) throw new Error(result);
      return result;
    },
  };
}

/** Calls a module function that takes a query and returns a string it allocated; frees both. */
function callForString(m: PgWasm, fn: (queryPtr: number) => number, query: string): string {
  const queryPtr = stringToPtr(m, query);
  let resultPtr = 0;
  try {
    resultPtr = fn(queryPtr);
    return ptrToString(m, resultPtr);
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_string(resultPtr);
  }
}

async function apiBinding(): Promise<PgBinding> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('libpg-query') as typeof import('libpg-query');
  await pg.loadModule();
  return {
    kind: 'api',
    parseJson: (query) => JSON.stringify(pg.parseSync(query)),
    parseSplit: (query) => splitTreeBytes(encoder.encode(JSON.stringify(pg.parseSync(query)))),
    plpgsqlJson: (query) => JSON.stringify(pg.parsePlPgSQLSync(query)),
    scan: (query) => pg.scanSync(query).tokens,
    normalize: (query) => pg.normalizeSync(query),
  };
}

/** A compiled `WebAssembly.Module` (opaque here: the ES2022 lib and @types/node 20 do not declare WebAssembly). */
type WasmModule = { readonly __wasmModule: unique symbol };

/** The part of the WebAssembly API used here. */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: object) => object;
}

/**
 * libpg-query.wasm where libpg-query's loader looks for it: next to the running script (esbuild.mjs
 * copies it next to each bundle in dist/), else in the package (running from source).
 */
function wasmFile(): string {
  const beside = join(__dirname, 'libpg-query.wasm');
  return existsSync(beside) ? beside : require.resolve('libpg-query/wasm/libpg-query.wasm');
}

/**
 * libpg-query's Emscripten module, instantiated from a compile of libpg-query.wasm that starts right
 * away, on V8's background threads. Left to itself, the loader reads and compiles the file only once
 * the caller yields to the event loop: the CLI starts loading the parser before it discovers and reads
 * the project, all synchronous, so the compile would wait for all of that instead of overlapping it.
 * Null when the loader is not the factory this expects.
 */
async function loadWasm(file: string): Promise<PgWasm | null> {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // Before any await: the compile runs while this thread goes on.
  const compiled = api.compile(readFileSync(file));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require('libpg-query/wasm/libpg-query.js') as unknown;
  if (typeof factory !== 'function') return null;
  // The loader waits for the hook's callback and has no way to hear of a failure: race it.
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  const instantiateWasm = (imports: object, ok: (instance: object, module: WasmModule) => void): object => {
    compiled.then((module) => ok(new api.Instance(module, imports), module)).catch(fail);
    return {};
  };
  return (await Promise.race([(factory as (options: object) => Promise<PgWasm>)({ instantiateWasm }), failed])) as PgWasm;
}

/**
 * Instantiates the parser (a WebAssembly instance of its own). `prefer: 'api'` uses libpg-query's
 * public API (tests compare both). `wasm`: the module's file, when not the one libpg-query's loader
 * would use (tests); one that cannot be read or compiled means the public API.
 */
export async function loadPgBinding(prefer: 'wasm' | 'api' = 'wasm', wasm?: string): Promise<PgBinding> {
  if (prefer === 'wasm') {
    let m: PgWasm | null = null;
    try {
      m = await loadWasm(wasm ?? wasmFile());
    } catch {
      m = null;
    }
    if (m && WASM_CALLS.every((k) => typeof m![k] === 'function')) return wasmBinding(m);
  }
  return apiBinding();
}
