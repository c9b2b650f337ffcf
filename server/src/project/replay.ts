/**
 * Runs a migration project's `replayPlan` (analysis/sql/replay.ts) in an embedded PostgreSQL: PGlite,
 * PostgreSQL compiled to WebAssembly (`@electric-sql/pglite`), so no server, Docker or network is
 * needed. Used by the CLI's `--replay`; the outcome goes back to the audit as `AuditInput.replay`.
 *
 * Each migration runs as its tool runs it: the whole file as one script, which PostgreSQL executes as
 * one transaction (Prisma Migrate, the Supabase CLI and graphile-migrate do; so `CREATE INDEX
 * CONCURRENTLY` next to other statements fails as it would on deploy), or statement by statement when
 * the file has its own BEGIN/COMMIT or opts out of the transaction. Between files the session is reset
 * (`DISCARD ALL`), as a new connection would be. The replay stops at the first error.
 *
 * `replayMigrations` runs it on a worker thread (dist/replay-worker.js) so a statement that never ends
 * (`pg_sleep`, a runaway function) cannot hang the caller: past the time limit the worker is stopped
 * and the outcome says where. Without the worker script (tests from source), it runs in this thread.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cursorToUtf16 } from '../analysis/sql/parse';
import {
  environmentLimit,
  SUPABASE_PRELUDE,
  SUPABASE_SEARCH_PATH,
  type ReplayOutcome,
  type ReplayPlan,
  type ReplayStatement,
  type ReplayStep,
} from '../analysis/sql/replay';

/** Extensions PGlite 0.5 ships (`@electric-sql/pglite/contrib/<name with _>`); plpgsql is built in. */
const CONTRIB = new Set([
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance',
  'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg',
  'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid_ossp',
]);
const BUILT_IN = new Set(['plpgsql']);

function contribModule(extension: string): string | null {
  const m = extension.toLowerCase().replace(/-/g, '_');
  return CONTRIB.has(m) ? m : null;
}

export function available(extension: string): boolean {
  return BUILT_IN.has(extension.toLowerCase()) || contribModule(extension) !== null;
}

/** The fields of PostgreSQL's error report that PGlite's errors carry. */
export interface PgError {
  message: string;
  code?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
  table?: string;
  column?: string;
}

/** The part of a PGlite database used here (and by scripts/rollback-roundtrip). */
export interface Db {
  exec(sql: string): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Blob>;
}

export interface PGliteClass {
  create(options?: { extensions?: Record<string, unknown>; loadDataDir?: Blob }): Promise<Db>;
}

/**
 * PGlite's class and the contrib extensions a plan needs (those PGlite ships; a Supabase project also
 * gets uuid-ossp and pgcrypto, which the platform has). Throws when PGlite cannot be loaded.
 */
export async function loadPglite(plan: ReplayPlan): Promise<{ PGlite: PGliteClass; extensions: Record<string, unknown> }> {
  const PGlite = ((await import('@electric-sql/pglite')) as unknown as { PGlite: PGliteClass }).PGlite;
  const extensions: Record<string, unknown> = {};
  const wanted = new Set(plan.extensions.map(contribModule).filter((m): m is string => m !== null));
  if (plan.supabase) wanted.add('uuid_ossp').add('pgcrypto');
  for (const m of wanted) extensions[m] = ((await import(`@electric-sql/pglite/contrib/${m}`)) as Record<string, unknown>)[m];
  return { PGlite, extensions };
}

/** The engine's name until the database itself says its version. */
const ENGINE = 'PostgreSQL (PGlite)';

/** A fresh data directory, made once per process (initdb takes ~2 s; loading its copy ~0.3 s). */
let template: Promise<Blob | null> | null = null;

async function freshDatabase(PGlite: PGliteClass, extensions: Record<string, unknown>): Promise<Db> {
  if (template) {
    const dir = await template;
    if (dir) return PGlite.create({ extensions, loadDataDir: dir });
  }
  const db = await PGlite.create({ extensions });
  template ??= db.dumpDataDir('none').catch(() => null);
  await template;
  return db;
}

