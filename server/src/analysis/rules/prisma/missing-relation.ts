import { viewBackedModels } from './sql-bridge';
import { defineRule, type Report } from '../../rule';
import { memoModel, NO_DEPS, type Use } from '../../prisma/memo';
import { insertFieldLineEdit } from '../../prisma/edits';
import { camelCase, pascalCase, pluralize, uniqueName, words } from '../../prisma/inflect';
import { rangeOf, type Field, type Model, type PrismaSchema } from '../../prisma/schema';
import type { TextEdit } from '../../types';
import type { AuditContext } from '../../engine';
import type { Table } from '../../sql/catalog';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import type { MigrationProject } from '../../sql/project';
import { columnSite, ownSqlTables, typeName } from '../sql/columns';
import { newMigrationFix } from '../sql/new-migration';
import { perObject } from '../sql/util';

/**
 * Qualifiers that may precede a model name in a reference field (`parentCommentId`,
 * `createdByUserId`): the rest of the name must then be a model name.
 */
const QUALIFIERS = new Set([
  'parent', 'child', 'root', 'source', 'target', 'origin', 'original', 'primary', 'default', 'current', 'last',
  'first', 'previous', 'next', 'main', 'created', 'updated', 'deleted', 'by', 'owner', 'owning', 'linked', 'related',
  'forked', 'prior',
]);

/**
 * Qualifiers that name another row of the same kind (a tree, a chain, a fork), not an actor or a role:
 * in `AiSession`, `parentSessionId` is the parent AiSession, not a row of the model `Session`.
 */
const LINEAGE_QUALIFIERS = new Set(['parent', 'child', 'root', 'source', 'origin', 'original', 'previous', 'next', 'forked', 'prior']);

/**
 * Whether a reference the name resolves to `target` rather points at the field's own model: the model's
 * name ends with the target's (`AiSession` and `Session`) and the name is the target's name after
 * lineage qualifiers only (`parentSessionId`, `root_session_id`). `AiSession.sessionId` or
 * `ProjectUser.userId` are not: a join table or a child model names the other model plainly.
 */
function selfReference(own: string, target: string, name: string): boolean {
  const mw = words(own);
  const tw = words(target);
  // Words compared up to a plural (`ai_sessions`, `sessions`, `parent_session_id`).
  const same = (a: string, b: string) => a === b || pluralize(a) === b || a === pluralize(b);
  if (mw.length <= tw.length || !tw.every((w, i) => same(mw[mw.length - tw.length + i], w))) return false;
  const w = words(name);
  if (w[w.length - 1] !== 'id') return false;
  const base = w.slice(0, -1);
  const quals = base.slice(0, base.length - tw.length);
  return quals.length > 0 && base.slice(quals.length).every((x, i) => same(x, tw[i])) && quals.every((q) => LINEAGE_QUALIFIERS.has(q));
}

/** Models by their name and table name in snake-case words (`generation_run`), singular and plural. */
const modelIndexCache = new WeakMap<PrismaSchema, Map<string, Model>>();

function modelIndex(schema: PrismaSchema): Map<string, Model> {
  let byName = modelIndexCache.get(schema);
  if (byName) return byName;
  byName = new Map<string, Model>();
  for (const m of schema.models) {
    if (m.kind !== 'model') continue;
    byName.set(words(m.name).join('_'), m);
    const table = words(m.tableName).join('_');
    if (!byName.has(table)) byName.set(table, m);
  }
  modelIndexCache.set(schema, byName);
  return byName;
}

/** The model a scalar field name refers to (`generationRunId` → GenerationRun), if any. */
export function referencedModel(schema: PrismaSchema, name: string): Model | null {
  if (!/id$/i.test(name)) return null;
  // Per schema and name: the same scalar names recur across models.
  let cache = referencedCache.get(schema);
  if (!cache) referencedCache.set(schema, (cache = new Map()));
  let m = cache.get(name);
  if (m === undefined) cache.set(name, (m = findReferencedModel(schema, name)));
  return m;
}

const referencedCache = new WeakMap<PrismaSchema, Map<string, Model | null>>();

