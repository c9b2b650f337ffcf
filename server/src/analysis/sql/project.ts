import type { SourceFile } from '../types';
import { Catalog, type SourceRef, type StatementFacts } from './catalog';
import { maskLexemes } from './lexical';
import { qualifyNames, searchPathMatters, searchPathSetBy } from './search-path';
import { apiSchemas, classifyMigration, dieselRunInTransaction, dirOf, migrationKeys, orderMigrations, rollbackTarget, versionIdentity, type MigrationFileInfo } from './discovery';
import { doBlockStatements, isSqlParserLoaded, parseSqlFile, type ParsedSqlFile, type SqlPreParse, type SqlStatement } from './parse';

export interface ReplayedStatement {
  stmt: SqlStatement;
  ref: SourceRef;
  /** State of the catalog just before this statement (table states, missing references). */
  facts: StatementFacts;
  /** A static statement inside a `DO` block (replayed; its `stmt.index` is the DO statement's). */
  inDoBlock?: boolean;
}

export interface Migration {
  /** Position in replay order. */
  index: number;
  info: MigrationFileInfo;
  path: string;
  /** `migration` field of findings: Prisma folder name, or file name. */
  label: string;
  file: ParsedSqlFile;
  statements: ReplayedStatement[];
  /** Path of its rollback script, when one exists. */
  rollback?: string;
  /**
   * Where the file's own down section starts (UTF-16 offset of its marker line): dbmate's
   * `-- migrate:down`, goose's `-- +goose Down`, node-pg-migrate's `-- Down Migration`. Statements
   * from there on undo the migration: they are not replayed, and when there are any, the migration
   * has its rollback.
   */
  downFrom?: number;
  /**
   * Diesel: its folder's `metadata.toml` (`AuditInput.migrationMetadata`), when there is one, and what
   * it says of `run_in_transaction` (null: nothing, so Diesel's default, true).
   */
  dieselMetadata?: { path: string; runInTransaction: boolean | null };
  /** Drizzle Kit: its folder's `meta/_journal.json` (`AuditInput.migrationMetadata`), when there is one. */
  drizzleJournal?: SourceFile;
}

/** The statements of `m` the tool applies: those before its down section, if it has one. */
export function upStatements(m: Migration): SqlStatement[] {
  const down = m.downFrom;
  return down === undefined ? m.file.statements : m.file.statements.filter((s) => s.start < down);
}

/**
 * Why the tool that applies `m` runs its statements inside a transaction, as far as the files tell,
 * or null: where `CREATE INDEX CONCURRENTLY` and the like fail ("cannot run inside a transaction
 * block"). A file sent as one multi-statement script runs as one implicit transaction too.
 */
export function toolTransaction(m: Migration): string | null {
  const several = upStatements(m).length > 1;
  switch (m.info.kind) {
    case 'prisma':
      return several ? 'a Prisma migration with other statements (Prisma sends the file as one script, run as one transaction)' : null;
    case 'diesel':
      if (m.dieselMetadata?.runInTransaction === false) return several ? 'a Diesel migration with other statements (Diesel sends the file as one script, run as one transaction)' : null;
      return 'a Diesel migration, which Diesel runs in a transaction unless its `metadata.toml` sets `run_in_transaction = false`';
    case 'graphile':
      if (NO_TRANSACTION.test(m.file.text)) return several ? 'a graphile-migrate migration with other statements (sent as one script, run as one transaction)' : null;
      return 'a graphile-migrate migration, which runs in a transaction unless it starts with `--! no-transaction`';
    case 'numbered':
    case 'plain': {
      if (m.drizzleJournal) return "a Drizzle migration (drizzle-orm's migrator runs every pending migration in one transaction)";
      const up = DBMATE_UP.exec(m.file.text);
      // With transaction:false dbmate still sends the up section as one script.
      if (up) return NO_TRANSACTION.test(m.file.text) ? (several ? 'a dbmate migration with other statements (dbmate sends the up section as one script, run as one transaction)' : null) : 'a dbmate migration, which dbmate runs in a transaction unless its `-- migrate:up` line says `transaction:false`';
      // goose runs each statement on its own, in one transaction unless the file says otherwise.
      if (GOOSE_UP.test(m.file.text)) return NO_TRANSACTION.test(m.file.text) ? null : 'a goose migration, which goose runs in a transaction unless it has a `-- +goose NO TRANSACTION` line';
      // golang-migrate sends the file in one Exec, as do most runners of numbered files.
      return several ? 'a migration with other statements (golang-migrate and most runners send the file as one script, which PostgreSQL runs as one transaction)' : null;
    }
    case 'flyway':
      // Flyway runs a migration with such a statement outside a transaction, but refuses to mix it with
      // statements that need one unless `mixed` is set.
      return several ? 'a Flyway migration with other statements (Flyway runs it as one transaction, or refuses the mix)' : null;
    default:
      return null;
  }
}

