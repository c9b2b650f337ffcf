import { defineRule } from '../../rule';
import { walk } from '../../sql/expr';
import type { PgNode } from '../../sql/parse';
import { funcName, INITPLAN_FUNCTIONS, tableLabel } from './rls-util';
import { migrationAt, sqlProject } from './util';

/** End (UTF-16 offset) of a call starting at `start`: past its balanced parentheses. */
export function callEnd(text: string, start: number, limit: number): number {
  let i = text.indexOf('(', start);
  if (i < 0 || i >= limit) return -1;
  let depth = 0;
  for (; i < limit; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const q = c;
      i++;
      while (i < limit && !(text[i] === q && text[i + 1] !== q)) i += text[i] === q ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export default defineRule({
  id: 'rls-initplan',
  title: 'auth.uid() called per row in a policy',
  category: 'Row Level Security',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `auth.uid()`, `auth.jwt()`, `auth.role()` and `current_setting()` called directly in a policy condition instead of wrapped in a scalar subquery `(select auth.uid())`, also inside a subquery\'s WHERE (`exists (select 1 from members m where m.user_id = auth.uid())`), where it runs for every row the subquery reads. A call in a subquery\'s select list (`(select has_role(auth.uid()))`) already runs once, unless the subquery reads a column of the row (`(select auth.uid() = notes.user_id)`, as Drizzle writes it): that one runs for every row.',
    whyItMatters:
      'A direct call is evaluated once for every row the query touches; wrapped in `(select …)` PostgreSQL evaluates it once per statement (an InitPlan) and caches the result. On tables with many rows Supabase measured policies becoming 100× faster; a `select count(*)` that times out becomes instant.',
    example:
      '-- file: supabase/migrations/20240101000000_notes.sql\nCREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Own notes" ON notes FOR SELECT TO authenticated USING (auth.uid() = user_id);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_notes.sql\nCREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Own notes" ON notes FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);\n',
    fixSafety:
      'Wraps the call as `(select auth.uid())`. Same result (the functions are stable within a statement), no data change. If the migration was already applied, the change only takes effect through a new migration that recreates the policy.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const t of project.catalog.policyTables()) {
      for (const p of t.policies.values()) {
        const seen = new Set<number>();
        for (const [expr, from] of [
          [p.using, p.usingFrom],
          [p.withCheck, p.withCheckFrom],
        ] as const) {
          if (!expr || !from) continue;
          const m = migrationAt(project, from.ref.file);
          if (!m) continue;
          const calls: PgNode[] = [];
          const perRow = correlatedSelectListCalls(expr);
          walk({ root: expr }, (kind, v, parents) => {
            if (kind === 'FuncCall' && INITPLAN_FUNCTIONS.has(funcName(v)) && (!evaluatedOnce(parents) || perRow.has(v))) calls.push(v);
          });
          for (const call of calls) {
            const start = m.file.offsetOf(call.location, from.stmt.byteBase);
            if (seen.has(start) || start < from.stmt.start || start > from.stmt.end) continue;
            seen.add(start);
            const end = callEnd(m.file.text, start, from.stmt.end);
            if (end < 0) continue;
            const range = m.file.lines.range(start, end);
            const callText = m.file.text.slice(start, end);
            report({
              file: m.path,
              range,
              anchorLine: from.stmt.range.start.line,
              migration: m.label,
              message: `\`${callText}\` in policy \`${p.name}\` on \`${tableLabel(t)}\` is evaluated for every row; wrap it as \`(select ${callText})\` so PostgreSQL evaluates it once per statement.`,
              subject: { table: t.name, policy: p.name },
              fixes: [
                {
                  title: `Wrap as (select ${callText})`,
                  edits: [{ file: m.path, range, newText: `(select ${callText})` }],
                  isPreferred: true,
                  safe: true,
                },
              ],
            });
          }
        }
      }
    }
  },
});

/**
 * Whether a call is in the select list of a subquery (`(select auth.uid())`, `(select has_role(auth.uid()))`):
 * PostgreSQL runs such an uncorrelated subquery once, as an initplan. A call in a subquery's WHERE
 * (`exists (select 1 from members m where m.user_id = auth.uid() and …)`) runs for every row the
 * subquery reads, for every row of the table.
 */
function evaluatedOnce(parents: string[]): boolean {
  const k = parents.lastIndexOf('SelectStmt');
  return k > 0 && parents[k - 1] === 'SubLink' && parents[k + 1] === 'ResTarget';
}

/**
 * The calls in the select list of a subquery without FROM that reads a column (`(select auth.uid() =
 * notes.user_id)`, Drizzle's wrapping of a whole comparison): the column is the outer row's, so the
 * subquery is correlated and PostgreSQL runs it (and the call) for every row, as a SubPlan.
 */
function correlatedSelectListCalls(expr: PgNode): Set<PgNode> {
  const out = new Set<PgNode>();
  walk({ root: expr }, (kind, v) => {
    if (kind !== 'SelectStmt' || v.fromClause?.length) return;
    let readsColumn = false;
    walk({ root: v.targetList }, (k) => {
      if (k === 'ColumnRef') readsColumn = true;
    });
    // A call in a subquery of its own (`(select (select auth.uid()) = notes.user_id)`) is that one's.
    if (readsColumn) walk({ root: v.targetList }, (k, call, parents) => {
      if (k === 'FuncCall' && !parents.includes('SelectStmt')) out.add(call);
    });
  });
  return out;
}
