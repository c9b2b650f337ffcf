import { defineRule } from '../../rule';
import type { Policy } from '../../sql/catalog';
import { MANAGED_SCHEMAS } from './columns';
import { commandsOf, policiesInOrder, tableLabel } from './rls-util';
import { headRange, migrationAt, sqlProject } from './util';

const BYPASS_RLS = new Set(['service_role', 'postgres', 'supabase_admin']);

export default defineRule({
  id: 'rls-multiple-permissive',
  title: 'Several permissive policies for the same role and command',
  category: 'Row Level Security',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports a permissive policy that applies to the same role and command (SELECT/INSERT/UPDATE/DELETE, with `FOR ALL` covering all four and `public` every role) as an earlier permissive policy on the same table. In Supabase projects the tables of the platform schemas (`storage`, `auth`, `realtime` …) that the migrations do not create are left out, as the Supabase database linter (Splinter) does: `storage.objects` gets one policy per bucket by design.',
    whyItMatters:
      'Permissive policies are OR-ed: PostgreSQL evaluates every one of them for every row, so each extra policy adds its full cost (subqueries included) to every query. Overlapping policies are also how an unintended broad policy quietly widens access granted by a narrow one.',
    example:
      '-- file: supabase/migrations/20240101000000_posts.sql\nCREATE TABLE posts (id bigint PRIMARY KEY, author_id uuid NOT NULL, published boolean NOT NULL DEFAULT false);\nALTER TABLE posts ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Authors read own posts" ON posts FOR SELECT TO authenticated USING ((select auth.uid()) = author_id);\nCREATE POLICY "Read published posts" ON posts FOR SELECT TO authenticated USING (published);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_posts.sql\nCREATE TABLE posts (id bigint PRIMARY KEY, author_id uuid NOT NULL, published boolean NOT NULL DEFAULT false);\nALTER TABLE posts ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Read own or published posts" ON posts FOR SELECT TO authenticated USING (published OR (select auth.uid()) = author_id);\n',
    fixSafety: 'No automatic fix: merge the conditions with OR into one policy per role and command.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const t of project.catalog.policyTables()) {
      // Tables of Supabase's platform schemas the migrations only give policies to: storage.objects
      // gets one policy per bucket by design (Splinter's multiple_permissive_policies skips them too).
      if (project.supabase && MANAGED_SCHEMAS.has(t.schema) && project.catalog.foreignTables.get(t.key) === t) continue;
      const policies = policiesInOrder(t).filter((p) => p.permissive);
      if (policies.length < 2) continue;
      // Roles that bypass RLS (Supabase's service_role, superusers) never evaluate policies.
      const roles = new Set<string>(project.supabase ? ['anon', 'authenticated'] : ['public']);
      for (const p of policies) for (const r of p.roles) if (r !== 'public' && !BYPASS_RLS.has(r)) roles.add(r);
      const applies = (p: Policy, role: string) => p.roles.includes(role) || p.roles.includes('public');
      for (let i = 1; i < policies.length; i++) {
        const p = policies[i];
        const overlaps: string[] = [];
        const others = new Set<string>();
        for (const cmd of commandsOf(p)) {
          for (const role of roles) {
            if (!applies(p, role)) continue;
            const earlier = policies.slice(0, i).filter((q) => applies(q, role) && commandsOf(q).includes(cmd));
            if (!earlier.length) continue;
            overlaps.push(`${cmd.toUpperCase()} for ${role}`);
            for (const q of earlier) others.add(q.name);
          }
        }
        if (!overlaps.length) continue;
        const m = migrationAt(project, p.source.file);
        if (!m) continue;
        report({
          file: m.path,
          range: headRange(m.file, p.statement),
          anchorLine: p.statement.range.start.line,
          migration: m.label,
          message: `Policy \`${p.name}\` on \`${tableLabel(t)}\` is one more permissive policy for ${overlaps.slice(0, 4).join(', ')}${overlaps.length > 4 ? ` and ${overlaps.length - 4} more` : ''} (with ${[...others].map((n) => `\`${n}\``).join(', ')}): all of them are evaluated for every row.`,
          subject: { table: t.name, policy: p.name },
        });
      }
    }
  },
});
