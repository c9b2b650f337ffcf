/**
 * Rollback round-trip check: runs each migration of a project in an embedded PostgreSQL (PGlite), then
 * the rollback Schema Insight generates for it (the fix of `missing-rollback`), and compares the schema
 * before the migration with the schema after the rollback.
 *
 *   npx tsx scripts/rollback-roundtrip/run.ts <project-dir> [--out DIR] [--time-limit SECONDS] [--cli PATH]
 *
 * For each migration i, in the tool's order (analysis/sql/replay.ts `replayPlan`):
 *   1. snapshot A = the schema before i (the snapshot taken after i-1);
 *   2. run migration i as its tool would (one script = one transaction, or statement by statement);
 *      a failure here is a replay limit, not a rollback bug: the project stops there;
 *   3. snapshot M; run the generated rollback of i (from `node dist/cli.js audit --format json`);
 *   4. snapshot B, diff A→B; each difference is "explained" when a `-- TODO` block of the rollback names
 *      the object (or, for enums, the label), else UNEXPLAINED;
 *   5. re-run migration i (snapshot C, diff M→C: the rollback must leave a state the migration applies to).
 * Steps 3-5 run inside one transaction that is then rolled back, so the next migration starts from the
 * exact state migration i produced. When that is impossible (a rollback or migration with its own
 * BEGIN/COMMIT or CONCURRENTLY), the data directory is saved before step 3 and reloaded after step 5.
 *
 * Output: a readable report on stdout, and <out>/<project>.json (default out: /tmp/rollback-roundtrip).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { discoverProjects } from '../../server/src/project/discover';
import { loadProject } from '../../server/src/project/load';
import { audit } from '../../server/src/analysis/engine';
import { cursorToUtf16, ensureSqlParser, parseSqlFile, type SqlStatement } from '../../server/src/analysis/sql/parse';
import { environmentLimit, replayPlan, SUPABASE_PRELUDE, SUPABASE_SEARCH_PATH, type ReplayStep } from '../../server/src/analysis/sql/replay';
import { available, errorText, isPgError, loadPglite, resetSession, type Db, type PgError } from '../../server/src/project/replay';

// ---------------------------------------------------------------- arguments

const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
const outDir = resolve(opt('--out') ?? '/tmp/rollback-roundtrip');
const timeLimitMs = Number(opt('--time-limit') ?? 180) * 1000;
const cliPath = resolve(opt('--cli') ?? join(__dirname, '../../dist/cli.js'));
const projectDir = argv[0] ? resolve(argv[0]) : '';
if (!projectDir) {
  console.error('usage: npx tsx scripts/rollback-roundtrip/run.ts <project-dir> [--out DIR] [--time-limit SECONDS] [--cli PATH]');
  process.exit(2);
}
const t0 = Date.now();
const deadline = t0 + timeLimitMs;

// ---------------------------------------------------------------- schema snapshot

/** key "kind|schema|table|name" → description. */
type Snapshot = Map<string, string>;

