import { viewBackedModels } from './sql-bridge';
import { defineRule } from '../../rule';
import { memoModel, relationDeps, type Use } from '../../prisma/memo';
import { aOrAn } from '../../prisma/naming';
import { historyKindOf, isActorModel, isActorRelationField, isPartOf, isScheduledEntry, isTenantModel } from '../../prisma/naming';
import { checkedOwnedRelations, type Model, type Relation } from '../../prisma/schema';
import { relationArgRange, relationSubject, restrictAction, setActionFix } from '../../prisma/fix-relation';
import type { Fix } from '../../types';
import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';
import { splitKey } from '../../sql/catalog';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import { fkSite, ownSqlTables } from '../sql/columns';
import { newMigrationFix } from '../sql/new-migration';
import { migrationAt } from '../sql/util';

const KIND_TEXT = {
  financial: 'a financial record',
  audit: 'an audit record',
  history: 'a history record',
} as const;

/**
 * What kind of record `child` is when it must outlive a `parent` it points at through `via` (the
 * relation field, or the foreign-key column without its `_id`), or null when a cascade is fine.
 */
function historyOutlivingParent(child: string, parent: string, via: string, childFields: () => Iterable<string>): { kind: keyof typeof KIND_TEXT; word: string } | null {
  const kind = historyKindOf(child);
  if (!kind) return null;
  // A calendar event or booking (it starts and ends) is the parent's content, not a log of what happened.
  if (kind.word === 'event' && isScheduledEntry(childFields())) return null;
  // Financial rows are kept whoever their parent is; other history may be part of its parent (`WorkflowRunLog` of `WorkflowRun`).
  if (kind.kind !== 'financial' && isPartOf(child, parent)) return null;
  if (kind.kind === 'financial' && historyKindOf(parent)?.kind === 'financial') return null; // a line deleted with its document
  if (kind.kind !== 'financial' && isTenantModel(parent)) return null;
  if (kind.kind === 'history' && !isActorModel(parent) && !isActorRelationField(via)) return null;
  return kind;
}

/**
 * SQL migrations: `ON DELETE CASCADE` on a foreign key of a table that is not a Prisma model and is a
 * financial, audit or history record (same judgement as for models, on table names).
 */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    for (const fk of t.foreignKeys) {
      if (fk.onDelete !== 'CASCADE' || fk.refTable === t.key || !fk.columns.length) continue;
      const [refSchema, parent] = splitKey(fk.refTable);
      // `created_by_id` → `createdBy`: the actor a column names, as a relation field would.
      const via = fk.columns.length === 1 ? fk.columns[0].replace(/_?id$/i, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : '';
      const kind = historyOutlivingParent(t.name, parent, via, () => t.columns.keys());
      if (!kind) continue;
      const m = migrationAt(project, fk.source.file);
      if (!m) continue;
      const table = quoteQualified(t.schema, t.name);
      const name = quoteIdent(fk.name);
      const cols = fk.columns.map(quoteIdent).join(', ');
      const refCols = fk.refColumns.length ? ` (${fk.refColumns.map(quoteIdent).join(', ')})` : '';
      const onUpdate = fk.onUpdate === 'NO ACTION' ? '' : ` ON UPDATE ${fk.onUpdate}`;
      const recreate = (action: string) =>
        `ALTER TABLE ${table} DROP CONSTRAINT ${name};\n` +
        `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${cols}) REFERENCES ${quoteQualified(refSchema, parent)}${refCols} ON DELETE ${action}${onUpdate} NOT VALID;\n` +
        `ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};\n`;
      const notNull = fk.columns.filter((c) => t.columns.get(c)?.notNull);
      const inPk = fk.columns.some((c) => t.primaryKey?.columns.includes(c));
      const dropNotNull = notNull.map((c) => `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c)} DROP NOT NULL;\n`).join('');
      const setNull = inPk ? null : newMigrationFix(project, `${t.name}_keep_on_${parent}_delete`, 'Change to ON DELETE SET NULL in a new migration', dropNotNull + recreate('SET NULL'), { isPreferred: true, safe: false });
      const restrict = newMigrationFix(project, `${t.name}_restrict_${parent}_delete`, 'Change to ON DELETE RESTRICT in a new migration', recreate('RESTRICT'), { isPreferred: !setNull, safe: false });
      report({
        ...fkSite(m, fk),
        message:
          `Deleting a \`${parent}\` row deletes its \`${t.name}\` rows (ON DELETE CASCADE on (${fk.columns.map((c) => `\`${c}\``).join(', ')})), but \`${t.name}\` rows are ${KIND_TEXT[kind.kind].replace(/^an? /, '')}s that should outlive it. ` +
          `Use ON DELETE SET NULL to keep the rows${notNull.length ? ` (${notNull.map((c) => `\`${c}\``).join(', ')} then nullable)` : ''}, or RESTRICT and archive \`${parent}\` rows instead of deleting them.`,
        subject: { table: t.name, column: fk.columns[0] },
        data: { parent, child: t.name, recordKind: kind.kind, matchedWord: kind.word, onParentDelete: `deleting a ${parent} row deletes its ${t.name} rows` },
        fixes: [setNull, restrict].filter((f): f is Fix => !!f),
      });
    }
  }
}

/**
 * Another chain of `onDelete: Cascade` relations from `child` to `parent`, through other models (two or
 * three steps), written `A.rel → B.rel → Parent`, or null. Every model it reads is declared to the memo (`use`).
 */
