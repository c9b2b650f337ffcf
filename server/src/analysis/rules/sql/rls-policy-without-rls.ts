import { defineRule } from '../../rule';
import { policiesInOrder, tableLabel } from './rls-util';
import { headRange, insertAfterStatement, migrationAt, relationText, sqlProject } from './util';

export default defineRule({
  id: 'rls-policy-without-rls',
  title: 'Policies on a table whose row level security is off',
  category: 'Row Level Security',
  defaultSeverity: 'error',
  language: 'sql',
  docs: {
    whatItDoes:
      'In Supabase projects, reports a table that has policies (`CREATE POLICY`) while row level security is not enabled on it at the end of the migrations (never enabled, or disabled again later).',
    whyItMatters:
      'Policies are only evaluated when RLS is enabled. The author believes the table is protected — the policies are visible in the dashboard — while every API client can read and modify all rows.',
    example:
      '-- file: supabase/migrations/20240101000000_notes.sql\nCREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid NOT NULL, body text);\nCREATE POLICY "Own notes" ON notes FOR ALL TO authenticated USING ((select auth.uid()) = user_id);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_notes.sql\nCREATE TABLE notes (id bigint PRIMARY KEY, user_id uuid NOT NULL, body text);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Own notes" ON notes FOR ALL TO authenticated USING ((select auth.uid()) = user_id);\n',
    fixSafety:
      'Inserts `ALTER TABLE … ENABLE ROW LEVEL SECURITY;` after the first policy. Behaviour changes as intended: from then on only rows the policies allow are visible to API clients.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project || !project.supabase) return;
    for (const t of project.catalog.tables.values()) {
      if (t.rls || !t.policies.size) continue;
      const first = policiesInOrder(t)[0];
      const m = migrationAt(project, first.source.file);
      if (!m) continue;
      const stmt = first.statement;
      const disabled = t.rlsSource ? ` (migration \`${t.rlsSource.migration}\` disables it)` : '';
      // Outside the schemas the API exposes, only roles connecting to the database directly reach it.
      const exposed = t.schema === 'public' || project.exposedSchemas.has(t.schema);
      report({
        file: m.path,
        range: headRange(m.file, stmt),
        anchorLine: stmt.range.start.line,
        migration: m.label,
        message: `Table \`${tableLabel(t)}\` has ${t.policies.size} polic${t.policies.size === 1 ? 'y' : 'ies'} but row level security is not enabled${disabled}: the policies do nothing and ${exposed ? 'every API client can read and write all rows' : `every role with privileges on it reads and writes all rows (the \`${t.schema}\` schema is not exposed through the API)`}.`,
        subject: { table: t.name, policy: first.name },
        fixes: [
          {
            title: `Enable row level security on ${tableLabel(t)}`,
            edits: [insertAfterStatement(m.file, stmt, `ALTER TABLE ${relationText(stmt.node.table)} ENABLE ROW LEVEL SECURITY;`)],
            isPreferred: true,
            safe: false,
          },
        ],
      });
    }
  },
});
