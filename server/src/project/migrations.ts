import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { expandGlob, migrationGlobs } from './glob';
import { ROLLBACK_FOLDERS } from '../analysis/sql/discovery';

/**
 * Finds the migration SQL files below a project root, the way the tools that run them do:
 *  - Prisma: every folder whose subfolders hold `migration.sql` (`prisma/migrations`, formbricks'
 *    `packages/database/migration`, a custom `migrations: { path }` in `prisma.config.ts`), with their
 *    `down.sql` rollback scripts;
 *  - Diesel: folders whose subfolders `<version>_<name>` hold `up.sql`, with their `down.sql`;
 *  - Supabase: `supabase/migrations/*.sql` (plus `rollback/` beside them);
 *  - graphile-migrate: `migrations/committed/*.sql`;
 *  - numbered folders named `migrations`/`migration`/`sql`: `NNN_name.sql`, `*.down.sql`, Flyway's
 *    `V1__x.sql`/`U1__x.sql`/`R__x.sql` (also in subfolders, as Flyway scans recursively);
 *  - Drizzle Kit folders (`drizzle/` with `meta/_journal.json`): the files of the journal's entries,
 *    for a PostgreSQL journal;
 *  - the `.sql` files the `migrations` globs of a `schema-insight.json` match (`"drizzle/*.sql"`).
 * Skips node_modules, .git and build output; bounded in depth and directory count so a huge tree
 * cannot hang an editor.
 */
/**
 * `path.join(dir, name)` for a normalised folder path (as `path.resolve` returns) and a name from its
 * listing: nothing to normalise, so no need for path.join's cost (~900 joins per discovery of a
 * 400-migration project).
 */