function otherCascadePath(child: Model, parent: Model, direct: Relation, use: Use): string | null {
  const via = new Map<Model, Relation>();
  let level: Model[] = [child];
  const seen = new Set<Model>([child]);
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next: Model[] = [];
    for (const m of level) {
      for (const r of checkedOwnedRelations(m)) {
        const t = r.target;
        if (r === direct || r.onDelete !== 'Cascade' || !t || t.kind !== 'model') continue;
        use(t);
        // A second relation straight to the parent (`admin` and `target` to User) deletes other rows: not a way around.
        if (t === parent && m === child) continue;
        if (t === parent) {
          const steps = [r];
          for (let at = m; at !== child; ) {
            const prev = via.get(at)!;
            steps.unshift(prev);
            at = prev.field.model;
          }
          return `${steps.map((x) => `\`${x.field.model.name}.${x.field.name}\``).join(' → ')} → ${parent.name}`;
        }
        if (seen.has(t)) continue;
        seen.add(t);
        via.set(t, r);
        next.push(t);
      }
    }
    level = next;
  }
  return null;
}

export default defineRule({
  id: 'cascade-deletes-history',
  title: 'Cascade delete erases financial, audit or history rows',
  category: 'Relations',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports `onDelete: Cascade` on a relation whose child model is a record that must outlive the row it points at: a financial record (head noun Transaction, Payment, Invoice, Ledger, Redemption, Order, Refund, Purchase, Payout, Withdrawal, Deposit, Receipt, Charge, Commission, Sale, or a line of one such as `OrderItem`), an audit record (`AuditLog`, `…Audit`), or a history/log/event record when the parent is a person or the actor who did something (`User`, `Member`, `updatedBy`); an `…Event` with both a start and an end time (`startTime`/`endTime`) is a calendar entry, not a log, and is not reported. It does not report parts of their parent (`WorkflowRunLog` of `WorkflowRun`, `OrderItem` of `Order`), lines of one financial record deleted with it, or history cascading from a whole tenant (`Workspace`, `Organization`, `Project`) deleted on purpose. In SQL migrations the same judgement applies to `ON DELETE CASCADE` foreign keys of tables that are not Prisma models, on table names (`coupon_redemptions`, `audit_logs`) and the column name without `_id` (`created_by`). Models over a view that the migrations create (a model declared for a view, as before Prisma\'s `view` blocks) are left alone: a view has no foreign keys.',
    whyItMatters:
      'Deleting a coupon, a product or a user silently deletes every redemption, order or payment that referenced it: revenue reports change after the fact, refunds and chargebacks can no longer be matched, and records you are legally required to keep for years are gone. Audit logs that vanish with the admin who wrote them defeat their purpose.',
    example:
      'model Coupon {\n  id          Int          @id\n  redemptions Redemption[]\n}\n\nmodel Redemption {\n  id       Int    @id\n  coupon   Coupon @relation(fields: [couponId], references: [id], onDelete: Cascade)\n  couponId Int\n\n  @@index([couponId])\n}\n',
    useInstead:
      'model Coupon {\n  id          Int          @id\n  redemptions Redemption[]\n}\n\nmodel Redemption {\n  id       Int     @id\n  coupon   Coupon? @relation(fields: [couponId], references: [id], onDelete: SetNull)\n  couponId Int?\n\n  @@index([couponId])\n}\n',
    fixSafety:
      'Both fixes change what a delete does (a migration recreates the foreign key). `SetNull` keeps the history rows and clears their reference; it also makes the scalar field(s) and the relation field optional (`DROP NOT NULL`), so code must handle `null`. `Restrict` makes deleting a parent that still has such rows fail, so the application must archive (soft-delete) parents instead. In SQL migrations the fixes add a new migration that drops the constraint and adds it again with the new action, `NOT VALID` and then `VALIDATE CONSTRAINT` (so the check of existing rows does not block writes), after `DROP NOT NULL` on its columns for `SET NULL` (not offered when a column is part of the primary key).',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema || schema.provider === 'mongodb') return;
    // A model over a view has no foreign keys: nothing cascades into it.
    const views = viewBackedModels(ctx);
    for (const model of schema.models) {
      if (views.has(model.name)) continue;
      memoModel(schema, 'cascade-deletes-history', model, relationDeps, report, (report, use) => {
        for (const rel of checkedOwnedRelations(model)) {
          if (rel.onDelete !== 'Cascade') continue;
          const child = model;
          const parent = rel.target;
          if (!parent || parent.kind !== 'model') continue;
          if (rel.scalarFields.length !== rel.fields.length) continue;
          if (parent === child) continue;
          const kind = historyOutlivingParent(child.name, parent.name, rel.field.name, () => child.fields.map((f) => f.name));
          if (!kind) continue;
          const fixes: Fix[] = [];
          const setNull = setActionFix(rel, 'SetNull', { isPreferred: true });
          if (setNull) fixes.push(setNull);
          const restrict = restrictAction(schema.provider);
          fixes.push(setActionFix(rel, restrict, { isPreferred: !setNull })!);
          // The rows may also go through another chain of cascades to the same parent (dub: FraudEvent →
          // FraudEventGroup → Partner): changing this relation alone would not keep them.
          const other = otherCascadePath(child, parent, rel, use);
          report({
            file: child.file.path,
            range: relationArgRange(rel, 'onDelete'),
            message:
              `Deleting ${aOrAn(parent.name)} deletes its ${child.name} rows (\`onDelete: Cascade\` on \`${child.name}.${rel.field.name}\`), but ${child.name} is ${KIND_TEXT[kind.kind]} that should outlive it. ` +
              `Use \`onDelete: SetNull\` (optional ${rel.fields.map((f) => `\`${f}\``).join(', ')}) to keep the rows, or \`${restrict}\` and archive ${parent.name} rows instead of deleting them.` +
              (other ? ` Deleting ${aOrAn(parent.name)} also deletes them through ${other} (\`onDelete: Cascade\` all the way): change that chain too, or they still go.` : ''),
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
