import { defineRule } from '../../rule';
import { memoModel, relationDeps } from '../../prisma/memo';
import { insertBlockAttributeEdit } from '../../prisma/edits';
import { checkedOwnedRelations, isLeadingPrefix, rangeOf, type IndexDef, type Model, type PrismaSchema, type Relation } from '../../prisma/schema';
import { sameList } from '../../lists';
import { suggestedIndexColumns } from '../sql/shared-ids';
import { sqlCheckFor, viewBackedModels } from './sql-bridge';

/** Index types that serve equality lookups on their leading columns (a foreign key's joins and deletes). */
function servesLookups(index: IndexDef): boolean {
  if (index.kind === 'fulltext') return false;
  return index.type === null || index.type === 'BTree' || index.type === 'Hash';
}

/** `allIndexes(model).some(ix => servesLookups(ix) && isLeadingPrefix(columns, ix))`, without building the list. */
function hasLookupIndex(model: Model, columns: string[]): boolean {
  const pk = model.primaryKey;
  if (pk && servesLookups(pk) && isLeadingPrefix(columns, pk)) return true;
  for (const ix of model.uniques) if (servesLookups(ix) && isLeadingPrefix(columns, ix)) return true;
  for (const ix of model.indexes) if (servesLookups(ix) && isLeadingPrefix(columns, ix)) return true;
  return false;
}

/** Whether the database needs an explicit index for this project's foreign keys. */
export function fkIndexesNeeded(schema: PrismaSchema): boolean {
  const p = schema.provider;
  if (p === 'mongodb') return false;
  // MySQL/InnoDB creates an index for every FOREIGN KEY; with relationMode = "prisma" there is no FK at all.
  if (p === 'mysql' && schema.relationMode !== 'prisma') return false;
  return true;
}

export default defineRule({
  id: 'missing-fk-index',
  title: 'Foreign key without an index',
  category: 'Indexes',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a relation whose scalar fields (`fields: [...]`) are not the leading columns, in order, of any `@id`, `@@id`, `@unique`, `@@unique` or `@@index` of the model — and, in SQL migrations, a FOREIGN KEY whose columns lead no index once all migrations ran (a partial index counts when its predicate only says those columns are not null). When one unindexed key\'s columns lead another\'s (`programId` and `programId, partnerId`), both findings suggest the wider index, which serves both. Models over a view that the migrations create (a model declared for a view, as before Prisma\'s `view` blocks) are left alone: a view has no foreign keys.',
    whyItMatters:
      'PostgreSQL (like SQLite and SQL Server) does not create an index for a foreign-key column: only PRIMARY KEY and UNIQUE do. Without one, every delete or key update of a parent row scans the whole child table to enforce the constraint (holding locks while it does), and loading a parent\'s children (`include: { posts: true }`) is a sequential scan. With `relationMode = "prisma"` there is no foreign key at all and Prisma Client emulates the referential actions with the same lookups, so the index matters even more. (MySQL/InnoDB indexes foreign keys itself.)',
    example:
      'model User {\n  id    String @id @default(cuid())\n  posts Post[]\n}\n\nmodel Post {\n  id       String @id @default(cuid())\n  author   User   @relation(fields: [authorId], references: [id])\n  authorId String\n}\n',
    useInstead:
      'model User {\n  id    String @id @default(cuid())\n  posts Post[]\n}\n\nmodel Post {\n  id       String @id @default(cuid())\n  author   User   @relation(fields: [authorId], references: [id])\n  authorId String\n\n  @@index([authorId])\n}\n',
    fixSafety:
      'The fix adds `@@index([...])` at the end of the model. It changes no data and no query result; the next `prisma migrate dev` creates the index. On a large, busy table, create it with `CREATE INDEX CONCURRENTLY` in a hand-edited migration to avoid blocking writes during the build.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (schema && fkIndexesNeeded(schema)) {
      // A view has no foreign keys and takes no index.
      const views = viewBackedModels(ctx);
      for (const model of schema.models) {
        if (model.kind !== 'model' || model.isIgnored || views.has(model.name)) continue;
        memoModel(schema, 'missing-fk-index', model, relationDeps, report, (report) => {
          // One finding per column list (two relations over the same columns share the index).
          const seen = new Set<string>();
          const missing: Array<{ rel: Relation; others: Relation[] }> = [];
          for (const rel of checkedOwnedRelations(model)) {
            const columns = rel.fields;
            if (rel.scalarFields.length !== columns.length) continue; // unresolved names: a Prisma validation error, not ours
            const key = columns.join('\u0000');
            if (seen.has(key)) continue;
            if (hasLookupIndex(model, columns)) continue;
            seen.add(key);
            const others = model.fields.flatMap((f) => (f.relation && f.relation !== rel && sameList(f.relation.fields, columns) ? [f.relation] : []));
            missing.push({ rel, others });
          }
          const suggested = suggestedIndexColumns(missing.map((m) => m.rel.fields));
          missing.forEach(({ rel, others }, k) => {
            // The index of a wider key this one leads serves both.
            const wider = suggested[k].length > rel.fields.length ? missing.find((m) => sameList(m.rel.fields, suggested[k]))?.rel : undefined;
            report(buildReport(schema, rel, others, wider));
          });
        });
      }
    }
    sqlCheckFor('missing-fk-index')?.(ctx, report);
  },
});

