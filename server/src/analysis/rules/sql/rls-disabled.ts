import { defineRule } from '../../rule';
import { displayName, migrationAt, relationText } from './util';
import { headRange, insertAfterStatement, sqlProject } from './util';

export default defineRule({
  id: 'rls-disabled',
  title: 'Exposed table without row level security',
  category: 'Row Level Security',
  defaultSeverity: 'error',
  language: 'sql',
  docs: {
    whatItDoes:
      'In Supabase projects (a `supabase/migrations` folder, or migrations that use the `auth` schema), reports each table of an exposed schema — `public`, and those `supabase/config.toml` lists in its `[api]` `schemas` — (partitions included: each has its own setting) on which row level security is not enabled by the end of the history: never enabled (reported at the CREATE TABLE), or disabled again by a later `ALTER TABLE … DISABLE ROW LEVEL SECURITY` (reported there). RLS enabled where the replay cannot run the statement counts too: a DO block\'s `EXECUTE` or the body of a function of the migrations that a `SELECT` calls, when it says `ENABLE ROW LEVEL SECURITY`, enables it on the tables it names (`foreach t in array array[\'a\', \'b\'] loop execute format(\'alter table %I enable row level security\', t)`), or, when it loops over `pg_tables` / `information_schema.tables`, on every table that existed then in the schemas it names.',
    whyItMatters:
      'Supabase serves every `public` table through its REST API to anyone holding the anon key, which ships in your front-end bundle. Without RLS, `curl https://<project>.supabase.co/rest/v1/profiles -H "apikey: <anon key>"` reads — and `PATCH` rewrites — every row.',
    example:
      '-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE public.profiles (\n  id uuid PRIMARY KEY REFERENCES auth.users (id),\n  bio text\n);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE public.profiles (\n  id uuid PRIMARY KEY REFERENCES auth.users (id),\n  bio text\n);\nALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "Read own profile" ON public.profiles FOR SELECT TO authenticated USING ((select auth.uid()) = id);\n',
    fixSafety:
      'Inserts `ALTER TABLE … ENABLE ROW LEVEL SECURITY;` after the CREATE TABLE (or after the statement that disables it). This changes behaviour: with RLS on and no policy, API clients see no rows at all until you add policies (the service role still bypasses RLS). If the migration was already applied, put the statement in a new migration instead.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project || !project.supabase) return;
    // `public`, and the schemas config.toml's [api] exposes too.
    const exposedBy = project.exposedSchemas;
    for (const t of project.catalog.tables.values()) {
      // A temporary table lives in the session's own schema and is gone when it ends.
      if ((t.schema !== 'public' && !exposedBy.has(t.schema)) || t.rls || t.temporary) continue;
      // A partition is a table of its own, with its own RLS setting: the API serves it directly.
      const parent = t.partitionOf ? project.catalog.tables.get(t.partitionOf) : undefined;
      // Where RLS was last turned off (ALTER TABLE … DISABLE ROW LEVEL SECURITY), else the CREATE TABLE.
      const at = t.rlsSource ?? t.createdBy;
      const m = migrationAt(project, at.file);
      const stmt = at.statement ?? m?.file.statements[at.statementIndex];
      if (!m || !stmt) continue;
      // Named as at that statement (the table may be renamed later).
      const sql = `ALTER TABLE ${relationText(stmt.node.relation ?? stmt.node.into?.rel ?? stmt.node.intoClause?.rel)} ENABLE ROW LEVEL SECURITY;`;
      const why = t.rlsSource ? `migration \`${m.label}\` disables row level security on it` : 'no migration enables row level security on it';
      report({
        file: m.path,
        range: headRange(m.file, stmt),
        anchorLine: stmt.range.start.line,
        migration: m.label,
        message: `Table \`${displayName(t.schema, t.name)}\` is in the exposed \`${t.schema}\` schema${t.schema === 'public' ? '' : ` (\`${exposedBy.get(t.schema)}\` lists it in [api] schemas)`} but ${why}: anyone with the anon key can read and write it through the API.${parent?.rls ? ` Its parent \`${parent.name}\` has RLS, but a partition does not inherit it: queries on the partition itself skip the parent's policies.` : ''}${t.policies.size ? ` Its ${t.policies.size} polic${t.policies.size === 1 ? 'y does' : 'ies do'} nothing until RLS is enabled.` : ''}`,
        subject: { table: t.name },
        fixes: [
          {
            title: `Enable row level security on ${t.name}`,
            edits: [insertAfterStatement(m.file, stmt, sql)],
            isPreferred: true,
            safe: false,
          },
        ],
      });
    }
  },
});
