/**
 * Classifies migration files and orders them exactly as the tool that runs them does.
 * Pure: works on root-relative paths with '/' separators.
 *
 * - Prisma: `<dir>/<folder>/migration.sql`; Prisma applies folders in lexicographic order of the
 *   folder name (byte order) and identifies a migration by the whole folder name.
 * - Diesel: `<dir>/<version>_<name>/up.sql` (with `down.sql` beside it); the version is the folder name
 *   up to its first `_` without its dashes (`2017-06-21-154135_x` is `20170621154135`), compared as
 *   text, and names the migration in Diesel's history table.
 * - Supabase: `supabase/migrations/<version>_<name>.sql`; the CLI only applies files matching
 *   `^([0-9]+)_(.*)\.sql$` (`local_…` files never run), in the order Go's `fs.ReadDir` lists them:
 *   by file name, byte order (so `20240130_x.sql` runs after `20240129235959_y.sql`, and a shorter
 *   version is not earlier just for being shorter).
 * - graphile-migrate: `migrations/committed/<NNNNNN>[-message].sql`, numeric order.
 * - Numbered folders: `NNN_name.sql`, `NNN-name.sql`, Flyway `V1__x.sql` / `V1_2__x.sql`, numeric order
 *   (Flyway's repeatable `R__x.sql` after them).
 * - Rollback scripts (`down.sql` in a Prisma folder, `*.down.sql`, `rollback/…`, `down/…`) are not
 *   migrations; they are matched to the migration they undo.
 */

export type MigrationKind = 'prisma' | 'diesel' | 'supabase' | 'graphile' | 'numbered' | 'flyway' | 'plain';

export interface MigrationFileInfo {
  path: string;
  kind: MigrationKind;
  /** Directory holding the migration set (Prisma: the `migrations` folder). */
  setDir: string;
  /** `migration` field of findings: folder name (Prisma, Diesel), file name otherwise. */
  label: string;
  /** Version as written (prefix digits; Diesel: without its dashes), or null when the name has none. */
  version: string | null;
  /** Key the tool sorts by. */
  sortKey: string;
  /** Problems with the name itself (impossible timestamp, skipped by the tool …). */
  nameProblems: string[];
  /** True when the tool that owns this folder will never run the file. */
  ignoredByTool: boolean;
}

export interface RollbackFileInfo {
  path: string;
  /** Path of the migration it undoes (resolved after classification), or a key to match. */
  matchKeys: string[];
}

/** The folder part of a '/'-separated path ('' for a bare name). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** Folders whose `.sql` files undo the migrations beside them (or in the folder above). */
export const ROLLBACK_FOLDERS: readonly string[] = ['rollback', 'rollbacks', 'down'];

/** Is this a rollback script rather than a migration? Returns the keys of the migration it undoes. */
export function rollbackTarget(path: string): string[] | null {
  const base = baseOf(path);
  const dir = dirOf(path);
  const lower = base.toLowerCase();
  if (lower === 'down.sql') return [dir]; // Prisma or Diesel folder (or any folder): undoes <dir>/migration.sql or <dir>/up.sql
  let m = /^(.*)\.down\.sql$/i.exec(base);
  if (m) {
    const keys = [joinPath(dir, `${m[1]}.sql`), joinPath(dir, `${m[1]}.up.sql`)];
    // golang-migrate and sqlx pair `<version>_<title>.down.sql` with the up file of the same version
    // (a number: `0030` is `30`), whatever its title.
    const v = /^(\d+)_/.exec(m[1]);
    if (v) keys.push(upVersionKey(dir, v[1]));
    return keys;
  }
  m = /^U(\d+(?:[._]\d+)*)__(.*)\.sql$/.exec(base); // Flyway undo
  if (m) return [joinPath(dir, `V${m[1]}__${m[2]}.sql`)];
  const parentName = baseOf(dir).toLowerCase();
  if (ROLLBACK_FOLDERS.includes(parentName)) {
    const up = dirOf(dir);
    return [joinPath(up, base), joinPath(dirOf(up), base), joinPath(up, `${base.replace(/\.sql$/i, '')}/migration.sql`)];
  }
  return null;
}