/**
 * What a reference name (`generationRunId`, `parent_comment_id`, `created_by_user_id`) points at:
 * `lookup` of its words before `id`, joined with `_` (`generation_run`), then without each run of
 * leading qualifiers (`comment`, `user`). `lookup` returns undefined to try on, null to give up.
 */
function referenceTarget<T>(name: string, lookup: (key: string) => T | null | undefined): T | null {
  const w = words(name);
  if (w.length < 2 || w[w.length - 1] !== 'id') return null;
  const base = w.slice(0, -1);
  const direct = lookup(base.join('_'));
  if (direct !== undefined) return direct;
  // Qualified references: every word before the model name is a known qualifier.
  for (let i = 1; i < base.length; i++) {
    if (!base.slice(0, i).every((q) => QUALIFIERS.has(q))) break;
    const t = lookup(base.slice(i).join('_'));
    if (t !== undefined) return t;
  }
  return null;
}

function findReferencedModel(schema: PrismaSchema, name: string): Model | null {
  const byName = modelIndex(schema);
  return referenceTarget(name, (key) => byName.get(key) ?? byName.get(pluralize(key)));
}

/**
 * Comments saying the missing foreign key is deliberate ("no FK constraint", "not a FK on purpose",
 * "denormalized"), or that the value is another system's key (dub's `Commission.invoiceId`: "idempotency
 * key, each sale event is associated with a unique invoice" of the payment provider, not an `Invoice` row).
 */
const DELIBERATE = /\b(no|not an?|without)\s+(fk|foreign[- ]?keys?|relations?)\b|\bfk\b[^.]*\b(absent|intentional|on purpose)|intentionally|on purpose|denormali[sz]ed|\bsnapshot\b|\bsynthetic ids?\b|\bidempotency\b|\bexternal\s+(id|key|ref(erence)?)s?\b|\bthird[- ]party\b/i;

export function deliberatelyUnrelated(field: Field): boolean {
  for (const c of field.comments) if (DELIBERATE.test(c)) return true;
  for (const c of field.model.comments) if (DELIBERATE.test(c)) return true;
  return false;
}

function relationScalars(model: Model): Set<string> {
  const out = new Set<string>();
  for (const f of model.fields) if (f.relation) for (const n of f.relation.fields) out.add(n);
  return out;
}


/** Per migration project: its tables by their name in snake-case words (`generation_run`). */
const tableIndex = perObject((project: MigrationProject) => {
  const byName = new Map<string, Table>();
  for (const t of project.catalog.tables.values()) {
    const key = words(t.name).join('_');
    // A `public` table wins over one of another schema with the same name.
    if (!byName.has(key) || t.schema === 'public') byName.set(key, t);
  }
  return byName;
});

/** Supabase's `auth.users`, which the migrations reference but never create. */
const AUTH_USERS = { key: 'auth.users', schema: 'auth', name: 'users', id: 'id', type: 'uuid' };

/**
 * The table a column name refers to (`generation_run_id` → generation_runs) with its single key
 * column and type; in a Supabase project `user_id` without a users table of its own refers to
 * `auth.users`.
 */
function referencedTable(project: MigrationProject, name: string): SqlTarget | null {
  // Per project and name: the same reference names (`user_id`) recur across tables.
  const cache = targetCache(project);
  let t = cache.get(name);
  if (t === undefined) cache.set(name, (t = findReferencedTable(project, name)));
  return t;
}

interface SqlTarget {
  key: string;
  schema: string;
  name: string;
  id: string;
  type: string;
}

const targetCache = perObject((_project: MigrationProject) => new Map<string, SqlTarget | null>());

function findReferencedTable(project: MigrationProject, name: string): SqlTarget | null {
  const byName = tableIndex(project);
  return referenceTarget(name, (key) => {
    const t = byName.get(key) ?? byName.get(pluralize(key));
    if (t) {
      const pk = t.primaryKey?.columns;
      const col = pk?.length === 1 ? t.columns.get(pk[0]) : undefined;
      return col ? { key: t.key, schema: t.schema, name: t.name, id: col.name, type: typeName(col) } : null;
    }
    return key === 'user' && project.supabase ? AUTH_USERS : undefined;
  });
}

