import { defineRule } from '../../rule';
import { isConstFalse, isConstTrue, referencesCaller } from './rls-util';
import { findInStatement, migrationAt, rangeFromMatch, sqlProject } from './util';

const PER_USER_ROLES = new Set(['authenticated', 'public']);

export default defineRule({
  id: 'rls-policy-no-ownership',
  title: 'Per-user policy that never checks who the caller is',
  category: 'Row Level Security',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports an INSERT/UPDATE/DELETE/ALL policy for `authenticated` or `public` whose `USING` and `WITH CHECK` conditions never compare anything with the caller: no `auth.uid()`, `auth.jwt()`, `current_user` or `current_setting(\'request.jwt.claims\' …)`, directly or through a function defined in the migrations. Functions the migrations do not define are given the benefit of the doubt. Constant `true` conditions are `rls-policy-always-true`\'s business. Not reported: restrictive policies (they only narrow what permissive ones grant) and deny-all policies whose `USING` or `WITH CHECK` is `false`.',
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
        if (referencesCaller(p.using, catalog) || referencesCaller(p.withCheck, catalog)) continue;
        const m = migrationAt(project, p.source.file);
        if (!m) continue;
        const stmt = p.statement;
        const at = findInStatement(stmt, /\b(USING|WITH\s+CHECK)\b/i);
        const range = rangeFromMatch(m.file, stmt, at);
        const cond = [p.usingText && `USING (${p.usingText})`, p.withCheckText && `WITH CHECK (${p.withCheckText})`].filter(Boolean).join(' ');
        report({
          file: m.path,
          range,
          anchorLine: stmt.range.start.line,
          migration: m.label,
          message: `Policy \`${p.name}\` on \`${t.name}\` (${p.command.toUpperCase()} for ${p.roles.join(', ')}) never compares a column with the caller: \`${cond}\` is the same for every user, so any user can ${p.command === 'all' ? 'modify' : p.command} every matching row.`,
          subject: { table: t.name, policy: p.name },
          data: { condition: cond },
        });
      }
    }
  },
});
