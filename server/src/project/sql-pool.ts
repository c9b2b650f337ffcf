/**
 * Parallel SQL parsing for front ends that audit many migrations cold (the CLI): one worker thread
 * (sql-worker.ts) and this thread pre-parse the files together, then the pure analysis uses the
 * pre-parses (`AuditInput.sqlPreParsed`) instead of calling the parser. Findings are identical either
 * way; the worker only changes where the parser runs.
 *
 `preParseInParallel` decides by size whether a worker is worth starting at all: on two cores its
 * start-up (a Node.js thread and a WebAssembly instance of its own, ~70 ms of CPU) competes with this
 * thread, so small projects parse faster without it. Anything wrong with the worker (missing script,
 * failed start, crash, stall) only means more files are parsed in this thread: no file is ever lost.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import { decodeSplitTree } from '../analysis/sql/lazy-json';
import { preParseSql, reparseDeferred, type SqlPreParse } from '../analysis/sql/parse';
import type { WorkerJob, WorkerResult } from './sql-worker';

/**
 * Below this much SQL (UTF-16 code units over all files) the worker does not pay for itself. Measured
 * on a 2-core machine (cold CLI, median of interleaved runs): with the parser kept in Liftoff and trees
 * decoded lazily, civitai (0.85 M chars, 400 files) parses in ~150 ms in-thread, while the worker
 * needs ~100–200 ms from spawn to its first parse (a Node.js thread and a WebAssembly instance of its
 * own, competing with this thread): civitai and civitai+langfuse (1.1 M) were slower with it, 4× that
 * (3.4 M chars, 1668 files) about even under load and ~10% faster on a quiet machine.
 */
export const SQL_WORKER_MIN_CHARS = 2 * 1024 * 1024;

/** A worker that makes no progress for this long is abandoned (its files are parsed in this thread). */
const STALL_MS = 30_000;

/** dist/sql-worker.js next to the running bundle (dist/cli.js), as esbuild.mjs lays it out. */
function defaultWorkerFile(): string {
  return join(__dirname, 'sql-worker.js');
}

export interface PreParseStats {
  files: number;
  /** Files parsed by the worker. */
  byWorker: number;
  /** Files parsed in this thread. */
  inThread: number;
  /** Why the worker parsed nothing or lost files, if it did. */
  workerProblem?: string;
  /** When the worker had its parser loaded, started and finished its share (ms since this thread's start). */
  worker?: { readyMs: number; startMs: number; endMs: number };
}

export interface PreParseOptions {
  /** False: this thread only waits for the worker (tests; files the worker fails on are still parsed here). */
  mainThreadParses?: boolean;
}

export interface PreParseOutcome {
  /** Per input text: its pre-parse, or null when the file is left to `parseSqlFile` (e.g. a syntax error). */
  results: Array<SqlPreParse | null>;
  stats: PreParseStats;
}

/** Total size of the texts, in UTF-16 code units. */
export function sqlChars(texts: readonly string[]): number {
  let chars = 0;
  for (const t of texts) chars += t.length;
  return chars;
}

/**
 * Pre-parses migration texts on a worker thread and this thread together when they add up to at
 * least `minChars`; null otherwise (the audit then parses them in-thread as usual).
 */
export async function preParseInParallel(texts: string[], options: PreParseOptions & { minChars?: number; workerFile?: string } = {}): Promise<PreParseOutcome | null> {
  if (!texts.length || sqlChars(texts) < (options.minChars ?? SQL_WORKER_MIN_CHARS)) return null;
  const worker = SqlParseWorker.start(options.workerFile);
  try {
    return await worker.preParse(texts, options);
  } finally {
    worker.close();
  }
}

export class SqlParseWorker {
  private worker: Worker | null = null;
  /** False once the worker failed (it is then only terminated, never waited for). */
  private alive = false;
  private problem: string | undefined;
  private wake: (() => void) | null = null;

