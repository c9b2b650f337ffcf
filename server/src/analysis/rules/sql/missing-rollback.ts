import { defineRule } from '../../rule';
import { generateRollback, rollbackPath } from '../../sql/rollback';
import { detectEol } from '../../text';
import { upStatements } from '../../sql/project';
import type { TextEdit } from '../../types';
import { sqlProject } from './util';

export default defineRule({
  id: 'missing-rollback',
  title: 'Migration without a rollback script',
  category: 'Migration history',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports a migration that has no rollback script next to it: `down.sql` in a Prisma migration folder, `<name>.down.sql` (golang-migrate and sqlx: the `<version>_…down.sql` of the same version), or `rollback/<name>.sql` (also `down/<name>.sql`, Flyway `U<version>__…`), or a down section in the file itself (dbmate `-- migrate:down`, goose `-- +goose Down`, node-pg-migrate `-- Down Migration`). Also reports a rollback script or down section that holds no statement (Diesel writes a `down.sql` with only a comment, `dbmate new` an empty `-- migrate:down`). Empty migrations are not reported.',
    whyItMatters:
      'When a deploy goes wrong the rollback is written under pressure, by hand, while the site is down. A reviewed script written with the migration turns a 40-minute incident into a 2-minute one, and writing it shows early which steps are irreversible (dropped columns, data updates).',
    example: '-- file: supabase/migrations/20240101000000_add_bio.sql\nALTER TABLE profiles ADD COLUMN bio text;\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_add_bio.sql\nALTER TABLE profiles ADD COLUMN bio text;\n-- file: supabase/migrations/rollback/20240101000000_add_bio.sql\nALTER TABLE profiles DROP COLUMN IF EXISTS bio;\n',
    fixSafety:
      'Creates the rollback script where the tool looks for it (Prisma: `down.sql` in the migration folder; `<version>_<title>.up.sql`: `<version>_<title>.down.sql`; Diesel: `down.sql` in the migration folder; Flyway: `U<version>__<description>.sql`, its undo migration) or else `rollback/<file>` beside the migrations, where the tools do not pick it up as a migration. It reverses each statement in reverse order (CREATE → DROP, ADD COLUMN → DROP COLUMN, CREATE INDEX → DROP INDEX, ENABLE RLS → DISABLE RLS, renames back, previous column types restored). What a migration dropped that holds no data (an index, a view, a constraint, a function, a policy) is re-created from the statement that made it, when that statement still describes it (nothing renamed since). A `CREATE OR REPLACE VIEW/FUNCTION` of an object no earlier migration makes is reversed by dropping it (with a note: if it existed before, made outside the migrations, restore it instead); one of the platform\'s schemas (`auth`, `storage`, `extensions` …) stays a TODO. A dropped table is re-created empty, as the earlier migrations left it (columns, keys, checks, foreign keys, indexes, row-level security, policies, comments); its rows must come from a backup, and the script says so. A dropped column is added back the same way, empty, with the constraints, indexes and comment that went with it; a NOT NULL one without a default comes back nullable, with a TODO to restore its values before setting NOT NULL again. Statements that cannot be reversed (data changes, enum values, a table or column dropped with CASCADE or one it cannot write back exactly: identity, generated or collated columns) are listed as commented TODOs, and what needs an object a TODO re-creates waits, commented out too. An empty rollback script or down section gets the same script appended (nothing in it is replaced). Nothing runs it for you; review it.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const m of project.migrations) {
      // A Flyway repeatable migration (`R__…`, no version) is re-applied whenever it changes: no undo.
      if (m.info.kind === 'flyway' && !m.info.version) continue;
      const down = m.downFrom;
      const up = upStatements(m);
      if (!up.length || m.file.skipped) continue;
      const eol = detectEol(m.file.text);
      const line = up[0].range.start.line;
      const at = { file: m.path, range: m.file.lines.range(up[0].start, Math.min(up[0].end, m.file.lines.lineEnd(line))), anchorLine: line, migration: m.label, subject: {} };
      /** The generated rollback appended to `text` (of `file`): after a line break of its own. */
      const append = (file: string, text: string, lines: typeof m.file.lines): TextEdit => {
        const end = lines.positionAt(text.length);
        const textEol = detectEol(text);
        return { file, range: { start: end, end }, newText: (text.length && !text.endsWith('\n') ? textEol : '') + generateRollback(m, textEol) };
      };
      if (m.rollback) {
        // A rollback script that holds no statement, only comments (Diesel's placeholder `-- This file
        // should undo anything in \`up.sql\``) or nothing: undoes nothing.
        const r = project.parsed.get(m.rollback);
        if (!r || r.statements.length || r.errors.length || r.skipped) continue;
        const name = m.rollback.slice(m.rollback.lastIndexOf('/') + 1);
        report({
          ...at,
          message: `Migration \`${m.label}\` has an empty rollback script: \`${name}\` holds no statement.`,
          related: [{ file: m.rollback, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'The empty rollback script.' }],
          fixes: [{ title: `Write the rollback into ${name}`, edits: [append(m.rollback, r.text, r.lines)], isPreferred: true, safe: true }],
        });
        continue;
      }
      if (down !== undefined) {
        // A down section in the file counts when it holds a statement (`dbmate new` writes an empty one).
        if (m.file.statements.length > up.length) continue;
        const marker = m.file.text.slice(down, m.file.lines.lineEnd(m.file.lines.positionAt(down).line)).trim();
        report({
          ...at,
          message: `Migration \`${m.label}\` has an empty down section: no statement follows \`${marker}\`.`,
          fixes: [{ title: 'Write the rollback into the down section', edits: [append(m.path, m.file.text, m.file.lines)], isPreferred: true, safe: true }],
        });
        continue;
      }
      const path = rollbackPath(m);
      report({
        ...at,
        message: `Migration \`${m.label}\` has no rollback script (looked for \`${path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1)}\`).`,
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
