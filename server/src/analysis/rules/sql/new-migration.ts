/** Fixes that add a new migration to a migration set (an index, a foreign key, a trigger …). */
import { dieselVersionLike, dirOf, isPlaceholderVersion, joinPath, timestampProblem, versionIdentity } from '../../sql/discovery';
import { DBMATE_UP, GOOSE_UP, type Migration, type MigrationProject } from '../../sql/project';
import { detectEol, LineIndex } from '../../text';
import type { FileOperation, Fix, SourceFile, TextEdit } from '../../types';
import { perObject } from './util';

/**
 * A fix that adds a migration with `sql` after the last one of the project, or of `near`'s set (in
 * that set, with the next version), or null when there is no such migration or its tool has no naming
 * convention for one.
 */
export function newMigrationFix(project: MigrationProject, slug: string, title: string, sql: string, options: { isPreferred: boolean; safe: boolean }, near?: Migration): Fix | null {
  // The last migration of `near`'s set (by default, of the project).
  const set = near ? setOf(project, near) : project.migrations;
  const last = set[set.length - 1];
  const path = last ? newMigrationPath(project, last, slug) : null;
  if (!path) return null;
  // CONCURRENTLY (and the like) cannot run in a transaction: the new migration says so the way its
  // tool reads it, when the tool runs migrations in one by default.
  const noTransaction = /\bCONCURRENTLY\b/i.test(sql);
  const eol = detectEol(sql);
  const body = sql.endsWith('\n') ? sql : sql + eol;
  const fileOperations: FileOperation[] = [];
  let content = sql;
  let edits: TextEdit[] = [];
  if (last.drizzleJournal) {
    // drizzle-orm's migrator runs the journal's entries, all pending ones in one transaction.
    const entry = journalEntry(last.drizzleJournal, path);
    if (!entry) return null;
    edits = [entry];
    if (noTransaction) {
      const plain = (text: string) => text.replace(/\b(CREATE\s+(?:UNIQUE\s+)?INDEX)\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?/gi, '$1 IF NOT EXISTS ').replace(/\b(DROP\s+INDEX)\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?/gi, '$1 IF EXISTS ');
      title = title.replace(/\b(CREATE|DROP) INDEX CONCURRENTLY\b/g, '$1 INDEX');
      content =
        `-- drizzle-orm's migrator runs pending migrations in one transaction, where CONCURRENTLY is not allowed:${eol}` +
        `-- on a large table, run this statement by hand with CONCURRENTLY first; the migration then skips it.${eol}` +
        plain(body.split(/\r?\n/).filter((l) => !/^--.*\bCONCURRENTLY\b/.test(l)).join(eol));
    }
  } else if (DBMATE_UP.test(last.file.text)) content = `-- migrate:up${noTransaction ? ' transaction:false' : ''}${eol}${body}${eol}-- migrate:down${eol}`;
  else if (GOOSE_UP.test(last.file.text)) content = `-- +goose Up${eol}${noTransaction ? `-- +goose NO TRANSACTION${eol}` : ''}${body}${eol}-- +goose Down${eol}`;
  fileOperations.push({ kind: 'create', file: path, content });
  if (last.info.kind === 'diesel' && noTransaction) fileOperations.push({ kind: 'create', file: `${dirOf(path)}/metadata.toml`, content: `run_in_transaction = false${eol}` });
  return { title, edits, fileOperations, ...options };
}

/**
 * The edit that lists the new migration `path` in a Drizzle Kit journal (after its last entry: the
 * migrator only runs what the journal lists), or null when the journal cannot be read. The entry's
 * index is the file's number (`0044_x.sql`), `when` just after the last entry's (the migrator runs
 * entries later than the last one applied).
 */
