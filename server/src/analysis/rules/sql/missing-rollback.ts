import { defineRule } from '../../rule';
import { generateRollback, rollbackPath } from '../../sql/rollback';
import { detectEol } from '../../text';
import { sqlProject } from './util';

export default defineRule({
  id: 'missing-rollback',
  title: 'Migration without a rollback script',
  category: 'Migration history',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports a migration that has no rollback script next to it: `down.sql` in a Prisma migration folder, `<name>.down.sql` (golang-migrate and sqlx: the `<version>_…down.sql` of the same version), or `rollback/<name>.sql` (also `down/<name>.sql`, Flyway `U<version>__…`), or a down section in the file itself (dbmate `-- migrate:down`, goose `-- +goose Down`, node-pg-migrate `-- Down Migration`). Empty migrations are not reported.',
    whyItMatters:
      'When a deploy goes wrong the rollback is written under pressure, by hand, while the site is down. A reviewed script written with the migration turns a 40-minute incident into a 2-minute one, and writing it shows early which steps are irreversible (dropped columns, data updates).',
    example: '-- file: supabase/migrations/20240101000000_add_bio.sql\nALTER TABLE profiles ADD COLUMN bio text;\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_add_bio.sql\nALTER TABLE profiles ADD COLUMN bio text;\n-- file: supabase/migrations/rollback/20240101000000_add_bio.sql\nALTER TABLE profiles DROP COLUMN IF EXISTS bio;\n',
    fixSafety:
      'Creates the rollback script where the tool looks for it (Prisma: `down.sql` in the migration folder; `<version>_<title>.up.sql`: `<version>_<title>.down.sql`; Flyway: `U<version>__<description>.sql`, its undo migration) or else `rollback/<file>` beside the migrations, where the tools do not pick it up as a migration. It reverses each statement in reverse order (CREATE → DROP, ADD COLUMN → DROP COLUMN, CREATE INDEX → DROP INDEX, ENABLE RLS → DISABLE RLS, renames back, previous column types restored); statements that cannot be reversed (drops, data changes, enum values) are listed as commented TODOs. Nothing runs it for you; review it.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const m of project.migrations) {
      // A down section in the file counts when it holds a statement (`dbmate new` writes an empty one).
      const down = m.downFrom;
      // A Flyway repeatable migration (`R__…`, no version) is re-applied whenever it changes: no undo.
      if (m.info.kind === 'flyway' && !m.info.version) continue;
      if (m.rollback || (down !== undefined && m.file.statements.some((s) => s.start >= down)) || !m.file.statements.length || m.file.skipped) continue;
      const path = rollbackPath(m);
      const eol = detectEol(m.file.text);
      const line = m.file.statements[0].range.start.line;
      report({
        file: m.path,
        range: m.file.lines.range(m.file.statements[0].start, Math.min(m.file.statements[0].end, m.file.lines.lineEnd(line))),
        anchorLine: line,
        migration: m.label,
        message: `Migration \`${m.label}\` has no rollback script (looked for \`${path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1)}\`).`,
        subject: {},
        fixes: [
          {
            title: `Generate a rollback script (${path.slice(path.lastIndexOf('/') + 1)})`,
            edits: [],
            fileOperations: [{ kind: 'create', file: path, content: generateRollback(m, eol) }],
            isPreferred: true,
            safe: true,
          },
        ],
      });
    }
  },
});
