import { defineRule } from '../../rule';
import { joinPath } from '../../sql/discovery';
import type { Migration } from '../../sql/project';
import type { Fix } from '../../types';

/** The next version not used in the set, in the same format (width, timestamp). */
function nextFreeVersion(version: string, used: Set<string>): string {
  let v = BigInt(version);
  for (let i = 0; i < 100000; i++) {
    v += 1n;
    const s = v.toString().padStart(version.length, '0');
    if (!used.has(s)) return s;
  }
  return `${version}1`;
}

export function renameFix(m: Migration, newVersion: string): Fix {
  const info = m.info;
  const v = info.version!;
  let newFile: string;
  let oldPath: string;
  if (info.kind === 'prisma') {
    oldPath = m.path.slice(0, m.path.lastIndexOf('/'));
    newFile = joinPath(oldPath.slice(0, oldPath.lastIndexOf('/') + 1).replace(/\/$/, ''), newVersion + m.label.slice(v.length));
  } else {
    oldPath = m.path;
    const dir = m.path.slice(0, m.path.lastIndexOf('/'));
    const base = m.label;
    const at = base.indexOf(v);
    newFile = joinPath(dir, base.slice(0, at) + newVersion + base.slice(at + v.length));
  }
  return {
    title: `Rename ${info.kind === 'prisma' ? 'folder' : 'file'} to ${newFile.slice(newFile.lastIndexOf('/') + 1)} (next free version)`,
    edits: [],
    fileOperations: [{ kind: 'rename', file: oldPath, newFile }],
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
      'Groups the migrations of each folder by version (the numeric or timestamp prefix of the file or Prisma folder name) and reports every migration whose version an earlier one already uses.',
    whyItMatters:
      'Migration tools key their history table by version: Supabase records one row per version, so the second `004_…` is skipped or fails with a duplicate key; numbered-folder runners apply the two in directory-listing order, which differs between machines. A teammate who renumbers later breaks databases that already recorded the old number.',
    example: '-- file: supabase/migrations/004_add_favorites.sql\nCREATE TABLE favorites (id bigint PRIMARY KEY);\n-- file: supabase/migrations/004_create_templates.sql\nCREATE TABLE templates (id bigint PRIMARY KEY);\n',
    useInstead: '-- file: supabase/migrations/004_add_favorites.sql\nCREATE TABLE favorites (id bigint PRIMARY KEY);\n-- file: supabase/migrations/005_create_templates.sql\nCREATE TABLE templates (id bigint PRIMARY KEY);\n',
    fixSafety:
      'Renames the later migration to the next free version. Safe before the migration ran anywhere; if a database already recorded it under the old version, record it again under the new one (e.g. `supabase migration repair`) or the tool will run it twice.',
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
      const used = new Set(list.map((m) => m.info.version!));
      const first = new Map<string, Migration>();
      for (const m of list) {
        const v = m.info.version!;
        const earlier = first.get(v);
        if (!earlier) {
          first.set(v, m);
          continue;
        }
        const next = nextFreeVersion(v, used);
        used.add(next);
        const order =
          m.info.kind === 'prisma'
            ? `Prisma applies them in folder-name order (\`${earlier.label}\` first), but other tools and humans read the version as the order.`
            : 'Their execution order is undefined and tools that key the history by version skip or reject one of them.';
        report({
          file: m.path,
          range: m.file.lines.range(0, m.file.lines.lineEnd(0)),
          message: `Migration \`${m.label}\` has the same version ${v} as \`${earlier.label}\`. ${order}`,
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