  private constructor(file: string) {
    if (!existsSync(file)) {
      this.problem = `worker script not found: ${file}`;
      return;
    }
    try {
      // Loaded here, not at start-up: most audits never start a worker.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
      this.worker = new Worker(file);
      this.alive = true;
      // Never keeps the process alive; while results are awaited, the result port does.
      this.worker.unref();
      this.worker.on('error', (e) => this.fail(`worker error: ${e instanceof Error ? e.message : String(e)}`));
      this.worker.on('exit', (code) => this.fail(`worker exited (code ${code})`));
    } catch (e) {
      this.worker = null;
      this.problem = `worker did not start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Starts the worker thread (never throws: a worker that cannot start only means in-thread parsing). */
  static start(file = defaultWorkerFile()): SqlParseWorker {
    return new SqlParseWorker(file);
  }

  private fail(problem: string): void {
    this.problem ??= problem;
    this.alive = false;
    this.wake?.();
  }

  /**
   * Pre-parses `texts` (migration files) on the worker and this thread together. The SQL parser must
   * be loaded (`ensureSqlParser`). Call once, then `close()`.
   */
  async preParse(texts: string[], options: PreParseOptions = {}): Promise<PreParseOutcome> {
    const n = texts.length;
    const results = new Array<SqlPreParse | null | undefined>(n);
    const stats: PreParseStats = { files: n, byWorker: 0, inThread: 0 };
    // Largest files first, so the last files claimed are small and both threads finish together.
    const order = Int32Array.from(texts.keys()).sort((a, b) => texts[b].length - texts[a].length || a - b);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    let port: MessagePort | null = null;
    const { MessageChannel, receiveMessageOnPort } = require('node:worker_threads') as typeof import('node:worker_threads');
    if (this.worker && this.alive) {
      const channel = new MessageChannel();
      try {
        const job: WorkerJob = { texts, order, counter: counter.buffer as SharedArrayBuffer, port: channel.port2 };
        this.worker.postMessage(job, [channel.port2]);
        port = channel.port1;
      } catch (e) {
        this.fail(`cannot post to the worker: ${e instanceof Error ? e.message : String(e)}`);
        channel.port1.close();
      }
    }
    let messages = 0;
    let done = false;
    const take = (m: WorkerResult): void => {
      messages++;
      if ('fatal' in m) this.fail(`the worker could not load the parser: ${m.fatal}`);
      else if ('done' in m) {
        done = true;
        const t0 = performance.timeOrigin;
        stats.worker = { readyMs: m.readyAt - t0, startMs: m.startAt - t0, endMs: m.endAt - t0 };
      } else {
        stats.byWorker++;
        const tree = m.split && decodeSplitTree(m.split, reparseDeferred);
        results[m.i] = tree && { text: texts[m.i], tree, placeholders: m.placeholders, plpgsql: new Map(m.plpgsql) };
      }
    };
    const drain = (): void => {
      if (!port) return;
      for (let r = receiveMessageOnPort(port); r; r = receiveMessageOnPort(port)) take(r.message as WorkerResult);
    };

    // This thread claims files from the same counter as the worker, decoding the worker's results
    // between its own files.
    for (;;) {
      drain();
      if (options.mainThreadParses === false && port) break;
      const k = Atomics.add(counter, 0, 1);
      if (k >= n) break;
      const i = order[k];
      results[i] = preParseSql(texts[i]);
      stats.inThread++;
    }
    // Every file is claimed: wait for the ones the worker claimed (unless it fails).
    if (port) {
      const p = port;
      const missing = () => n - stats.inThread - stats.byWorker;
      // A worker that parsed files posts `done` right after its last one (its timings).
      const waiting = () => missing() > 0 || (stats.byWorker > 0 && !done);
      drain();
      while (waiting() && this.alive) {
        const before = messages;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, STALL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
          p.once('message', (m: WorkerResult) => {
            take(m);
            this.wake?.();
          });
        });
        this.wake = null;
        p.removeAllListeners('message');
        drain();
        if (messages === before && waiting() && this.alive) {
          this.fail(`the worker made no progress for ${STALL_MS} ms`);
          this.close();
        }
      }
      drain();
      p.close();
    }
    // Files the worker claimed but never returned (it failed): parse them here.
    let lost = 0;
    for (let i = 0; i < n; i++) {
      if (results[i] === undefined) {
        results[i] = preParseSql(texts[i]);
        stats.inThread++;
        lost++;
      }
    }
    if (this.problem && (lost || !stats.byWorker)) stats.workerProblem = this.problem;
    return { results: results as Array<SqlPreParse | null>, stats };
  }

  /** Stops the worker (it holds nothing the process needs). */
  close(): void {
    const w = this.worker;
    this.worker = null;
    this.alive = false;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => {});
      void w.terminate();
    }
  }
}
