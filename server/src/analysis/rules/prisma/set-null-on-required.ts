import { defineRule } from '../../rule';
import { memoModel, relationDeps } from '../../prisma/memo';
import { aOrAn } from '../../prisma/naming';
import { checkedOwnedRelations } from '../../prisma/schema';
import { makeRelationOptionalEdits, relationArgRange, relationSubject, restrictAction, setActionFix } from '../../prisma/fix-relation';
import { setRelationArgumentEdit } from '../../prisma/edits';
import type { Fix } from '../../types';

export default defineRule({
  id: 'set-null-on-required',
  title: 'SetNull on a required relation',
  category: 'Relations',
  defaultSeverity: 'error',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports `onDelete: SetNull` or `onUpdate: SetNull` on a relation whose scalar field(s) (`fields: [...]`) are required.',
    whyItMatters:
      'The action asks the database to write NULL into a NOT NULL column, so the delete of the parent fails at run time with a NOT NULL violation (`null value in column "authorId" violates not-null constraint`) instead of doing what the schema says — typically found only when someone first deletes a parent row in production.',
    example:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id], onDelete: SetNull)\n  authorId Int\n\n  @@index([authorId])\n}\n',
    useInstead:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int   @id\n  author   User? @relation(fields: [authorId], references: [id], onDelete: SetNull)\n  authorId Int?\n\n  @@index([authorId])\n}\n',
    fixSafety:
      'The preferred fix makes the scalar field(s) and the relation field optional (a migration runs `ALTER COLUMN … DROP NOT NULL`; no data changes, but code reading the field must now handle `null`). The alternative keeps the column required and changes the action to `Restrict` (deleting a parent with children then fails with a foreign-key error instead) — or, for `onUpdate`, to `Cascade`. Both are behaviour changes, so neither is applied by fix-all.',
  },
  check(ctx, report) {
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
