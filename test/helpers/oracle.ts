/**
 * Prisma's own parser as a test oracle: `getDMMF` / `validate` from `@prisma/internals@6.19.3` (WASM).
 * Single-file schemas are passed as a string, multi-file schemas as `[path, content]` tuples (the form
 * `prisma generate` uses for a `prismaSchemaFolder`).
 *
 * Datasource connection settings are kept as written. Prisma 6 requires `url`; schemas written for
 * Prisma 7 (connection in `prisma.config.ts`) have none, so when the oracle rejects a schema only for a
 * missing `url`, a placeholder `url = env("DATABASE_URL")` line is added after the `datasource … {`
 * line and the schema is retried. Conversely `url` / `directUrl` / `shadowDatabaseUrl` are stripped
 * (and the schema retried) only if the oracle rejects them.
 */
import type * as DMMF from '@prisma/dmmf';

export type { DMMF };

export interface OracleFile {
  path: string;
  text: string;
}

type Internals = typeof import('@prisma/internals');
let internals: Promise<Internals> | null = null;
function load(): Promise<Internals> {
  internals ??= import('@prisma/internals');
  return internals;
}

/** Removes terminal colour codes from the oracle's messages. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

const URL_KEYS = /^([ \t]*)(url|directUrl|shadowDatabaseUrl)[ \t]*=.*$/;

/** The files with `url`/`directUrl`/`shadowDatabaseUrl` lines removed from `datasource` blocks only. */
export function stripDatasourceUrls(files: OracleFile[]): OracleFile[] {
  return files.map((f) => {
    const lines = f.text.split(/(\r?\n)/);
    let inDatasource = false;
    for (let i = 0; i < lines.length; i += 2) {
      const line = lines[i];
      if (/^\s*datasource\s+\w+\s*\{/.test(line)) inDatasource = true;
      else if (inDatasource && /^\s*\}/.test(line)) inDatasource = false;
      else if (inDatasource && URL_KEYS.test(line)) lines[i] = '';
    }
    return { path: f.path, text: lines.join('') };
  });
}

const MISSING_URL = /Argument "url" is missing in data source block/;

/** The files with a placeholder `url` added to a datasource block that has none. */
export function addDatasourceUrl(files: OracleFile[]): OracleFile[] {
  return files.map((f) => {
    const m = /^([ \t]*)datasource[ \t]+\w+[ \t]*\{[ \t]*(\r?\n)/m.exec(f.text);
    if (!m) return f;
    const body = f.text.slice(m.index + m[0].length);
    const close = body.search(/^\s*\}/m);
    if (/^[ \t]*url[ \t]*=/m.test(close < 0 ? body : body.slice(0, close))) return f;
    const at = m.index + m[0].length;
    return { path: f.path, text: `${f.text.slice(0, at)}${m[1]}  url = env("DATABASE_URL")${m[2]}${f.text.slice(at)}` };
  });
}

/** Retries with adapted datasource settings when the oracle rejects them (see the header). */
async function withDatasourceRetry<T>(files: OracleFile[], run: (files: OracleFile[]) => Promise<T>, errorOf: (r: T) => string | null): Promise<T> {
  const first = await run(files);
  const err = errorOf(first);
  if (err === null) return first;
  // The datasource error is an artefact of the Prisma version: report what Prisma says once it is
  // out of the way (success, or the schema's real problem).
  if (MISSING_URL.test(err)) return run(addDatasourceUrl(files));
  if (mentionsUrl(err)) {
    const retry = await run(stripDatasourceUrls(files));
    const retryErr = errorOf(retry);
    if (retryErr === null || !mentionsUrl(retryErr)) return retry;
  }
  return first;
}

function input(files: OracleFile[]): string | Array<[string, string]> {
  return files.length === 1 ? files[0].text : files.map((f): [string, string] => [f.path, f.text]);
}

function mentionsUrl(message: string): boolean {
  return /\b(url|directUrl|shadowDatabaseUrl)\b/.test(message) && /data ?source/i.test(message);
}

const dmmfCache = new Map<string, Promise<DMMF.Document | { error: string }>>();

function cacheKey(files: OracleFile[]): string {
  return files.map((f) => `${f.path}\u0000${f.text}`).join('\u0001');
}

async function rawDmmf(files: OracleFile[]): Promise<DMMF.Document | { error: string }> {
  const { getDMMF } = await load();
  try {
    return await getDMMF({ datamodel: input(files) });
  } catch (e) {
    return { error: stripAnsi(e instanceof Error ? e.message : String(e)) };
  }
}

/**
 * The DMMF Prisma computes for a schema, or `{ error }` with Prisma's validation message.
 * Results are cached per content (computing the DMMF of a large schema takes seconds).
 */
export function dmmfOf(files: OracleFile[]): Promise<DMMF.Document | { error: string }> {
  const key = cacheKey(files);
  let p = dmmfCache.get(key);
  if (!p) {
    p = withDatasourceRetry(files, rawDmmf, (r) => ('error' in r ? r.error : null));
    dmmfCache.set(key, p);
  }
  return p;
}

export function isDmmfError(d: DMMF.Document | { error: string }): d is { error: string } {
  return 'error' in d;
}

async function rawValidate(files: OracleFile[]): Promise<string | null> {
  const { validate } = await load();
  try {
    validate({ schemas: files.map((f): [string, string] => [f.path, f.text]) });
    return null;
  } catch (e) {
    return stripAnsi(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Prisma's validation error for the schema, or null when Prisma accepts it. Much faster than
 * `dmmfOf` (no query schema is built), so use it to check that edited schemas stay valid.
 */
export async function validateSchema(files: OracleFile[]): Promise<string | null> {
  return withDatasourceRetry(files, rawValidate, (r) => r);
}