/**
 * A file's opt-out of its tool's transaction: goose's `-- +goose NO TRANSACTION`, graphile-migrate's
 * `--! no-transaction`, dbmate's `-- migrate:up transaction:false`.
 */
export const NO_TRANSACTION = /^--[ \t]*(?:\+goose[ \t]+NO[ \t]+TRANSACTION|![ \t]*no-transaction|migrate:up\b.*\btransaction:false)\b/im;
/** A goose file with NO TRANSACTION: goose runs its statements one by one, outside any transaction. */
export function gooseWithoutTransaction(text: string): boolean {
  return GOOSE_UP.test(text) && NO_TRANSACTION.test(text);
}
/**
 * Whether statement `stmt` of `m` lies in a goose `-- +goose StatementBegin … StatementEnd` block with
 * other statements: goose sends such a block as one script, which PostgreSQL runs as one transaction.
 */
export function inGooseBlockWithOthers(m: Migration, stmt: SqlStatement): boolean {
  const text = m.file.text;
  if (!GOOSE_UP.test(text)) return false;
  let begin = -1;
  for (const x of text.matchAll(GOOSE_BLOCK)) {
    if (x[1] === 'Begin') begin = x.index;
    else if (begin >= 0) {
      const end = x.index;
      if (begin < stmt.start && stmt.start < end) return upStatements(m).some((o) => o !== stmt && o.start > begin && o.start < end);
      begin = -1;
    }
  }
  return false;
}
const GOOSE_BLOCK = /^--[ \t]*\+goose[ \t]+Statement(Begin|End)[ \t]*$/gm;
/** goose's up marker. */
export const GOOSE_UP = /^--[ \t]*\+goose[ \t]+Up[ \t]*$/m;
/** dbmate's up marker, with its options (`-- migrate:up transaction:false`). */
export const DBMATE_UP = /^--[ \t]*migrate:up(?:[ \t].*)?$/m;

/**
 * In-file up/down sections, as the tools read them: dbmate's `-- migrate:up` / `-- migrate:down`
 * (options may follow), goose's `-- +goose Up` / `-- +goose Down` (both case-sensitive, whole comment
 * lines), node-pg-migrate's `-- Up Migration` / `-- Down Migration` (any case, text may follow; a
 * file without the up marker runs whole, so only files with both are split).
 */
const SECTION_MARKERS = [
  { up: DBMATE_UP, down: /^--[ \t]*migrate:down(?:[ \t].*)?$/m },
  { up: GOOSE_UP, down: /^--[ \t]*\+goose[ \t]+Down[ \t]*$/m },
  { up: /^[ \t]*--[ \t-]*up[ \t]+migration/im, down: /^[ \t]*--[ \t-]*down[ \t]+migration/im },
];

