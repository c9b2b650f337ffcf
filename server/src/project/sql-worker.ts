/**
 * The SQL parse worker (bundled as dist/sql-worker.js, next to libpg-query.wasm): pre-parses migration
 * files for `SqlParseWorker` (sql-pool.ts) on a second core with its own instance of the PostgreSQL
 * parser. Each tree goes back undecoded, as `PgBinding.parseSplit` made it (the JSON text, its large
 * statement fields split out as UTF-8 bytes, lazy-json.ts): text and bytes cross threads far cheaper
 * than objects, and the main thread decodes only what the analysis reads.
 *
 * Protocol: one `WorkerJob` message; the worker claims files one at a time from the shared counter
 * (the main thread claims from the same counter, so each file is parsed exactly once), posts one
 * `WorkerResult` per claimed file on the job's port, then a `done` message, and exits.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { SplitTree } from '../analysis/sql/lazy-json';
import { loadPgBinding, type PgBinding } from '../analysis/sql/pg';
import { preParseJson } from '../analysis/sql/preparse';

export interface WorkerJob {
  texts: string[];
  /** Claim order (indices into `texts`). */
  order: Int32Array;
  /** SharedArrayBuffer holding one Int32: the next position in `order` to claim. */
  counter: SharedArrayBuffer;
  port: MessagePort;
}

export type WorkerResult =
  /**
   * File `i`: the parse tree's JSON split (its large statement fields apart, lazy-json.ts), or
   * `split: null` when the file must be parsed in-thread (a syntax error, say).
   */
  | { i: number; split: SplitTree | null; placeholders: boolean; plpgsql: Array<[number, string | null]> }
  /** All claimed files are posted. Times are `performance.timeOrigin + performance.now()` (ms). */
  | { done: true; readyAt: number; startAt: number; endAt: number }
  /** The parser could not be loaded: the worker claimed nothing. */
  | { fatal: string };

const now = () => performance.timeOrigin + performance.now();

function run(job: WorkerJob, pg: PgBinding, readyAt: number): void {
  const startAt = now();
  const counter = new Int32Array(job.counter);
  const n = job.order.length;
  for (;;) {
    const k = Atomics.add(counter, 0, 1);
    if (k >= n) break;
    const i = job.order[k];
    // Left to the main thread unless it pre-parses here.
    let msg: WorkerResult = { i, split: null, placeholders: false, plpgsql: [] };
    try {
      const r = preParseJson(job.texts[i], pg);
      if (r) msg = { i, split: r.split, placeholders: r.placeholders, plpgsql: [...r.plpgsql] };
    } catch {
      // as above: the main thread parses it
    }
    job.port.postMessage(msg);
  }
  job.port.postMessage({ done: true, readyAt, startAt, endAt: now() } satisfies WorkerResult);
  job.port.close();
}

if (parentPort) {
  const parser = loadPgBinding().then((pg) => ({ pg, readyAt: now() }));
  parentPort.once('message', (job: WorkerJob) => {
    parser.then(
      ({ pg, readyAt }) => run(job, pg, readyAt),
      (e: unknown) => {
        job.port.postMessage({ fatal: e instanceof Error ? e.message : String(e) } satisfies WorkerResult);
        job.port.close();
      },
    );
  });
}
