/**
 * The CLI's parallel SQL parsing (project/sql-pool.ts + the bundled dist/sql-worker.js): the worker's
 * pre-parses give the same parsed files as the in-thread path on real corpus migrations, a worker
 * that is missing or crashes loses no file, the size threshold decides whether a worker starts, and
 * the CLI's output is the same with the worker forced on or off.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { stripBom } from '../../server/src/analysis/text';
import { preParseInParallel, SQL_WORKER_MIN_CHARS, SqlParseWorker, sqlChars } from '../../server/src/project/sql-pool';
import { parsedSnapshot, ready } from '../sql/helpers';
import { corpusRoot } from '../helpers/corpus';

const ROOT = resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/sql-worker.js');
const CLI = join(ROOT, 'dist/cli.js');
const CIVITAI = join(corpusRoot(), 'civitai__civitai/packages/civitai-db-schema/prisma/migrations');
const available = existsSync(CIVITAI);

/** civitai's migrations (views, functions, DO blocks), or a small synthetic set without the corpus. */
function migrations(): Array<{ path: string; text: string }> {
  if (!available) {
    return Array.from({ length: 40 }, (_, i) => ({
      path: `m${i}/migration.sql`,
      text: `CREATE TABLE t${i} (id int PRIMARY KEY, v text);\nCREATE VIEW v${i} AS SELECT ${Array.from({ length: 60 }, (_, k) => `v AS c${k}`).join(', ')} FROM t${i};\n${i % 7 === 0 ? 'CREATE TABLE broken (;\n' : ''}`,
    }));
  }
  return readdirSync(CIVITAI)
    .filter((d) => existsSync(join(CIVITAI, d, 'migration.sql')))
    .sort()
    .map((d) => ({ path: `${d}/migration.sql`, text: stripBom(readFileSync(join(CIVITAI, d, 'migration.sql'), 'utf8')) }));
}

describe('parallel SQL parsing (worker thread)', () => {
  let files: Array<{ path: string; text: string }>;
  let expected: unknown[];
  let tmp: string;
  before(async () => {
    await ready;
    assert.ok(existsSync(WORKER), 'dist/sql-worker.js is missing: run `node esbuild.mjs` (npm test does)');
    files = migrations();
    expected = files.map((f) => parsedSnapshot(parseSqlFile(f.path, f.text)));
    tmp = mkdtempSync(join(tmpdir(), 'si-pool-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const check = (results: Array<unknown>) => {
    assert.equal(results.length, files.length);
    files.forEach((f, i) => assert.deepEqual(parsedSnapshot(parseSqlFile(f.path, f.text, results[i] as never)), expected[i], f.path));
  };

  it('the worker parsing every file gives the same parsed files as the in-thread path', async () => {
    const out = await preParseInParallel(
      files.map((f) => f.text),
      { minChars: 0, workerFile: WORKER, mainThreadParses: false },
    );
    assert.ok(out);
    assert.equal(out.stats.workerProblem, undefined);
    assert.equal(out.stats.byWorker, files.length, 'the worker parsed every file');
    assert.ok(out.stats.worker && out.stats.worker.endMs >= out.stats.worker.startMs);
    check(out.results);
  });

  it('the worker and this thread sharing the files give the same parsed files', async () => {
    const out = await preParseInParallel(
      files.map((f) => f.text),
      { minChars: 0, workerFile: WORKER },
    );
    assert.ok(out);
    assert.equal(out.stats.byWorker + out.stats.inThread, files.length);
    check(out.results);
  });

  it('without a worker script, every file is parsed in this thread', async () => {
    const out = await preParseInParallel(
      files.map((f) => f.text),
      { minChars: 0, workerFile: join(tmp, 'missing.js'), mainThreadParses: false },
    );
    assert.ok(out);
    assert.equal(out.stats.byWorker, 0);
    assert.equal(out.stats.inThread, files.length);
    assert.match(out.stats.workerProblem ?? '', /not found/);
    check(out.results);
  });

  it('a worker that fails to start or crashes after claiming files loses none of them', async () => {
    const throws = join(tmp, 'throws.js');
    writeFileSync(throws, "throw new Error('cannot start');\n");
    // Claims three files, answers one, then dies.
    const crashes = join(tmp, 'crashes.js');
    writeFileSync(
      crashes,
      `const { parentPort } = require('node:worker_threads');
       parentPort.once('message', (job) => {
         const counter = new Int32Array(job.counter);
         for (let j = 0; j < 3; j++) Atomics.add(counter, 0, 1);
         job.port.postMessage({ i: job.order[0], split: null, placeholders: false, plpgsql: [] });
         setTimeout(() => process.exit(3), 20);
       });\n`,
    );
    for (const [file, problem] of [
      [throws, /worker error: cannot start|exited/],
      [crashes, /exited \(code 3\)/],
    ] as const) {
      const out = await preParseInParallel(
        files.map((f) => f.text),
        { minChars: 0, workerFile: file, mainThreadParses: false },
      );
      assert.ok(out);
      assert.equal(out.stats.byWorker + out.stats.inThread, files.length);
      assert.match(out.stats.workerProblem ?? '', problem);
      check(out.results);
    }
  });

  it('a worker starts only from the size threshold on', async () => {
    const texts = files.map((f) => f.text);
    const chars = sqlChars(texts);
    assert.equal(await preParseInParallel(texts, { minChars: chars + 1, workerFile: WORKER }), null);
    const at = await preParseInParallel(texts, { minChars: chars, workerFile: WORKER });
    assert.ok(at && at.results.length === texts.length);
    assert.equal(await preParseInParallel([], { minChars: 0, workerFile: WORKER }), null);
    // The default threshold is above the corpus' largest migration set (measured: no gain there).
    assert.ok(SQL_WORKER_MIN_CHARS > chars);
  });

  it('closing an unused worker lets the process go on (no hang)', async () => {
    const w = SqlParseWorker.start(WORKER);
    w.close();
    const out = await w.preParse(['CREATE TABLE a (id int);']);
    assert.equal(out.stats.byWorker, 0);
    assert.equal(out.stats.inThread, 1);
  });

  it('the CLI output is the same with the worker forced on, off, and by size', { skip: !available && 'corpus not available' }, () => {
    const run = (env: Record<string, string>, ...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, 'audit', CIVITAI, '--fail-on', 'never', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
      assert.equal(r.status, 0, r.stderr);
      return r;
    };
    const off = run({ SCHEMA_INSIGHT_SQL_WORKER: '0' }, '--format', 'json').stdout;
    const on = run({ SCHEMA_INSIGHT_SQL_WORKER: '1' }, '--format', 'json', '--timings');
    assert.equal(on.stdout, off);
    const timings = JSON.parse(on.stderr.trim().split('\n').pop()!);
    assert.equal(timings.sqlFiles, files.length);
    assert.equal(timings.byWorker + timings.inThread, files.length);
    const bySize = run({}, '--format', 'json', '--timings');
    assert.equal(bySize.stdout, off);
    assert.equal(JSON.parse(bySize.stderr.trim().split('\n').pop()!).sqlFiles, undefined, 'below the threshold: no worker');
  });
});
