import { defineRule } from '../../rule';
import { enumDeps, memoModel } from '../../prisma/memo';
import { rangeOf, type Field, type Model, type PrismaSchema } from '../../prisma/schema';
import { isEnumLikeName, ownComments, pascalCase, valuesFromComments } from '../../prisma/naming';
import { conversionSql, enumNameFor, insertEnumAfterModelEdit, migrationNote, planEnumValues, providerSupportsEnums, retypeFieldEdits } from '../../prisma/fix-enum';
import { driftEnumFor } from './enum-drift';
import type { Fix } from '../../types';
import type { MigrationProject } from '../../sql/project';
import { checkValuesFor } from '../../prisma/fix-sql-evidence';
import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';
import { columnSite, ownSqlTables, TEXT_TYPES, typeName } from '../sql/columns';
import { migrationAt } from '../sql/util';
import { lexemeEnd } from '../../sql/lexical';
import type { Range } from '../../types';

/** Names that hold identifiers, free text or references, never a small set of values. */
const NOT_ENUM_FIELD = /(?:^Id|Id|Ids|_id|Url|Uri|Key|Hash|Token|Email|Path|Slug|Sha|Sha256|Json|Message|Description|Content|Title|Text|Body|Html|Notes?|Secret|Password|Domain|Address|Phone)$/;

/** A `String` field that could become an enum (not an id, not a relation scalar, not a list). */
export function isEnumCandidateField(field: Field): boolean {
  const model = field.model;
  if (model.kind !== 'model' || model.isIgnored || field.isIgnored) return false;
  if (field.kind !== 'scalar' || field.type !== 'String' || field.isList || field.isId || field.isUnique) return false;
  const pk = model.primaryKey;
  if (pk) for (const f of pk.fields) if (f.name === field.name) return false;
  if (relationScalarNames(model).has(field.name)) return false;
  if (NOT_ENUM_FIELD.test(pascalCase(field.name))) return false;
  return true;
}

/** Names listed in `fields: [...]` of the model's relations, once per model (not once per field). */
const relationScalarCache = new WeakMap<Model, Set<string>>();
function relationScalarNames(model: Model): Set<string> {
  let names = relationScalarCache.get(model);
  if (!names) {
    names = new Set();
    for (const f of model.fields) if (f.relation) for (const n of f.relation.fields) names.add(n);
    relationScalarCache.set(model, names);
  }
  return names;
}

export interface EnumEvidence {
  values: string[];
  source: 'check' | 'comment' | 'default';
  complete: boolean;
  openReason?: 'etc' | 'examples';
  comment?: string;
  defaultValue: string | null;
}

export function enumEvidenceOf(field: Field, sql: MigrationProject | null = null): EnumEvidence | null {
  if (sql) return computeEnumEvidence(field, sql);
  // Without migrations the evidence depends on the field alone; both enum rules ask for it per field.
  let ev = evidenceCache.get(field);
  if (ev === undefined) evidenceCache.set(field, (ev = computeEnumEvidence(field, null)));
  return ev && { ...ev, values: ev.values.slice() };
}

const evidenceCache = new WeakMap<Field, EnumEvidence | null>();

function computeEnumEvidence(field: Field, sql: MigrationProject | null): EnumEvidence | null {
  const def = field.default;
  const defaultValue = def && def.expr?.kind === 'string' ? def.expr.value : null;
  const check = checkValuesFor(sql, field);
  if (check) return { values: check.values, source: 'check', complete: true, comment: `CHECK ${check.constraint} (migration ${check.source.migration})`, defaultValue };
  const fromComments = valuesFromComments(ownComments(field), isEnumLikeName(field.name));
  if (fromComments) {
    return {
      values: fromComments.values,
      source: 'comment',
      complete: fromComments.complete,
      ...(fromComments.openReason ? { openReason: fromComments.openReason } : {}),
      comment: fromComments.comment,
      defaultValue,
    };
  }
  // A default that is a MIME type, a URL, a sentence or JSON is not an enum value.
  if (defaultValue !== null && /^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(defaultValue) && isEnumLikeName(field.name)) return { values: [defaultValue], source: 'default', complete: false, defaultValue };
  return null;
}

