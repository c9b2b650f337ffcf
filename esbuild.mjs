// The one build script: bundles the VS Code client, the language server and the CLI into dist/,
// copies the WebAssembly assets they load at run time next to them, and makes the CLI's V8 code cache.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (used for the .vsix)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --if-needed   build only when dist/ is missing or older than the sources
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { writeCodeCache } from './scripts/code-cache.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

const entries = [
  { in: 'client/src/extension.ts', out: 'extension' },
  { in: 'server/src/server.ts', out: 'server' },
  // dist/cli.js (bin.ts) runs the CLI bundle dist/cli-main.js with its code cache (see makeCodeCache).
  { in: 'server/src/cli/main.ts', out: 'cli-main' },
  { in: 'server/src/cli/bin.ts', out: 'cli' },
  // The CLI's SQL parse worker (server/src/project/sql-pool.ts loads it from next to dist/cli.js).
  { in: 'server/src/project/sql-worker.ts', out: 'sql-worker' },
  // The CLI's --replay worker (server/src/project/replay.ts loads it from next to dist/cli.js).
  { in: 'server/src/project/replay-worker.ts', out: 'replay-worker' },
].filter((e) => existsSync(join(root, e.in)));

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

if (args.has('--if-needed')) {
  const outputs = entries.map((e) => join(root, 'dist', e.out + '.js'));
  const built = outputs.every(existsSync) && existsSync(join(root, 'dist', 'libpg-query.wasm'));
  if (built) {
    const oldest = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
    const sources = Math.max(newestMtime(join(root, 'server/src')), existsSync(join(root, 'client/src')) ? newestMtime(join(root, 'client/src')) : 0);
    if (sources <= oldest) process.exit(0);
  }
}

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  // libpg-query's Emscripten loader looks for libpg-query.wasm next to the running script.
  const wasm = join(dirname(require.resolve('libpg-query/package.json')), 'wasm', 'libpg-query.wasm');
  copyFileSync(wasm, join(root, 'dist', 'libpg-query.wasm'));
}

/**
 * dist/cli-main.js.cache: V8's compiled code for the CLI bundle after it audited examples/saas (code,
 * not results; dist/cli.js uses it only for this very bundle, see server/src/cli/bin.ts). Best effort:
 * without it the CLI compiles as usual.
 */
function makeCodeCache() {
  const problem = writeCodeCache(root, join(root, 'dist'));
  if (problem) console.warn(`warning: no CLI code cache (${problem})`);
}

const options = {
  absWorkingDir: root,
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // pg.ts resolves the parser's .wasm in the package only when run from source (a bundle finds it beside itself).
  // PGlite (the --replay database, ~25 MB of WebAssembly and extensions) is loaded from node_modules when a replay runs.
  external: ['vscode', 'libpg-query/wasm/libpg-query.wasm', '@electric-sql/pglite', '@electric-sql/pglite/*'],
  logLevel: 'warning',
  define: { 'process.env.SCHEMA_INSIGHT_VERSION': JSON.stringify(require('./package.json').version) },
  plugins: [
    {
      name: 'assets',
      setup(build) {
        build.onEnd((result) => {
          if (!result.errors.length) copyAssets();
          if (!result.errors.length && !watch) makeCodeCache();
          if (watch) console.log(`[watch] build finished${result.errors.length ? ' with errors' : ''}`);
        });
      },
    },
  ],
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('[watch] watching for changes');
} else {
  await esbuild.build(options);
}
