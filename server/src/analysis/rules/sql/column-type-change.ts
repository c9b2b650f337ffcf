import { defineRule } from '../../rule';
import { rangeKey } from '../../sql/catalog';
import { typeText } from '../../sql/expr';
import { findInStatement, headRange, sqlProject, statementReport, statements, tableName } from './util';

export default defineRule({
  id: 'column-type-change',
  title: 'Column type changed on an existing table',
  category: 'Migration safety',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes: 'Reports `ALTER TABLE … ALTER COLUMN … TYPE` on a table that existed before this migration.',
    whyItMatters:
      'Most type changes rewrite the whole table and its indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it finishes. Narrowing (`TEXT` → `VARCHAR(500)`, `BIGINT` → `INTEGER`) fails on the first row that does not fit — or, with a `USING` cast, silently truncates it.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);\n-- file: prisma/migrations/20240201000000_limit_title/migration.sql\nALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(500);\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);\n-- file: prisma/migrations/20240201000000_limit_title/migration.sql\nALTER TABLE "Post" ADD CONSTRAINT "Post_title_length" CHECK (char_length("title") <= 500) NOT VALID;\nALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_length";\n',
    fixSafety: 'No automatic fix: add a new column, backfill in batches and switch over; or enforce the limit with a NOT VALID CHECK constraint.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s } of statements(project)) {
      if (s.stmt.kind !== 'AlterTableStmt') continue;
      const n = s.stmt.node;
      const key = rangeKey(n.relation);
      if ((s.facts.tables.get(key) ?? 'unknown') === 'new') continue;
      for (const item of n.cmds ?? []) {
        const cmd = item.AlterTableCmd;
        if (cmd?.subtype !== 'AT_AlterColumnType' || !cmd.name) continue;
        if (project.catalog.columnCreatedIn(key, cmd.name) === m.index) continue;
        const to = typeText(cmd.def?.ColumnDef?.typeName);
        const at = findInStatement(s.stmt, new RegExp(`\\bALTER\\s+(COLUMN\\s+)?"?${cmd.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`, 'i'));
        const range = at >= 0 ? m.file.lines.range(at, Math.min(s.stmt.end, m.file.lines.lineEnd(m.file.lines.positionAt(at).line))) : headRange(m.file, s.stmt);
        const t = tableName(key);
        const narrowing = /^(varchar|char|character varying)\(\d+\)|^(smallint|integer|real)$|^numeric\(/.test(to);
        report({
          ...statementReport(m, s),
          range,
          message: `Changing the type of \`${t}.${cmd.name}\` to \`${to}\` rewrites \`${t}\` under an exclusive lock${narrowing ? ', and narrowing it fails on (or truncates) existing values that do not fit' : ''}.`,
          subject: { table: t, column: cmd.name },
          data: { type: to },
        });
      }
    }
  },
});
