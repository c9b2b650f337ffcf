import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finds migration SQL files below a project root (initial version: Prisma `migrations/<folder>/migration.sql`
 * and `supabase/migrations/*.sql`; the SQL module extends discovery).
 */
export function findMigrationFiles(root: string): { files: string[]; supabase: boolean } {
  const files: string[] = [];
  let supabase = false;
  const skip = new Set(['node_modules', '.git', 'dist', 'build', '.next']);
  const visit = (dir: string, depth: number) => {
    if (depth > 10) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || skip.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.name === 'supabase') supabase = true;
      if (e.name === 'migrations') {
        for (const m of readdirSync(p, { withFileTypes: true })) {
          const mp = join(p, m.name);
          if (m.isFile() && m.name.endsWith('.sql')) files.push(mp);
          else if (m.isDirectory()) {
            try {
              if (statSync(join(mp, 'migration.sql')).isFile()) files.push(join(mp, 'migration.sql'));
            } catch {
              /* not a Prisma migration folder */
            }
          }
        }
      } else visit(p, depth + 1);
    }
  };
  visit(root, 0);
  return { files, supabase };
}
