import { viewBackedModels } from './sql-bridge';
import { defineRule } from '../../rule';
import { memoModel, relationDeps } from '../../prisma/memo';
import { aOrAn } from '../../prisma/naming';
import { checkedOwnedRelations, type PrismaSchema, type ReferentialAction, type Relation } from '../../prisma/schema';
import { childrenLabel, relationArgRange, relationSubject, restrictAction, setActionFix } from '../../prisma/fix-relation';
import type { Fix } from '../../types';

/** What deleting the parent does under `action`, in words. */
export function deleteEffect(rel: Relation, action: ReferentialAction): string {
  const parent = rel.target?.name ?? rel.field.type;
  const child = rel.field.model.name;
  const cols = rel.fields.map((f) => `\`${f}\``).join(', ');
  switch (action) {
    case 'Restrict':
    case 'NoAction':
      return `deleting ${aOrAn(parent)} fails while ${child} rows reference it`;
    case 'SetNull':
      return `deleting ${aOrAn(parent)} sets ${cols} to NULL on its ${childrenLabel(rel)}`;
    case 'Cascade':
      return `deleting ${aOrAn(parent)} also deletes its ${childrenLabel(rel)}`;
    case 'SetDefault':
      return `deleting ${aOrAn(parent)} resets ${cols} to the default on its ${childrenLabel(rel)}`;
  }
}

function actionFixes(schema: PrismaSchema, rel: Relation, defaultAction: ReferentialAction): Fix[] {
  const fixes: Fix[] = [];
  const restrict = restrictAction(schema.provider);
  // With relationMode = "prisma", Prisma implements NoAction only for MySQL (PostgreSQL/SQLite reject it).
  const noAction = restrict !== 'NoAction' && !(schema.relationMode === 'prisma' && schema.provider !== 'mysql');
  const actions: ReferentialAction[] = ['Cascade', 'SetNull', restrict, ...(noAction ? (['NoAction'] as const) : [])];
  for (const action of actions) {
    const keepsBehaviour = action === defaultAction;
    const fix = setActionFix(rel, action, {
      isPreferred: keepsBehaviour,
      safe: keepsBehaviour,
      ...(keepsBehaviour ? { title: `Set onDelete: ${action} (what Prisma does now)` } : {}),
    });
    if (fix) fixes.push(fix);
  }
  return fixes;
}

export default defineRule({
  id: 'implicit-referential-action',
  title: 'Relation without an explicit onDelete',
  category: 'Relations',
  defaultSeverity: 'info',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports a relation with `fields: [...]` whose `@relation(...)` does not say `onDelete`. The finding states the action Prisma applies by default here — `SetNull` when the relation\'s scalar fields are optional, `Restrict` when they are required — and what deleting the parent row will therefore do. Models over a view that the migrations create (a model declared for a view, as before Prisma\'s `view` blocks) are left alone: a view has no foreign keys.',
    whyItMatters:
      'The default is rarely a decision. A required `Post.author` silently defaults to `Restrict`, so `prisma.user.delete()` for an account with posts fails in production with a foreign-key error (P2003) — usually discovered when the first user asks to delete their account. An optional relation defaults to `SetNull`, which leaves orphaned rows nobody cleans up. With `relationMode = "prisma"` the action is emulated by Prisma Client, so it applies only to deletes that go through Prisma.',
    example:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n\n  @@index([authorId])\n}\n',
    useInstead:
      'model User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  authorId Int\n\n  @@index([authorId])\n}\n',
    fixSafety:
      'Each fix adds `onDelete: …` inside the existing `@relation(...)`. The fix that writes down the current default (`Restrict` for a required relation, `SetNull` for an optional one) changes nothing and is safe. Any other action changes what a delete does and produces a migration that recreates the foreign key; `SetNull` on a required relation also makes the scalar field(s) and the relation field optional (`ALTER COLUMN … DROP NOT NULL`), so code reading the field must handle `null`.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema || schema.provider === 'mongodb') return;
    // A model over a view has no foreign keys: no referential action applies.
    const views = viewBackedModels(ctx);
    for (const model of schema.models) {
      if (views.has(model.name)) continue;
      memoModel(schema, 'implicit-referential-action', model, relationDeps, report, (report) => {
        for (const rel of checkedOwnedRelations(model)) {
          if (rel.onDelete) continue;
          if (!rel.target || rel.target.kind !== 'model') continue;
          if (rel.scalarFields.length !== rel.fields.length) continue;
          // Prisma's default follows its referential arity (required as soon as one scalar is required).
          const defaultAction: ReferentialAction = rel.effectiveOnDelete ?? 'SetNull';
          const required = defaultAction !== 'SetNull';
          const effect = deleteEffect(rel, defaultAction);
          const emulated = schema.relationMode === 'prisma';
          const parent = rel.target.name;
          // `env Env? @relation(fields: [envId] …)` with `envId String`: the scalar makes it required.
          const requiredScalars = rel.scalarFields.filter((f) => !f.isOptional).map((f) => `\`${f.name}\``);
          const why = required
            ? rel.field.isOptional && requiredScalars.length
              ? `${requiredScalars.join(', ')} ${requiredScalars.length === 1 ? 'is' : 'are'} required, so the relation is too, even though \`${rel.field.name}\` is marked optional`
              : 'the relation is required'
            : 'the relation is optional';
          report({
            file: model.file.path,
            range: relationArgRange(rel),
            message:
              `\`${model.name}.${rel.field.name}\` has no explicit \`onDelete\`: Prisma uses \`${defaultAction}\` here (${why}), so ${effect}.` +
              (emulated ? ' With relationMode = "prisma" the action is emulated by Prisma Client (deletes outside Prisma are not affected).' : '') +
              ` Decide what deleting ${aOrAn(parent)} should do and set \`onDelete\` explicitly.`,
            subject: relationSubject(rel),
            data: {
              defaultOnDelete: defaultAction,
              relation: required ? 'required' : 'optional',
              onParentDelete: effect,
              parent,
              child: model.name,
              relationMode: emulated ? 'prisma (emulated by Prisma Client)' : 'foreignKeys',
            },
            fixes: actionFixes(schema, rel, defaultAction),
          });
        }
      });
    }
  },
});