/**
 * The keys a rollback script (`rollbackTarget`) may name this migration by: its path; its folder for
 * a Prisma or Diesel migration (`<dir>/down.sql`); for a numbered `<version>_<title>.up.sql`, the key
 * of its version (`upVersionKey`), which the first migration of that version holds.
 */
export function migrationKeys(info: MigrationFileInfo): string[] {
  const keys = [info.path];
  if (info.kind === 'prisma' || info.kind === 'diesel') keys.push(dirOf(info.path));
  if (info.kind === 'numbered' && info.version && /\.up\.sql$/i.test(info.path)) keys.push(upVersionKey(dirOf(info.path), info.version));
  return keys;
}

/**
 * The key under which a `<version>_<title>.up.sql` migration is found by the `.down.sql` of the same
 * version (`rollbackTarget`); not a path.
 */
export function upVersionKey(dir: string, version: string): string {
  return `${dir}\u0000up:${numericKey(version)}`;
}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** A placeholder, not a mistyped date: `00000000000000_init` (a baseline), `10000000000000_…`, `99999999999999_…` (to run first or last). */
export function isPlaceholderVersion(version: string): boolean {
  return /^(\d)\1*$|^[1-9]0+$/.test(version);
}

/** Why a 14-digit (or other) timestamp version is not a real date/time, or null when it is fine. */
export function timestampProblem(version: string): string | null {
  if (isPlaceholderVersion(version)) return null;
  if (version.length === 14) {
    const m = TIMESTAMP.exec(version)!;
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (mo < 1 || mo > 12) return `month ${m[2]} does not exist`;
    if (d < 1 || d > days) return `day ${m[3]} does not exist in ${m[1]}-${m[2]}`;
    if (h > 23) return `hour ${m[4]} does not exist`;
    if (mi > 59) return `minute ${m[5]} does not exist`;
    if (s > 59) return `second ${m[6]} does not exist`;
    return null;
  }
  if (version.length === 8 && /^(19|20)\d{6}$/.test(version)) return `it has only a date (${version}), no time of day`;
  return null;
}

/** Adds to `problems` why a version of 8 digits or more (a date or timestamp) is not a real one. */
function addTimestampProblem(problems: string[], version: string): void {
  const p = version.length >= 8 ? timestampProblem(version) : null;
  if (p) problems.push(`its timestamp ${version} is not a valid date/time: ${p}`);
}

