import { defineRule } from '../../rule';
import { memoModel } from '../../prisma/memo';
import { rangeOf, type Field, type SchemaFile } from '../../prisma/schema';
import { appendFieldAttributeEdit } from '../../prisma/edits';
import { ownComments } from '../../prisma/naming';
import { maintainingTrigger } from '../../prisma/fix-sql-evidence';
import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';
import type { Table } from '../../sql/catalog';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import type { MigrationProject } from '../../sql/project';
import { assignsNew, maintainingTriggerOf } from '../../sql/triggers';
import { columnSite, ownSqlTables, typeName } from '../sql/columns';
import { newMigrationFix } from '../sql/new-migration';
import { migrationAt } from '../sql/util';

function isUpdatedAtName(name: string): boolean {
  return /^(updated_?at|updated_?on|modified_?at)$/i.test(name);
}

function isCreatedAtName(name: string): boolean {
  return /^created_?at$/i.test(name);
}

/** Comments that say something else maintains the column (a trigger, the database, another library). */
const MAINTAINED_ELSEWHERE = /\b(trigger|maintained by|set by|managed by|updated by the database)\b/i;

/**
 * The field's own comments may also say that its value comes from elsewhere: `synced from Stripe`,
 * `provided by the processor`, a comment that starts with `from <x>` (inbox-zero's
 * `updatedAt DateTime // from processor`), or one saying it is not the time the row changed (AFFiNE's
 * `Snapshot.updatedAt`: "will not record the time of record changed, but the created time of last seen
 * update"). `@updatedAt` / `@default(now())` would then overwrite the value the application copies in.
 * (On a model, "sent by" or "imported from" speaks of the rows, not of their timestamps.)
 */
const VALUE_FROM_ELSEWHERE =
  /^(from|via) \w|\b(provided|supplied|reported|sent|given|taken|copied|synced|synchronized|synchronised|mirrored|imported|fetched|pulled|sourced|received|comes?|coming) (by|from)\b|\bnot\b[^.]{0,40}\btime\b[^.]{0,30}\b(row|record)\b|\blast seen\b/i;

function maintainedElsewhere(field: Field): boolean {
  const says = (c: string) => MAINTAINED_ELSEWHERE.test(c);
  return ownComments(field).some((c) => says(c) || VALUE_FROM_ELSEWHERE.test(c)) || field.model.comments.some(says) || headComments(field.model.file).some(says);
}

/**
 * The comments heading a schema file, before its first block: in a multi-file schema they speak for
 * every model of the file (papermark's `jackson.prisma`: "These are managed by @boxyhq/saml-jackson").
 */
function headComments(file: SchemaFile): string[] {
  const first = file.ast.blocks[0]?.span.start ?? Infinity;
  return file.ast.comments.filter((c) => c.span.start < first).map((c) => c.text);
}

/** Date and time types a timestamp column has (`timestamp`, `timestamptz`, `date`). */
const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date']);

/**
 * The migration that adds a trigger keeping `column` of `t` current: it reuses a trigger function of
 * the migrations that already sets `NEW.<column>` (the project's `handle_updated_at()`), or creates
 * `set_<column>()` (a name not taken yet).
 */
function touchTriggerSql(project: MigrationProject, t: Table, column: string): string {
  const table = quoteQualified(t.schema, t.name);
  const trigger = quoteIdent(`set_${t.name}_${column}`.slice(0, 63));
  let fn: string | null = null;
  for (const [key, defs] of project.catalog.functions) {
    if (defs.some((d) => d.inputs.length === 0 && /^plpgsql$/i.test(d.language) && assignsNew(d, column))) {
      fn = key;
      break;
    }
  }
  let create = '';
  if (!fn) {
    const name = [`set_${column}`, `set_${t.name}_${column}`, `schema_insight_set_${t.name}_${column}`].find((n) => !project.catalog.functions.has(`${t.schema}.${n}`))!;
    fn = `${t.schema}.${name}`;
    create =
      // An empty search_path (now() is in pg_catalog, always searched): Supabase's advisor flags functions without one.
      `CREATE FUNCTION ${quoteQualified(t.schema, name)}() RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS $$\n` +
      `BEGIN\n  NEW.${quoteIdent(column)} := now();\n  RETURN NEW;\nEND;\n$$;\n\n`;
  }
  const dot = fn.indexOf('.');
  return `${create}CREATE TRIGGER ${trigger} BEFORE UPDATE ON ${table}\n  FOR EACH ROW EXECUTE FUNCTION ${quoteQualified(fn.slice(0, dot), fn.slice(dot + 1))}();\n`;
}

