import { defineRule } from '../../rule';
import { exprText } from '../../sql/expr';
import { appliesToClients, isConstFalse, isConstTrue, startLocation, tableLabel } from './rls-util';
import { migrationAt, sqlProject, tokenRange } from './util';

export default defineRule({
  id: 'rls-policy-always-true',
  title: 'Write policy for clients that allows every row',
  category: 'Row Level Security',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports a policy for `anon`, `authenticated` or `public` (no `TO` clause) covering INSERT, UPDATE, DELETE or ALL whose `USING` or `WITH CHECK` is the constant `true`, or a condition that is true whatever the row and the caller (`1 = 1`, `NOT false`, `true OR …`). Read-only (`FOR SELECT`) policies with `USING (true)` are a normal way to publish data and are not reported, nor are restrictive policies (`AS RESTRICTIVE` only narrows what permissive ones grant) and UPDATE policies whose other clause is `false` (they update nothing).',
    whyItMatters:
      'The policy turns row level security off for writes: any signed-in user (or, for `anon`/`public`, anyone with the anon key) can update or delete every row, including other users\' data, with one API call.',
    example:
      "-- file: supabase/migrations/20240101000000_todos.sql\nCREATE TABLE todos (id bigint PRIMARY KEY, user_id uuid NOT NULL, task text);\nALTER TABLE todos ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"Users update todos\" ON todos FOR UPDATE TO authenticated USING (true);\n",
    useInstead:
      "-- file: supabase/migrations/20240101000000_todos.sql\nCREATE TABLE todos (id bigint PRIMARY KEY, user_id uuid NOT NULL, task text);\nALTER TABLE todos ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"Users update own todos\" ON todos FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);\n",
    fixSafety: 'No automatic fix: the ownership condition depends on your data model.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const t of project.catalog.policyTables()) {
      for (const p of t.policies.values()) {
        if (p.command === 'select' || !appliesToClients(p)) continue;
        // A restrictive `true` narrows nothing and grants nothing.
        if (!p.permissive) continue;
        for (const [clause, expr, from, other] of [
          ['USING', p.using, p.usingFrom, p.withCheck],
          ['WITH CHECK', p.withCheck, p.withCheckFrom, p.using],
        ] as const) {
          if (!isConstTrue(expr) || !from) continue;
          // An UPDATE must pass both clauses: with the other one `false` it touches no row, and without
          // USING no existing row is open to it. (ALL still deletes through USING and inserts through
          // WITH CHECK alone.)
          if (p.command === 'update' && (isConstFalse(other) || !p.using)) continue;
          const what =
            clause === 'USING'
              ? p.command === 'all'
                ? isConstFalse(p.withCheck)
                  ? 'read and delete every row'
                  : p.withCheck
                    ? 'read, update and delete every row'
                    : // Without WITH CHECK, USING checks the new rows too: it lets every row in.
                      'read, insert, update and delete every row'
                : `${p.command} every row`
              : p.command === 'update'
                ? 'write any values into the rows it may update'
                : 'insert any row';
          const m = migrationAt(project, from.ref.file);
          if (!m) continue;
          let e = expr;
          while (e?.TypeCast) e = e.TypeCast.arg;
          // `true` itself, or a condition that is true whatever the row (`1 = 1`, `NOT false`).
          const literal = !!e?.A_Const;
          report({
            file: m.path,
            range: tokenRange(m.file, from.stmt, literal ? e.A_Const.location : startLocation(expr)),
            anchorLine: from.stmt.range.start.line,
            migration: m.label,
            message: `Policy \`${p.name}\` on \`${tableLabel(t)}\` lets ${p.roles.join(', ')} ${what}: its ${clause} is ${literal ? '`true`' : `\`${exprText(expr)}\`, which is always true`}.`,
            subject: { table: t.name, policy: p.name },
            data: { clause, roles: p.roles.join(', '), command: p.command },
          });
        }
      }
    }
  },
});
