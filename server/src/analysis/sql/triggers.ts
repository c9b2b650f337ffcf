/**
 * Triggers the migrations create, and whether one keeps a column current (an `updated_at` set on
 * every UPDATE): read by missing-updated-at on both the Prisma and the SQL side.
 */
import type { FunctionDef } from './catalog';
import type { PgNode } from './parse';
import type { MigrationProject } from './project';
import { escapeRegExp } from '../text';

export interface TriggerUse {
  name: string;
  /** Key of the trigger function (`schema.name`). */
  fn: string;
  /** Literal arguments (`moddatetime(updated_at)`). */
  args: string[];
}

/** Per project: table key → the triggers the migrations create on it (in order). */
const made = new WeakMap<MigrationProject, Map<string, TriggerUse[]>>();

function triggersByTable(project: MigrationProject): Map<string, TriggerUse[]> {
  let out = made.get(project);
  if (out) return out;
  out = new Map<string, TriggerUse[]>();
  for (const m of project.migrations) {
    for (const { stmt } of m.statements) {
      if (stmt.kind !== 'CreateTrigStmt') continue;
      const n = stmt.node;
      const rel = n?.relation;
      if (!rel?.relname) continue;
      const key = `${rel.schemaname ?? 'public'}.${rel.relname}`;
      const fname: string[] = (n.funcname ?? []).map(sval).filter((s: string | undefined): s is string => !!s);
      if (!fname.length) continue;
      const use = {
        name: String(n.trigname ?? 'trigger'),
        fn: fname.length > 1 ? fname.join('.') : `public.${fname[0]}`,
        args: (n.args ?? []).map(sval).filter((s: string | undefined): s is string => !!s),
      };
      const list = out.get(key);
      if (list) list.push(use);
      else out.set(key, [use]);
    }
  }
  made.set(project, out);
  return out;
}

function sval(n: PgNode): string | undefined {
  return n?.String?.sval;
}

/** Whether a function body assigns `NEW.<column>` (PL/pgSQL `:=` or `=`). */
export function assignsNew(fn: FunctionDef, column: string): boolean {
  const quoted = `"${escapeRegExp(column)}"`;
  const bare = column.toLowerCase() === column && /^[a-z_][a-z0-9_$]*$/.test(column) ? `|${escapeRegExp(column)}` : '';
  return new RegExp(`\\bnew\\s*\\.\\s*(?:${quoted}${bare})\\s*:?=`, 'i').test(fn.body);
}

/**
 * The trigger that keeps `column` of table `tableKey` current, if the migrations create one: a
 * trigger whose function assigns `NEW.<column>`, or `moddatetime(<column>)`.
 */
export function maintainingTriggerOf(project: MigrationProject, tableKey: string, column: string): string | null {
  for (const t of triggersByTable(project).get(tableKey) ?? []) {
    if (t.fn.endsWith('.moddatetime') && t.args.includes(column)) return t.name;
    if ((project.catalog.functions.get(t.fn) ?? []).some((d) => assignsNew(d, column))) return t.name;
  }
  return null;
}