const USER_SCHEMAS = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`;
const NOT_EXT_MEMBER = (cls: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${cls}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

async function snapshot(db: Db, searchPath: string): Promise<Snapshot> {
  await db.exec(`RESET ROLE; SET search_path TO ${searchPath}`);
  const s: Snapshot = new Map();
  const put = (kind: string, schema: string, table: string, name: string, v: string) => s.set(`${kind}|${schema}|${table}|${name}`, v);
  type R = Record<string, string | boolean | null>;
  const q = async (sql: string) => (await db.query<R>(sql)).rows;

  for (const r of await q(`SELECT n.nspname FROM pg_namespace n WHERE ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_namespace', 'n.oid')}`))
    put('schema', r.nspname as string, '', '', '');
  for (const r of await q(`SELECT extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`))
    put('extension', '', '', r.extname as string, `in schema ${r.nspname}`);
  for (const r of await q(`
      SELECT n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence, c.relacl::text AS acl,
             (SELECT oc.relname || coalesce('.' || (SELECT attname FROM pg_attribute WHERE attrelid = oc.oid AND attnum = d.refobjsubid), '')
              FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid
              WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                AND d.deptype IN ('a','i') LIMIT 1) AS owner
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r','p','v','m','S','f') AND ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_class', 'c.oid')}`)) {
    const [sc, t] = [r.nspname as string, r.relname as string];
    put('relation', sc, t, '', `relkind=${r.relkind}${r.relpersistence !== 'p' ? ` persistence=${r.relpersistence}` : ''}${r.owner ? ` owned-by=${r.owner}` : ''}`);
    if (r.relkind === 'r' || r.relkind === 'p') put('rls', sc, t, '', `enabled=${r.relrowsecurity} forced=${r.relforcerowsecurity}`);
    if (r.acl) put('acl', sc, t, '', r.acl as string);
  }
  const order = new Map<string, string[]>();
  for (const r of await q(`
      SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity, a.attgenerated,
             CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS coll
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f','c') AND ${USER_SCHEMAS}
        AND ${NOT_EXT_MEMBER('pg_class', 'c.oid')}
        AND (c.relkind <> 'c' OR EXISTS (SELECT 1 FROM pg_type ct WHERE ct.typrelid = c.oid AND ${NOT_EXT_MEMBER('pg_type', 'ct.oid')}))
      ORDER BY n.nspname, c.relname, a.attnum`)) {
    const [sc, t, c] = [r.nspname as string, r.relname as string, r.attname as string];
    let v = `${r.type}${r.attnotnull ? ' NOT NULL' : ''}${r.def !== null ? ` DEFAULT ${r.def}` : ''}`;
    if (r.attidentity) v += ` IDENTITY(${r.attidentity})`;
    if (r.attgenerated) v += ` GENERATED(${r.attgenerated})`;
    if (r.coll) v += ` COLLATE ${r.coll}`;
    put('column', sc, t, c, v);
    const k = `${sc}|${t}`;
    if (!order.has(k)) order.set(k, []);
    order.get(k)!.push(c);
  }
  for (const [k, cols] of order) {
    const [sc, t] = k.split('|');
    put('colorder', sc, t, '', cols.join(', '));
  }
  for (const r of await q(`
      SELECT n.nspname, coalesce(c.relname, ty.typname) AS owner, co.conname, pg_get_constraintdef(co.oid) AS def
      FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
      LEFT JOIN pg_class c ON c.oid = co.conrelid LEFT JOIN pg_type ty ON ty.oid = co.contypid
      WHERE co.contype <> 'n' AND ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_constraint', 'co.oid')}
        AND (c.oid IS NULL OR ${NOT_EXT_MEMBER('pg_class', 'c.oid')}) AND (ty.oid IS NULL OR ${NOT_EXT_MEMBER('pg_type', 'ty.oid')})`))
    put('constraint', r.nspname as string, r.owner as string, r.conname as string, r.def as string);
  for (const r of await q(`
      SELECT i.schemaname, i.tablename, i.indexname, i.indexdef FROM pg_indexes i
      JOIN pg_namespace n ON n.nspname = i.schemaname JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = n.oid
      WHERE ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_class', 'c.oid')}`))
    put('index', r.schemaname as string, r.tablename as string, r.indexname as string, r.indexdef as string);
  for (const r of await q(`
      SELECT n.nspname, t.typname, t.typtype, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS labels,
             format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull, t.typdefault
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typtype IN ('e','d','c','r','m') AND ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_type', 't.oid')}
        AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
      GROUP BY n.nspname, t.typname, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefault`)) {
    const v =
      r.typtype === 'e' ? `enum (${r.labels})` : r.typtype === 'd' ? `domain ${r.base}${r.typnotnull ? ' NOT NULL' : ''}${r.typdefault ? ` DEFAULT ${r.typdefault}` : ''}` : `type ${r.typtype}`;
    put('type', r.nspname as string, '', r.typname as string, v);
  }
  for (const r of await q(`
      SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS args, p.prokind,
             CASE WHEN p.prokind <> 'a' THEN md5(pg_get_functiondef(p.oid)) END AS h, pg_get_function_result(p.oid) AS res, p.proacl::text AS acl
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_proc', 'p.oid')}`)) {
    const sig = `${r.proname}(${r.args})`;
    put('function', r.nspname as string, '', sig, `${r.prokind} returns ${r.res} def#${String(r.h).slice(0, 8)}`);
    if (r.acl) put('acl', r.nspname as string, '', sig, r.acl as string);
  }
  for (const r of await q(`
      SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS def, t.tgenabled
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND ${USER_SCHEMAS}`))
    put('trigger', r.nspname as string, r.relname as string, r.tgname as string, `${r.def}${r.tgenabled !== 'O' ? ` [enabled=${r.tgenabled}]` : ''}`);
  for (const r of await q(`SELECT schemaname, tablename, policyname, permissive, roles::text AS roles, cmd, qual, with_check FROM pg_policies`))
    put('policy', r.schemaname as string, r.tablename as string, r.policyname as string, `${r.permissive} ${r.cmd} TO ${r.roles} USING (${r.qual}) WITH CHECK (${r.with_check})`);
  for (const r of await q(`
      SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v','m') AND ${USER_SCHEMAS} AND ${NOT_EXT_MEMBER('pg_class', 'c.oid')}`))
    put('viewdef', r.nspname as string, r.relname as string, '', (r.def as string).replace(/\s+/g, ' ').trim());
  for (const r of await q(`SELECT schemaname, sequencename, data_type::text AS dt, start_value, increment_by, min_value, max_value, cycle FROM pg_sequences`))
    put('sequence', r.schemaname as string, r.sequencename as string, '', `${r.dt} start ${r.start_value} by ${r.increment_by} min ${r.min_value} max ${r.max_value}${r.cycle ? ' cycle' : ''}`);
  for (const r of await q(`SELECT n.nspname, n.nspacl::text AS acl FROM pg_namespace n WHERE ${USER_SCHEMAS} AND n.nspacl IS NOT NULL`))
    put('acl', r.nspname as string, '', '(schema)', r.acl as string);
  return s;
}

