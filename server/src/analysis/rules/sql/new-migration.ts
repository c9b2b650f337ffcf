/** Fixes that add a new migration to a migration set (an index, a foreign key, a trigger …). */
import { joinPath } from '../../sql/discovery';
import type { Migration, MigrationProject } from '../../sql/project';
import type { Fix } from '../../types';
import { perObject } from './util';

/**
 * A fix that adds a migration with `sql` after the last one of the project (in its set, with the next
 * version), or null when the project has no migration or its tool has no naming convention for one.
 */
export function newMigrationFix(project: MigrationProject, slug: string, title: string, sql: string, options: { isPreferred: boolean; safe: boolean }): Fix | null {
  const last = project.migrations[project.migrations.length - 1];
  const path = last ? newMigrationPath(project, last, slug) : null;
  return path ? { title, edits: [], fileOperations: [{ kind: 'create', file: path, content: sql }], ...options } : null;
}

/** Path of a new migration after the last one of `near`'s set, or null when the tool has no such convention. */
function newMigrationPath(project: MigrationProject, near: Migration, slug: string): string | null {
  const next = nextVersion(project, near);
  if (next === null) return null;
  const safeSlug = slug.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60).toLowerCase();
  switch (near.info.kind) {
    case 'prisma':
      return joinPath(near.info.setDir, `${next}_${safeSlug}/migration.sql`);
    case 'supabase':
    case 'numbered':
      return joinPath(near.info.setDir, `${next}_${safeSlug}.sql`);
    default:
      return null;
  }
}

/** Per project and migration set (folder + kind): the version after the highest one, or null. */
const nextVersions = perObject((_project: MigrationProject) => new Map<string, string | null>());

function nextVersion(project: MigrationProject, near: Migration): string | null {
  const bySet = nextVersions(project);
  const key = `${near.info.kind}\u0000${near.info.setDir}`;
  let next = bySet.get(key);
  if (next === undefined) {
    const set = project.migrations.filter((m) => m.info.setDir === near.info.setDir && m.info.kind === near.info.kind);
    const versions = set.map((m) => m.info.version).filter((v): v is string => !!v && /^\d+$/.test(v));
    if (!versions.length) next = null;
    else {
      const last = versions.reduce((a, b) => (BigInt(a) >= BigInt(b) ? a : b));
      next = (BigInt(last) + 1n).toString().padStart(last.length, '0');
    }
    bySet.set(key, next);
  }
  return next;
}
