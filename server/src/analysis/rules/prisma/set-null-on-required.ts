import { defineRule } from '../../rule';
import { memoModel, relationDeps } from '../../prisma/memo';
import { aOrAn } from '../../prisma/naming';
import { checkedOwnedRelations } from '../../prisma/schema';
import { makeRelationOptionalEdits, relationArgRange, relationSubject, restrictAction, setActionFix } from '../../prisma/fix-relation';
import { setRelationArgumentEdit } from '../../prisma/edits';
import type { Fix } from '../../types';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import { fkSite, ownSqlTables } from '../sql/columns';
import { newMigrationFix } from '../sql/new-migration';
import { migrationAt, tableName } from '../sql/util';
import type { Report } from '../../rule';
import type { AuditContext } from '../../engine';

/**
 * SQL migrations: a foreign key of a table that is not a Prisma model whose `ON DELETE SET NULL` (or
 * `ON UPDATE SET NULL`) would write NULL into a column that is NOT NULL once all migrations ran.
 */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    for (const fk of t.foreignKeys) {
      const onDelete = fk.onDelete === 'SET NULL';
      const onUpdate = fk.onUpdate === 'SET NULL';
      if (!onDelete && !onUpdate) continue;
      // ON DELETE SET NULL (a) sets only a; ON UPDATE always sets every column of the key.
      const setCols = new Set([...(onDelete ? (fk.onDeleteColumns ?? fk.columns) : []), ...(onUpdate ? fk.columns : [])]);
      const inPk = (c: string) => !!t.primaryKey?.columns.includes(c);
      const required = fk.columns.filter((c) => setCols.has(c) && (t.columns.get(c)?.notNull || inPk(c)));
      if (!required.length) continue;
      const m = migrationAt(project, fk.source.file);
      if (!m) continue;
      const parent = tableName(fk.refTable);
      const what = [onDelete ? 'ON DELETE SET NULL' : null, onUpdate ? 'ON UPDATE SET NULL' : null].filter(Boolean).join(' and ');
      const cols = required.map((c) => `\`${c}\``).join(', ');
      const sql = required.map((c) => `ALTER TABLE ${quoteQualified(t.schema, t.name)} ALTER COLUMN ${quoteIdent(c)} DROP NOT NULL;\n`).join('');
      const fix = !required.some(inPk) && newMigrationFix(project, `${t.name}_${required.join('_')}_nullable`, `Make ${cols} nullable in a new migration`, sql, { isPreferred: true, safe: false });
      report({
        ...fkSite(m, fk),
        message:
          `${what} on the foreign key (${fk.columns.map((c) => `\`${c}\``).join(', ')}) of \`${t.name}\` → \`${parent}\`, but ${cols} ${required.length > 1 ? 'are' : 'is'} NOT NULL: ${onDelete ? `deleting a \`${parent}\` row that \`${t.name}\` rows point at` : `changing the key of a \`${parent}\` row`} fails with a NOT NULL violation. ` +
          `Make ${cols} nullable, or choose another action (RESTRICT, CASCADE).`,
        subject: { table: t.name, column: fk.columns[0] },
        data: { actions: what, requiredColumns: required.join(', '), parent },
        fixes: fix ? [fix] : [],
      });
    }
  }
}

export default defineRule({
  id: 'set-null-on-required',
  title: 'SetNull on a required relation',
  category: 'Relations',
  defaultSeverity: 'error',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports `onDelete: SetNull` or `onUpdate: SetNull` on a relation whose scalar field(s) (`fields: [...]`) are required — and, in SQL migrations, a FOREIGN KEY with `ON DELETE SET NULL` / `ON UPDATE SET NULL` on a table that is not a Prisma model whose column is NOT NULL (or part of the primary key) once all migrations ran.',
    whyItMatters:
      'The action asks the database to write NULL into a NOT NULL column, so the delete of the parent fails at run time with a NOT NULL violation (`null value in column "authorId" violates not-null constraint`) instead of doing what the schema says — typically found only when someone first deletes a parent row in production.',
    example:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id], onDelete: SetNull)\n  authorId Int\n\n  @@index([authorId])\n}\n',
    useInstead:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int   @id\n  author   User? @relation(fields: [authorId], references: [id], onDelete: SetNull)\n  authorId Int?\n\n  @@index([authorId])\n}\n',
    fixSafety:
      'The preferred fix makes the scalar field(s) and the relation field optional (a migration runs `ALTER COLUMN … DROP NOT NULL`; no data changes, but code reading the field must now handle `null`). The alternative keeps the column required and changes the action to `Restrict` (deleting a parent with children then fails with a foreign-key error instead) — or, for `onUpdate`, to `Cascade`. Both are behaviour changes, so neither is applied by fix-all. In SQL migrations the fix adds a new migration that runs `ALTER TABLE … ALTER COLUMN … DROP NOT NULL` (not offered when the column is part of the primary key).',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema) return;
    for (const model of schema.models) {
      memoModel(schema, 'set-null-on-required', model, relationDeps, report, (report) => {
        for (const rel of checkedOwnedRelations(model)) {
          const onDelete = rel.onDelete === 'SetNull';
          const onUpdate = rel.onUpdate === 'SetNull';
          if (!onDelete && !onUpdate) continue;
          const required = rel.scalarFields.filter((f) => !f.isOptional);
          if (!required.length) continue;
          const args = [onDelete ? 'onDelete' : null, onUpdate ? 'onUpdate' : null].filter((a): a is 'onDelete' | 'onUpdate' => !!a);
          const cols = required.map((f) => `\`${f.name}\``).join(', ');
          const fixes: Fix[] = [];
          const optional = makeRelationOptionalEdits(rel);
          if (optional) {
            fixes.push({
              title: `Make ${[...rel.fields, rel.field.name].map((n) => `\`${n}\``).join(', ')} optional`,
              edits: optional,
              isPreferred: true,
              safe: false,
            });
          }
          const restrict = restrictAction(schema.provider);
          if (onDelete && !onUpdate) fixes.push(setActionFix(rel, restrict, { isPreferred: !optional })!);
          else if (onUpdate && !onDelete) fixes.push(setActionFix(rel, 'Cascade', { argument: 'onUpdate', isPreferred: !optional })!);
          else {
            fixes.push({
              title: `Set onDelete: ${restrict} and onUpdate: Cascade`,
              edits: [setRelationArgumentEdit(rel, 'onDelete', restrict), setRelationArgumentEdit(rel, 'onUpdate', 'Cascade')],
              ...(optional ? {} : { isPreferred: true }),
              safe: false,
            });
          }
          const parent = rel.target?.name ?? rel.field.type;
          const what = args.map((a) => `\`${a}: SetNull\``).join(' and ');
          report({
            file: model.file.path,
            range: relationArgRange(rel, args[0]),
            message:
              `${what} on \`${model.name}.${rel.field.name}\`, but ${cols} ${required.length > 1 ? 'are' : 'is'} required: ${onDelete ? `deleting ${aOrAn(parent)}` : `changing ${aOrAn(parent)}'s key`} fails with a NOT NULL violation. ` +
              `Make ${cols} and \`${rel.field.name}\` optional, or choose another action.`,
            subject: relationSubject(rel),
            data: { actions: args.join(', '), requiredFields: required.map((f) => f.name).join(', '), parent },
            fixes,
          });
        }
      });
    }
  },
});