export function classifyMigration(path: string): MigrationFileInfo {
  const base = baseOf(path);
  const dir = dirOf(path);
  const problems: string[] = [];
  if (base.toLowerCase() === 'migration.sql' && dir) {
    const folder = baseOf(dir);
    const m = /^(\d+)/.exec(folder);
    const version = m ? m[1] : null;
    if (!version) problems.push('the folder name does not start with a timestamp');
    else addTimestampProblem(problems, version);
    if (/\s/.test(folder)) problems.push('the folder name contains whitespace (a copied folder?)');
    if (/\.sql$/i.test(folder)) problems.push('the folder name ends in `.sql` (tools that glob `*.sql` treat it as a file)');
    if (version && folder.length > version.length && folder[version.length] !== '_')
      problems.push(`the timestamp is not followed by \`_\`, so Prisma's name order differs from the timestamp order`);
    return {
      path,
      kind: 'prisma',
      setDir: dirOf(dir),
      label: folder,
      version,
      sortKey: folder,
      nameProblems: problems,
      ignoredByTool: false,
    };
  }
  if (base === 'up.sql' && dir) {
    const folder = baseOf(dir);
    const prefix = dieselVersionPrefix(folder);
    const version = /^\d+$/.test(prefix) ? prefix : null;
    if (!version) problems.push(`the folder name does not start with a version: Diesel takes \`${prefix}\` as the version`);
    else addTimestampProblem(problems, version);
    if (/\s/.test(folder)) problems.push('the folder name contains whitespace (a copied folder?)');
    return { path, kind: 'diesel', setDir: dirOf(dir), label: folder, version, sortKey: prefix, nameProblems: problems, ignoredByTool: false };
  }
  const segments = path.split('/');
  const parent = segments.length >= 2 ? segments[segments.length - 2] : '';
  const grand = segments.length >= 3 ? segments[segments.length - 3] : '';
  if (parent === 'migrations' && grand === 'supabase') {
    const m = /^(\d+)_(.*)\.sql$/.exec(base);
    if (!m) {
      problems.push('the Supabase CLI only applies files named `<timestamp>_<name>.sql`: this file never runs');
      return { path, kind: 'supabase', setDir: dir, label: base, version: null, sortKey: base, nameProblems: problems, ignoredByTool: true };
    }
    addTimestampProblem(problems, m[1]);
    return { path, kind: 'supabase', setDir: dir, label: base, version: m[1], sortKey: base, nameProblems: problems, ignoredByTool: false };
  }
  if (parent === 'committed') {
    const m = /^(\d+)(?:[-_].*)?\.sql$/.exec(base);
    return {
      path,
      kind: 'graphile',
      setDir: dir,
      label: base,
      version: m ? m[1] : null,
      sortKey: m ? numericKey(m[1]) : `~${base}`,
      nameProblems: m ? [] : ['graphile-migrate only applies committed files named `<number>[-message].sql`'],
      ignoredByTool: !m,
    };
  }
  // Flyway's repeatable migrations: applied after the versioned ones, by description, again whenever
  // they change; they have no version.
  if (/^R__.+\.sql$/.test(base)) return { path, kind: 'flyway', setDir: dir, label: base, version: null, sortKey: `~${base}`, nameProblems: [], ignoredByTool: false };
  let m = /^V(\d+(?:[._]\d+)*)__.*\.sql$/.exec(base);
  if (m) return { path, kind: 'flyway', setDir: dir, label: base, version: m[1], sortKey: flywayKey(m[1]), nameProblems: [], ignoredByTool: false };
  m = /^(\d+)(?:[_\-.].*)?\.sql$/.exec(base);
  if (m) {
    addTimestampProblem(problems, m[1]);
    return { path, kind: 'numbered', setDir: dir, label: base, version: m[1], sortKey: numericKey(m[1]), nameProblems: problems, ignoredByTool: false };
  }
  return { path, kind: 'plain', setDir: dir, label: base, version: null, sortKey: `~${base}`, nameProblems: [], ignoredByTool: false };
}

/** Diesel's version of a migration folder: its name up to the first `_`, without dashes. */
export function dieselVersionPrefix(folder: string): string {
  const cut = folder.indexOf('_');
  return (cut < 0 ? folder : folder.slice(0, cut)).replace(/-/g, '');
}

/**
 * `digits` written like Diesel's `written` version: with its dashes at the same places
 * (`2024-01-02-030405` and `20240102030406` → `2024-01-02-030406`) when the digit counts agree.
 */
export function dieselVersionLike(written: string, digits: string): string {
  if (written.replace(/-/g, '').length !== digits.length) return digits;
  let out = '';
  let k = 0;
  for (const ch of written) out += ch === '-' ? '-' : digits[k++];
  return out;
}

/**
 * Flyway's version order: `.` and `_` both separate parts, each part is a number, and missing parts
 * count as 0, so `1`, `1.0` and `01_0` are one version.
 */
function flywayKey(version: string): string {
  const parts = version.split(/[._]/).map(numericKey);
  const zero = numericKey('0');
  while (parts.length > 1 && parts[parts.length - 1] === zero) parts.pop();
  return parts.join('.');
}

/**
 * What makes two versions of one migration set the same version for the tool that runs it: the number
 * for numbered, Flyway and graphile-migrate files (`001` is `1`; Flyway's `1.0` is `1`), the text
 * otherwise (Supabase and Diesel keep versions as text; Prisma names migrations by folder).
 */
export function versionIdentity(kind: MigrationKind, version: string): string {
  if (kind === 'flyway') return flywayKey(version);
  if (kind === 'numbered' || kind === 'graphile') return numericKey(version);
  return version;
}