/** Where a file's down section starts: its down marker, after an up marker (the tools' order). */
function downSectionStart(text: string): number | undefined {
  for (const { up, down } of SECTION_MARKERS) {
    const u = up.exec(text);
    if (!u) continue;
    const rest = text.slice(u.index + u[0].length);
    const d = down.exec(rest);
    if (d) return u.index + u[0].length + d.index;
  }
  return undefined;
}

/**
 * The ordered, parsed and replayed migrations of a project.
 */
export interface MigrationProject {
  files: SourceFile[];
  /** Migrations in the order the tool applies them (files the tool ignores are not in here). */
  migrations: Migration[];
  /** Migration files the tool never runs (e.g. Supabase `local_…` files): parsed, not replayed. */
  ignored: Migration[];
  /** Every parsed file by path (migrations and rollback scripts). */
  parsed: Map<string, ParsedSqlFile>;
  /** Rollback script path → path of the migration it undoes (or null when none matches). */
  rollbacks: Map<string, string | null>;
  /** The schema after all migrations ran. */
  catalog: Catalog;
  /** Supabase project: `supabase/migrations` files, the front end said so, or `auth.` schema usage. */
  supabase: boolean;
  /** Schemas besides `public` the project's Supabase `config.toml` exposes (`[api] schemas`) → that file's path. */
  exposedSchemas: ReadonlyMap<string, string>;
  /** False when libpg-query was not loaded: every file then carries a `file` error. */
  parserLoaded: boolean;
}

export interface MigrationProjectOptions {
  supabase?: boolean;
  /**
   * Path → the parser's work on that file done ahead (e.g. on a worker thread, see `preparse.ts`).
   * Files without one (or whose text differs) are parsed here; the project is the same either way.
   */
  preParsed?: ReadonlyMap<string, SqlPreParse | null>;
  /** Supabase `config.toml` files (`AuditInput.supabaseConfigs`): the schemas their API exposes. */
  supabaseConfigs?: readonly SourceFile[];
  /** Diesel `metadata.toml` files (whether a migration runs in a transaction) and Drizzle Kit journals (`AuditInput.migrationMetadata`). */
  migrationMetadata?: readonly SourceFile[];
}

const AUTH_USAGE = /\bauth\s*\.\s*(uid|jwt|role|email|users)\b/i;

/**
 * Recently built projects. Rules only read a project, so when the migration files are unchanged
 * (same paths, same texts) the replayed project is reused: an editor re-audits on every keystroke in
 * the schema, and re-parsing and replaying hundreds of migrations each time would dominate.
 */
interface RecentProject {
  /** Snapshot of the input (callers may reuse or change their arrays and objects afterwards). */
  inputs: Array<[string, string]>;
  supabase: boolean | undefined;
  /** The Supabase configs' and Diesel metadata files' paths and texts, as one string. */
  configs: string;
  project: MigrationProject;
}
const recent: RecentProject[] = [];
const RECENT_LIMIT = 4;

function configsKey(...lists: Array<readonly SourceFile[] | undefined>): string {
  return JSON.stringify(lists.map((configs) => (configs ?? []).map((c) => [c.path, c.text])));
}

function sameInput(r: RecentProject, files: SourceFile[], supabase: boolean | undefined, configs: string): boolean {
  if (r.inputs.length !== files.length || r.supabase !== supabase || r.configs !== configs || !r.project.parserLoaded) return false;
  for (let i = 0; i < files.length; i++) {
    if (r.inputs[i][0] !== files[i].path || r.inputs[i][1] !== files[i].text) return false;
  }
  return true;
}

export function buildMigrationProject(files: SourceFile[], options: MigrationProjectOptions = {}): MigrationProject {
  const configs = configsKey(options.supabaseConfigs, options.migrationMetadata);
  const hit = recent.find((r) => sameInput(r, files, options.supabase, configs));
  if (hit) return hit.project;
  const project = buildMigrationProjectUncached(files, options);
  recent.unshift({ inputs: files.map((f) => [f.path, f.text]), supabase: options.supabase, configs, project });
  if (recent.length > RECENT_LIMIT) recent.pop();
  return project;
}

