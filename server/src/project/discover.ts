import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { AuditConfig, RuleSetting } from '../analysis/types';
import { isCodePath } from '../analysis/code/paths';
import { classifyMigration, migrationKeys, ROLLBACK_FOLDERS, rollbackTarget } from '../analysis/sql/discovery';
import { migrationGlobs } from './glob';
import { childPath, findMigrationFiles, isFileIn } from './migrations';

/**
 * Finds the projects in a folder: each Prisma schema (a single file or a multi-file schema folder)
 * with its migrations, and migration folders without a schema (plain SQL / Supabase projects).
 * This is the IO side shared by the CLI and the language server; the analysis itself is pure.
 */
export interface ProjectLayout {
  /** Folder the project's paths are reported relative to (the audited folder). */
  root: string;
  /** Absolute paths of the `.prisma` files forming one schema (empty for SQL-only projects). */
  schemaFiles: string[];
  /** Absolute paths of the project's migration SQL files (any order). */
  migrationFiles: string[];
  /** `schema-insight.json` that applies, if any. */
  configFile: string | null;
  /** A Supabase project (a `supabase/` folder): enables the RLS exposure rules. */
  supabase: boolean;
  /**
   * Absolute paths of the TypeScript/JavaScript files read for Prisma Client queries
   * (`query-index-missing`): those of the audited folder, for projects with a schema.
   */
  codeFiles?: string[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', '.next', '.turbo', '.cache', 'coverage', '.vscode-test', '.e2e', 'vendor']);
const MAX_ENTRIES = 50_000;
const MAX_DEPTH = 12;
/** Whether discovery skips a folder on this path below the walked root ('/'-separated: node_modules, build output, VCS folders). */
export function inSkippedFolder(path: string): boolean {
  const parts = path.split('/');
  return parts.slice(0, -1).some((p) => SKIP_DIRS.has(p));
}

/** At most this many TypeScript/JavaScript files are read for Prisma Client queries. */
export const MAX_CODE_FILES = 20_000;

export const CONFIG_FILE = 'schema-insight.json';

/** Walks `root`; every listing read is kept in `listings` (folder → entries) for later lookups. */
function walk(root: string, visit: (path: string, isDir: boolean) => void, listings: Map<string, Dirent[]>): void {
  let entries = 0;
  const stack: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  while (stack.length) {
    const { dir, depth } = stack.pop()!;
    let list: Dirent[];
    try {
      list = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    listings.set(dir, list);
    for (const e of list) {
      if (++entries > MAX_ENTRIES) return;
      const p = childPath(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || depth >= MAX_DEPTH) continue;
        visit(p, true);
        stack.push({ dir: p, depth: depth + 1 });
      } else if (e.isFile()) visit(p, false);
    }
  }
}

function hasDatasource(file: string): boolean {
  try {
    return /^\s*datasource\s+\w+\s*\{/m.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Groups `.prisma` files into schemas. A folder whose `.prisma` files (including sub-folders) hold
 * exactly one datasource is a multi-file schema when it is named `schema` (`prisma/schema/*.prisma`),
 * has several files of its own, or holds the datasource file itself with the rest in sub-folders (the
 * layout Prisma's docs show: `prisma/schema.prisma` beside `prisma/models/*.prisma`); otherwise each
 * file with a datasource — or each file, when none has one — is its own schema.
 */
export function groupSchemaFiles(prismaFiles: string[]): string[][] {
  const byDir = new Map<string, string[]>();
  for (const f of prismaFiles) {
    const d = dirname(f);
    if (!byDir.has(d)) byDir.set(d, []);
    byDir.get(d)!.push(f);
  }
  const claimed = new Set<string>();
  const schemas: string[][] = [];
  // Folder schemas first (a folder named `schema`, or any folder with several files and one datasource).
  const dirs = [...byDir.keys()].sort((a, b) => a.length - b.length);
  for (const d of dirs) {
    const files = prismaFiles.filter((f) => !claimed.has(f) && (dirname(f) === d || f.startsWith(d + sep)));
    if (files.length < 2) continue;
    const withDs = files.filter(hasDatasource);
    if (withDs.length === 1 && (d.endsWith(`${sep}schema`) || byDir.get(d)!.length > 1 || dirname(withDs[0]) === d)) {
      files.forEach((f) => claimed.add(f));
      schemas.push(files.sort());
    }
  }
  const rest = prismaFiles.filter((f) => !claimed.has(f));
  const restWithDs = rest.filter(hasDatasource);
  for (const f of restWithDs.length ? restWithDs : rest) schemas.push([f]);
  return schemas.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Folder that holds a schema's `migrations/` folder: the schema file's folder, or the schema folder's parent. */
function schemaHome(schemaFiles: string[]): string {
  if (schemaFiles.length > 1) {
    const common = schemaFiles.map(dirname).reduce((a, b) => {
      while (!(b === a || b.startsWith(a + sep))) a = dirname(a);
      return a;
    });
    return dirname(common);
  }
  return dirname(schemaFiles[0]);
}

/**
 * The closest folder from `path`'s folder up to `stop` that has a package.json (`stop` if none).
 * Folders the discovery walk listed are looked up in their listing (no file-system call); every
 * folder passed on the way is remembered in `memo`.
 */
function nearestPackageRoot(path: string, stop: string, memo: Map<string, string>, listings: ReadonlyMap<string, Dirent[]>): string {
  const passed: string[] = [];
  let d = dirname(path);
  let found = stop;
  while (d.startsWith(stop) && d !== stop) {
    const known = memo.get(d);
    if (known !== undefined) {
      found = known;
      break;
    }
    passed.push(d);
    if (isFileIn(listings, d, 'package.json')) {
      found = d;
      break;
    }
    d = dirname(d);
  }
  for (const p of passed) memo.set(p, found);
  return found;
}

function findConfig(from: string, root: string): string | null {
  let d = from;
  for (;;) {
    const p = join(d, CONFIG_FILE);
    if (existsSync(p)) return p;
    if (d === root || !d.startsWith(root)) break;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

/**
 * Discovers every project below `folder` (or the project of a single schema file). Paths are
 * absolute; `root` is `folder` itself so reports are relative to what the user audited.
 */
export function discoverProjects(folder: string): ProjectLayout[] {
  const root = resolve(folder);
  let st;
  try {
    st = statSync(root);
  } catch {
    return [];
  }
  if (st.isFile()) return [projectForFiles(dirname(root), [root])];

  const prismaFiles: string[] = [];
  const codeFiles: string[] = [];
  const listings = new Map<string, Dirent[]>();
  walk(
    root,
    (p, isDir) => {
      if (isDir) return;
      if (p.toLowerCase().endsWith('.prisma')) prismaFiles.push(p);
      else if (isCodePath(p) && codeFiles.length < MAX_CODE_FILES) codeFiles.push(p);
    },
    listings,
  );
  const schemas = groupSchemaFiles(prismaFiles);
  const migrations = findMigrationFiles(root, listings);
  const supabase = migrations.supabase;
  const projects: ProjectLayout[] = schemas.map((files) => ({
    root,
    schemaFiles: files,
    migrationFiles: [],
    configFile: findConfig(schemaHome(files), root),
    supabase,
  }));

  // Attach each migration to the schema whose home folder is its closest ancestor; else to the
  // schema in the same package; else to a SQL-only project of its package.
  const homes = projects.map((p) => schemaHome(p.schemaFiles));
  const packageRoots = new Map<string, string>();
  const packages = projects.map((p) => nearestPackageRoot(p.schemaFiles[0], root, packageRoots, listings));
  const sqlOnly = new Map<string, ProjectLayout>();
  for (const m of migrations.files) {
    let best = -1;
    for (let i = 0; i < projects.length; i++) {
      const h = homes[i];
      if (m.startsWith(h + sep) && (best < 0 || h.length > homes[best].length)) best = i;
    }
    if (best < 0) {
      const pkg = nearestPackageRoot(m, root, packageRoots, listings);
      best = packages.findIndex((p) => p === pkg && p !== root);
      if (best < 0 && projects.length === 1) best = 0;
      if (best < 0) {
        if (!sqlOnly.has(pkg)) sqlOnly.set(pkg, { root, schemaFiles: [], migrationFiles: [], configFile: findConfig(pkg, root), supabase });
        sqlOnly.get(pkg)!.migrationFiles.push(m);
        continue;
      }
    }
    projects[best].migrationFiles.push(m);
  }
  assignCodeFiles(projects, homes, codeFiles);
  return [...projects, ...sqlOnly.values()];
}

/**
 * Gives each code file to the schema projects whose home folder shares the most leading folders with
 * it (every file, when there is one schema): an app's queries go to the schema of its monorepo
 * package, or, when no schema is closer than another (an `apps/web` beside `packages/db` and
 * `packages/admin`), to each of them: a call only counts for a schema that has its model.
 */
function assignCodeFiles(projects: ProjectLayout[], homes: string[], codeFiles: string[]): void {
  if (!projects.length || !codeFiles.length) return;
  codeFiles.sort();
  if (projects.length === 1) {
    projects[0].codeFiles = codeFiles;
    return;
  }
  const homeParts = homes.map((h) => h.split(sep));
  for (const p of projects) p.codeFiles = [];
  for (const f of codeFiles) {
    const parts = f.split(sep);
    const shared = homeParts.map((h) => {
      let k = 0;
      while (k < h.length && k < parts.length - 1 && h[k] === parts[k]) k++;
      return k;
    });
    const most = Math.max(...shared);
    shared.forEach((k, i) => k === most && projects[i].codeFiles!.push(f));
  }
}

/**
 * The rollback scripts on disk of the migrations among `sqlFiles` (absolute paths) that are not given
 * themselves: what a folder's discovery would pair with them (`<folder>/down.sql`, `<name>.down.sql`,
 * Flyway's `U<version>__`, `rollback/<name>.sql` …, see `rollbackTarget`). A migration named on the
 * command line is audited with its rollback, as in its folder (else missing-rollback would report
 * one that exists).
 */
function rollbackCompanions(sqlFiles: string[]): string[] {
  const given = new Set(sqlFiles.map((f) => slashPath(f)));
  const wanted = new Set<string>();
  const dirs = new Set<string>();
  for (const f of sqlFiles) {
    const p = slashPath(f);
    if (rollbackTarget(p)) continue;
    for (const key of migrationKeys(classifyMigration(p))) wanted.add(key);
    // The migration's folder and the one above (a Prisma or Diesel migration is a folder), and their rollback folders.
    for (const d of [dirname(f), dirname(dirname(f))]) {
      dirs.add(d);
      for (const sub of ROLLBACK_FOLDERS) dirs.add(join(d, sub));
    }
  }
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.toLowerCase().endsWith('.sql')) continue;
      const path = join(d, name);
      const p = slashPath(path);
      if (given.has(p) || !rollbackTarget(p)?.some((k) => wanted.has(k))) continue;
      given.add(p);
      if (isFileIn(undefined, d, name)) out.push(path);
    }
  }
  return out;
}

/** A project made of explicit files (CLI arguments, or an editor file outside any discovered project). */
export function projectForFiles(root: string, files: string[]): ProjectLayout {
  const abs = files.map((f) => resolve(f));
  const sql = abs.filter((f) => f.toLowerCase().endsWith('.sql'));
  return {
    root: resolve(root),
    schemaFiles: abs.filter((f) => f.toLowerCase().endsWith('.prisma')),
    migrationFiles: [...sql, ...rollbackCompanions(sql)],
    configFile: findConfig(dirname(abs[0] ?? root), resolve(root)),
    supabase: abs.some((f) => f.split(sep).includes('supabase')),
  };
}

const SETTINGS = new Set<RuleSetting>(['off', 'error', 'warning', 'info', 'hint']);

export interface ConfigResult {
  config: AuditConfig;
  /** Problems with the configuration file, shown to the user (never fatal). */
  problems: string[];
}

/** Parses `schema-insight.json`: `{"rules": {"<id>": "off" | "info" | "warning" | "error" | "hint"}}`. */
export function parseConfig(text: string, knownRule: (id: string) => boolean = () => true): ConfigResult {
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { config: {}, problems: [`invalid JSON: ${(e as Error).message}`] };
  }
  const rules: Record<string, RuleSetting> = {};
  const r = (raw as { rules?: unknown })?.rules;
  if (r !== undefined && (typeof r !== 'object' || r === null || Array.isArray(r))) problems.push('"rules" must be an object of rule id → severity');
  else if (r) {
    for (const [id, v] of Object.entries(r)) {
      if (!knownRule(id)) problems.push(`unknown rule id "${id}"`);
      if (typeof v === 'string' && SETTINGS.has(v as RuleSetting)) rules[id] = v as RuleSetting;
      else problems.push(`rule "${id}": expected one of off, error, warning, info, hint`);
    }
  }
  // `migrations` globs are read by discovery (findMigrationFiles); checked here to report problems.
  problems.push(...migrationGlobs((raw as { migrations?: unknown })?.migrations).problems);
  const replay = (raw as { replay?: unknown })?.replay;
  if (replay !== undefined && typeof replay !== 'boolean') problems.push('"replay" must be true or false');
  return { config: { rules, ...(replay === true ? { replay } : {}) }, problems };
}

export function loadConfig(layout: ProjectLayout, knownRule?: (id: string) => boolean): AuditConfig {
  return loadConfigFile(layout.configFile, knownRule).config;
}

export function loadConfigFile(path: string | null, knownRule?: (id: string) => boolean): ConfigResult {
  if (!path) return { config: {}, problems: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { config: {}, problems: [`cannot read ${path}: ${(e as Error).message}`] };
  }
  return parseConfig(text, knownRule);
}

/** An absolute POSIX path `path.resolve` leaves unchanged (no `.`/`..` segments, no `//`, no trailing `/`). */
function isNormalAbsolute(p: string): boolean {
  return isAbsolute(p) && (p.length === 1 || (!p.endsWith('/') && !p.includes('//') && !p.includes('/./') && !p.includes('/../') && !p.endsWith('/.') && !p.endsWith('/..')));
}

/** A native path with '/' separators, as the analysis reads paths (`separator`: the platform's, for tests). */
export function slashPath(native: string, separator: string = sep): string {
  return separator === '/' ? native : native.split(separator).join('/');
}

/** Root-relative path with '/' separators (what findings and reports show). */
export function displayPath(root: string, abs: string): string {
  // The common case without path.relative's normalisation: a normalised path below a normalised root.
  if (sep === '/' && abs.length > root.length + 1 && abs.charCodeAt(root.length) === 47 && abs.startsWith(root) && isNormalAbsolute(root) && isNormalAbsolute(abs)) {
    return abs.slice(root.length + 1);
  }
  const r = relative(root, abs);
  // Outside the root: `..` or `../…` (a folder named `..x` is inside, as on the fast path above).
  const outside = !r || r === '..' || r.startsWith(`..${sep}`);
  return slashPath(outside ? abs : r);
}
