import { defineRule } from '../../rule';
import { memoModel, NO_DEPS } from '../../prisma/memo';
import { deleteFieldAttributeEdit, deleteMemberLineEdit } from '../../prisma/edits';
import { prismaIndexName } from '../../sql/lexical';
import { allIndexes, rangeOf, type IndexDef } from '../../prisma/schema';
import { sqlCheckFor } from './sql-bridge';

function describe(ix: IndexDef): string {
  const cols = ix.fields.map((f) => f.name).join(', ');
  if (ix.source === 'field') return `\`@${ix.kind === 'id' ? 'id' : 'unique'}\` on ${cols}`;
  return `\`@@${ix.kind}([${cols}])\``;
}

/** Same column at the same position with the same sort order and prefix length. */
function sameColumn(a: IndexDef['fields'][number], b: IndexDef['fields'][number]): boolean {
  return a.name === b.name && (a.sort ?? 'Asc') === (b.sort ?? 'Asc') && a.length === b.length && (a.ops ?? null) === (b.ops ?? null);
}

function indexType(ix: IndexDef): string {
  return ix.kind === 'index' ? (ix.type ?? 'BTree') : 'BTree';
}

/** The index/constraint that makes `ix` redundant, if any. */
export function coveringIndex(ix: IndexDef, all: IndexDef[]): IndexDef | null {
  if (ix.kind === 'unique') {
    // `@id @unique`, or `@@unique` on exactly the `@@id` fields: a second unique index on the key's columns.
    const id = all.find((o) => o.kind === 'id');
    return id && id.fields.length === ix.fields.length && ix.fields.every((f, i) => sameColumn(f, id.fields[i])) ? id : null;
  }
  if (ix.kind !== 'index') return null;
  for (const other of all) {
    if (other === ix || other.kind === 'fulltext') continue;
    if (indexType(other) !== indexType(ix)) continue;
    if (ix.fields.length > other.fields.length || ix.fields.length === 0) continue;
    if (!ix.fields.every((f, i) => sameColumn(f, other.fields[i]))) continue;
    if (other.kind === 'index' && other.fields.length === ix.fields.length) {
      // Two identical @@index: the later one is the redundant one.
      if (all.indexOf(other) > all.indexOf(ix)) continue;
    }
    return other;
  }
  return null;
}

export default defineRule({
  id: 'redundant-index',
  title: 'Index duplicated by another index or constraint',
  category: 'Indexes',
  defaultSeverity: 'warning',
  language: 'cross',
  tags: ['unnecessary'],
  docs: {
    whatItDoes:
      'Reports an `@@index` whose columns are the same as, or a leading prefix of, another index, unique constraint or primary key of the same model (same sort order and index type), and a `@unique`/`@@unique` on exactly the `@id`/`@@id` fields (`id String @id @unique`: Prisma creates a second unique index for it) — and, in SQL migrations, an index that duplicates another on the same table, or a UNIQUE constraint added on exactly the primary key\'s columns (or an earlier unique constraint\'s), as schema dumps often have.',
    whyItMatters:
      'An index on `(a)` is useless next to one on `(a, b)` or a `UNIQUE (a)`: the planner uses the other one for every query the first could serve. The duplicate still has to be updated on every INSERT, UPDATE and DELETE, takes disk and cache space, and slows down vacuum and backups. A common case is `clerkId String @unique` plus `@@index([clerkId])`.',
    example:
      'model User {\n  id      String @id @default(cuid())\n  clerkId String @unique\n\n  @@index([clerkId])\n}\n',
    useInstead: 'model User {\n  id      String @id @default(cuid())\n  clerkId String @unique\n}\n',
    fixSafety:
      'The fix deletes the `@@index` line (or the `@unique`/`@@unique`); the next migration drops the index. Queries keep using the covering index, so results do not change. Rarely, a query plan that preferred the smaller index gets slightly slower. A unique index is not removed by fix-all: dropping it fails while a foreign key in the database was created against it (re-create that foreign key first), and a named `@@unique` is also a Prisma Client input name.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (schema) {
      for (const model of schema.models) {
        if (model.kind !== 'model') continue;
        memoModel(schema, 'redundant-index', model, NO_DEPS, report, (report) => {
          const all = allIndexes(model);
          for (const ix of [...model.uniques, ...model.indexes]) {
            const cover = coveringIndex(ix, all);
            if (!cover) continue;
            const file = ix.file;
            const exact = cover.fields.length === ix.fields.length;
            const unique = ix.kind === 'unique';
            // A block attribute's line, or a field's `@unique`.
            const edit = ix.lineSpan ? deleteMemberLineEdit(file, ix.lineSpan) : ix.source === 'field' ? deleteFieldAttributeEdit(file, ix.attr) : null;
            report({
              file: file.path,
              range: rangeOf(file, ix.attr.span),
              message: unique
                ? `${describe(ix)} is redundant: ${describe(cover)} is already unique on the same columns, and Prisma creates a second unique index for it (\`${ix.map ?? prismaIndexName(model.tableName, ix.fields.map((f) => model.fieldByName.get(f.name)?.columnName ?? f.name), '_key')}\`). Remove it to save write time and storage.`
                : `${describe(ix)} is redundant: ${describe(cover)} already ${exact ? 'indexes the same columns' : `starts with ${ix.fields.map((f) => f.name).join(', ')}`} and serves every lookup this index could. Remove it to save write time and storage.`,
              subject: { model: model.name, field: ix.fields[0]?.name },
              data: { redundant: describe(ix), coveredBy: describe(cover) },
              related: [{ file: cover.file.path, range: rangeOf(cover.file, cover.attr.span), message: 'covering index' }],
              fixes: edit
                ? [
                    {
                      title: `Remove the redundant ${describe(ix).replace(/`/g, '')}`,
                      edits: [edit],
                      isPreferred: true,
                      // Dropping a unique index fails while a database foreign key is bound to it; and a
                      // named @@unique is also a Prisma Client input name.
                      safe: !unique,
                    },
                  ]
                : [],
            });
          }
        });
      }
    }
    sqlCheckFor('redundant-index')?.(ctx, report);
  },
});
