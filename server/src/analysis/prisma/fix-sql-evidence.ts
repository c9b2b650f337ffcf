/**
 * Evidence from the replayed migrations (the SQL catalogue) for the issue-3 Prisma rules:
 * `CHECK (col IN (...))` value lists (string-enum-candidate) and triggers that maintain an
 * `updated_at` column (missing-updated-at). Pure reads of `ctx.sql`; absent SQL → no evidence.
 */
import type { MigrationProject } from '../sql/project';
import type { PgNode } from '../sql/parse';
import type { Field } from './schema';
import { escapeRegExp } from '../text';

function tableOf(sql: MigrationProject, field: Field) {
  const m = field.model;
  return sql.catalog.table(m.schemaName ?? undefined, m.tableName);
}

/** The values of a `CHECK (col IN (...))` on the field's column after all migrations ran. */
export function checkValuesFor(sql: MigrationProject | null, field: Field): { values: string[]; constraint: string; migration: string } | null {
  if (!sql) return null;
  const t = tableOf(sql, field);
  if (!t) return null;
  for (const c of t.checks) {
    if (c.column === field.columnName && c.values && c.values.length >= 2) {
      return { values: c.values, constraint: c.name ?? c.expr, migration: c.source.migration };
    }
  }
  return null;
}

function sval(n: PgNode): string | undefined {
  return n?.String?.sval;
}

/**
 * The trigger that keeps `field`'s column current on UPDATE, if any: a trigger on the table whose
 * function assigns `NEW.<column>` (PL/pgSQL), or `moddatetime(<column>)`.
 */
export function maintainingTrigger(sql: MigrationProject | null, field: Field): string | null {
  if (!sql) return null;
  const t = tableOf(sql, field);
  if (!t) return null;
  const col = field.columnName;
  const assigns = new RegExp(`\\bnew\\s*\\.\\s*(?:"${escapeRegExp(col)}"|${col.toLowerCase() === col ? col : '(?!)'})\\s*(?::=|=)`, 'i');
  for (const m of sql.migrations) {
    for (const { stmt } of m.statements) {
      if (stmt.kind !== 'CreateTrigStmt') continue;
      const n = stmt.node;
      const rel = n?.relation;
      if (!rel || rel.relname !== t.name || (rel.schemaname ?? 'public') !== t.schema) continue;
      const fname: string[] = (n.funcname ?? []).map(sval).filter((s: string | undefined): s is string => !!s);
      const args: string[] = (n.args ?? []).map(sval).filter((s: string | undefined): s is string => !!s);
      const trig = String(n.trigname ?? 'trigger');
      if (fname[fname.length - 1] === 'moddatetime' && args.includes(col)) return trig;
      const key = fname.length > 1 ? fname.join('.') : `public.${fname[0]}`;
      const defs = sql.catalog.functions.get(key) ?? [];
      if (defs.some((d) => assigns.test(d.body))) return trig;
    }
  }
  return null;
}