export function childPath(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

function statIsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `name` in `dir` is a file (following symbolic links), from the folder's listing when it was read. */
export function isFileIn(listings: ReadonlyMap<string, Dirent[]> | undefined, dir: string, name: string): boolean {
  const known = listings?.get(dir);
  if (!known) return statIsFile(childPath(dir, name));
  const e = known.find((x) => x.name === name);
  if (!e) return false;
  return e.isSymbolicLink() ? statIsFile(childPath(dir, name)) : e.isFile();
}

export function findMigrationFiles(root: string, listings?: ReadonlyMap<string, Dirent[]>): { files: string[]; supabase: boolean } {
  const files = new Set<string>();
  let supabase = false;
  let budget = 20000;
  // `listings`: folders already read (during the same discovery), so they are not read again.
  const read = (dir: string): Dirent[] => {
    const known = listings?.get(dir);
    if (known) return known;
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const addSqlFiles = (dir: string, test: (name: string) => boolean) => {
    for (const e of read(dir)) if (e.isFile() && /\.sql$/i.test(e.name) && test(e.name)) files.add(childPath(dir, e.name));
  };
  const addRollbackDirs = (dir: string) => {
    for (const sub of ROLLBACK_FOLDERS) addSqlFiles(childPath(dir, sub), () => true);
  };
  /**
   * A folder of migration folders: the subfolders `accept` takes that hold `up` (with their down.sql).
   * Returns true when it is one.
   */
  const folderSet = (dir: string, entries: Dirent[], up: string, accept: (name: string) => boolean): boolean => {
    let found = false;
    for (const e of entries) {
      if (!e.isDirectory() || !accept(e.name)) continue;
      const sub = childPath(dir, e.name);
      if (isFileIn(listings, sub, up)) {
        files.add(childPath(sub, up));
        if (isFileIn(listings, sub, 'down.sql')) files.add(childPath(sub, 'down.sql'));
        found = true;
      }
    }
    return found;
  };
  /** A Prisma migrations folder: subfolders with migration.sql. */
  const prismaSet = (dir: string, entries: Dirent[]) => folderSet(dir, entries, 'migration.sql', (name) => !SKIP.has(name));
  /** A Diesel migrations folder: subfolders `<version>_<name>` with up.sql. */
  const dieselSet = (dir: string, entries: Dirent[]) => folderSet(dir, entries, 'up.sql', (name) => /^\d/.test(name));
  // `flyway`: below a numbered folder with Flyway files, which Flyway scans recursively.
  const visit = (dir: string, depth: number, flyway = false) => {
    if (depth > 12 || budget-- <= 0) return;
    const entries = read(dir);
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    const parent = dirname(dir);
    const parentName = parent.slice(parent.lastIndexOf('/') + 1);
    if (name === 'supabase' && entries.some((e) => (e.isDirectory() && e.name === 'migrations') || e.name === 'config.toml')) supabase = true;
    if (name === 'migrations' && parentName === 'supabase') {
      addSqlFiles(dir, () => true);
      addRollbackDirs(dir);
    } else if (name === 'committed' && parentName === 'migrations') {
      addSqlFiles(dir, (n) => /^\d+/.test(n));
      return;
    } else if (prismaSet(dir, entries) || dieselSet(dir, entries)) {
      return;
    } else if (entries.some((e) => e.isDirectory() && e.name === 'meta') && isFileIn(listings, childPath(dir, 'meta'), '_journal.json')) {
      // Drizzle Kit's output folder (`drizzle/` by default): drizzle-orm's migrator runs the journal's
      // entries, `<tag>.sql` each; a file the journal does not list never runs.
      const tags = drizzleJournalTags(childPath(childPath(dir, 'meta'), '_journal.json'));
      if (tags) {
        addSqlFiles(dir, (n) => tags.has(n.slice(0, -4)));
        addRollbackDirs(dir);
      }
    } else if (flyway) {
      addSqlFiles(dir, (n) => FLYWAY.test(n));
    } else if ((NUMBERED_DIRS.has(name.toLowerCase()) || (POSTGRES_DIRS.has(name.toLowerCase()) && NUMBERED_DIRS.has(parentName.toLowerCase()))) && entries.some((e) => e.isFile() && NUMBERED.test(e.name))) {
      // popx / ory (`<version>_<name>[.<dialect>].up.sql`): another database's variant never runs here,
      // and a `.postgres.` variant replaces the file for all databases of the same name.
      const names = new Set(entries.map((e) => e.name));
      addSqlFiles(dir, (n) => (NUMBERED.test(n) || /\.down\.sql$/i.test(n)) && !OTHER_DIALECT.test(n) && !names.has(n.replace(/\.((?:up|down)\.)?sql$/i, '.postgres.$1sql')));
      addRollbackDirs(dir);
      flyway = entries.some((e) => e.isFile() && FLYWAY.test(e.name));
    }
    for (const e of entries) {
      if (e.isFile() && e.name === 'prisma.config.ts') configured(childPath(dir, e.name));
      if (e.isFile() && e.name === 'schema-insight.json') globbed(dir, childPath(dir, e.name));
      if (!e.isDirectory() || SKIP.has(e.name) || e.name.startsWith('.')) continue;
      visit(childPath(dir, e.name), depth + 1, flyway);
    }
  };
  /** `migrations: { path: "…" }` (string literal or `path.join('a', 'b')`) in prisma.config.ts. */
  const configured = (configFile: string) => {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch {
      return;
    }
    const m = /migrations\s*:\s*\{[^}]*?\bpath\s*:\s*(?:["'`]([^"'`]+)["'`]|(?:path\.)?(?:join|resolve)\(([^)]*)\))/s.exec(text);
    if (!m) return;
    const rel = m[1] ?? (m[2] ?? '').split(',').map((s) => s.trim().replace(/^["'`]|["'`]$/g, '')).filter((s) => s && !/__dirname|process\./.test(s)).join('/');
    if (!rel) return;
    const dir = resolve(dirname(configFile), rel);
    prismaSet(dir, read(dir));
  };
  /** The files the `migrations` globs of a schema-insight.json match (relative to its folder). */
  const globbed = (dir: string, configFile: string) => {
    let value: unknown;
    try {
      value = (JSON.parse(readFileSync(configFile, 'utf8')) as { migrations?: unknown })?.migrations;
    } catch {
      return; // reported with the config's other problems
    }
    for (const g of migrationGlobs(value).globs) for (const f of expandGlob(dir, g, read)) files.add(f);
  };
  visit(resolve(root), 0);
  return { files: [...files].sort(), supabase };
}

export const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', '.turbo', '.cache', 'coverage', 'vendor', 'target']);
const NUMBERED_DIRS = new Set(['migrations', 'migration', 'sql', 'db-migrations', 'db_migrations', 'flyway', 'schema-migrations']);
/** A PostgreSQL folder among one per database in a numbered folder (`migrations/postgres/`: Mattermost, Kestra). */
const POSTGRES_DIRS = new Set(['postgres', 'postgresql', 'pg', 'pgsql']);
/** A migration file for another database (`1_t.mysql.up.sql`, `1_t.sqlite3.sql`: popx, used by Ory). */
const OTHER_DIALECT = /\.(?:mysql|mariadb|sqlite3?|cockroach(?:db)?|crdb|mssql|sqlserver|oracle|tidb|clickhouse|spanner)\.(?:(?:up|down)\.)?sql$/i;
/** Flyway's versioned, undo and repeatable migrations (default prefixes). */
const FLYWAY_NAME = String.raw`[VU]\d+(?:[._]\d+)*__.*|R__.+`;
const FLYWAY = new RegExp(`^(${FLYWAY_NAME})\\.sql$`);
const NUMBERED = new RegExp(String.raw`^(\d+[_\-.].*|${FLYWAY_NAME})\.sql$`);

/**
 * The tags (`0000_name`) of a Drizzle Kit journal's entries, or null when it is not a PostgreSQL
 * journal (`"dialect": "mysql"`, `"sqlite"` …) or cannot be read.
 */
function drizzleJournalTags(file: string): Set<string> | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { dialect?: unknown; entries?: Array<{ tag?: unknown }> };
    if (typeof j.dialect === 'string' && !/^(postgresql|postgres|pg)$/i.test(j.dialect)) return null;
    if (!Array.isArray(j.entries)) return null;
    return new Set(j.entries.map((e) => e?.tag).filter((t): t is string => typeof t === 'string'));
  } catch {
    return null;
  }
}
