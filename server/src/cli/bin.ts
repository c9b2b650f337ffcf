#!/usr/bin/env node
/**
 * dist/cli.js, the `schema-insight` command: runs the CLI bundle (dist/cli-main.js, built from
 * main.ts) with the V8 code cache that esbuild.mjs makes for it at build time, so a cold run does not
 * re-compile the ~0.5 MB bundle and the functions an audit runs (~30 ms per run).
 *
 * The cache is code, never results. It is used only when it was made from this very bundle (it starts
 * with the bundle's byte length and bytes, compared in full: V8 itself checks only the source length)
 * and V8 accepts it (same V8 version and flags); otherwise the bundle is compiled as usual.
 */
// Before compiling anything: the flags the cache was made with (and that the audit wants).
import './wasm-tiering';
import '../js-tiering';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

const bundle = join(__dirname, 'cli-main.js');
const cacheFile = `${bundle}.cache`;
/** Set by esbuild.mjs to make the cache: the run's compiled code is written there at exit. */
const writeCache = process.env.SCHEMA_INSIGHT_WRITE_CODE_CACHE;

const bytes = readFileSync(bundle);
const source = bytes.toString('utf8');
/** Cache file: bundle byte length (UInt32BE), the bundle's bytes, V8's data. */
const header = 4 + bytes.length;
let cachedData: Buffer | undefined;
if (!writeCache) {
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > header && cache.readUInt32BE(0) === bytes.length && bytes.equals(cache.subarray(4, header))) cachedData = cache.subarray(header);
  } catch {
    // no cache: compile as usual
  }
}

// The module wrapper Node.js uses, on one line with the code so line numbers stay the bundle's.
const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${body}\n})`, { filename: bundle, cachedData });
if (writeCache) {
  process.once('exit', () => {
    try {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      writeFileSync(writeCache, Buffer.concat([length, bytes, script.createCachedData()]));
    } catch (e) {
      process.stderr.write(`schema-insight: cannot write the code cache: ${String(e)}\n`);
    }
  });
}
// The bundle runs as this module (it checks `require.main === module` to run the CLI).
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, bundle, __dirname);
