import { defineRule } from '../../rule';
import { rangeKey } from '../../sql/catalog';
import { headRange, sqlProject, statementReport, statements, tableName } from './util';

export default defineRule({
  id: 'rename-breaks-clients',
  title: 'Table or column renamed in place',
  category: 'Migration safety',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `ALTER TABLE … RENAME TO` and `RENAME COLUMN` on a table that existed before this migration (renames of objects created in the same migration are not reported).',
    whyItMatters:
      'The rename is instant, but the application version that is still running during the deploy (and every other client: analytics jobs, mobile apps, SQL views in other services) keeps using the old name and fails with `relation/column does not exist` until it is replaced.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "name" TEXT);\n-- file: prisma/migrations/20240201000000_rename/migration.sql\nALTER TABLE "User" RENAME COLUMN "name" TO "fullName";\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "name" TEXT);\n-- file: prisma/migrations/20240201000000_rename/migration.sql\n-- Expand: add the new column and write both; contract (drop "name") in a later release.\nALTER TABLE "User" ADD COLUMN "fullName" TEXT;\n',
    fixSafety: 'No automatic fix: use expand/contract (add, backfill, switch readers, drop later) or a compatibility view.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s } of statements(project)) {
      if (s.stmt.kind !== 'RenameStmt') continue;
      const n = s.stmt.node;
      if (n.renameType !== 'OBJECT_TABLE' && n.renameType !== 'OBJECT_COLUMN') continue;
      if (n.relationType && n.relationType !== 'OBJECT_TABLE' && n.renameType === 'OBJECT_COLUMN') continue; // views, types
      const key = rangeKey(n.relation);
      const state = s.facts.tables.get(key) ?? 'unknown';
      if (state === 'new') continue;
      if (state === 'unknown' && n.missing_ok) continue;
      const t = tableName(key);
      if (n.renameType === 'OBJECT_COLUMN' && project.catalog.columnCreatedIn(key, n.subname) === m.index) continue;
      report({
        ...statementReport(m, s),
        range: headRange(m.file, s.stmt),
        message:
          n.renameType === 'OBJECT_TABLE'
            ? `Renaming table \`${t}\` to \`${n.newname}\` breaks every deployed client that still queries \`${t}\`.`
            : `Renaming column \`${t}.${n.subname}\` to \`${n.newname}\` breaks every deployed client that still uses \`${n.subname}\`.`,
        subject: n.renameType === 'OBJECT_TABLE' ? { table: t } : { table: t, column: n.subname },
        data: { from: n.renameType === 'OBJECT_TABLE' ? t : n.subname, to: n.newname },
      });
    }
  },
});