function buildMigrationProjectUncached(files: SourceFile[], options: MigrationProjectOptions): MigrationProject {
  const parsed = new Map<string, ParsedSqlFile>();
  const rollbackFiles: Array<{ path: string; keys: string[] }> = [];
  const infos: MigrationFileInfo[] = [];
  const byPath = new Map<string, SourceFile>();
  for (const f of files) {
    byPath.set(f.path, f);
    parsed.set(f.path, parseSqlFile(f.path, f.text, options.preParsed?.get(f.path)));
    const keys = rollbackTarget(f.path);
    if (keys) rollbackFiles.push({ path: f.path, keys });
    else infos.push(classifyMigration(f.path));
  }
  joinFlywaySubfolders(infos);
  const ordered = orderMigrations(infos);
  const migrations: Migration[] = [];
  const ignored: Migration[] = [];
  for (const info of ordered) {
    const m: Migration = {
      index: -1,
      info,
      path: info.path,
      label: info.label,
      file: parsed.get(info.path)!,
      statements: [],
    };
    // Only the sets of the tools that write them (numbered, timestamped or plain files), never Prisma,
    // Supabase or graphile migrations, where such a line is just a comment.
    if (info.kind === 'numbered' || info.kind === 'plain') m.downFrom = downSectionStart(m.file.text);
    if (info.ignoredByTool) ignored.push(m);
    else {
      m.index = migrations.length;
      migrations.push(m);
    }
  }
  if (options.migrationMetadata?.length) {
    const diesel = new Map(migrations.filter((m) => m.info.kind === 'diesel').map((m) => [dirOf(m.path), m]));
    for (const f of options.migrationMetadata) {
      if (f.path === 'meta/_journal.json' || f.path.endsWith('/meta/_journal.json')) {
        // A Drizzle Kit folder: its migrations are the journal's.
        const setDir = dirOf(dirOf(f.path));
        for (const m of migrations) if (m.info.kind === 'numbered' && m.info.setDir === setDir) m.drizzleJournal = f;
        continue;
      }
      const m = diesel.get(dirOf(f.path));
      if (m) m.dieselMetadata = { path: f.path, runInTransaction: dieselRunInTransaction(f.text) };
    }
  }
  // Match rollback scripts to migrations.
  const migrationByKey = new Map<string, Migration>();
  for (const m of [...migrations, ...ignored]) {
    // A path or folder names one migration (the last wins); a version key stays with the first.
    for (const key of migrationKeys(m.info)) if (key === m.path || key === dirOf(m.path) || !migrationByKey.has(key)) migrationByKey.set(key, m);
  }
  const rollbacks = new Map<string, string | null>();
  for (const r of rollbackFiles) {
    const m = r.keys.map((k) => migrationByKey.get(k)).find((x) => x);
    rollbacks.set(r.path, m ? m.path : null);
    if (m) m.rollback = r.path;
  }

  const catalog = new Catalog();
  const has = (key: string) => catalog.tables.has(key) || catalog.views.has(key) || catalog.enums.has(key) || catalog.types.has(key) || catalog.indexes.has(key) || catalog.foreignTables.has(key);
  for (const m of migrations) {
    // The search path the file set (`SET search_path TO private`): the session's, for its later statements.
    let path: string[] | null = null;
    for (const top of m.file.statements) {
      if (m.downFrom !== undefined && top.start >= m.downFrom) break;
      const set = searchPathSetBy(top);
      if (set !== undefined) path = set;
      // DDL inside a DO block is replayed too, right after it, as statements of its own.
      for (const stmt of [top, ...doBlockStatements(m.file, top)]) {
        if (set === undefined && searchPathMatters(path)) qualifyNames(stmt.kind, stmt.node, path, has);
        const ref: SourceRef = { file: m.path, migration: m.label, migrationIndex: m.index, statementIndex: stmt.index, range: stmt.range, statement: stmt };
        let facts: StatementFacts;
        try {
          facts = catalog.apply(stmt, ref);
        } catch {
          facts = { tables: new Map(), indexTables: new Map(), missing: [] };
        }
        m.statements.push({ stmt, ref, facts, ...(stmt !== top ? { inDoBlock: true } : {}) });
      }
    }
  }
  const supabase =
    !!options.supabase ||
    infos.some((i) => i.kind === 'supabase') ||
    // In SQL, not in a comment ("replaces the old auth.users table" is no Supabase project).
    files.some((f) => AUTH_USAGE.test(f.text) && AUTH_USAGE.test(maskLexemes(f.text, false)));
  const exposedSchemas = new Map<string, string>();
  for (const c of options.supabaseConfigs ?? []) for (const schema of apiSchemas(c.text) ?? []) if (schema !== 'public' && !exposedSchemas.has(schema)) exposedSchemas.set(schema, c.path);
  return { files, migrations, ignored, parsed, rollbacks, catalog, supabase, exposedSchemas, parserLoaded: isSqlParserLoaded() };
}