/** The database the schema's datasource names, as its makers spell it (the message says which one does not index foreign keys). */
function databaseName(schema: PrismaSchema): string {
  switch (schema.provider) {
    case 'sqlite':
      return 'SQLite';
    case 'sqlserver':
      return 'SQL Server';
    case 'cockroachdb':
      return 'CockroachDB';
    case 'postgresql':
    case null:
      // Without a datasource the schema is read as PostgreSQL's, as the other rules do.
      return 'PostgreSQL';
    default:
      return 'The database';
  }
}

function buildReport(schema: PrismaSchema, rel: Relation, others: Relation[], wider?: Relation) {
  const model = rel.field.model;
  const file = model.file;
  const cols = rel.fields;
  const target = rel.target?.name ?? rel.field.type;
  const fieldsArg = rel.attr?.args?.args.find((a) => a.name?.name === 'fields');
  const span = fieldsArg?.span ?? rel.attr?.span ?? rel.field.decl.span;
  const ticked = (names: string[]) => names.map((c) => `\`${c}\``).join(', ');
  const list = ticked(cols);
  const attribute = `@@index([${(wider ?? rel).fields.join(', ')}])`;
  const emulated = schema.relationMode === 'prisma';
  // `an Organization`, `a User`; a model named like a table (`accounts`): `an accounts row`.
  const aTarget = `${/^[aeio]/i.test(target) ? 'an' : 'a'} ${target}${/^[a-z]/.test(target) ? ' row' : ''}`;
  const db = databaseName(schema);
  // A composite key whose first columns an index covers: the lookups are narrowed, not full scans.
  let covered = 0;
  for (let k = cols.length - 1; k >= 1 && !covered; k--) if (hasLookupIndex(model, cols.slice(0, k))) covered = k;
  const coveredList = ticked(cols.slice(0, covered));
  const consequence = covered
    ? `Only ${coveredList} ${covered > 1 ? 'are' : 'is'} indexed: ${emulated ? `Prisma Client's lookups of ${model.name} rows for every delete or update of ${aTarget}` : `each delete of ${aTarget} (to check the constraint)`} and every join read all ${model.name} rows with the same ${coveredList} and filter them.`
    : emulated
      ? `With relationMode = "prisma" there is no foreign key in the database: Prisma Client looks up ${model.name} rows by ${list} for every delete or update of ${aTarget} and for every \`include\`, and each lookup is a full scan.`
      : `${db} does not index foreign keys: deleting ${aTarget} scans all of ${model.name} to check the constraint, and loading ${aTarget}'s ${rel.back?.name ?? model.name + ' rows'} is a ${db === 'PostgreSQL' || db === 'CockroachDB' ? 'sequential' : 'full table'} scan.`;
  return {
    file: file.path,
    range: rangeOf(file, span),
    message: `Foreign key ${list} of ${model.name} → ${target} has no index${covered ? ' on all its columns' : ''}. ${consequence} Add \`${attribute}\`${wider ? `, the index the foreign key ${ticked(wider.fields)} → ${wider.target?.name ?? wider.field.type} needs: it serves this one too (one index instead of two)` : ''}.`,
    subject: { model: model.name, field: cols[0] },
    data: {
      columns: cols.join(', '),
      references: `${target}(${rel.references.join(', ')})`,
      relations: [rel, ...others].map((r) => r.field.name).join(', '),
      suggestedIndex: attribute,
    },
    fixes: [
      {
        title: `Add ${attribute} to ${model.name}`,
        edits: [insertBlockAttributeEdit(model, attribute)],
        isPreferred: true,
        safe: true,
      },
    ],
  };
}