/**
 * SQL migrations: a column of a table that is not a Prisma model whose name refers to another table
 * (`brain_id` → brains, `user_id` → Supabase's auth.users) with the type of its key, that no foreign
 * key of the table covers. A `<name>_type` column next to it makes it polymorphic: not reported.
 */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    if (t.partitionOf) continue; // the partitioned table's foreign keys apply
    let covered: Set<string> | null = null;
    for (const col of t.columns.values()) {
      if (col.generated || !/id$/i.test(col.name)) continue;
      covered ??= new Set(t.foreignKeys.flatMap((f) => f.columns));
      if (covered.has(col.name)) continue;
      let target = referencedTable(project, col.name);
      // `ai_sessions.parent_session_id`: another ai_sessions row, not a row of `sessions`.
      if (target && target.key !== t.key && selfReference(t.name, target.name, col.name)) {
        const pk = t.primaryKey?.columns;
        const own = pk?.length === 1 ? t.columns.get(pk[0]) : undefined;
        target = own ? { key: t.key, schema: t.schema, name: t.name, id: own.name, type: typeName(own) } : null;
      }
      if (!target || target.type !== typeName(col)) continue;
      // `brains.brain_id`: the table's own id (or another id of the same row), not a reference.
      if (target.key === t.key && (target.id === col.name || col.name.replace(/_/g, '').toLowerCase() === `${words(t.name).join('')}id` || col.name.replace(/_/g, '').toLowerCase() === `${words(pluralize(t.name)).join('')}id`)) continue;
      const stem = col.name.replace(/_?id$/i, '');
      if (['type', 'kind', 'table', 'model'].some((s) => t.columns.has(`${stem}_${s}`) || t.columns.has(`${stem}${s[0].toUpperCase()}${s.slice(1)}`))) continue;
      const site = columnSite(project, col);
      if (!site) continue;
      const table = quoteQualified(t.schema, t.name);
      const name = quoteIdent(`${t.name}_${col.name}_fkey`.slice(0, 63));
      const sql =
        `-- Fails if rows reference ids that do not exist: clear them first (UPDATE ${table} SET ${quoteIdent(col.name)} = NULL WHERE … NOT IN …).\n` +
        `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${quoteIdent(col.name)}) REFERENCES ${quoteQualified(target.schema, target.name)} (${quoteIdent(target.id)}) NOT VALID;\n` +
        `ALTER TABLE ${table} VALIDATE CONSTRAINT ${name};\n`;
      const fix = newMigrationFix(project, `${t.name}_${col.name}_fkey`, `Add a FOREIGN KEY to ${target.name} in a new migration`, sql, { isPreferred: true, safe: false });
      report({
        ...site,
        message: `\`${t.name}.${col.name}\` holds \`${target.name}\` ids (same type as \`${target.schema === 'public' ? '' : `${target.schema}.`}${target.name}.${target.id}\`) but no foreign key covers it: deleting a row of \`${target.name}\` leaves orphans behind, and ids that never existed are stored without complaint. Add a FOREIGN KEY.`,
        subject: { table: t.name, column: col.name },
        data: { references: `${target.schema === 'public' ? '' : `${target.schema}.`}${target.name}.${target.id}` },
        fixes: fix ? [fix] : [],
      });
    }
  }
}