/**
 * Flyway scans its locations recursively: versioned files in a subfolder of a folder that holds
 * versioned files belong to that folder's set (one version order, one history).
 */
function joinFlywaySubfolders(infos: MigrationFileInfo[]): void {
  const dirs = [...new Set(infos.filter((i) => i.kind === 'flyway').map((i) => i.setDir))].sort((a, b) => a.length - b.length);
  if (dirs.length < 2) return;
  // Shortest first: the first ancestor found is the outermost one.
  const top = new Map(dirs.map((d) => [d, dirs.find((a) => a !== d && d.startsWith(`${a}/`)) ?? d]));
  for (const i of infos) if (i.kind === 'flyway') i.setDir = top.get(i.setDir)!;
}

export interface InventoryEntry {
  version: string;
  file: string;
  status: string;
  notes: string;
}

/**
 * One row per migration file, in the order the tool applies them (then the files it never applies),
 * for the report's migration inventory: version, file (root-relative path), status, notes.
 * Status: `ok`, `duplicate version`, `syntax error`, `not parsed`, `never applied`, `odd name`.
 */
export function migrationInventory(project: MigrationProject): InventoryEntry[] {
  const rows: InventoryEntry[] = [];
  const seen = new Map<string, string>();
  for (const m of [...project.migrations, ...project.ignored]) {
    const notes: string[] = [];
    let status = 'ok';
    const v = m.info.version;
    const setKey = `${m.info.setDir}\u0000${v && versionIdentity(m.info.kind, v)}`;
    const syntax = m.file.errors.filter((e) => e.kind !== 'file');
    if (m.info.ignoredByTool) {
      status = 'never applied';
      notes.push(...m.info.nameProblems);
    } else if (m.file.skipped) {
      status = 'not parsed';
      notes.push(m.file.skipped);
    } else if (syntax.length) {
      status = 'syntax error';
      notes.push(`line ${syntax[0].range.start.line + 1}: ${syntax[0].message}`);
    } else if (v && seen.has(setKey)) {
      status = 'duplicate version';
      notes.push(`same version as \`${seen.get(setKey)}\``);
    } else if (m.info.nameProblems.length) {
      status = 'odd name';
      notes.push(...m.info.nameProblems);
    }
    if (v && !seen.has(setKey) && !m.info.ignoredByTool) seen.set(setKey, m.label);
    const n = m.file.statements.length;
    if (!m.file.skipped) notes.push(n === 0 ? 'empty (no statements)' : `${n} statement${n === 1 ? '' : 's'}`);
    notes.push(m.rollback ? `rollback: \`${m.rollback.slice(m.rollback.lastIndexOf('/') + 1)}\`` : 'no rollback');
    rows.push({ version: v ?? '—', file: m.path, status, notes: notes.join('; ') });
  }
  return rows;
}