export function isPgError(e: unknown): e is PgError {
  return !!e && typeof e === 'object' && typeof (e as PgError).message === 'string' && /^[0-9A-Z]{5}$/.test(String((e as PgError).code ?? ''));
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type StepError = { statement: ReplayStatement; error: PgError; offset?: number } | { statement?: ReplayStatement; crash: string };

/** Offset in the file of PostgreSQL's 1-based character `position` in `text` (which starts at `base`). */
function offsetOf(e: PgError, text: string, base: number): number | undefined {
  const p = Number(e.position);
  return Number.isInteger(p) && p > 0 ? base + cursorToUtf16(text, p - 1) : undefined;
}

async function runStatements(db: Db, statements: ReplayStatement[]): Promise<StepError | null> {
  for (const s of statements) {
    try {
      await db.exec(s.sql);
    } catch (e) {
      if (!isPgError(e)) return { statement: s, crash: errorText(e) };
      return { statement: s, error: e, offset: offsetOf(e, s.sql, s.start) };
    }
  }
  return null;
}

async function runStep(db: Db, step: ReplayStep): Promise<StepError | null> {
  if (!step.statements.length) return null;
  if (!step.atomic) return runStatements(db, step.statements);
  try {
    await db.exec(step.script);
    return null;
  } catch (e) {
    if (!isPgError(e)) return { crash: errorText(e) };
    const offset = offsetOf(e, step.script, 0);
    const at = offset === undefined ? undefined : step.statements.find((s) => offset >= s.start && offset <= s.end);
    if (at) return { statement: at, error: e, offset };
    // No position: the script was rolled back as a whole, so run it again statement by statement,
    // in a transaction as the tool would, to find the one that fails.
    try {
      await db.exec('BEGIN');
      const found = await runStatements(db, step.statements);
      if (found) return found;
    } catch {
      // as below
    } finally {
      await db.exec('ROLLBACK').catch(() => {});
    }
    return { statement: step.statements[0], error: e };
  }
}

/** Back to a new session's state: no open transaction, role, settings or temporary objects. */
export async function resetSession(db: Db, supabase: boolean): Promise<void> {
  try {
    await db.exec('DISCARD ALL');
  } catch {
    await db.exec('COMMIT').catch(() => {});
    await db.exec('DISCARD ALL').catch(() => {});
  }
  if (supabase) await db.exec(`SET search_path TO ${SUPABASE_SEARCH_PATH}`);
}

/** Runs the plan in this thread. `progress[0]` (if given) is kept at the index of the step running. */
export async function runReplay(plan: ReplayPlan, progress?: Int32Array): Promise<ReplayOutcome> {
  const t0 = performance.now();
  const outcome: ReplayOutcome = { engine: ENGINE, applied: 0, total: plan.steps.length };
  const finish = (): ReplayOutcome => ({ ...outcome, ms: Math.round(performance.now() - t0) });
  if (!plan.steps.length) return finish();
  let PGlite: PGliteClass;
  let extensions: Record<string, unknown>;
  try {
    ({ PGlite, extensions } = await loadPglite(plan));
  } catch (e) {
    outcome.stopped = { path: plan.steps[0].path, reason: `the embedded PostgreSQL (@electric-sql/pglite) could not be loaded: ${errorText(e)}` };
    return finish();
  }
  let db: Db;
  try {
    db = await freshDatabase(PGlite, extensions);
  } catch (e) {
    outcome.stopped = { path: plan.steps[0].path, reason: `the embedded PostgreSQL did not start: ${errorText(e)}` };
    return finish();
  }
  try {
    const version = (await db.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? '';
    const m = /^PostgreSQL (\S+) \((PGlite [^)]*)\)/.exec(version);
    if (m) outcome.engine = `PostgreSQL ${m[1]} (${m[2]})`;
    if (plan.supabase) {
      try {
        await db.exec(SUPABASE_PRELUDE);
        await resetSession(db, true);
      } catch (e) {
        outcome.stopped = { path: plan.steps[0].path, reason: `the Supabase objects could not be created: ${errorText(e)}` };
        return finish();
      }
    }
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i];
      if (progress) progress[0] = i;
      if (step.blocked) {
        outcome.stopped = { path: step.path, reason: step.blocked };
        break;
      }
      const missing = step.statements.find((s) => s.extension && !available(s.extension));
      if (missing) {
        outcome.stopped = { path: step.path, statement: missing.index, reason: `the embedded PostgreSQL has no \`${missing.extension}\` extension` };
        break;
      }
      const err = await runStep(db, step);
      if (err) {
        if ('crash' in err) {
          outcome.stopped = { path: step.path, statement: err.statement?.index, reason: `the embedded PostgreSQL failed: ${err.crash}` };
          break;
        }
        const limit = environmentLimit(err.error);
        if (limit) outcome.stopped = { path: step.path, statement: err.statement.index, reason: limit };
        else {
          const e = err.error;
          outcome.failure = {
            path: step.path,
            statement: err.statement.index,
            message: e.message,
            ...(e.code ? { code: e.code } : {}),
            ...(err.offset !== undefined ? { offset: err.offset } : {}),
            ...(e.detail ? { detail: e.detail } : {}),
            ...(e.hint ? { hint: e.hint } : {}),
            ...(e.table ? { table: e.table } : {}),
            ...(e.column ? { column: e.column } : {}),
          };
        }
        break;
      }
      outcome.applied++;
      await resetSession(db, plan.supabase);
    }
  } catch (e) {
    outcome.stopped ??= { path: plan.steps[Math.min(outcome.applied, plan.steps.length - 1)].path, reason: `the embedded PostgreSQL failed: ${errorText(e)}` };
  } finally {
    await db.close().catch(() => {});
  }
  return finish();
}

