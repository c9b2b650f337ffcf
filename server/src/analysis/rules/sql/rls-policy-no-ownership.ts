import { defineRule } from '../../rule';
import { exprText } from '../../sql/expr';
import { isConstFalse, isConstTrue, startLocation, uncheckedPart } from './rls-util';
import { findInStatement, migrationAt, rangeFromMatch, sqlProject, tokenRange } from './util';

const PER_USER_ROLES = new Set(['authenticated', 'public']);

export default defineRule({
  id: 'rls-policy-no-ownership',
  title: 'Per-user policy that never checks who the caller is',
  category: 'Row Level Security',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports an INSERT/UPDATE/DELETE/ALL policy for `authenticated` or `public` whose `USING` and `WITH CHECK` conditions never compare anything with the caller: no `auth.uid()`, `auth.jwt()`, `current_user` or `current_setting(\'request.jwt.claims\' …)`, directly or through a function defined in the migrations (in its body, or as the default of a parameter the call leaves out: `is_admin(uid uuid DEFAULT auth.uid())` called as `is_admin()`) — or that check the caller in only one branch of an OR (`USING (user_id = auth.uid() OR invite_token IS NOT NULL)`: the other branch lets every caller through). Functions the migrations do not define are given the benefit of the doubt. Constant `true` conditions are `rls-policy-always-true`\'s business. Not reported: restrictive policies (they only narrow what permissive ones grant) and deny-all policies whose `USING` or `WITH CHECK` is `false`.',
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
    for (const t of catalog.tables.values()) {
      for (const p of t.policies.values()) {
        if (p.command === 'select' || !p.roles.some((r) => PER_USER_ROLES.has(r))) continue;
        if (!p.using && !p.withCheck) continue;
        if (isConstTrue(p.using) || isConstTrue(p.withCheck)) continue;
        // A restrictive policy only narrows what permissive ones grant; a condition that never holds grants nothing.
        if (!p.permissive || isConstFalse(p.using) || isConstFalse(p.withCheck)) continue;
        // What lets a row through each clause without a caller check (an absent clause checks nothing).
        const usingGap = p.using && uncheckedPart(p.using, catalog);
        const checkGap = p.withCheck && uncheckedPart(p.withCheck, catalog);
        if ((p.using && !usingGap) || (p.withCheck && !checkGap)) continue;
        const m = migrationAt(project, p.source.file);
        if (!m) continue;
        const stmt = p.statement;
        const cond = [p.usingText && `USING (${p.usingText})`, p.withCheckText && `WITH CHECK (${p.withCheckText})`].filter(Boolean).join(' ');
        const verb = p.command === 'all' ? 'modify' : p.command;
        // The condition checks the caller in one OR branch, but another lets every caller through.
        const branch = usingGap && usingGap !== p.using ? { node: usingGap, from: p.usingFrom } : checkGap && checkGap !== p.withCheck ? { node: checkGap, from: p.withCheckFrom } : null;
        const at = branch?.from && migrationAt(project, branch.from.ref.file) === m ? startLocation(branch.node) : undefined;
        const range = branch?.from && at !== undefined ? tokenRange(m.file, branch.from.stmt, at) : rangeFromMatch(m.file, stmt, findInStatement(stmt, /\b(USING|WITH\s+CHECK)\b/i));
        report({
          file: m.path,
          range,
          anchorLine: stmt.range.start.line,
          migration: m.label,
          message: branch
            ? `Policy \`${p.name}\` on \`${t.name}\` (${p.command.toUpperCase()} for ${p.roles.join(', ')}) checks the caller in one branch of an OR, but the branch \`${exprText(branch.node)}\` never does: any user can ${verb} every row it matches (\`${cond}\`).`
            : `Policy \`${p.name}\` on \`${t.name}\` (${p.command.toUpperCase()} for ${p.roles.join(', ')}) never compares a column with the caller: \`${cond}\` is the same for every user, so any user can ${verb} every matching row.`,
          subject: { table: t.name, policy: p.name },
          data: { condition: cond, ...(branch ? { uncheckedBranch: exprText(branch.node) } : {}) },
        });
      }
    }
  },
});
