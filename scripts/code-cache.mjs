// The CLI's V8 code cache (cli-main.js.cache next to cli.js): the compiled code of one audit of
// examples/saas, written at exit by server/src/cli/bin.ts when SCHEMA_INSIGHT_WRITE_CODE_CACHE names
// the file (code, never results). Made by esbuild.mjs for dist/, and by scripts/instructions.mjs for a
// copy of a build under its own node flags (V8 accepts a cache only under the flags it was made with).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * (Re)makes `<dist>/cli-main.js.cache` by running `<dist>/cli.js` with `nodeFlags` (`root`: the
 * repository). Returns null when the cache was written; else the old one is gone too, and the reason
 * is returned: '' when there was nothing to run (no cli.js or examples/saas), else the run's failure.
 */
export function writeCodeCache(root, dist, nodeFlags = []) {
  const cache = join(dist, 'cli-main.js.cache');
  rmSync(cache, { force: true });
  if (!existsSync(join(dist, 'cli.js')) || !existsSync(join(root, 'examples', 'saas'))) return '';
  const r = spawnSync(process.execPath, [...nodeFlags, join(dist, 'cli.js'), 'audit', join(root, 'examples', 'saas'), '--format', 'json', '--fail-on', 'never'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SCHEMA_INSIGHT_WRITE_CODE_CACHE: cache, SCHEMA_INSIGHT_SQL_WORKER: '0' },
  });
  if (r.status === 0 && existsSync(cache)) return null;
  rmSync(cache, { force: true });
  return `exit ${r.status}: ${String(r.stderr).trim().slice(0, 300)}`;
}