function journalEntry(journal: SourceFile, path: string): TextEdit | null {
  const text = journal.text;
  let entries: Array<{ idx?: unknown; version?: unknown; when?: unknown; breakpoints?: unknown }>;
  try {
    entries = JSON.parse(text).entries;
  } catch {
    return null;
  }
  const lastEntry = Array.isArray(entries) ? entries[entries.length - 1] : undefined;
  const tag = path.slice(path.lastIndexOf('/') + 1).replace(/\.sql$/, '');
  const idx = Number(/^\d+/.exec(tag)?.[0]);
  if (!lastEntry || typeof lastEntry.when !== 'number' || typeof lastEntry.idx !== 'number' || !Number.isSafeInteger(idx)) return null;
  // The end of the last entry: the last `}` before the `]` that closes the entries.
  const close = text.lastIndexOf(']');
  const at = text.lastIndexOf('}', close) + 1;
  if (at <= 0 || close < 0) return null;
  const open = text.lastIndexOf('{', at);
  const lineStart = text.lastIndexOf('\n', open) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const inner = indent + (/\n([ \t]*)"/.exec(text.slice(open))?.[1].slice(indent.length) || '  ');
  const eol = detectEol(text);
  const fields = [
    `"idx": ${idx}`,
    ...(lastEntry.version !== undefined ? [`"version": ${JSON.stringify(lastEntry.version)}`] : []),
    `"when": ${lastEntry.when + Math.max(1, idx - lastEntry.idx)}`,
    `"tag": ${JSON.stringify(tag)}`,
    `"breakpoints": ${lastEntry.breakpoints === false ? 'false' : 'true'}`,
  ];
  const lines = new LineIndex(text);
  const pos = lines.positionAt(at);
  return { file: journal.path, range: { start: pos, end: pos }, newText: `,${eol}${indent}{${eol}${fields.map((f) => `${inner}${f}`).join(`,${eol}`)}${eol}${indent}}` };
}

/**
 * Whether `m` is the last migration of its set: the one most likely not applied anywhere yet. Editing
 * an older one changes nothing in the databases it already ran in (and Prisma Migrate, Flyway and
 * others report an applied migration whose file changed), so fixes that only change how a statement
 * runs are offered on the newest migration only.
 */
export function isNewestOfSet(project: MigrationProject, m: Migration): boolean {
  // Flyway runs a repeatable migration (`R__x.sql`) again whenever it changes; the newest versioned one
  // is the last of the others.
  if (m.info.kind === 'flyway' && m.info.version === null) return true;
  const set = setOf(project, m).filter((x) => x.info.kind !== 'flyway' || x.info.version !== null);
  return set[set.length - 1] === m;
}

/** The migrations of `near`'s set (same folder and tool), in order. */
function setOf(project: MigrationProject, near: Migration): Migration[] {
  return project.migrations.filter((m) => m.info.setDir === near.info.setDir && m.info.kind === near.info.kind);
}

/** Path of a new migration after the last one of `near`'s set, or null when the tool has no such convention. */
function newMigrationPath(project: MigrationProject, near: Migration, slug: string): string | null {
  const safeSlug = slug.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60).toLowerCase();
  const next = nextVersion(project, near, safeSlug);
  if (next === null) return null;
  switch (near.info.kind) {
    case 'prisma':
      return joinPath(near.info.setDir, `${next}_${safeSlug}/migration.sql`);
    case 'diesel':
      return joinPath(near.info.setDir, `${dieselVersionLike(near.label.split('_')[0], next)}_${safeSlug}/up.sql`);
    case 'supabase':
    case 'numbered':
      return joinPath(near.info.setDir, `${next}_${safeSlug}.sql`);
    case 'flyway':
      return joinPath(near.info.setDir, `V${next}__${safeSlug}.sql`);
    default:
      return null;
  }
}

/** Per project and migration set (folder + kind): the last version a fix took (null: no numeric versions), and each slug's. */
const issuedVersions = perObject((_project: MigrationProject) => new Map<string, { last: string | null; bySlug: Map<string, string> }>());

/**
 * A version after the highest one of `near`'s set for the migration `slug` names: each slug gets the
 * next one the first time it is asked for in a project, and keeps it (a re-audit of the same project
 * offers the same fix), so the fixes of one audit never share a version (applied together, their
 * migrations must not collide).
 */
function nextVersion(project: MigrationProject, near: Migration, slug: string): string | null {
  const bySet = issuedVersions(project);
  const key = `${near.info.kind}\u0000${near.info.setDir}`;
  let issued = bySet.get(key);
  if (!issued) {
    const flyway = near.info.kind === 'flyway';
    const versions = setOf(project, near).map((m) => m.info.version).filter((v): v is string => !!v && (flyway ? /^\d+(?:[._]\d+)*$/ : /^\d+$/).test(v));
    let last = versions.length ? versions.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b)) : null;
    // duplicate-migration-version renames each migration whose version an earlier one uses to the next
    // free version, which may lie above the highest: leave one version per such migration to them.
    const duplicates = versions.length - new Set(versions.map((v) => versionIdentity(near.info.kind, v))).size;
    for (let i = 0; last !== null && i < duplicates; i++) last = versionAfter(last);
    issued = { last, bySlug: new Map() };
    bySet.set(key, issued);
  }
  if (issued.last === null) return null;
  let version = issued.bySlug.get(slug);
  if (version === undefined) {
    version = issued.last = versionAfter(issued.last);
    issued.bySlug.set(slug, version);
  }
  return version;
}

/**
 * The version after `v`: a valid `YYYYMMDDHHMMSS` timestamp is one second later (`…235959` becomes the
 * next day, never the impossible `…235960`); any other number (a placeholder such as `00000000000000`
 * included) is one more, zero-padded to its width; of a dotted Flyway version, the last part.
 */
/** Compares two numeric versions, Flyway's dotted ones part by part (`1_20` after `1.4`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map(BigInt);
  const pb = b.split(/[._]/).map(BigInt);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0n) - (pb[i] ?? 0n);
    if (d) return d > 0n ? 1 : -1;
  }
  return 0;
}

export function versionAfter(v: string): string {
  // Flyway's dotted versions (`1_20`, `2.4.1`): the last part is one more.
  const dotted = /^(.*[._])(\d+)$/.exec(v);
  if (dotted) return dotted[1] + versionAfter(dotted[2]);
  if (v.length === 14 && !isPlaceholderVersion(v) && !timestampProblem(v)) {
    const n = (i: number, len: number) => Number(v.slice(i, i + len));
    const t = new Date(Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2)) + 1000);
    const p2 = (x: number) => String(x).padStart(2, '0');
    return `${String(t.getUTCFullYear()).padStart(4, '0')}${p2(t.getUTCMonth() + 1)}${p2(t.getUTCDate())}${p2(t.getUTCHours())}${p2(t.getUTCMinutes())}${p2(t.getUTCSeconds())}`;
  }
  return (BigInt(v) + 1n).toString().padStart(v.length, '0');
}
