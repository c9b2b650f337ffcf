import { defineRule } from '../../rule';
import { dieselVersionLike, joinPath, versionIdentity, type MigrationKind } from '../../sql/discovery';
import type { Migration } from '../../sql/project';
import type { FileOperation, Fix } from '../../types';
import { versionAfter } from './new-migration';

/**
 * The next version not used in the set, in the same format: its last number counts up, keeping its
 * width (`004` → `005`, Flyway `1.1` → `1.2`), a timestamp one second on as a date (`…235959` → the
 * next day, as new-migration fixes step).
 */
function nextFreeVersion(kind: MigrationKind, version: string, used: Set<string>): string {
  const m = /^(.*?)(\d+)$/.exec(version)!;
  let n = m[2];
  for (let i = 0; i < 100000; i++) {
    n = versionAfter(n);
    const s = m[1] + n;
    if (!used.has(versionIdentity(kind, s))) return s;
  }
  return `${version}1`;
}

/** Why two differently written versions are one (`000001` and `1`), or '' when they are written alike. */
function sameNumber(kind: MigrationKind, v: string, other: string): string {
  if (v === other) return '';
  return kind === 'flyway'
    ? ` (Flyway reads \`${v}\` and \`${other}\` as one version: \`.\` and \`_\` both separate its parts, which are numbers, and missing parts are 0)`
    : ` (\`${v}\` and \`${other}\` are one number to the tools that run numbered migrations)`;
}

export function renameFix(m: Migration, newVersion: string): Fix {
  const info = m.info;
  const v = info.version!;
  let newFile: string;
  let oldPath: string;
  if (info.kind === 'prisma' || info.kind === 'diesel') {
    oldPath = m.path.slice(0, m.path.lastIndexOf('/'));
    // Diesel's folder may write its version with dashes (`2024-01-02-030405_x`): keep that form.
    const written = info.kind === 'diesel' ? m.label.split('_')[0] : v;
    newFile = joinPath(oldPath.slice(0, oldPath.lastIndexOf('/') + 1).replace(/\/$/, ''), (info.kind === 'diesel' ? dieselVersionLike(written, newVersion) : newVersion) + m.label.slice(written.length));
  } else {
    oldPath = m.path;
    const dir = m.path.slice(0, m.path.lastIndexOf('/'));
    const base = m.label;
    const at = base.indexOf(v);
    newFile = joinPath(dir, base.slice(0, at) + newVersion + base.slice(at + v.length));
  }
  const fileOperations: FileOperation[] = [{ kind: 'rename', file: oldPath, newFile }];
  // Its rollback script, when the version is in its name (`1_a.down.sql`, Flyway `U1__a.sql`,
  // `rollback/1_a.sql`), moves along: left behind it would undo another migration.
  if (m.rollback && info.kind !== 'prisma' && info.kind !== 'diesel') {
    const slash = m.rollback.lastIndexOf('/');
    const base = m.rollback.slice(slash + 1);
    const at = base.indexOf(v);
    if (at === 0 || (at === 1 && base[0] === 'U')) fileOperations.push({ kind: 'rename', file: m.rollback, newFile: m.rollback.slice(0, slash + 1) + base.slice(0, at) + newVersion + base.slice(at + v.length) });
  }
  return {
    title: `Rename ${info.kind === 'prisma' || info.kind === 'diesel' ? 'folder' : 'file'} to ${newFile.slice(newFile.lastIndexOf('/') + 1)} (next free version)`,
    edits: [],
    fileOperations,
    isPreferred: true,
    safe: false,
  };
}

export default defineRule({
  id: 'duplicate-migration-version',
  title: 'Two migrations share a version',
  category: 'Migration history',
  defaultSeverity: 'error',
  language: 'sql',
  docs: {
    whatItDoes:
      'Groups the migrations of each folder by version (the numeric or timestamp prefix of the file, Prisma or Diesel folder name) and reports every migration whose version an earlier one already uses.',
    whyItMatters:
      'Migration tools key their history table by version: Supabase records one row per version, so the second `004_…` is skipped or fails with a duplicate key; numbered-folder runners apply the two in directory-listing order, which differs between machines. A teammate who renumbers later breaks databases that already recorded the old number.',
    example: '-- file: supabase/migrations/004_add_favorites.sql\nCREATE TABLE favorites (id bigint PRIMARY KEY);\n-- file: supabase/migrations/004_create_templates.sql\nCREATE TABLE templates (id bigint PRIMARY KEY);\n',
    useInstead: '-- file: supabase/migrations/004_add_favorites.sql\nCREATE TABLE favorites (id bigint PRIMARY KEY);\n-- file: supabase/migrations/005_create_templates.sql\nCREATE TABLE templates (id bigint PRIMARY KEY);\n',
    fixSafety:
      'Renames the later migration to the next free version. Safe before the migration ran anywhere; if a database already recorded it under the old version, record it again under the new one or the tool will run it twice: Supabase `supabase migration repair`; Prisma `UPDATE "_prisma_migrations" SET migration_name = \'<new folder>\' WHERE migration_name = \'<old folder>\'` in each database (a renamed folder is otherwise a new migration to `prisma migrate deploy`, and the old name a missing one to `prisma migrate dev`).',
  },
  check(ctx, report) {
    const project = ctx.sql;
    if (!project) return;
    const sets = new Map<string, Migration[]>();
    for (const m of project.migrations) {
      if (!m.info.version) continue;
      const list = sets.get(m.info.setDir) ?? [];
      list.push(m);
      sets.set(m.info.setDir, list);
    }
    for (const list of sets.values()) {
      const identity = (m: Migration) => versionIdentity(m.info.kind, m.info.version!);
      const used = new Set(list.map(identity));
      const first = new Map<string, Migration>();
      for (const m of list) {
        const v = m.info.version!;
        const earlier = first.get(identity(m));
        if (!earlier) {
          first.set(identity(m), m);
          continue;
        }
        const next = nextFreeVersion(m.info.kind, v, used);
        used.add(versionIdentity(m.info.kind, next));
        const order =
          m.info.kind === 'prisma'
            ? `Prisma applies them in folder-name order (\`${earlier.label}\` first), but other tools and humans read the version as the order.`
            : 'Their execution order is undefined and tools that key the history by version skip or reject one of them.';
        report({
          file: m.path,
          range: m.file.lines.range(0, m.file.lines.lineEnd(0)),
          message: `Migration \`${m.label}\` has the same version ${v} as \`${earlier.label}\`${sameNumber(m.info.kind, v, earlier.info.version!)}. ${order}`,
          subject: {},
          migration: m.label,
          related: [{ file: earlier.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `Version ${v} is first used here.` }],
          fixes: [renameFix(m, next)],
          data: { version: v, other: earlier.label, nextVersion: next },
        });
      }
    }
  },
});
