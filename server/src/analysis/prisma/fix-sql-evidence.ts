/**
 * Evidence from the replayed migrations (the SQL catalogue) for the Prisma rules:
 * `CHECK (col IN (...))` value lists (string-enum-candidate, enum-drift), the enum types the
 * migrations create (enum-drift) and triggers that maintain an `updated_at` column
 * (missing-updated-at). Pure reads of `ctx.sql`; absent SQL → no evidence.
 */
import { qualify, type EnumType, type SourceRef } from '../sql/catalog';
import type { MigrationProject } from '../sql/project';
import type { Enum, Field, PrismaSchema } from './schema';
import { maintainingTriggerOf } from '../sql/triggers';

function tableOf(sql: MigrationProject, field: Field) {
  const m = field.model;
  return sql.catalog.table(m.schemaName ?? undefined, m.tableName);
}

/** The values of a `CHECK (col IN (...))` on the field's column after all migrations ran. */
export function checkValuesFor(sql: MigrationProject | null, field: Field): { values: string[]; constraint: string; source: SourceRef } | null {
  if (!sql) return null;
  const t = tableOf(sql, field);
  if (!t) return null;
  for (const c of t.checks) {
    if (c.column === field.columnName && c.values && c.values.length >= 2) {
      return { values: c.values, constraint: c.name ?? c.expr, source: c.source };
    }
  }
  return null;
}

/** How a set of database values differs from an enum's: values only the enum has, values only the database has (each in its own order). */
export interface ValueDrift {
  onlySchema: string[];
  onlyDb: string[];
}

/** The difference between the enum's database values (`@map` names) and `dbValues`; null when they are the same set. */
export function valueDrift(en: Enum, dbValues: readonly string[]): ValueDrift | null {
  const mine = new Set(en.values.map((v) => v.dbName));
  const theirs = new Set(dbValues);
  const onlySchema = [...mine].filter((v) => !theirs.has(v));
  const onlyDb = [...theirs].filter((v) => !mine.has(v));
  return onlySchema.length || onlyDb.length ? { onlySchema, onlyDb } : null;
}

/** Models without a table the migrations create that still leave the history trusted (see `historyCoversSchema`). */
const UNCOVERED_MODELS_TOLERATED = 2;

/**
 * Whether the migrations are the schema's whole history: they create a table for every model (not
 * views, types or `@@ignore`d models), but for at most two (models added in the editor whose migration
 * is not made yet). When more are missing, the folder is not the history (cut short, or the database
 * was made with `db push`), so what the migrations lack says nothing about the database.
 */
export function historyCoversSchema(sql: MigrationProject, schema: PrismaSchema): boolean {
  let missing = 0;
  for (const m of schema.models) {
    if (m.kind !== 'model' || m.isIgnored || sql.catalog.table(m.schemaName ?? undefined, m.tableName)) continue;
    if (++missing > UNCOVERED_MODELS_TOLERATED) return false;
  }
  return true;
}

/**
 * The enum type the migrations leave in the database under the enum's name (`@@map`, `@@schema`),
 * after every `CREATE TYPE … AS ENUM`, `ALTER TYPE … ADD VALUE / RENAME VALUE / RENAME TO` and
 * `DROP TYPE` ran; null when they never create it (nothing to compare).
 */
export function enumTypeFor(sql: MigrationProject | null, en: Enum): EnumType | null {
  if (!sql) return null;
  return sql.catalog.enums.get(qualify(en.schemaName, en.dbName)) ?? null;
}

/**
 * The trigger that keeps `field`'s column current on UPDATE, if any: a trigger on the table whose
 * function assigns `NEW.<column>` (PL/pgSQL), or `moddatetime(<column>)`.
 */
export function maintainingTrigger(sql: MigrationProject | null, field: Field): string | null {
  const t = sql && tableOf(sql, field);
  return t ? maintainingTriggerOf(sql, t.key, field.columnName) : null;
}