export default defineRule({
  id: 'missing-relation',
  title: 'Reference field without a relation',
  category: 'Relations',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a scalar field whose name refers to another model (`generationRunId`, `generation_run_id`, or `@map("generation_run_id")`) and whose type is that model\'s id type, but that no `@relation` uses. A name made of a lineage qualifier (`parent`, `root`, `source`, `previous`, `forked` …) and the end of its own model\'s name refers to its own model (`AiSession.parentSessionId` holds AiSession ids, not Session ids), and its fix adds a named self-relation (in SQL migrations likewise: `ai_sessions.parent_session_id` refers to `ai_sessions`). Not reported when a comment on the field or model says the key is deliberate ("no FK", "denormalized", "snapshot") or another system\'s ("idempotency key", "external id", "third-party"). In SQL migrations: a column of a table that is not a Prisma model whose name refers to another table (`generation_run_id` → `generation_runs`, also after a qualifier such as `parent_` or `created_by_`; in Supabase projects `user_id` → `auth.users` when there is no users table of the project) with the type of that table\'s single-column primary key, that no FOREIGN KEY covers; not when a `<name>_type` (or `_kind`, `_table`, `_model`) column makes it polymorphic. Models over a view that the migrations create (a model declared for a view, as before Prisma\'s `view` blocks) are left alone: a view has no foreign keys.',
    whyItMatters:
      'Without a relation there is no foreign key: deleting a GenerationRun leaves Images pointing at a row that no longer exists, a typo in an id is stored without complaint, and Prisma Client cannot `include` or filter through the relation, so code does N+1 lookups by hand.',
    example:
      'model GenerationRun {\n  id String @id @default(cuid())\n}\n\nmodel Image {\n  id              String  @id @default(cuid())\n  generationRunId String?\n}\n',
    useInstead:
      'model GenerationRun {\n  id     String  @id @default(cuid())\n  images Image[]\n}\n\nmodel Image {\n  id              String         @id @default(cuid())\n  generationRunId String?\n  generationRun   GenerationRun? @relation(fields: [generationRunId], references: [id])\n\n  @@index([generationRunId])\n}\n',
    fixSafety:
      'The fix adds the relation field (optional exactly when the scalar is optional) and the back-relation field on the other model. The migration adds a FOREIGN KEY constraint, which fails if existing rows reference ids that do not exist: clean up orphans first (`UPDATE … SET x_id = NULL WHERE x_id NOT IN (SELECT id FROM …)`). The default referential actions then apply (optional: SetNull on delete; required: Restrict). Add an index on the column as well (see missing-fk-index). In SQL migrations the fix adds a new migration with the FOREIGN KEY added `NOT VALID` and then validated (existing rows are checked without blocking writes; orphans make the validation fail).',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema) return;
    // No foreign key can start or end at a model over a view.
    const views = viewBackedModels(ctx);
    const notToView = views.size ? (r: Report) => !views.has(String(r.data?.references ?? '').split('.')[0]) && report(r) : report;
    for (const model of schema.models) {
      if (model.kind !== 'model' || model.isIgnored || views.has(model.name)) continue;
      memoModel(schema, 'missing-relation', model, NO_DEPS, notToView, (report, use) => checkModel(schema, model, report, use));
    }
  },
});

/** `accountId` / `account_id` in model `Account`. */
function isOwnName(model: Model, name: string): boolean {
  const bare = (s: string) => s.toLowerCase().replace(/_/g, '');
  return bare(name) === `${bare(model.name)}id`;
}

