/**
 * The stdio transport's message encoder. Every other message is encoded as vscode-jsonrpc does
 * (`JSON.stringify`, then UTF-8); `textDocument/publishDiagnostics` is assembled from the UTF-8 JSON
 * of each diagnostic, kept per diagnostic object.
 *
 * Why: after each keystroke the server publishes every diagnostic of the file again (the protocol has
 * no deltas), and on a large schema that is hundreds of diagnostics and ~200 KB of JSON, most of them
 * unchanged. The auditor hands back the same `Diagnostic` object for an unchanged finding
 * (audits.ts), so only new diagnostics are serialized; the rest is one copy of cached bytes. Output is
 * byte-for-byte what `JSON.stringify` would give (the tests compare).
 *
 * Diagnostic objects must not be mutated after they were first published (they are not: they are
 * built once per finding and shared).
 */
import type { ContentTypeEncoderOptions, Message } from 'vscode-languageserver/node';

const PUBLISH = 'textDocument/publishDiagnostics';
/** Stands for the diagnostics array while the rest of the message is stringified (NUL cannot occur unescaped in a URI). */
const HOLE = '\u0000schema-insight-diagnostics\u0000';
const HOLE_JSON = JSON.stringify(HOLE);

function plainEncode(msg: Message, charset: BufferEncoding): Uint8Array {
  return Buffer.from(JSON.stringify(msg, undefined, 0), charset);
}

/** A vscode-jsonrpc `ContentTypeEncoder` (its function form). */
export interface DiagnosticsEncoder {
  readonly name: string;
  encode(msg: Message, options: ContentTypeEncoderOptions): Promise<Uint8Array>;
  /** Diagnostics serialized since the encoder was made (tests, benchmarks). */
  readonly serialized: number;
}

export function diagnosticsEncoder(): DiagnosticsEncoder {
  /** Per diagnostic object: `,` and its JSON, as UTF-8 (the first item of the array drops the comma). */
  const bytes = new WeakMap<object, Buffer>();
  let serialized = 0;
  const itemBytes = (d: unknown): Buffer => {
    if (d === null || typeof d !== 'object') return Buffer.from(`,${JSON.stringify(d) ?? 'null'}`);
    let b = bytes.get(d);
    if (!b) {
      // `toJSON` or undefined-valued fields are handled exactly as in the whole-message stringify.
      b = Buffer.from(`,${JSON.stringify(d) ?? 'null'}`);
      bytes.set(d, b);
      serialized++;
    }
    return b;
  };
  const encode = (msg: Message, charset: BufferEncoding): Uint8Array => {
    const m = msg as Message & { method?: unknown; params?: { diagnostics?: unknown } };
    const diagnostics = m.params?.diagnostics;
    if (m.method !== PUBLISH || !Array.isArray(diagnostics) || (charset !== 'utf-8' && charset !== 'utf8')) return plainEncode(msg, charset);
    const head = JSON.stringify({ ...m, params: { ...m.params, diagnostics: HOLE } }, undefined, 0);
    const at = head.indexOf(HOLE_JSON);
    if (at < 0 || head.indexOf(HOLE_JSON, at + 1) >= 0) return plainEncode(msg, charset);
    // `…"diagnostics":[` + items + `]…`: the items' cached bytes copied once into the message.
    const before = Buffer.from(`${head.slice(0, at)}[`);
    const after = Buffer.from(`]${head.slice(at + HOLE_JSON.length)}`);
    const items: Buffer[] = new Array(diagnostics.length);
    let length = before.length + after.length;
    for (let i = 0; i < diagnostics.length; i++) {
      // JSON.stringify writes holes and undefined array items as null.
      const b = itemBytes(diagnostics[i] === undefined ? null : diagnostics[i]);
      items[i] = b;
      length += i ? b.length : b.length - 1;
    }
    const out = Buffer.allocUnsafe(length);
    out.set(before, 0);
    let pos = before.length;
    for (let i = 0; i < items.length; i++) {
      const b = items[i];
      out.set(i ? b : b.subarray(1), pos);
      pos += i ? b.length : b.length - 1;
    }
    out.set(after, pos);
    return out;
  };
  return {
    name: 'application/json',
    async encode(msg: Message, options: ContentTypeEncoderOptions) {
      return encode(msg, (options?.charset ?? 'utf-8') as BufferEncoding);
    },
    get serialized() {
      return serialized;
    },
  };
}
