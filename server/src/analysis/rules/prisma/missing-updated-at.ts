import { defineRule } from '../../rule';
import { memoModel } from '../../prisma/memo';
import { rangeOf, type Field } from '../../prisma/schema';
import { appendFieldAttributeEdit } from '../../prisma/edits';
import { ownComments } from '../../prisma/naming';
import { maintainingTrigger } from '../../prisma/fix-sql-evidence';

function isUpdatedAtName(name: string): boolean {
  return /^(updated_?at|updated_?on|modified_?at)$/i.test(name);
}

function isCreatedAtName(name: string): boolean {
  return /^created_?at$/i.test(name);
}

/** Comments that say something else maintains the column (a trigger, the database, another service). */
function maintainedElsewhere(field: Field): boolean {
  return [...ownComments(field), ...field.model.comments].some((c) => /\b(trigger|maintained by|set by|managed by|updated by the database)\b/i.test(c));
}

export default defineRule({
  id: 'missing-updated-at',
  title: 'Timestamp that Prisma never sets',
  category: 'Timestamps',
  defaultSeverity: 'warning',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports an `updatedAt`/`updated_at` `DateTime` field without `@updatedAt`, and a `createdAt`/`created_at` `DateTime` field without any `@default(...)`. Not reported when the migrations define a trigger on the table whose function assigns `NEW."updatedAt"` (or that calls `moddatetime(updated_at)`), or when the field\'s comments say a trigger maintains it.',
    whyItMatters:
      '`updatedAt DateTime @default(now())` is set once, on insert, and never again: "recently updated" lists, cache invalidation and sync jobs that read it silently work from the creation time. A `createdAt` without a default is either NULL or must be set by every insert — one forgotten code path and the row has no creation time.',
    example: 'model Post {\n  id        Int      @id\n  createdAt DateTime @default(now())\n  updatedAt DateTime @default(now())\n}\n',
    useInstead: 'model Post {\n  id        Int      @id\n  createdAt DateTime @default(now())\n  updatedAt DateTime @default(now()) @updatedAt\n}\n',
    fixSafety:
      '`@updatedAt` is applied by Prisma Client (no database change, no migration): every update through Prisma then sets the field to the current time, unless the update sets it explicitly; writes outside Prisma (raw SQL, other services) still do not. `@default(now())` adds a column default (`ALTER COLUMN … SET DEFAULT CURRENT_TIMESTAMP`). Adding the default to a required `createdAt` is safe (inserts without it failed before); on an optional one, inserts that left it NULL now get the current time.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema) return;
    let deps: readonly unknown[] | null = null;
    const depsOf = () => (deps ??= [ctx.sql]);
    for (const model of schema.models) {
      if (model.kind === 'view' || model.isIgnored) continue;
      memoModel(schema, 'missing-updated-at', model, depsOf, report, (report) => {
        for (const field of model.fields) {
          if (field.type !== 'DateTime' || field.kind !== 'scalar' || field.isList || field.isIgnored || !field.decl.type) continue;
          if (isUpdatedAtName(field.name) && !field.isUpdatedAt) {
            if (maintainedElsewhere(field)) continue;
            if (ctx.sql && maintainingTrigger(ctx.sql, field)) continue;
            const range = rangeOf(field.file, field.decl.name.span);
            const where = `\`${model.name}.${field.name}\``;
            const hasDefault = field.default !== null;
            report({
              file: field.file.path,
              range,
              message: `${where} has no \`@updatedAt\`: ${hasDefault ? 'it is set on insert and never changes afterwards' : 'nothing sets it when the row changes'} unless every update sets it by hand. Add \`@updatedAt\` so Prisma sets it on every update.`,
              subject: { model: model.name, field: field.name },
              data: { kind: 'updatedAt', missing: '@updatedAt' },
              fixes: [{ title: 'Add @updatedAt', edits: [appendFieldAttributeEdit(field, '@updatedAt')], isPreferred: true, safe: false }],
            });
          } else if (isCreatedAtName(field.name) && field.default === null && !field.isUpdatedAt) {
            if (maintainedElsewhere(field)) continue;
            const range = rangeOf(field.file, field.decl.name.span);
            const where = `\`${model.name}.${field.name}\``;
            report({
              file: field.file.path,
              range,
              message: `${where} has no default: every insert must set it, and ${field.isOptional ? 'rows where it was forgotten have no creation time' : 'an insert that forgets it fails'}. Add \`@default(now())\`.`,
              subject: { model: model.name, field: field.name },
              data: { kind: 'createdAt', missing: '@default(now())' },
              fixes: [{ title: 'Add @default(now())', edits: [appendFieldAttributeEdit(field, '@default(now())')], isPreferred: true, safe: !field.isOptional }],
            });
          }
        }
      });
    }
  },
});