// ---------------------------------------------------------------- diff and classification

interface Diff {
  kind: string;
  object: string;
  change: 'missing after rollback' | 'left over after rollback' | 'changed';
  before?: string;
  after?: string;
  /** Children folded into a missing/left-over relation or schema. */
  folded?: number;
  verdict: 'explained' | 'UNEXPLAINED' | 'ORDER';
  because?: string;
}

function parseKey(k: string): { kind: string; schema: string; table: string; name: string } {
  const [kind, schema, table, name] = k.split('|');
  return { kind, schema, table, name };
}
function objectName(k: { kind: string; schema: string; table: string; name: string }): string {
  return [k.schema, k.table, k.name].filter(Boolean).join('.') || k.name;
}

/** The TODO blocks of a rollback: a `-- TODO` line and the comment lines that follow it. */
function todoBlocks(sql: string): string[] {
  const blocks: string[] = [];
  let cur: string[] | null = null;
  for (const line of sql.split(/\r?\n/)) {
    const t = line.trim();
    if (/^--\s*TODO\b/i.test(t)) {
      if (cur) blocks.push(cur.join('\n'));
      cur = [t];
    } else if (cur && t.startsWith('--')) cur.push(t);
    else if (cur) {
      blocks.push(cur.join('\n'));
      cur = null;
    }
  }
  if (cur) blocks.push(cur.join('\n'));
  return blocks;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function mentions(block: string, name: string): boolean {
  if (!name) return false;
  const b = block.replace(/"/g, '');
  return new RegExp(`(?<![A-Za-z0-9_$])${esc(name)}(?![A-Za-z0-9_$])`, 'i').test(b);
}

function diffSnapshots(before: Snapshot, after: Snapshot, rollbackSql: string | null): Diff[] {
  const blocks = rollbackSql ? todoBlocks(rollbackSql) : [];
  const raw: Array<{ key: string; change: Diff['change']; before?: string; after?: string }> = [];
  for (const [k, v] of before) {
    if (!after.has(k)) raw.push({ key: k, change: 'missing after rollback', before: v });
    else if (after.get(k) !== v) raw.push({ key: k, change: 'changed', before: v, after: after.get(k) });
  }
  for (const [k, v] of after) if (!before.has(k)) raw.push({ key: k, change: 'left over after rollback', after: v });

  // Fold the parts of a relation (or schema) that is missing / left over as a whole into it.
  const wholeRel = new Set<string>();
  const wholeSchema = new Set<string>();
  for (const r of raw) {
    const k = parseKey(r.key);
    if (r.change === 'changed') continue;
    if (k.kind === 'relation') wholeRel.add(`${k.schema}|${k.table}`);
    if (k.kind === 'schema') wholeSchema.add(k.schema);
  }
  // A sequence owned by a column of a relation that is missing / left over goes with it.
  for (const r of raw) {
    const k = parseKey(r.key);
    const owner = / owned-by=([^.]*)/.exec(r.before ?? r.after ?? '')?.[1];
    if (k.kind === 'relation' && r.change !== 'changed' && owner && wholeRel.has(`${k.schema}|${owner}`)) r.key = `part|${k.schema}|${owner}|${k.table}`;
  }
  const folded = new Map<string, number>();
  const kept = raw.filter((r) => {
    const k = parseKey(r.key);
    if (k.kind !== 'schema' && wholeSchema.has(k.schema) && r.change !== 'changed') {
      folded.set(`schema|${k.schema}||`, (folded.get(`schema|${k.schema}||`) ?? 0) + 1);
      return false;
    }
    if (k.kind !== 'relation' && k.table && wholeRel.has(`${k.schema}|${k.table}`) && r.change !== 'changed') {
      const rk = `relation|${k.schema}|${k.table}|`;
      folded.set(rk, (folded.get(rk) ?? 0) + 1);
      return false;
    }
    // Column order only matters when the same columns are there.
    if (k.kind === 'colorder' && r.change === 'changed') {
      const a = new Set(r.before!.split(', '));
      const b = r.after!.split(', ');
      if (a.size !== b.length || b.some((c) => !a.has(c))) return false;
    }
    return true;
  });

  const out = kept.map((r) => {
    const k = parseKey(r.key);
    const d: Diff = { kind: k.kind, object: objectName(k), change: r.change, verdict: 'UNEXPLAINED' };
    if (r.before !== undefined) d.before = r.before;
    if (r.after !== undefined) d.after = r.after;
    if (folded.has(r.key)) d.folded = folded.get(r.key);
    if (k.kind === 'colorder') {
      d.verdict = 'ORDER';
      return d;
    }
    // Names a TODO block may use for this object.
    const names: string[] = [];
    if (k.kind === 'relation' || k.kind === 'rls' || k.kind === 'viewdef' || k.kind === 'sequence') names.push(k.table);
    else if (k.kind === 'schema') names.push(k.schema);
    else if (k.kind === 'function' || (k.kind === 'acl' && k.name && k.name !== '(schema)')) names.push(k.name.replace(/\(.*$/, ''));
    else if (k.kind === 'acl') names.push(k.name === '(schema)' ? k.schema : k.table);
    else if (k.kind === 'type') {
      names.push(k.name);
      if (r.change === 'changed') {
        const lab = (v?: string) => new Set((/^enum \((.*)\)$/.exec(v ?? '')?.[1] ?? '').split(', ').filter(Boolean));
        const a = lab(r.before);
        const b = lab(r.after);
        for (const l of b) if (!a.has(l)) names.push(l);
        for (const l of a) if (!b.has(l)) names.push(l);
      }
    } else names.push(k.name);
    // A privilege difference is only explained by a TODO about privileges.
    const pool = k.kind === 'acl' ? blocks.filter((b) => /privilege|grant|revoke/i.test(b.split('\n')[0])) : blocks;
    for (const n of names) {
      const hit = pool.find((b) => mentions(b.split('\n')[0], n)) ?? pool.find((b) => mentions(b, n));
      if (hit) {
        d.verdict = 'explained';
        d.because = hit.split('\n')[0].slice(0, 160);
        break;
      }
    }
    return d;
  });
  // Parts of a relation whose own change is explained (a view redefined, a materialized view turned
  // into a table, a DO block that rebuilt it), and a sequence owned by an explained column, inherit it.
  const explainedRel = new Map<string, string>();
  const explainedCol = new Map<string, string>();
  for (const d of out) {
    if (d.verdict !== 'explained') continue;
    const [schema, table, col] = d.object.split('.');
    if (d.kind === 'relation' || d.kind === 'viewdef') explainedRel.set(`${schema}.${table}`, d.because ?? '');
    if (d.kind === 'column') explainedCol.set(`${schema}.${table}.${col}`, d.because ?? '');
  }
  for (const d of out) {
    if (d.verdict !== 'UNEXPLAINED') continue;
    const [schema, table] = d.object.split('.');
    const owner = / owned-by=(\S+)/.exec(d.before ?? d.after ?? '')?.[1];
    if (d.kind === 'relation' && owner && explainedCol.has(`${schema}.${owner}`)) {
      d.verdict = 'explained';
      d.because = `sequence owned by ${owner}, whose change is explained: ${explainedCol.get(`${schema}.${owner}`)}`;
    } else if (d.kind !== 'relation' && d.kind !== 'viewdef' && explainedRel.has(`${schema}.${table}`)) {
      d.verdict = 'explained';
      d.because = `part of ${schema}.${table}, whose change is explained: ${explainedRel.get(`${schema}.${table}`)}`;
    }
  }
  return out;
}

// ---------------------------------------------------------------- running SQL

interface StmtError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  statement?: string;
  statementIndex?: number;
}

function describeError(e: unknown, stmts: SqlStatement[], script: string, stmt?: SqlStatement): StmtError {
  if (!isPgError(e)) return { message: `(not a PostgreSQL error) ${errorText(e)}` };
  const out: StmtError = { message: e.message, code: e.code };
  if (e.detail) out.detail = e.detail;
  if (e.hint) out.hint = e.hint;
  if (e.where) out.where = e.where;
  let at = stmt;
  if (!at) {
    const p = Number(e.position);
    if (Number.isInteger(p) && p > 0) {
      const off = cursorToUtf16(script, p - 1);
      at = stmts.find((s) => off >= s.start && off <= s.endWithSemicolon);
    }
  }
  if (at) {
    out.statement = at.text;
    out.statementIndex = at.index;
  }
  return out;
}

/** Runs statements one by one; the first error. */
async function runEach(db: Db, stmts: SqlStatement[], script: string): Promise<StmtError | null> {
  for (const s of stmts) {
    try {
      await db.exec(s.text);
    } catch (e) {
      return describeError(e, stmts, script, s);
    }
  }
  return null;
}

/** Runs a script in the current transaction (caller opened it); on error finds the statement. */
async function runScriptInTx(db: Db, script: string, stmts: SqlStatement[], savepoint: string): Promise<StmtError | null> {
  await db.exec(`SAVEPOINT ${savepoint}`);
  try {
    await db.exec(script);
    await db.exec(`RELEASE SAVEPOINT ${savepoint}`);
    return null;
  } catch (e) {
    await db.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    let err = describeError(e, stmts, script);
    if (err.statement === undefined && isPgError(e)) {
      // No position: run statement by statement to find it.
      const found = await runEach(db, stmts, script);
      await db.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      if (found && found.message === err.message) err = found;
      else if (found) err = { ...err, statement: found.statement, statementIndex: found.statementIndex };
    }
    return err;
  }
}

/** Runs a migration step as its tool would (replay.ts `runStep`). */
async function runMigration(db: Db, step: ReplayStep, stmts: SqlStatement[]): Promise<StmtError | null> {
  if (!step.statements.length) return null;
  if (!step.atomic) return runEach(db, stmts, step.script);
  try {
    await db.exec(step.script);
    return null;
  } catch (e) {
    const err = describeError(e, stmts, step.script);
    if (err.statement === undefined && isPgError(e)) {
      try {
        await db.exec('BEGIN');
        const found = await runEach(db, stmts, step.script);
        if (found) return found;
      } finally {
        await db.exec('ROLLBACK').catch(() => {});
      }
    }
    return err;
  }
}

const NON_TX = (s: SqlStatement): boolean =>
  s.kind === 'TransactionStmt' ||
  s.kind === 'VacuumStmt' ||
  s.kind === 'CreatedbStmt' ||
  s.kind === 'DropdbStmt' ||
  s.kind === 'AlterSystemStmt' ||
  ((s.kind === 'IndexStmt' || s.kind === 'DropStmt' || s.kind === 'ReindexStmt') && !!(s.node as { concurrent?: boolean }).concurrent) ||
  /\bconcurrently\b/i.test(s.kind === 'ReindexStmt' ? s.text : '');

/** A re-apply error is explained when a TODO block of the rollback names an object its message quotes. */
function classifyReapply(e: StmtError, rollbackSql: string): StmtError & { verdict: 'explained' | 'UNEXPLAINED'; because?: string } {
  const blocks = todoBlocks(rollbackSql);
  const norm = (t: string) => t.replace(/--/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  if (e.statement) {
    const st = norm(e.statement).slice(0, 80);
    const hit = blocks.find((b) => norm(b).includes(st));
    if (hit) return { ...e, verdict: 'explained', because: `statement is quoted in: ${hit.split('\n')[0].slice(0, 140)}` };
  }
  const text = `${e.message} ${e.detail ?? ''}`;
  const names = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1].split('.').pop()!);
  for (const m of text.matchAll(/(?:type|table|view|function|column|constraint|index|sequence|policy|trigger|schema) ([A-Za-z_][A-Za-z0-9_.]*)/g)) names.push(m[1].split('.').pop()!);
  for (const n of names) {
    const hit = blocks.find((b) => mentions(b, n));
    if (hit) return { ...e, verdict: 'explained', because: hit.split('\n')[0].slice(0, 160) };
  }
  return { ...e, verdict: 'UNEXPLAINED' };
}

// ---------------------------------------------------------------- report records

interface MigrationResult {
  path: string;
  migration?: string;
  status: 'ok' | 'problems' | 'no-rollback' | 'migration-failed' | 'stopped';
  mode?: 'transaction' | 'datadir';
  rollbackStatements?: number;
  todos?: number;
  rollbackSyntaxError?: string;
  rollbackError?: StmtError & { verdict?: 'explained' | 'UNEXPLAINED'; because?: string };
  /** After a rollback error: each statement run on its own (skipping those that fail); all that failed. */
  rollbackErrors?: Array<StmtError & { verdict?: 'explained' | 'UNEXPLAINED'; because?: string }>;
  /** The diffs are of that best-effort run. */
  partial?: boolean;
  diffs?: Diff[];
  reapplyError?: StmtError & { verdict?: 'explained' | 'UNEXPLAINED'; because?: string };
  reapplyDiffs?: Diff[];
  note?: string;
}

// ---------------------------------------------------------------- main

interface CliFinding {
  rule: string;
  file: string;
  migration?: string;
  fixes?: Array<{ fileOperations?: Array<{ content?: string; file?: string }> }>;
}

async function main(): Promise<void> {
  await ensureSqlParser();
  // 1. The generated rollbacks, from the product's CLI.
  const json = JSON.parse(
    execFileSync(process.execPath, [cliPath, 'audit', projectDir, '--format', 'json', '--fail-on', 'never'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as { root: string; findings: CliFinding[] };
  const rollbacks = new Map<string, { sql: string; migration?: string }>();
  for (const f of json.findings) {
    if (f.rule !== 'missing-rollback') continue;
    const content = f.fixes?.[0]?.fileOperations?.[0]?.content;
    if (typeof content === 'string') rollbacks.set(resolve(json.root, f.file), { sql: content, migration: f.migration });
  }

  const report: { project: string; layouts: Array<{ root: string; total: number; results: MigrationResult[]; stop?: string }>; ms?: number; timedOut?: boolean } = {
    project: projectDir,
    layouts: [],
  };

  for (const layout of discoverProjects(projectDir)) {
    if (!layout.migrationFiles.length) continue;
    const loaded = loadProject(layout);
    const result = audit(loaded.input);
    if (!result.sql?.migrations.length) continue;
    const plan = replayPlan(result.sql);
    const lay = { root: layout.root, total: plan.steps.length, results: [] as MigrationResult[], stop: undefined as string | undefined };
    report.layouts.push(lay);
    const searchPath = plan.supabase ? SUPABASE_SEARCH_PATH : '"$user", public';
    const { PGlite, extensions } = await loadPglite(plan);
    let db: Db = await PGlite.create({ extensions });
    const reset = () => resetSession(db, plan.supabase);
    if (plan.supabase) {
      await db.exec(SUPABASE_PRELUDE);
      await reset();
    }
    let A = await snapshot(db, searchPath);
    await reset();
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i];
      const abs = resolve(layout.root, step.path);
      const res: MigrationResult = { path: step.path, status: 'ok' };
      if (Date.now() > deadline) {
        lay.stop = `time limit (${timeLimitMs / 1000} s) reached before ${step.path} (${i} of ${plan.steps.length} migrations checked)`;
        report.timedOut = true;
        break;
      }
      if (step.blocked) {
        lay.stop = `replay limit at ${step.path}: ${step.blocked}`;
        break;
      }
      const missing = step.statements.find((s) => s.extension && !available(s.extension));
      if (missing) {
        lay.stop = `replay limit at ${step.path}: PGlite has no \`${missing.extension}\` extension`;
        break;
      }
      const migStmts = parseSqlFile(step.path, step.script).statements;
      // 2. The migration itself.
      const merr = await runMigration(db, step, migStmts);
      if (merr) {
        const limit = environmentLimit(merr as PgError);
        lay.stop = `migration itself failed at ${step.path} (replay limit, not a rollback bug): ${merr.message}${limit ? ` [${limit}]` : ''}${merr.statement ? `\n    statement: ${merr.statement.slice(0, 300)}` : ''}`;
        res.status = 'migration-failed';
        lay.results.push(res);
        break;
      }
      await reset();
      const M = await snapshot(db, searchPath);
      const rb = rollbacks.get(abs);
      if (!rb) {
        res.status = 'no-rollback';
        lay.results.push(res);
        A = M;
        await reset();
        continue;
      }
      res.migration = rb.migration;
      const parsed = parseSqlFile('down.sql', rb.sql);
      res.rollbackStatements = parsed.statements.length;
      res.todos = todoBlocks(rb.sql).length;
      if (parsed.errors.length) {
        res.rollbackSyntaxError = parsed.errors.map((e) => `${e.message} at ${JSON.stringify(rb.sql.slice(e.start, Math.min(e.end, e.start + 120)))}`).join('; ');
        res.status = 'problems';
        lay.results.push(res);
        A = M;
        await reset();
        continue;
      }
      const txOk = step.atomic && !parsed.statements.some(NON_TX) && !migStmts.some(NON_TX);
      res.mode = txOk ? 'transaction' : 'datadir';
      try {
        if (txOk) {
          await db.exec('BEGIN');
          const rerr = await runScriptInTx(db, rb.sql, parsed.statements, 'rollback_script');
          if (rerr) {
            res.rollbackError = classifyReapply(rerr, rb.sql);
            // Best effort: every statement in its own savepoint, to list all that fail and diff the rest.
            res.rollbackErrors = [];
            for (const st of parsed.statements) {
              await db.exec('SAVEPOINT one');
              try {
                await db.exec(st.text);
                await db.exec('RELEASE SAVEPOINT one');
              } catch (e) {
                await db.exec('ROLLBACK TO SAVEPOINT one');
                res.rollbackErrors.push(classifyReapply(describeError(e, parsed.statements, rb.sql, st), rb.sql));
              }
            }
            res.diffs = diffSnapshots(A, await snapshot(db, searchPath), rb.sql);
            res.partial = true;
          } else {
            const B = await snapshot(db, searchPath);
            res.diffs = diffSnapshots(A, B, rb.sql);
            const aerr = await runScriptInTx(db, step.script, migStmts, 'reapply');
            if (aerr) res.reapplyError = classifyReapply(aerr, rb.sql);
            else res.reapplyDiffs = diffSnapshots(M, await snapshot(db, searchPath), null);
          }
          await db.exec('ROLLBACK');
        } else {
          const saved = await db.dumpDataDir('none');
          const rerr = await runEach(db, parsed.statements, rb.sql);
          if (rerr) res.rollbackError = classifyReapply(rerr, rb.sql);
          else {
            await reset();
            const B = await snapshot(db, searchPath);
            res.diffs = diffSnapshots(A, B, rb.sql);
            await reset();
            const aerr = await runMigration(db, step, migStmts);
            if (aerr) res.reapplyError = classifyReapply(aerr, rb.sql);
            else {
              await reset();
              res.reapplyDiffs = diffSnapshots(M, await snapshot(db, searchPath), null);
            }
          }
          await db.close();
          db = await PGlite.create({ extensions, loadDataDir: saved });
        }
      } catch (e) {
        res.note = `harness error: ${errorText(e)}`;
        await db.exec('ROLLBACK').catch(() => {});
      }
      await reset();
      const bad =
        res.rollbackError || res.reapplyError?.verdict === 'UNEXPLAINED' || res.diffs?.some((d) => d.verdict === 'UNEXPLAINED') || res.reapplyDiffs?.some((d) => d.verdict !== 'ORDER') || res.note;
      res.status = bad ? 'problems' : 'ok';
      lay.results.push(res);
      A = M;
    }
    await db.close().catch(() => {});
  }
  report.ms = Date.now() - t0;
  mkdirSync(outDir, { recursive: true });
  const name = basename(projectDir);
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(report, null, 2));
  printReport(report);
}

function short(s: string | undefined, n = 400): string {
  if (s === undefined) return '';
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
}

function printReport(report: { project: string; layouts: Array<{ root: string; total: number; results: MigrationResult[]; stop?: string }>; ms?: number }): void {
  console.log(`# ${basename(report.project)}  (${((report.ms ?? 0) / 1000).toFixed(1)} s)`);
  for (const lay of report.layouts) {
    const r = lay.results;
    const checked = r.filter((x) => x.status === 'ok' || x.status === 'problems').length;
    const applied = r.filter((x) => x.status !== 'migration-failed').length;
    console.log(
      `## ${lay.root}: ${applied}/${lay.total} migrations applied, ${checked} rollbacks checked, ${r.filter((x) => x.status === 'problems').length} with problems, ${r.filter((x) => x.status === 'no-rollback').length} without generated rollback`,
    );
    if (lay.stop) console.log(`   STOP: ${lay.stop}`);
    for (const x of r) {
      if (x.status !== 'problems') continue;
      console.log(`-- ${x.path} [${x.mode ?? ''}]`);
      if (x.rollbackSyntaxError) console.log(`   ROLLBACK SYNTAX ERROR: ${x.rollbackSyntaxError}`);
      if (x.note) console.log(`   NOTE: ${x.note}`);
      if (x.rollbackError) {
        const e = x.rollbackError;
        console.log(`   ROLLBACK ERROR${e.verdict === 'explained' ? ' (names an object of a TODO)' : ' UNEXPLAINED'}: ${e.message} (${e.code})${e.detail ? ` DETAIL: ${e.detail}` : ''}${e.hint ? ` HINT: ${e.hint}` : ''}`);
        console.log(`     statement #${e.statementIndex}: ${short(e.statement)}`);
        for (const o of x.rollbackErrors ?? []) {
          if (o.statementIndex === e.statementIndex) continue;
          console.log(`   ALSO FAILS${o.verdict === 'explained' ? ' (names an object of a TODO)' : ' UNEXPLAINED'}: ${o.message} (${o.code})${o.detail ? ` DETAIL: ${o.detail}` : ''}\n     statement #${o.statementIndex}: ${short(o.statement)}`);
        }
        if (x.partial) console.log('   (differences below: after running the statements that do not fail)');
      }
      for (const d of x.diffs ?? []) if (d.verdict === 'UNEXPLAINED') console.log(`   UNEXPLAINED ${d.kind} ${d.object}: ${d.change}${d.folded ? ` (+${d.folded} parts)` : ''}  before: ${short(d.before, 200)}  after: ${short(d.after, 200)}`);
      if (x.reapplyError && x.reapplyError.verdict === 'UNEXPLAINED') console.log(`   RE-APPLY ERROR: ${x.reapplyError.message} (${x.reapplyError.code})\n     statement: ${short(x.reapplyError.statement)}`);
      for (const d of x.reapplyDiffs ?? []) if (d.verdict !== 'ORDER') console.log(`   RE-APPLY DIFF ${d.kind} ${d.object}: ${d.change}  before: ${short(d.before, 200)}  after: ${short(d.after, 200)}`);
    }
    const explained = r.flatMap((x) => (x.diffs ?? []).filter((d) => d.verdict === 'explained')).length;
    const order = r.flatMap((x) => (x.diffs ?? []).filter((d) => d.verdict === 'ORDER')).length;
    console.log(`   (${explained} explained differences, ${order} column-order-only differences)`);
  }
}

main().catch((e) => {
  console.error(`harness failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
