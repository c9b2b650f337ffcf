/**
 * dist/cli.js runs the CLI bundle with the V8 code cache esbuild.mjs makes (server/src/cli/bin.ts):
 * the cache changes no output, and a cache made for another bundle, a damaged one or none at all is
 * ignored safely.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const EXAMPLE = join(ROOT, 'examples/saas');

describe('CLI code cache', () => {
  let dir: string;
  let expected: string;
  const run = (cli: string, env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [cli, 'audit', EXAMPLE, '--format', 'json', '--fail-on', 'never'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  before(() => {
    assert.ok(existsSync(join(DIST, 'cli-main.js.cache')), 'dist/cli-main.js.cache is missing: run `node esbuild.mjs` (npm test does)');
    // A copy of the CLI's files, to damage its cache without touching dist/.
    dir = mkdtempSync(join(tmpdir(), 'si-cache-'));
    for (const f of ['cli.js', 'cli-main.js', 'sql-worker.js', 'libpg-query.wasm']) copyFileSync(join(DIST, f), join(dir, f));
    expected = run(join(dir, 'cli.js'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the built cache is for the built bundle and changes no output', () => {
    const cache = readFileSync(join(DIST, 'cli-main.js.cache'));
    const bundle = readFileSync(join(DIST, 'cli-main.js'));
    assert.equal(cache.readUInt32BE(0), bundle.length);
    assert.ok(bundle.equals(cache.subarray(4, 4 + bundle.length)));
    copyFileSync(join(DIST, 'cli-main.js.cache'), join(dir, 'cli-main.js.cache'));
    assert.equal(run(join(dir, 'cli.js')), expected);
    assert.equal(run(join(DIST, 'cli.js')), expected);
  });

  it('a cache of another bundle, a damaged cache or a truncated one is ignored', () => {
    const good = readFileSync(join(DIST, 'cli-main.js.cache'));
    const header = 4 + good.readUInt32BE(0);
    const other = Buffer.from(good);
    other[4 + 100] ^= 1; // another bundle (one byte differs, same length)
    const variants = [
      other,
      Buffer.concat([good.subarray(0, header), Buffer.from('not V8 code cache data at all'.repeat(100))]), // damaged
      good.subarray(0, header + 8), // truncated
      good.subarray(0, 40),
      Buffer.alloc(0),
    ];
    for (const v of variants) {
      writeFileSync(join(dir, 'cli-main.js.cache'), v);
      assert.equal(run(join(dir, 'cli.js')), expected);
    }
  });

  it('SCHEMA_INSIGHT_WRITE_CODE_CACHE writes a cache that the next run uses', () => {
    const cache = join(dir, 'cli-main.js.cache');
    rmSync(cache, { force: true });
    assert.equal(run(join(dir, 'cli.js'), { SCHEMA_INSIGHT_WRITE_CODE_CACHE: cache }), expected);
    assert.ok(readFileSync(cache).length > 1000);
    assert.equal(run(join(dir, 'cli.js')), expected);
  });
});