function list(values: string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function convertFix(schema: PrismaSchema, field: Field, values: string[]): { fix: Fix; enumName: string; sql: string } | { reason: string } {
  const plan = planEnumValues(values);
  if (!plan) return { reason: 'one of the values cannot be an enum value' };
  const enumName = enumNameFor(schema, field);
  const retype = retypeFieldEdits(field, enumName, plan);
  if (!retype) {
    const d = field.default?.expr;
    return {
      reason:
        d?.kind === 'string'
          ? `its default "${d.value}" is not one of the listed values (add it to the list, or fix the default, then convert)`
          : 'its default is not a string literal',
    };
  }
  const insert = insertEnumAfterModelEdit(field, enumName, plan);
  if (!insert) return { reason: 'the model block is not closed' };
  return {
    enumName,
    sql: conversionSql(schema, field, enumName, plan, true),
    fix: { title: `Convert to enum ${enumName}`, edits: [insert, ...retype], isPreferred: true, safe: false },
  };
}

/** A string-literal column default as the catalog keeps it (`'draft'::text`), if it could be an enum value. */
const ENUM_LIKE_DEFAULT = /^'([A-Za-z][A-Za-z0-9_-]{0,39})'(?:::[\w\s."]+(?:\(\d+\))?)?$/;

/**
 * SQL migrations: a text column of a table that is not a Prisma model with a status/role/type-like
 * name and a string default, that no CHECK (or enum type) constrains — in SQL a `CHECK (col IN (…))`
 * is a fine way to close the set, so only unconstrained columns are reported (info: only the default
 * is known).
 */
/**
 * The `--` comments of a column in its CREATE TABLE / ADD COLUMN text: the one ending its line, and
 * comment-only lines right above it.
 */
function sqlColumnComments(project: MigrationProject, site: { file: string; range: Range }): string[] {
  const m = migrationAt(project, site.file);
  if (!m) return [];
  const { text, lines } = m.file;
  const out: string[] = [];
  const line = site.range.start.line;
  const end = lines.lineEnd(line);
  for (let i = lines.offsetAt(site.range.start); i < end; ) {
    const c = text.charCodeAt(i);
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      out.push(text.slice(i + 2, end).trim());
      break;
    }
    if (c === 39 || c === 34 || c === 36 || (c === 47 && text.charCodeAt(i + 1) === 42)) {
      const e = lexemeEnd(text, i);
      if (e < 0) break;
      i = Math.max(e, i + 1);
    } else i++;
  }
  for (let l = line - 1; l >= 0; l--) {
    const t = text.slice(lines.lineStarts[l], lines.lineEnd(l)).trim();
    if (!t.startsWith('--')) break;
    out.unshift(t.replace(/^-+/, '').trim());
  }
  return out.filter((x) => x);
}

function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    for (const col of t.columns.values()) {
      if (!TEXT_TYPES.has(typeName(col))) continue;
      if (t.checks.some((c) => c.columns.includes(col.name))) continue;
      if (t.primaryKey?.columns.includes(col.name) || t.uniques.some((u) => u.columns.includes(col.name)) || t.foreignKeys.some((f) => f.columns.includes(col.name))) continue;
      const enumLike = isEnumLikeName(col.name) && !NOT_ENUM_FIELD.test(pascalCase(col.name));
      const def = col.default === undefined ? null : ENUM_LIKE_DEFAULT.exec(col.default);
      const site = columnSite(project, col);
      if (!site) continue;
      // A comment that lists the values (`-- 'pending', 'invoiced', 'paid'`), as on the Prisma side.
      const listed = valuesFromComments(sqlColumnComments(project, site), isEnumLikeName(col.name));
      if (listed && !NOT_ENUM_FIELD.test(pascalCase(col.name))) {
        const values = listed.values.map((v) => `'${v}'`).join(', ');
        report({
          ...site,
          severity: listed.complete ? 'warning' : 'info',
          message: listed.complete
            ? `\`${t.name}.${col.name}\` is free text, but its comment lists the values ${values}: nothing stops other values (a typo is stored without complaint, and code comparing values silently misses rows). Add \`CHECK (${col.name} IN (${values}))\` or an enum type.`
            : `\`${t.name}.${col.name}\` is free text whose comment gives ${listed.openReason === 'examples' ? 'example values' : 'some of its values'} (${values}). If the set of values is fixed, add a CHECK constraint or an enum type.`,
          subject: { table: t.name, column: col.name },
          data: { values: listed.values.join(', '), evidence: 'comment', ...(def ? { default: def[1] } : {}) },
        });
        continue;
      }
      if (!def || !enumLike) continue;
      report({
        ...site,
        severity: 'info',
        message: `\`${t.name}.${col.name}\` is free text with the default '${def[1]}' and a name that suggests a fixed set of values, but nothing constrains them: a typo ('${def[1].toUpperCase() === def[1] ? def[1].toLowerCase() : def[1].toUpperCase()}') is stored without complaint and code comparing values silently misses rows. If it only holds a few values, add \`CHECK (${col.name} IN (…))\` or an enum type.`,
        subject: { table: t.name, column: col.name },
        data: { values: def[1], evidence: 'default', default: def[1] },
      });
    }
  }
}