export interface ReplayOptions {
  /** Stop the replay after this long (default 5 minutes). */
  timeoutMs?: number;
  /** The worker script (default: dist/replay-worker.js next to this bundle). */
  workerFile?: string;
}

export const DEFAULT_REPLAY_TIMEOUT_MS = 5 * 60_000;

/** Runs the plan on a worker thread with a time limit (in this thread when there is no worker script). */
export async function replayMigrations(plan: ReplayPlan, options: ReplayOptions = {}): Promise<ReplayOutcome> {
  const file = options.workerFile ?? join(__dirname, 'replay-worker.js');
  const timeoutMs = options.timeoutMs ?? DEFAULT_REPLAY_TIMEOUT_MS;
  if (!plan.steps.length || !existsSync(file)) return runReplay(plan);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const t0 = performance.now();
  const worker = new Worker(file);
  return new Promise<ReplayOutcome>((resolve) => {
    let settled = false;
    const settle = (o: ReplayOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners();
      worker.on('error', () => {});
      void worker.terminate();
      resolve(o);
    };
    const cut = (reason: string) => {
      const i = Math.min(progress[0], plan.steps.length - 1);
      settle({ engine: ENGINE, applied: i, total: plan.steps.length, stopped: { path: plan.steps[i].path, reason }, ms: Math.round(performance.now() - t0) });
    };
    const timer = setTimeout(() => cut(`the replay took longer than ${Math.round(timeoutMs / 1000)} s and was stopped during this migration`), timeoutMs);
    worker.once('message', (m: { outcome: ReplayOutcome }) => settle(m.outcome));
    worker.once('error', (e) => cut(`the embedded PostgreSQL failed: ${errorText(e)}`));
    worker.once('exit', (code) => cut(`the replay worker exited (code ${code})`));
    worker.postMessage({ plan, progress: progress.buffer });
  });
}
