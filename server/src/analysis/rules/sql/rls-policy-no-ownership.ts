import { defineRule } from '../../rule';
import { exprText, names, walk } from '../../sql/expr';
import type { Policy, Table } from '../../sql/catalog';
import type { PgNode } from '../../sql/parse';
import { appliesToClients, isCallerNullTest, isConstFalse, isConstTrue, referencesCaller, startLocation, uncheckedPart, tableLabel } from './rls-util';
import { findInStatement, headRange, migrationAt, rangeFromMatch, sqlProject, tokenRange } from './util';

const PER_USER_ROLES = new Set(['authenticated', 'public']);
/** Roles a read policy's `auth.uid() IS NULL` branch opens every row to. */
const READ_ROLES = new Set(['anon', 'authenticated', 'public']);

export default defineRule({
  id: 'rls-policy-no-ownership',
  title: 'Per-user policy that never checks who the caller is',
  category: 'Row Level Security',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports an INSERT/UPDATE/DELETE/ALL policy for `authenticated` or `public` whose `USING` and `WITH CHECK` conditions never compare anything with the caller: no `auth.uid()`, `auth.jwt()`, `current_user` or `current_setting(\'request.jwt.claims\' …)` (not `current_setting(\'request.headers\' …)`: the client sends whatever headers it likes), directly or through a function defined in the migrations (in its body, read as a condition is: a helper that only returns `auth.uid() IS NOT NULL` or `auth.role() = \'authenticated\'` checks no owner; or as the default of a parameter the call leaves out: `is_admin(uid uuid DEFAULT auth.uid())` called as `is_admin()`), or through a subquery over a table whose own RLS policies show each caller only their rows — or that check the caller in only one branch of an OR (`USING (user_id = auth.uid() OR invite_token IS NOT NULL)`: the other branch lets every caller through). Functions the migrations do not define are given the benefit of the doubt (not Supabase Storage\'s path helpers such as `storage.foldername`). Constant `true` conditions are `rls-policy-always-true`\'s business. The clause that decides which rows a command may touch is checked: `USING` for UPDATE and DELETE (a caller check in an UPDATE\'s `WITH CHECK` does not stop anyone from updating rows its `USING` lets through; without `USING` no row is open to them), `WITH CHECK` for INSERT, both for ALL. `auth.uid() IS NOT NULL` (or `(select auth.uid()) IS NOT NULL`) only says someone is signed in: it is no caller check, and neither is a test of the caller\'s role against the roles every API client has (`auth.role() = \'authenticated\'`, `current_role IN (\'anon\', \'authenticated\')`, `auth.jwt() ->> \'role\' = \'authenticated\'`: the same as `TO authenticated`); `NOT (user_id = auth.uid())` and `user_id <> auth.uid()` let every other caller through; each WHEN of a CASE (and its ELSE) is a way through of its own, also in a simple `CASE visibility WHEN \'public\' THEN …`. Read (SELECT) policies are often public on purpose and are reported in one shape only: a caller check beside an OR branch that is true when there is no caller (`USING (auth.uid() IS NULL OR owner_id = auth.uid())`, also with `current_setting(\'request.jwt.claim.sub\', true) IS NULL` or a user claim such as `(auth.jwt() ->> \'sub\') IS NULL`), which lets every request without a signed-in user (the anon key) read every row. Not reported: restrictive policies (they only narrow what permissive ones grant) and clauses that are `false` or NULL (they let nothing through). Also reported, for any policy for `anon`, `authenticated` or `public` and any command: a column compared with itself (`tm.team_id = tm.team_id`, or `team_id = team_id` inside a subquery, where both names are the subquery\'s column), which is true on every row where it is set: a membership check written that way lets a member of any team through on every row.',
    whyItMatters:
      'A condition such as `USING (user_hash IS NOT NULL)` looks like a restriction but is the same for every caller: any signed-in user can update every row that has an owner — somebody else\'s profile, order or API key.',
    example:
      '-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE profiles (id uuid PRIMARY KEY, user_hash text, bio text);\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Update profiles" ON profiles FOR UPDATE TO authenticated USING (user_hash IS NOT NULL);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE profiles (id uuid PRIMARY KEY, user_hash text, bio text);\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Update own profile" ON profiles FOR UPDATE TO authenticated USING ((select auth.uid()) = id);\n',
    fixSafety: 'No automatic fix: which column identifies the owner is a modelling decision.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    const catalog = project.catalog;
    /** Where a finding about one branch of a condition goes (its first token, in the statement that wrote the clause), and the branch's text. */
    const branchSite = (from: NonNullable<Policy['usingFrom']>, node: PgNode) => {
      const m = migrationAt(project, from.ref.file);
      if (!m) return null;
      const at = startLocation(node);
      const site = {
        file: m.path,
        range: at !== undefined ? tokenRange(m.file, from.stmt, at) : headRange(m.file, from.stmt),
        anchorLine: from.stmt.range.start.line,
        migration: m.label,
      };
      return { site, text: exprText(node) };
    };
    /**
     * A read policy is often public on purpose, so only one shape is reported: a caller check next to
     * an OR branch that is true when there is no caller (`auth.uid() IS NULL OR owner_id = auth.uid()`),
     * which opens every row to every request without a signed-in user (anon key, expired session).
     */
    const readPolicy = (p: Policy, t: Table) => {
      if (!p.using || !p.roles.some((r) => READ_ROLES.has(r)) || !referencesCaller(p.using, catalog, 0, p.roles)) return;
      const branch = nullBranch(p.using);
      if (!branch) return;
      const at = branchSite(p.usingFrom ?? { stmt: p.statement, ref: p.source }, branch);
      if (!at) return;
      const { site, text } = at;
      report({
        ...site,
        message: `Policy \`${p.name}\` on \`${tableLabel(t)}\` (SELECT for ${p.roles.join(', ')}) checks the caller, but its branch \`${text}\` is true for every request without a signed-in user: those read every row (\`USING (${p.usingText})\`). Use \`IS NOT NULL AND …\`, or drop the branch.`,
        subject: { table: t.name, policy: p.name },
        data: { condition: `USING (${p.usingText})`, uncheckedBranch: text },
      });
    };
    /**
     * A column compared with itself (`tm.team_id = tm.team_id`, or `team_id = team_id` inside a
     * subquery, where both names resolve to the subquery's table): true on every row where it is set,
     * so what the condition looks like it ties to the guarded row ties nothing. Any policy for API
     * clients, any command.
     */
    const selfComparisons = (p: Policy, t: Table) => {
      for (const [clause, expr, from] of [['USING', p.using, p.usingFrom], ['WITH CHECK', p.withCheck, p.withCheckFrom]] as const) {
        if (!expr) continue;
        walk(expr, (kind, v, parents) => {
          const pair = kind === 'A_Expr' && selfCompared(v);
          if (!pair) return;
          const at = branchSite(from ?? { stmt: p.statement, ref: p.source }, { A_Expr: v });
          if (!at) return;
          const column = pair[pair.length - 1];
          // Inside a subquery, the likely intent: one side was the guarded row's column.
          const meant = parents.includes('SubLink') && t.columns.has(column) ? ` It probably meant to compare with the guarded row's \`${column}\`.` : '';
          report({
            ...at.site,
            message: `Policy \`${p.name}\` on \`${tableLabel(t)}\` (${p.command.toUpperCase()} for ${p.roles.join(', ')}) compares \`${pair.join('.')}\` with itself in its ${clause}: \`${at.text}\` is true on every row where it is set, so it ties nothing to the row the policy guards.${meant}`,
            subject: { table: t.name, policy: p.name },
            data: { condition: `${clause} (${clause === 'USING' ? p.usingText : p.withCheckText})`, selfComparison: at.text },
          });
        });
      }
    };
    for (const t of catalog.policyTables()) {
      for (const p of t.policies.values()) {
        if (appliesToClients(p)) selfComparisons(p, t);
        // A restrictive policy only narrows what permissive ones grant.
        if (!p.permissive) continue;
        if (p.command === 'select') {
          readPolicy(p, t);
          continue;
        }
        if (!p.roles.some((r) => PER_USER_ROLES.has(r))) continue;
        if (!p.using && !p.withCheck) continue;
        // The clause that decides which rows each command may touch: USING for UPDATE and DELETE (an
        // UPDATE's WITH CHECK only limits what a row may become; without USING a permissive policy
        // lets no existing row through), WITH CHECK for INSERT (USING when it has none, as in
        // PostgreSQL); ALL has both paths.
        const using = p.using ? { clause: 'USING', expr: p.using, from: p.usingFrom, verb: p.command === 'all' ? 'read, update and delete' : p.command } : null;
        const check = p.withCheck ? { clause: 'WITH CHECK', expr: p.withCheck, from: p.withCheckFrom, verb: 'insert' } : using && { ...using, verb: 'insert' };
        const gates = p.command === 'insert' ? [check] : p.command === 'all' ? [using, check] : [using];
        let gap: { node: PgNode; gate: NonNullable<typeof using> } | null = null;
        for (const g of gates) {
          // `true` is rls-policy-always-true's finding; `false` lets nothing through.
          if (!g || gap || isConstTrue(g.expr) || isConstFalse(g.expr)) continue;
          const node = uncheckedPart(g.expr, catalog, 0, p.roles);
          if (node) gap = { node, gate: g };
        }
        if (!gap) continue;
        const cond = [p.usingText && `USING (${p.usingText})`, p.withCheckText && `WITH CHECK (${p.withCheckText})`].filter(Boolean).join(' ');
        const verb = gap.gate.verb;
        const head = `Policy \`${p.name}\` on \`${tableLabel(t)}\` (${p.command.toUpperCase()} for ${p.roles.join(', ')})`;
        if (!referencesCaller(p.using, catalog, 0, p.roles) && !referencesCaller(p.withCheck, catalog, 0, p.roles)) {
          const m = migrationAt(project, p.source.file);
          if (!m) continue;
          const stmt = p.statement;
          report({
            file: m.path,
            range: rangeFromMatch(m.file, stmt, findInStatement(stmt, /\b(USING|WITH\s+CHECK)\b/i)),
            anchorLine: stmt.range.start.line,
            migration: m.label,
            message: `${head} never compares a column with the caller: \`${cond}\` is the same for every user, so any user can ${verb} every matching row.`,
            subject: { table: t.name, policy: p.name },
            data: { condition: cond },
          });
          continue;
        }
        // The caller is checked somewhere, but not on every way through the deciding clause (an OR
        // branch, or the other clause of an UPDATE): reported where that clause was written.
        const at = branchSite(gap.gate.from ?? { stmt: p.statement, ref: p.source }, gap.node);
        if (!at) continue;
        const { site, text } = at;
        report({
          ...site,
          message: `${head} checks the caller, but not on every way through its ${gap.gate.clause}: rows matching \`${text}\` pass without a caller check, so any user can ${verb} every such row (\`${cond}\`).`,
          subject: { table: t.name, policy: p.name },
          data: { condition: cond, uncheckedBranch: text },
        });
      }
    }
  },
});

/** The column of `a = a` (both sides the same column reference, as written), or null. */
function selfCompared(e: PgNode): string[] | null {
  if (e.kind !== 'AEXPR_OP' || names(e.name).join('.') !== '=') return null;
  const l = e.lexpr?.ColumnRef?.fields;
  const r = e.rexpr?.ColumnRef?.fields;
  if (!l || !r) return null;
  const a = names(l);
  const b = names(r);
  return a.length > 0 && a.length === b.length && a.every((x, i) => x === b[i]) ? a : null;
}

/** A top-level OR branch of a condition that is `<caller> IS NULL` (through nested ORs), or null. */
function nullBranch(e: PgNode): PgNode | null {
  const b = e.BoolExpr;
  if (b?.boolop === 'OR_EXPR') {
    for (const a of b.args ?? []) {
      const n = nullBranch(a);
      if (n) return n;
    }
    return null;
  }
  return isCallerNullTest(e) ? e : null;
}
