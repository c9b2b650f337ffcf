import { defineRule } from '../../rule';
import { tokenEnd } from '../../sql/parse';
import { headRange } from '../sql/util';

export default defineRule({
  id: 'migration-replay-error',
  title: 'A fresh database cannot be built from the migrations',
  category: 'Migration history',
  defaultSeverity: 'error',
  language: 'sql',
  appliesTo: 'SQL migrations, replayed in an embedded PostgreSQL (CLI `--replay`)',
  requires: 'replay',
  docs: {
    whatItDoes:
      "Runs every migration, in the order its tool applies them, in an embedded PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly, no server needed) and reports the statement PostgreSQL rejects, with PostgreSQL's own message, e.g. a policy that compares a `text` column with `auth.uid()` (`operator does not exist: text = uuid`), a column added twice, a table used before the migration that creates it. Runs only when the replay is on (`schema-insight audit --replay`, or `\"replay\": true` in schema-insight.json). Supabase projects get the roles, `auth`, `storage` and `extensions` objects the platform provides. When the replay stops for a reason of the embedded database instead (an extension it does not have, such as PostGIS; an object of `net`, `cron`, `vault`; a role made outside the migrations), that is a note, not a finding.",
    whyItMatters:
      'Static rules check what each statement says; only PostgreSQL knows whether it runs. A migration that was edited after it was applied, or that depends on something created by hand in production, leaves a history that no longer builds: `prisma migrate reset`, `supabase db reset`, every CI database, preview branch and new developer stops at this statement, while production looks fine.',
    example:
      "-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE profiles (id uuid PRIMARY KEY, owner_id text NOT NULL);\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"own profile\" ON profiles FOR SELECT USING (owner_id = (select auth.uid()));\n",
    useInstead:
      "-- file: supabase/migrations/20240101000000_profiles.sql\nCREATE TABLE profiles (id uuid PRIMARY KEY, owner_id uuid NOT NULL);\nALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"own profile\" ON profiles FOR SELECT USING (owner_id = (select auth.uid()));\n",
    fixSafety:
      "No automatic fix: PostgreSQL says what is wrong, not what was meant. If the migration was already applied everywhere, fix it in a new migration and keep the history as it ran (Prisma checks applied migrations' checksums).",
  },
  check(ctx, report) {
    const failure = ctx.input.replay?.failure;
    const project = ctx.sql;
    if (!failure || !project) return;
    const m = project.migrations.find((x) => x.path === failure.path);
    const s = m?.file.statements[failure.statement];
    if (!m || !s) return;
    const at = failure.offset;
    // The token PostgreSQL's error position names; else the statement's first line (a whole CREATE
    // TABLE underlined says less than its head).
    const range = at !== undefined && at >= s.start && at < s.end ? m.file.lines.range(at, Math.min(s.end, tokenEnd(m.file.text, at))) : headRange(m.file, s);
    const parts = [`Replaying the migrations in ${ctx.input.replay!.engine} fails here: ${failure.message}${failure.code ? ` (SQLSTATE ${failure.code})` : ''}.`];
    if (failure.detail) parts.push(failure.detail.replace(/\.?$/, '.'));
    if (failure.hint) parts.push(`Hint: ${failure.hint.replace(/\.?$/, '.')}`);
    parts.push('A fresh database cannot be built from these migrations; the later ones were not replayed.');
    report({
      file: m.path,
      range,
      anchorLine: s.range.start.line,
      migration: m.label,
      message: parts.join(' '),
      subject: { ...(failure.table ? { table: failure.table } : {}), ...(failure.table && failure.column ? { column: failure.column } : {}) },
    });
  },
});
