import { defineRule } from '../../rule';

import { names } from '../../sql/expr';
import { alterCommandsOnExistingTables, findNamed, rangeFromMatch, sqlProject, statementReport, tableName } from './util';

/** `ADD [COLUMN] [IF NOT EXISTS] <name>` (findNamed). */
const ADD_COLUMN = /\bADD\s+(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?/gi;

export default defineRule({
  id: 'add-required-column',
  title: 'NOT NULL column added without a default to an existing table',
  category: 'Migration safety',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `ALTER TABLE … ADD COLUMN … NOT NULL` without a `DEFAULT` (and not an identity, serial or generated column) on a table that existed before this migration.',
    whyItMatters:
      'PostgreSQL fills the new column of existing rows with NULL, which violates NOT NULL: the migration fails with `column "…" contains null values` as soon as the table has one row — in production, not on the empty development database where it was tested.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n-- file: prisma/migrations/20240201000000_add_email/migration.sql\nALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n-- file: prisma/migrations/20240201000000_add_email/migration.sql\nALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL DEFAULT \'\';\n',
    fixSafety: 'No automatic fix: add the column nullable, backfill it, then `SET NOT NULL` — or give it a meaningful default.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s, key, cmd } of alterCommandsOnExistingTables(project, 'AT_AddColumn')) {
        const def = cmd.def?.ColumnDef;
        if (!def) continue;
        const cons = (def.constraints ?? []).map((c: { Constraint?: { contype?: string } }) => c.Constraint?.contype);
        const notNull = cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY');
        if (!notNull) continue;
        if (cons.includes('CONSTR_DEFAULT') || cons.includes('CONSTR_IDENTITY') || cons.includes('CONSTR_GENERATED')) continue;
        const tn = names(def.typeName?.names);
        if (tn.length === 1 && /^(small|big)?serial[248]?$/.test(tn[0])) continue;
        const at = findNamed(s.stmt, ADD_COLUMN, def.colname);
        const range = rangeFromMatch(m.file, s.stmt, at);
        const t = tableName(key);
        report({
          ...statementReport(m, s),
          range,
          message: `Column \`${def.colname}\` is added to \`${t}\` as NOT NULL without a default: the migration fails if \`${t}\` has any row.`,
          subject: { table: t, column: def.colname },
        });
    }
  },
});