export default defineRule({
  id: 'string-enum-candidate',
  title: 'String field that is really an enum',
  category: 'Enums',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a `String` field that holds one of a fixed set of values. Evidence, strongest first: a `CHECK (col IN (...))` on its column in the migrations; a comment listing the values (`// \'user\' | \'admin\'`, `// draft, scheduled, published, failed`, `// "generation", "purchase", "refund"`, `// e.g. ACTIVE or INACTIVE`, `// lifecycle: a|b|c`, `// subscription.status, active/past_due/canceled`, a comment that is only `// yearly/monthly`; a list that ends with `etc.` or `...`, or gives examples (`e.g.`), is `info` without a fix, since the set is open); then a status/role/type/tier/state/kind/plan/level/priority/mode/stage-like name with a string `@default` (`info`, since only the default is known). The message lists the values found. Ids, URLs, keys, hashes, free text, `@unique` fields and relation scalars are never reported. Not reported for SQLite and SQL Server, where Prisma has no enums. In SQL migrations: a `text`/`varchar` column of a table that is not a Prisma model, not constrained by a CHECK (which already closes the set in SQL), whose `--` comment lists the values (on its line or the lines right above: a warning), or with such a name and a string default (`info`).',
    whyItMatters:
      'Nothing stops `"actve"` or `"Admin"` from being written: a typo in one code path creates rows that every `where: { status: "active" }` silently misses, and the TypeScript type is `string`, so the compiler cannot help. An enum makes the database reject unknown values and gives Prisma Client a union type.',
    example:
      'model Post {\n  id     Int    @id\n  status String @default("draft") // draft, scheduled, published, failed\n}\n',
    useInstead:
      'model Post {\n  id     Int        @id\n  status PostStatus @default(draft) // draft, scheduled, published, failed\n}\n\nenum PostStatus {\n  draft\n  scheduled\n  published\n  failed\n}\n',
    fixSafety:
      'Offered when the values are known (a comment lists them and the list is not open-ended). The fix adds `enum <Model><Field>` after the model (values that are not identifiers get `@map("original")`), changes the field type, rewrites `@default("x")` to `@default(x)` and removes `@db.VarChar`/`@db.Text`. It is not offered when the default is not one of the listed values. It needs a data migration: on PostgreSQL `prisma migrate dev` would drop and re-create the column (all values lost); create the migration with `--create-only` and use the `ALTER COLUMN … TYPE "Enum" USING ("col"::text::"Enum")` SQL shown in the finding instead. Rows holding a value outside the list make that statement fail, so check with `SELECT DISTINCT` first.',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema || !providerSupportsEnums(schema.provider)) return;
    const driftOn = ctx.isEnabled('enum-drift');
    const sql = ctx.input.sqlFiles?.length ? ctx.sql : null;
    let deps: readonly unknown[] | null = null;
    const depsOf = () => (deps ??= [driftOn, sql, enumDeps(schema)[0]]);
    for (const model of schema.models) {
      memoModel(schema, 'string-enum-candidate', model, depsOf, report, (report) => {
        for (const field of model.fields) {
          if (!isEnumCandidateField(field)) continue;
          const ev = enumEvidenceOf(field, sql);
          if (!ev) continue;
          if (driftOn && driftEnumFor(schema, field)) continue; // enum-drift reports it, with the existing enum
          const range = rangeOf(field.file, field.decl.type!.span);
          const where = `\`${model.name}.${field.name}\``;
          const data: Record<string, string> = { values: ev.values.join(', '), evidence: ev.source };
          if (ev.defaultValue !== null) data.default = ev.defaultValue;
          if (ev.source === 'default') {
            report({
              file: field.file.path,
              range,
              severity: 'info',
              message: `${where} is a String with the default "${ev.defaultValue}" and a name that suggests a fixed set of values. If it only ever holds a few values, list them in an enum (no fix is offered: only the default is known).`,
              subject: { model: model.name, field: field.name },
              data,
            });
            continue;
          }
          if (!ev.complete) {
            report({
              file: field.file.path,
              range,
              severity: 'info',
              message:
                ev.openReason === 'examples'
                  ? `${where} is a String whose comment gives example values (${list(ev.values)}). If the set of values is fixed, make it an enum (no fix is offered: the list is only examples).`
                  : `${where} is a String whose comment lists the values ${list(ev.values)} and says there are more. Once the set is known, make it an enum (no fix is offered for an open-ended list).`,
              subject: { model: model.name, field: field.name },
              data,
            });
            continue;
          }
          const result = convertFix(schema, field, ev.values);
          const fixes: Fix[] = [];
          let message =
            ev.source === 'check'
              ? `${where} is a String, but a CHECK constraint in the migrations allows only ${list(ev.values)}: make it an enum so Prisma Client knows the values too.`
              : `${where} is a String but its comment lists the values ${list(ev.values)}: make it an enum so the database rejects any other value.`;
          if ('reason' in result) {
            message += ` No quick fix: ${result.reason}.`;
            data.noFixReason = result.reason;
          } else {
            fixes.push(result.fix);
            data.enumName = result.enumName;
            data.migration = migrationNote(schema, field);
            data.migrationSql = result.sql;
            message += ` Converting needs a data migration (see the hover): Prisma's own migration drops the column.`;
          }
          report({ file: field.file.path, range, message, subject: { model: model.name, field: field.name }, data, fixes });
        }
      });
    }
  },
});
