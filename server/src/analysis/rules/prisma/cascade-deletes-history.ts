import { defineRule } from '../../rule';
import { memoModel, relationDeps } from '../../prisma/memo';
import { aOrAn } from '../../prisma/naming';
import { historyKindOf, isActorModel, isActorRelationField, isPartOf, isTenantModel } from '../../prisma/naming';
import { checkedOwnedRelations } from '../../prisma/schema';
import { relationArgRange, relationSubject, restrictAction, setActionFix } from '../../prisma/fix-relation';
import type { Fix } from '../../types';

const KIND_TEXT = {
  financial: 'a financial record',
  audit: 'an audit record',
  history: 'a history record',
} as const;

export default defineRule({
  id: 'cascade-deletes-history',
  title: 'Cascade delete erases financial, audit or history rows',
  category: 'Relations',
  defaultSeverity: 'warning',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports `onDelete: Cascade` on a relation whose child model is a record that must outlive the row it points at: a financial record (head noun Transaction, Payment, Invoice, Ledger, Redemption, Order, Refund, Purchase, Payout, Withdrawal, Deposit, Receipt, Charge, Commission, Sale, or a line of one such as `OrderItem`), an audit record (`AuditLog`, `…Audit`), or a history/log/event record when the parent is a person or the actor who did something (`User`, `Member`, `updatedBy`). It does not report parts of their parent (`WorkflowRunLog` of `WorkflowRun`, `OrderItem` of `Order`), lines of one financial record deleted with it, or history cascading from a whole tenant (`Workspace`, `Organization`, `Project`) deleted on purpose.',
    whyItMatters:
      'Deleting a coupon, a product or a user silently deletes every redemption, order or payment that referenced it: revenue reports change after the fact, refunds and chargebacks can no longer be matched, and records you are legally required to keep for years are gone. Audit logs that vanish with the admin who wrote them defeat their purpose.',
    example:
      'model Coupon {\n  id          Int          @id\n  redemptions Redemption[]\n}\n\nmodel Redemption {\n  id       Int    @id\n  coupon   Coupon @relation(fields: [couponId], references: [id], onDelete: Cascade)\n  couponId Int\n\n  @@index([couponId])\n}\n',
    useInstead:
      'model Coupon {\n  id          Int          @id\n  redemptions Redemption[]\n}\n\nmodel Redemption {\n  id       Int     @id\n  coupon   Coupon? @relation(fields: [couponId], references: [id], onDelete: SetNull)\n  couponId Int?\n\n  @@index([couponId])\n}\n',
    fixSafety:
      'Both fixes change what a delete does (a migration recreates the foreign key). `SetNull` keeps the history rows and clears their reference; it also makes the scalar field(s) and the relation field optional (`DROP NOT NULL`), so code must handle `null`. `Restrict` makes deleting a parent that still has such rows fail, so the application must archive (soft-delete) parents instead.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema || schema.provider === 'mongodb') return;
    for (const model of schema.models) {
      memoModel(schema, 'cascade-deletes-history', model, relationDeps, report, (report) => {
        for (const rel of checkedOwnedRelations(model)) {
          if (rel.onDelete !== 'Cascade') continue;
          const child = model;
          const parent = rel.target;
          if (!parent || parent.kind !== 'model') continue;
          if (rel.scalarFields.length !== rel.fields.length) continue;
          const kind = historyKindOf(child.name);
          if (!kind) continue;
          if (parent === child) continue;
          // Financial rows are kept whoever their parent is; other history may be part of its parent (`WorkflowRunLog` of `WorkflowRun`).
          if (kind.kind !== 'financial' && isPartOf(child.name, parent.name)) continue;
          if (kind.kind === 'financial' && historyKindOf(parent.name)?.kind === 'financial') continue; // a line deleted with its document
          if (kind.kind !== 'financial' && isTenantModel(parent.name)) continue;
          if (kind.kind === 'history' && !isActorModel(parent.name) && !isActorRelationField(rel.field.name)) continue;
          const fixes: Fix[] = [];
          const setNull = setActionFix(rel, 'SetNull', { isPreferred: true });
          if (setNull) fixes.push(setNull);
          const restrict = restrictAction(schema.provider);
          fixes.push(setActionFix(rel, restrict, { isPreferred: !setNull })!);
          report({
            file: child.file.path,
            range: relationArgRange(rel, 'onDelete'),
            message:
              `Deleting ${aOrAn(parent.name)} deletes its ${child.name} rows (\`onDelete: Cascade\` on \`${child.name}.${rel.field.name}\`), but ${child.name} is ${KIND_TEXT[kind.kind]} that should outlive it. ` +
              `Use \`onDelete: SetNull\` (optional ${rel.fields.map((f) => `\`${f}\``).join(', ')}) to keep the rows, or \`${restrict}\` and archive ${parent.name} rows instead of deleting them.`,
            subject: relationSubject(rel),
            data: {
              parent: parent.name,
              child: child.name,
              recordKind: kind.kind,
              matchedWord: kind.word,
              onParentDelete: `deleting ${aOrAn(parent.name)} deletes its ${child.name} rows`,
            },
            fixes,
          });
        }
      });
    }
  },
});