function checkModel(schema: PrismaSchema, model: Model, report: (r: Report) => void, use: Use): void {
      const used = relationScalars(model);
      for (const field of model.fields) {
        if ((field.kind !== 'scalar' && field.kind !== 'unsupported') || field.isList || field.isIgnored) continue;
        if (used.has(field.name)) continue;
        let target = referencedModel(schema, field.name) ?? (field.columnName !== field.name ? referencedModel(schema, field.columnName) : null);
        use(target);
        if (!target || target.isIgnored) continue;
        const named = target;
        if (target !== model && (selfReference(model.name, target.name, field.name) || selfReference(model.name, target.name, field.columnName))) target = model;
        if (deliberatelyUnrelated(field)) continue;
        const pk = target.primaryKey;
        if (!pk || pk.fields.length !== 1) continue;
        const targetId = target.fieldByName.get(pk.fields[0].name);
        if (!targetId || targetId.type !== field.type) continue;
        // `Account.accountId`, `Plugin.plugin_id`: a field named just after its own model is another id
        // of the same row (the provider's account id, a public id), not a reference. Self-relations
        // name a role (`parentId`, `sourceCommissionId`) and are still reported.
        if (target === model && (isOwnName(model, field.name) || isOwnName(model, field.columnName))) continue;
        if (target === model && targetId === field) continue;
        // A native type mismatch (e.g. @db.Uuid vs text) would make the FK invalid: require the same native type.
        if ((targetId.nativeType?.name ?? null) !== (field.nativeType?.name ?? null)) continue;
        const file = model.file;
        report({
          file: file.path,
          range: rangeOf(file, field.decl.name.span),
          message: `\`${model.name}.${field.name}\` holds ${target.name} ids (${named !== target ? `another ${model.name}, not a ${named.name}: the model's own name ends with ${named.name}; ` : ''}same type as \`${target.name}.${targetId.name}\`) but no @relation uses it: ${
            // MongoDB and relationMode = "prisma" have no foreign keys at all: Prisma Client emulates the referential actions of declared relations only.
            schema.provider === 'mongodb' || schema.relationMode === 'prisma' ? "Prisma Client's emulated referential actions do not cover it" : 'the database has no foreign key'
          }, so orphaned rows are possible, and Prisma Client cannot \`include\` ${target.name}. Add a relation field.`,
          subject: { model: model.name, field: field.name },
          data: { references: `${target.name}.${targetId.name}` },
          fixes: [buildFix(schema, model, field, target, targetId.name)],
        });
      }
}

function buildFix(schema: PrismaSchema, model: Model, field: Field, target: Model, targetIdName: string) {
  const edits: TextEdit[] = [];
  const takenIn = (m: Model, extra: string[] = []) => (n: string) => m.fieldByName.has(n) || extra.includes(n);
  const w = words(field.name);
  const baseName = camelCase(w.slice(0, -1).join('_')) || camelCase(target.name);
  const relName = uniqueName(baseName, takenIn(model));
  const optional = field.isOptional;
  // Name the relation when another relation links the same two models (Prisma requires it then).
  const otherLinks = model.fields.some((f) => f.relation && f.type === target.name) || target.fields.some((f) => f.relation && f.type === model.name);
  const selfRelation = model === target;
  const needsName = otherLinks || selfRelation;
  const relationLabel = needsName ? `"${pascalCase(model.name)}${pascalCase(relName)}"` : null;
  const oneToOne = field.isUnique || field.isId || model.uniques.some((u) => u.fields.length === 1 && u.fields[0].name === field.name);
  // On SQL Server, and with emulated relations on MySQL, Prisma rejects cycles and self-relations with
  // cascading actions; NoAction there also keeps today's behaviour (no integrity checks). PostgreSQL
  // with relationMode = "prisma" has no NoAction and accepts the defaults.
  const noAction = schema.provider === 'sqlserver' || (schema.relationMode === 'prisma' && schema.provider === 'mysql');
  const relationArgs = `${relationLabel ? `${relationLabel}, ` : ''}fields: [${field.name}], references: [${targetIdName}]${noAction ? ', onDelete: NoAction, onUpdate: NoAction' : ''}`;
  const relationLine = `${relName} ${target.name}${optional ? '?' : ''} @relation(${relationArgs})`;
  const backBase = oneToOne ? camelCase(model.name) : camelCase(pluralize(model.name));
  const backName = uniqueName(selfRelation ? `${backBase}By${pascalCase(relName)}` : backBase, takenIn(target, selfRelation ? [relName] : []));
  const backLine = `${backName} ${model.name}${oneToOne ? '?' : '[]'}${relationLabel ? ` @relation(${relationLabel})` : ''}`;
  const relationEdit = insertFieldLineEdit(model, relationLine);
  const backEdit = insertFieldLineEdit(target, backLine);
  // A self-relation inserts both lines at the same place: one edit, so the edits do not overlap.
  if (selfRelation) edits.push({ ...relationEdit, newText: relationEdit.newText + backEdit.newText });
  else edits.push(relationEdit, backEdit);
  return {
    title: `Add relation \`${relName} ${target.name}${optional ? '?' : ''}\` (and \`${backName}\` on ${target.name})`,
    edits,
    isPreferred: true,
    safe: false,
  };
}
