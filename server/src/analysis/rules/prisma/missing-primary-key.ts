import { defineRule } from '../../rule';
import { memoModel, NO_DEPS } from '../../prisma/memo';
import { replaceSpanEdit } from '../../prisma/edits';
import { rangeOf } from '../../prisma/schema';
import type { Fix } from '../../types';
import { sqlCheckFor } from './sql-bridge';

export default defineRule({
  id: 'missing-primary-key',
  title: 'Table without a primary key',
  category: 'Indexes',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a model with no `@id` or `@@id` (only `@unique`/`@@unique`, or nothing and `@@ignore`), and a `CREATE TABLE` in a migration that never gets a primary key.',
    whyItMatters:
      'PostgreSQL logical replication cannot replicate UPDATEs and DELETEs of a table without a primary key (or replica identity), so Supabase Realtime, read replicas built on logical decoding, and CDC tools such as Debezium break or silently skip rows. Many admin tools and ORMs also refuse to edit rows they cannot identify.',
    example:
      'model Membership {\n  userId String\n  teamId String\n\n  @@unique([userId, teamId])\n}\n',
    useInstead:
      'model Membership {\n  userId String\n  teamId String\n\n  @@id([userId, teamId])\n}\n',
    fixSafety:
      'The fix promotes the unique constraint to the primary key (`@@unique` → `@@id`, or `@unique` → `@id`); it is offered only when all its fields are required, so existing rows already satisfy it. The migration replaces the unique index with a primary-key constraint. Prisma Client\'s compound unique input name (`userId_teamId`) stays the same.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (schema) {
      for (const model of schema.models) {
        if (model.kind !== 'model' || model.primaryKey) continue;
        memoModel(schema, 'missing-primary-key', model, NO_DEPS, report, (report) => {
          const file = model.file;
          const fixes: Fix[] = [];
          // Prefer a unique `id` field, then single-column constraints, then composites.
          const rank = (u: (typeof model.uniques)[number]) => (u.fields.length === 1 && u.fields[0].name === 'id' ? 0 : u.fields.length === 1 ? 1 : 2);
          for (const u of [...model.uniques].sort((a, b) => rank(a) - rank(b))) {
            const fields = u.fields.map((f) => model.fieldByName.get(f.name));
            if (!fields.length || fields.some((f) => !f || f.isOptional || f.isList)) continue;
            if (u.fields.some((f) => f.length !== undefined)) continue;
            const cols = u.fields.map((f) => f.name).join(', ');
            const replacement = u.source === 'field' ? '@id' : '@@id';
            fixes.push({
              title: `Make ${u.source === 'field' ? `\`${cols}\`` : `@@unique([${cols}])`} the primary key (${replacement})`,
              edits: [replaceSpanEdit(file, { start: u.attr.nameSpan.start, end: u.attr.nameSpan.end }, replacement)],
              isPreferred: fixes.length === 0,
              safe: false,
            });
          }
          const uniques = model.uniques.map((u) => u.fields.map((f) => f.name).join(', '));
          // Logical replication and Supabase Realtime are PostgreSQL's (a schema without a datasource is read as PostgreSQL); other databases have their own replication and CDC.
          const who = schema.provider === 'postgresql' || !schema.provider ? 'logical replication, Supabase Realtime and CDC tools' : 'replication, CDC and sync tools that identify rows by primary key';
          report({
            file: file.path,
            range: rangeOf(file, model.nameSpan),
            message: `${model.name} has no primary key${uniques.length ? ` (only unique constraint${uniques.length > 1 ? 's' : ''} on ${uniques.map((u) => `(${u})`).join(', ')})` : ''}: ${who} cannot identify its rows.${fixes.length ? ' Promote a unique constraint to `@@id`.' : ' Add an `@id` field.'}`,
            subject: { model: model.name },
            fixes,
          });
        });
      }
    }
    sqlCheckFor('missing-primary-key')?.(ctx, report);
  },
});