/**
 * SQL migrations that are not Prisma Migrate's (Prisma Client sets `@updatedAt` itself): an
 * `updated_at` timestamp column no trigger maintains, a `created_at` one without a default or trigger.
 */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    if (t.partitionOf) continue; // its parent's triggers apply
    for (const col of t.columns.values()) {
      if (col.generated || !TIME_TYPES.has(typeName(col))) continue;
      const updated = isUpdatedAtName(col.name);
      if (!updated && !(isCreatedAtName(col.name) && col.default === undefined)) continue;
      if (migrationAt(project, col.createdBy.file)?.info.kind === 'prisma') continue;
      if (maintainingTriggerOf(project, t.key, col.name)) continue;
      const site = columnSite(project, col);
      if (!site) continue;
      const where = `\`${t.name}.${col.name}\``;
      if (updated) {
        const fix = newMigrationFix(project, `${t.name}_${col.name}_trigger`, `Add a BEFORE UPDATE trigger that sets ${col.name} in a new migration`, touchTriggerSql(project, t, col.name), { isPreferred: true, safe: false });
        report({
          ...site,
          message: `${where} is not maintained: no trigger of the migrations sets it on UPDATE, so ${col.default !== undefined ? 'it keeps its insert-time default' : 'it holds only what inserts and updates write into it'} unless every update sets it by hand. Add a BEFORE UPDATE trigger that sets \`NEW.${col.name}\` (or \`moddatetime(${col.name})\`).`,
          subject: { table: t.name, column: col.name },
          data: { kind: 'updatedAt', missing: 'BEFORE UPDATE trigger' },
          fixes: fix ? [fix] : [],
        });
      } else {
        const sql = `ALTER TABLE ${quoteQualified(t.schema, t.name)} ALTER COLUMN ${quoteIdent(col.name)} SET DEFAULT now();\n`;
        const fix = newMigrationFix(project, `${t.name}_${col.name}_default`, `Set DEFAULT now() on ${col.name} in a new migration`, sql, { isPreferred: true, safe: col.notNull });
        report({
          ...site,
          message: `${where} has no default (and no trigger sets it): every insert must set it, and ${col.notNull ? 'an insert that forgets it fails' : 'rows where it was forgotten have no creation time'}. Add \`DEFAULT now()\`.`,
          subject: { table: t.name, column: col.name },
          data: { kind: 'createdAt', missing: 'DEFAULT now()' },
          fixes: fix ? [fix] : [],
        });
      }
    }
  }
}

export default defineRule({
  id: 'missing-updated-at',
  title: 'Timestamp that Prisma never sets',
  category: 'Timestamps',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports an `updatedAt`/`updated_at` `DateTime` field without `@updatedAt`, and a `createdAt`/`created_at` `DateTime` field without any `@default(...)`. Not reported when the migrations define a trigger on the table whose function assigns `NEW."updatedAt"` (or that calls `moddatetime(updated_at)`), or when comments say something else maintains it (a trigger, the database, another library: on the field, its model, or heading the model\'s schema file), or when the field\'s own comment says its value comes from elsewhere (`provided by`, `synced from`, `copied from` …, a comment starting with `from <x>`, or one saying it is not the time the row changed): `@updatedAt` or `@default(now())` would then overwrite the value the application writes. In SQL migrations not made by Prisma Migrate: an `updated_at`-like `timestamp`/`timestamptz`/`date` column of a table that is not a Prisma model when no trigger of the migrations sets it (`NEW.updated_at := now()`, `moddatetime`), and a `created_at` one with neither a default nor such a trigger.',
    whyItMatters:
      '`updatedAt DateTime @default(now())` is set once, on insert, and never again: "recently updated" lists, cache invalidation and sync jobs that read it silently work from the creation time. A `createdAt` without a default is either NULL or must be set by every insert — one forgotten code path and the row has no creation time.',
    example: 'model Post {\n  id        Int      @id\n  createdAt DateTime @default(now())\n  updatedAt DateTime @default(now())\n}\n',
    useInstead: 'model Post {\n  id        Int      @id\n  createdAt DateTime @default(now())\n  updatedAt DateTime @default(now()) @updatedAt\n}\n',
    fixSafety:
      '`@updatedAt` is applied by Prisma Client (no database change, no migration): every update through Prisma then sets the field to the current time, unless the update sets it explicitly; writes outside Prisma (raw SQL, other services) still do not. `@default(now())` adds a column default (`ALTER COLUMN … SET DEFAULT CURRENT_TIMESTAMP`). Adding the default to a required `createdAt` is safe (inserts without it failed before); on an optional one, inserts that left it NULL now get the current time. In SQL migrations the fixes add a new migration: a `BEFORE UPDATE` trigger that sets the column (reusing a trigger function of the migrations that already does, otherwise creating `set_<column>()`), or `ALTER COLUMN … SET DEFAULT now()`; the trigger also overrides values an update sets explicitly.',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema) return;
    let deps: readonly unknown[] | null = null;
    // The comments heading each file speak for its models (`headComments`).
    const depsOf = () => (deps ??= [ctx.sql, schema.files.map((f) => headComments(f).join('\n')).join('\u0000')]);
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
