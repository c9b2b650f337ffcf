import { defineRule, type Report } from '../../rule';
import { memoModel, NO_DEPS, type Use } from '../../prisma/memo';
import { insertFieldLineEdit } from '../../prisma/edits';
import { camelCase, pascalCase, pluralize, uniqueName, words } from '../../prisma/inflect';
import { rangeOf, type Field, type Model, type PrismaSchema } from '../../prisma/schema';
import type { TextEdit } from '../../types';

/**
 * Qualifiers that may precede a model name in a reference field (`parentCommentId`,
 * `createdByUserId`): the rest of the name must then be a model name.
 */
const QUALIFIERS = new Set([
  'parent', 'child', 'root', 'source', 'target', 'origin', 'original', 'primary', 'default', 'current', 'last',
  'first', 'previous', 'next', 'main', 'created', 'updated', 'deleted', 'by', 'owner', 'owning', 'linked', 'related',
]);

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

function findReferencedModel(schema: PrismaSchema, name: string): Model | null {
  const w = words(name);
  if (w.length < 2 || w[w.length - 1] !== 'id') return null;
  const base = w.slice(0, -1);
  const byName = modelIndex(schema);
  const lookup = (parts: string[]): Model | null => {
    const key = parts.join('_');
    return byName.get(key) ?? byName.get(pluralize(key)) ?? null;
  };
  const direct = lookup(base);
  if (direct) return direct;
  // Qualified references: every word before the model name is a known qualifier.
  for (let i = 1; i < base.length; i++) {
    if (!base.slice(0, i).every((q) => QUALIFIERS.has(q))) break;
    const m = lookup(base.slice(i));
    if (m) return m;
  }
  return null;
}

/** Comments saying the missing foreign key is deliberate ("no FK constraint", "not a FK on purpose", "denormalized"). */
const DELIBERATE = /\b(no|not an?|without)\s+(fk|foreign[- ]?keys?|relations?)\b|\bfk\b[^.]*\b(absent|intentional|on purpose)|intentionally|on purpose|denormali[sz]ed|\bsnapshot\b|\bsynthetic ids?\b/i;

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

export default defineRule({
  id: 'missing-relation',
  title: 'Reference field without a relation',
  category: 'Relations',
  defaultSeverity: 'warning',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports a scalar field whose name refers to another model (`generationRunId`, `generation_run_id`, or `@map("generation_run_id")`) and whose type is that model\'s id type, but that no `@relation` uses.',
    whyItMatters:
      'Without a relation there is no foreign key: deleting a GenerationRun leaves Images pointing at a row that no longer exists, a typo in an id is stored without complaint, and Prisma Client cannot `include` or filter through the relation, so code does N+1 lookups by hand.',
    example:
      'model GenerationRun {\n  id String @id @default(cuid())\n}\n\nmodel Image {\n  id              String  @id @default(cuid())\n  generationRunId String?\n}\n',
    useInstead:
      'model GenerationRun {\n  id     String  @id @default(cuid())\n  images Image[]\n}\n\nmodel Image {\n  id              String         @id @default(cuid())\n  generationRunId String?\n  generationRun   GenerationRun? @relation(fields: [generationRunId], references: [id])\n\n  @@index([generationRunId])\n}\n',
    fixSafety:
      'The fix adds the relation field (optional exactly when the scalar is optional) and the back-relation field on the other model. The migration adds a FOREIGN KEY constraint, which fails if existing rows reference ids that do not exist: clean up orphans first (`UPDATE … SET x_id = NULL WHERE x_id NOT IN (SELECT id FROM …)`). The default referential actions then apply (optional: SetNull on delete; required: Restrict). Add an index on the column as well (see missing-fk-index).',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema) return;
    for (const model of schema.models) {
      if (model.kind !== 'model' || model.isIgnored) continue;
      memoModel(schema, 'missing-relation', model, NO_DEPS, report, (report, use) => checkModel(schema, model, report, use));
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
        const target = referencedModel(schema, field.name) ?? (field.columnName !== field.name ? referencedModel(schema, field.columnName) : null);
        use(target);
        if (!target || target.isIgnored) continue;
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
          message: `\`${model.name}.${field.name}\` holds ${target.name} ids (same type as \`${target.name}.${targetId.name}\`) but no @relation uses it: ${
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