/** A key whose string order is the numeric order of a digit string. */
function numericKey(digits: string): string {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  return `${String(trimmed.length).padStart(4, '0')}:${trimmed}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders migrations: by set (folder), then as the tool orders them. Files with equal versions are
 * ordered by name (as Supabase and Prisma do), which is what `duplicate-migration-version` reports.
 */
export function orderMigrations(infos: MigrationFileInfo[]): MigrationFileInfo[] {
  return [...infos].sort(
    (a, b) =>
      compareStrings(a.setDir, b.setDir) ||
      compareStrings(a.sortKey, b.sortKey) ||
      compareStrings(a.label, b.label) ||
      compareStrings(a.path, b.path),
  );
}

/**
 * The files beside the migration sets among the paths that an audit reads, for front ends to read the
 * ones that exist: each Prisma Migrate set's `migration_lock.toml` (next to its migration folders,
 * `AuditInput.migrationLocks`) and each Supabase set's `supabase/config.toml` (`<x>/supabase/migrations`
 * → `<x>/supabase/config.toml`, `AuditInput.supabaseConfigs`), each Diesel migration's
 * `metadata.toml` (in its folder) and each numbered set's Drizzle Kit journal (`meta/_journal.json`,
 * both `AuditInput.migrationMetadata`).
 */
export function migrationSetFiles(sqlPaths: readonly string[]): { locks: string[]; supabaseConfigs: string[]; migrationMetadata: string[] } {
  const locks = new Set<string>();
  const supabaseConfigs = new Set<string>();
  const migrationMetadata: string[] = [];
  const journals = new Set<string>();
  for (const p of sqlPaths) {
    if (rollbackTarget(p)) continue;
    const info = classifyMigration(p);
    if (info.kind === 'prisma') locks.add(joinPath(info.setDir, 'migration_lock.toml'));
    else if (info.kind === 'supabase') supabaseConfigs.add(joinPath(dirOf(info.setDir), 'config.toml'));
    else if (info.kind === 'diesel') migrationMetadata.push(joinPath(dirOf(p), 'metadata.toml'));
    // A Drizzle Kit folder's journal: the migrator runs only what it lists.
    else if (info.kind === 'numbered') journals.add(joinPath(info.setDir, 'meta/_journal.json'));
  }
  return { locks: [...locks], supabaseConfigs: [...supabaseConfigs], migrationMetadata: [...migrationMetadata, ...journals] };
}

/**
 * What a Diesel `metadata.toml` says of `run_in_transaction` (Diesel's default, when it says nothing,
 * is true), or null when the text sets no such key.
 */
export function dieselRunInTransaction(text: string): boolean | null {
  if (text.length > 64 * 1024) return null;
  const m = /^[ \t]*run_in_transaction[ \t]*=[ \t]*(true|false)\b/m.exec(text);
  return m ? m[1] === 'true' : null;
}

/** The `provider` a `migration_lock.toml` names (`provider = "mysql"`), or null. */
export function lockProvider(text: string): string | null {
  // Prisma writes a two-line file; anything much larger is not a lock file.
  if (text.length > 64 * 1024) return null;
  const m = /^[ \t]*provider[ \t]*=[ \t]*"([^"\n]+)"/m.exec(text);
  return m ? (m[1] === 'postgres' ? 'postgresql' : m[1]) : null;
}

/**
 * The schemas a Supabase `config.toml` exposes through the Data API: its `[api]` table's `schemas`
 * array (`schemas = ["public", "api"]`, possibly over several lines). Null when it sets none.
 */
export function apiSchemas(text: string): string[] | null {
  if (text.length > 256 * 1024) return null;
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    if (section !== 'api') continue;
    const m = /^\s*schemas\s*=\s*\[(.*)$/.exec(line);
    if (!m) continue;
    // The array runs to its closing bracket, which may be lines below (comments end at a line's end).
    let body = '';
    let rest = m[1];
    for (let k = i; k < lines.length; k++) {
      if (k > i) rest = lines[k];
      const close = /^((?:[^\]"'#]|"[^"]*"|'[^']*')*)(\]|#)/.exec(rest);
      if (close?.[2] === ']') {
        body += close[1];
        break;
      }
      body += close ? close[1] : rest;
      body += ' ';
    }
    const names: string[] = [];
    for (const q of body.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)) names.push(q[1] ?? q[2]);
    return names;
  }
  return null;
}

