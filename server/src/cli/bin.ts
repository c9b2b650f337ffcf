#!/usr/bin/env node
/**
 * dist/cli.js, the `schema-insight` command: runs the CLI bundle (dist/cli-main.js, built from
 * main.ts) with the V8 code cache that esbuild.mjs makes for it at build time, so a cold run does not
 * re-compile the ~0.5 MB bundle and the functions an audit runs (~30 ms per run).
 *
 * The cache is code, never results. It is used only when it was made from this very bundle (its
 * first 32 bytes are the bundle's SHA-256) and V8 accepts it (same V8 version and flags); otherwise
 * the bundle is compiled as usual.
 */
// Before compiling anything: the flags the cache was made with (and that the audit wants).
import './wasm-tiering';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

const bundle = join(__dirname, 'cli-main.js');
const cacheFile = `${bundle}.cache`;
/** Set by esbuild.mjs to make the cache: the run's compiled code is written there at exit. */
const writeCache = process.env.SCHEMA_INSIGHT_WRITE_CODE_CACHE;

const source = readFileSync(bundle, 'utf8');
const digest = createHash('sha256').update(source).digest();
let cachedData: Buffer | undefined;
if (!writeCache) {
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > digest.length && digest.equals(cache.subarray(0, digest.length))) cachedData = cache.subarray(digest.length);
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
      writeFileSync(writeCache, Buffer.concat([digest, script.createCachedData()]));
    } catch (e) {
      process.stderr.write(`schema-insight: cannot write the code cache: ${String(e)}\n`);
    }
  });
}
// The bundle runs as this module (it checks `require.main === module` to run the CLI).
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, bundle, __dirname);
