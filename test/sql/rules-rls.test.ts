import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../server/src/analysis/text';
import { files, findingsOf, ready, textAt } from './helpers';
import { audit } from '../../server/src/analysis/engine';
import { sqlStandardBody } from '../../server/src/analysis/sql/catalog';

before(async () => {
  await ready;
});

const M = 'supabase/migrations/20240101000000_init.sql';

describe('rls-disabled', () => {
  it('not for a table SET search_path put in a schema the API does not expose', () => {
    const text = 'create schema if not exists private;\nset search_path to private;\ncreate table secrets (id bigint primary key);\nreset search_path;\ncreate table pub (id bigint primary key);\n';
    assert.deepEqual(findingsOf({ [M]: text }, 'rls-disabled').map((x) => x.subject.table), ['pub']);
  });

  it('follows RLS enabled where the replay cannot run the statement: EXECUTE in a DO block (a constant, a loop over names or over pg_tables) and a function of the migrations that a SELECT calls', () => {
    const tables = ['a', 'b', 'c', 'd', 'e', '"Mixed"', 'g'].map((t) => `create table public.${t} (id int primary key);`).join('\n');
    const text = [
      tables,
      "do $$ begin execute 'alter table public.a enable row level security'; end $$;",
      "do $$ declare t text; begin foreach t in array array['b', 'Mixed'] loop execute format('alter table public.%I enable row level security', t); end loop; end $$;",
      'create function public.secure_c() returns void language plpgsql as $f$ begin alter table public.c enable row level security; end $f$;',
      'select public.secure_c();',
      // Defined but never called: nothing happens.
      'create function public.secure_d() returns void language plpgsql as $f$ begin alter table public.d enable row level security; end $f$;',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-disabled');
    assert.deepEqual(f.map((x) => x.subject.table).sort(), ['d', 'e', 'g']);
    // A loop over the catalog's tables: every table of the schema it names, as the loop found them then.
    const loop = [
      'create table public.x (id int primary key);',
      "do $$ declare r record; begin for r in select tablename from pg_tables where schemaname = 'public' loop execute format('alter table public.%I enable row level security', r.tablename); end loop; end $$;",
      'create table public.late (id int primary key);',
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: loop }, 'rls-disabled').map((x) => x.subject.table), ['late']);
  });

  it('reports a table whose RLS a later migration disables at that statement, and says so', () => {
    const second = 'supabase/migrations/20240102000000_debug.sql';
    const later = '-- debugging\nalter table public.profiles disable row level security;\n';
    const f = findingsOf({ [M]: 'create table public.profiles (id uuid primary key);\nalter table public.profiles enable row level security;\n', [second]: later }, 'rls-disabled');
    assert.deepEqual(
      f.map((x) => [x.file, textAt(later, x)]),
      [[second, 'alter table public.profiles disable row level security']],
    );
    assert.match(f[0].message, /but migration `20240102000000_debug\.sql` disables row level security on it:/);
    assert.equal(applyEdits(later, f[0].fixes[0].edits), later.replace('security;\n', 'security;\nALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\n'));
  });

  it('reports public tables of Supabase projects without RLS, with a fix that enables it', () => {
    const text = 'create table public.profiles (\n  id uuid primary key references auth.users,\n  bio text\n);\ncreate table private.secrets (id int primary key);\n';
    const f = findingsOf({ [M]: text }, 'rls-disabled');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.deepEqual(f[0].subject, { table: 'profiles' });
    assert.equal(f[0].migration, '20240101000000_init.sql');
    assert.equal(textAt(text, f[0]), 'create table public.profiles (');
    const fixed = applyEdits(text, f[0].fixes[0].edits);
    assert.match(fixed, /\);\nALTER TABLE public\.profiles ENABLE ROW LEVEL SECURITY;\ncreate table private/);
    assert.equal(findingsOf({ [M]: fixed }, 'rls-disabled').length, 0);
  });

  it('also reports tables of the schemas supabase/config.toml exposes in [api] schemas', () => {
    const text = 'create schema api;\ncreate table api.orders (id int primary key);\ncreate table private.secrets (id int primary key);\n';
    const config = '[api]\nenabled = true\nport = 54321\nschemas = [\n  "public",\n  "graphql_public",\n  "api", # the app\'s\n]\n\n[db]\nschemas = ["private"]\n';
    const of = (configs: Array<{ path: string; text: string }>) => {
      const r = audit({ prismaFiles: [], sqlFiles: files({ [M]: text }), supabaseConfigs: configs });
      return r.findings.filter((f) => f.rule === 'rls-disabled');
    };
    const f = of([{ path: 'supabase/config.toml', text: config }]);
    assert.deepEqual(f.map((x) => textAt(text, x)), ['create table api.orders (id int primary key)']);
    assert.match(f[0].message, /^Table `api\.orders` is in the exposed `api` schema \(`supabase\/config\.toml` lists it in \[api\] schemas\) but no migration enables/);
    assert.deepEqual(f[0].subject, { table: 'orders' });
    // Without the config (or with the default list), only `public` is exposed.
    assert.deepEqual(of([]), []);
    assert.deepEqual(of([{ path: 'supabase/config.toml', text: '[api]\nschemas = ["public", "graphql_public"]\n' }]), []);
  });

  it('a project outside supabase/ is a Supabase project when its SQL uses auth.*, not when only a comment mentions it', () => {
    const table = 'CREATE TABLE accounts (id bigserial PRIMARY KEY, owner uuid);\n';
    const of = (text: string) => findingsOf({ 'db/migrations/20240101000000_accounts.up.sql': text, 'db/migrations/20240101000000_accounts.down.sql': 'DROP TABLE accounts;' }, 'rls-disabled');
    assert.deepEqual(of(`-- Replaces the old auth.users table of our previous service.\n/* auth.uid() */\n${table}`), []);
    assert.equal(of(`${table}CREATE FUNCTION mine() RETURNS SETOF accounts LANGUAGE sql AS $$ SELECT * FROM accounts WHERE owner = auth.uid() $$;\n`).length, 1);
    assert.equal(of(`${table}ALTER TABLE accounts ADD FOREIGN KEY (owner) REFERENCES auth.users (id);\n`).length, 1);
  });

  it('keeps CRLF in the fix and names the table as the CREATE did (renamed later)', () => {
    const text = 'CREATE TABLE "Todo" (id int PRIMARY KEY);\r\nALTER TABLE "Todo" RENAME TO todos;\r\n';
    const f = findingsOf({ [M]: text }, 'rls-disabled');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'todos' });
    assert.equal(f[0].fixes[0].edits[0].newText, '\r\nALTER TABLE "Todo" ENABLE ROW LEVEL SECURITY;');
  });

  it('reports a partition without RLS under a parent with RLS, and a SELECT … INTO table; not temporary tables', () => {
    const text = [
      'create table public.events (id bigint, at date) partition by range (at);',
      'alter table public.events enable row level security;',
      "create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');",
      'create temp table tmp_ids (id bigint);',
      'create temporary table email_map as select 1 as id;',
      'select * into public.events_backup from public.events;',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-disabled');
    assert.deepEqual(
      f.map((x) => [x.subject.table, textAt(text, x).slice(0, 40)]),
      [
        ['events_2024', 'create table public.events_2024 partitio'],
        ['events_backup', 'select * into public.events_backup from '],
      ],
    );
    assert.match(f[0].message, /Its parent `events` has RLS, but a partition does not inherit it/);
    assert.equal(f[1].fixes[0].edits[0].newText, '\nALTER TABLE public.events_backup ENABLE ROW LEVEL SECURITY;');
    // Temporary tables are gone when the migration's session ends: no key advice either (tmp_ids).
    assert.deepEqual(findingsOf({ [M]: text }, 'missing-primary-key').map((x) => x.subject.table), ['events', 'events_2024']);
  });

  it('is silent for non-Supabase projects and once RLS is enabled', () => {
    assert.equal(findingsOf({ 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE t (id int PRIMARY KEY);' }, 'rls-disabled').length, 0);
    assert.equal(findingsOf({ [M]: 'CREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;' }, 'rls-disabled').length, 0);
    // auth. usage makes a project Supabase even without a supabase/ folder.
    assert.equal(findingsOf({ 'db/migrations/001_x.sql': 'CREATE TABLE t (id uuid PRIMARY KEY DEFAULT auth.uid());' }, 'rls-disabled').length, 1);
  });
});

describe('rls-policy-without-rls', () => {
  it('reports policies on a table whose RLS is off, also when a later migration disables it', () => {
    const f = findingsOf(
      {
        [M]: 'create table notes (id int primary key, user_id uuid);\nalter table notes enable row level security;\ncreate policy "own" on notes for all to authenticated using ((select auth.uid()) = user_id);',
        'supabase/migrations/20240201000000_off.sql': 'alter table notes disable row level security;',
      },
      'rls-policy-without-rls',
    );
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'notes', policy: 'own' });
    assert.match(f[0].message, /\(migration `20240201000000_off\.sql` disables it\): the policies do nothing and every API client can read and write all rows\./);
    assert.equal(f[0].fixes[0].edits[0].newText, '\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;');
    // A schema the API does not expose: only direct connections reach it.
    const [app] = findingsOf({ [M]: 'create schema app;\ncreate table app.things (id int primary key, user_id uuid);\ncreate policy "own" on app.things for all to authenticated using ((select auth.uid()) = user_id);' }, 'rls-policy-without-rls');
    assert.match(app.message, /every role with privileges on it reads and writes all rows \(the `app` schema is not exposed through the API\)\.$/);
  });
});

describe('rls-policy-always-true', () => {
  it('reports write policies for client roles whose condition is true', () => {
    const text = [
      'create table todos (id int primary key, user_id uuid);',
      'alter table todos enable row level security;',
      'create policy "anyone updates" on todos for update to authenticated using (true);',
      'create policy "anyone inserts" on todos for insert with check (true);',
      'create policy "read all" on todos for select to anon using (true);',
      'create policy "service" on todos for all to service_role using (true);',
      'create policy "restrictive" on todos as restrictive for delete to authenticated using (true);',
      'create policy "never" on todos for update to authenticated using (true) with check (false);',
      'create policy "all reads and deletes" on todos for all to authenticated using (true) with check (false);',
      'create policy "all inserts" on todos for all to authenticated using (false) with check (true);',
      'create policy "check only" on todos for update to authenticated with check (true);',
      // No WITH CHECK: USING checks new rows too, so inserts pass as well.
      'create policy "everything" on todos for all to authenticated using (true);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-policy-always-true');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, textAt(text, x), x.data?.clause]),
      [
        ['anyone updates', 'true', 'USING'],
        ['anyone inserts', 'true', 'WITH CHECK'],
        ['all reads and deletes', 'true', 'USING'],
        ['all inserts', 'true', 'WITH CHECK'],
        ['everything', 'true', 'USING'],
      ],
    );
    assert.deepEqual(
      f.map((x) => x.message.replace(/^Policy `[^`]+` on `todos` lets /, '')),
      [
        'authenticated update every row: its USING is `true`.',
        'public insert any row: its WITH CHECK is `true`.',
        'authenticated read and delete every row: its USING is `true`.',
        'authenticated insert any row: its WITH CHECK is `true`.',
        'authenticated read, insert, update and delete every row: its USING is `true`.',
      ],
    );
    assert.equal(f[0].severity, 'warning');
  });

  it('points at a true written as a string (\'yes\'::boolean), quotes included', () => {
    const text = "create table todos (id int primary key);\nalter table todos enable row level security;\ncreate policy \"yes\" on todos for delete to authenticated using ('it''s yes'::boolean and 'on'::boolean);\ncreate policy \"on\" on todos for delete to authenticated using ('on'::boolean);";
    const f = findingsOf({ [M]: text }, 'rls-policy-always-true');
    assert.deepEqual(
      f.map((x) => textAt(text, x)),
      ["'on'"],
    );
  });

  it('reports conditions that are true whatever the row (1 = 1, NOT false, true OR …), in three-valued logic', () => {
    const text = [
      'create table todos (id int primary key, user_id uuid);',
      'alter table todos enable row level security;',
      'create policy "one" on todos for delete to authenticated using (1 = 1);',
      "create policy \"str\" on todos for update to authenticated using ('a' <> 'b');",
      'create policy "not" on todos for delete to authenticated using (not false);',
      'create policy "or" on todos for delete to authenticated using (user_id = (select auth.uid()) or 1 = 1);',
      'create policy "dec" on todos for delete to authenticated using (1.0 = 1);',
      // Not always true: NULL (no row), a row-dependent branch, literals PostgreSQL compares after type resolution.
      'create policy "null" on todos for delete to authenticated using (not (null = 1));',
      'create policy "and" on todos for delete to authenticated using (1 = 1 and user_id = (select auth.uid()));',
      "create policy \"mixed\" on todos for delete to authenticated using ('1' = 1);",
      'create policy "false" on todos for delete to authenticated using (1 = 0 or not true);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-policy-always-true');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, textAt(text, x)]),
      [
        ['one', '1'],
        ['str', "'a'"],
        ['not', 'not'],
        ['or', 'user_id'],
        ['dec', '1.0'],
      ],
    );
    assert.match(f[0].message, /lets authenticated delete every row: its USING is `1 = 1`, which is always true\.$/);
    // The policies always-true reports are not rls-policy-no-ownership's; the false and NULL ones grant nothing.
    const other = findingsOf({ [M]: text }, 'rls-policy-no-ownership').map((x) => x.subject.policy);
    assert.deepEqual(other, ['mixed']);
  });
});

describe('rls-policy-no-ownership', () => {
  const base = 'create table profiles (id uuid primary key, user_hash text, org_id uuid);\nalter table profiles enable row level security;\n';
  it('splits a simple CASE into its WHEN values, and reads a user claim of auth.jwt() IS NULL as no caller', () => {
    const text = [
      'create table docs (id bigint primary key, owner_id uuid, visibility text);',
      'alter table docs enable row level security;',
      "create policy \"case\" on docs for update to authenticated using (case visibility when 'public' then true else owner_id = (select auth.uid()) end);",
      "create policy \"guest\" on docs for update using ((auth.jwt() ->> 'sub') is null or owner_id = (select auth.uid()));",
      "create policy \"guest read\" on docs for select using ((auth.jwt() ->> 'email') is null or owner_id = (select auth.uid()));",
      // The anon key's JWT has a role claim: testing it for NULL is a test of nothing (no gap, and no caller check either).
      "create policy \"role\" on docs for select using ((auth.jwt() ->> 'role') is null or owner_id = (select auth.uid()));",
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, x.data?.uncheckedBranch]),
      [
        ['case', "visibility = 'public'"],
        ['guest', "auth.jwt() ->> 'sub' IS NULL"],
        ['guest read', "auth.jwt() ->> 'email' IS NULL"],
      ],
    );
  });

  it('reports a column compared with itself, which ties a membership subquery to no row (any facilitator of any team passes)', () => {
    const text = [
      'create table team_members (id bigint primary key, team_id bigint, user_id uuid, role text);',
      'alter table team_members enable row level security;',
      "create policy upd on team_members for update to authenticated using (exists (select 1 from team_members tm where tm.team_id = tm.team_id and tm.user_id = (select auth.uid()) and tm.role = 'facilitator'));",
      "create policy del on team_members for delete to authenticated using (exists (select 1 from team_members tm where tm.team_id = team_members.team_id and tm.user_id = (select auth.uid()) and tm.role = 'facilitator'));",
      'create policy sel on team_members for select to authenticated using (team_id in (select team_id from team_members where team_id = team_id and user_id = (select auth.uid())));',
      'create policy svc on team_members for all to service_role using (team_id = team_id);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, x.data?.selfComparison, textAt(text, x)]),
      [
        ['upd', 'tm.team_id = tm.team_id', 'tm.team_id'],
        ['sel', 'team_id = team_id', 'team_id'],
      ],
    );
    assert.match(f[0].message, /compares `tm\.team_id` with itself in its USING: .* It probably meant to compare with the guarded row's `team_id`\./);
  });

  it('reports per-user write policies that never compare with the caller', () => {
    const f = findingsOf({ [M]: base + 'create policy "upd" on profiles for update to authenticated using (user_hash is not null);' }, 'rls-policy-no-ownership');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'profiles', policy: 'upd' });
    assert.match(f[0].message, /USING \(user_hash IS NOT NULL\)/);
  });

  it('accepts auth.uid(), auth.jwt(), current_setting and functions of the migrations that check the caller', () => {
    const ok = [
      'create policy "a" on profiles for update to authenticated using ((select auth.uid()) = id);',
      "create policy \"b\" on profiles for delete to authenticated using (org_id::text = (auth.jwt() ->> 'org_id'));",
      "create policy \"c\" on profiles for insert to public with check (id = current_setting('request.jwt.claims', true)::json->>'sub');",
      'create function public.is_member(o uuid) returns boolean language sql security definer as $$ select exists (select 1 from members where user_id = auth.uid() and org_id = o) $$;',
      'create policy "d" on profiles for update to authenticated using (public.is_member(org_id));',
      'create policy "e" on profiles for update to authenticated using (exists (select 1 from members m where m.user_id = (select auth.uid())));',
      'create policy "f" on profiles for update to service_role using (user_hash is not null);',
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: base + ok }, 'rls-policy-no-ownership'), []);
  });

  it('a helper that only asks whether someone is signed in, or reads what the client sends, checks no owner', () => {
    const reported = (sql: string) => findingsOf({ [M]: base + sql }, 'rls-policy-no-ownership').map((x) => x.subject.policy);
    const helpers = [
      'create function public.is_logged_in() returns boolean language sql stable as $$ select auth.uid() is not null $$;',
      "create function public.is_user() returns boolean language plpgsql stable as $$ begin return auth.role() = 'authenticated'; end $$;",
      'create function public.noted() returns boolean language plpgsql as $$ begin -- was: auth.uid() = owner\n return true; end $$;',
      'create function public.is_org_member(o uuid) returns boolean language plpgsql stable as $$ begin if auth.uid() is null then return false; end if; return exists (select 1 from members where user_id = auth.uid() and org_id = o); end $$;',
      'create policy "a" on profiles for update to authenticated using (public.is_logged_in());',
      'create policy "b" on profiles for update to authenticated using (public.is_user());',
      'create policy "c" on profiles for delete to authenticated using (public.noted());',
      'create policy "d" on profiles for delete to authenticated using (public.is_org_member(org_id));',
      // Request headers are whatever the client sends; the verified token's claims are the caller.
      "create policy \"e\" on profiles for update to authenticated using (current_setting('request.headers', true)::json ->> 'x-org' = org_id::text);",
      "create policy \"f\" on profiles for update to authenticated using (current_setting('request.jwt.claims', true)::json ->> 'org' = org_id::text);",
    ].join('\n');
    assert.deepEqual(reported(helpers), ['a', 'b', 'c', 'e']);
  });

  it('a subquery over a table counts the policies of the roles the policy is for', () => {
    const text = [
      'create table members (org_id uuid, user_id uuid);',
      'alter table members enable row level security;',
      'create policy "own" on members for select to authenticated using (user_id = (select auth.uid()));',
      'create policy "guests" on members for select to anon using (true);',
      'create table docs (id bigint primary key, org_id uuid);',
      'alter table docs enable row level security;',
      // For authenticated callers the subquery sees only their own memberships: the caller is checked.
      'create policy "member delete" on docs for delete to authenticated using (exists (select 1 from members m where m.org_id = docs.org_id));',
      // For public (anon too) it sees every membership: no check.
      'create policy "anyone update" on docs for update using (exists (select 1 from members m where m.org_id = docs.org_id));',
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: text }, 'rls-policy-no-ownership').map((x) => x.subject.policy), ['anyone update']);
  });

  it('reads SQL-standard function bodies, and the body CREATE OR REPLACE or DROP FUNCTION left in place', () => {
    const policy = 'create policy "d" on profiles for update to authenticated using (public.is_member(org_id));\n';
    const standard = [
      'create function public.is_member(o uuid) returns boolean language sql stable return exists (select 1 from members where user_id = auth.uid() and org_id = o);\n',
      'create function public.is_member(o uuid) returns boolean language sql stable begin atomic select exists (select 1 from members where user_id = (select auth.uid()) and org_id = o); end;\n',
    ];
    for (const fn of standard) assert.deepEqual(findingsOf({ [M]: base + fn + policy }, 'rls-policy-no-ownership'), [], fn);
    // A comment or string before the body is not the body; the header's defaults are not either.
    assert.equal(sqlStandardBody("create function f(a text default 'return auth.uid()') returns text /* begin atomic */ return a"), 'return a');
    const checks = 'create function public.is_member(o uuid) returns boolean language sql as $$ select exists (select 1 from members where user_id = auth.uid() and org_id = o) $$;\n';
    const noCheck = 'create or replace function public.is_member(o uuid) returns boolean language sql as $$ select true $$;\n';
    const reported = (sql: string) => findingsOf({ [M]: base + sql + policy }, 'rls-policy-no-ownership').map((x) => x.subject.policy);
    assert.deepEqual(reported(checks + noCheck), ['d']);
    assert.deepEqual(reported(checks + 'drop function public.is_member(uuid);\n' + noCheck.replace('or replace ', '')), ['d']);
    // An overload with other argument types is another function: the checking one stays.
    assert.deepEqual(reported(checks + noCheck.replace('(o uuid)', '(o text)')), []);
  });

  it('a subquery over a table whose own policies limit each caller to their rows checks the caller', () => {
    const sessions = [
      'create table public.sessions (id uuid primary key, user_id uuid not null references auth.users (id));',
      'alter table public.sessions enable row level security;',
      'create policy "own" on public.sessions for all to authenticated using (user_id = (select auth.uid()));',
      'create table public.stats (session_id uuid primary key references public.sessions (id));',
      'alter table public.stats enable row level security;',
      'create policy "d" on public.stats for delete to authenticated using (exists (select 1 from public.sessions where sessions.id = stats.session_id));',
    ].join('\n');
    const reported = (sql: string) => findingsOf({ [M]: sql }, 'rls-policy-no-ownership').map((x) => x.subject.policy);
    assert.deepEqual(reported(sessions), []);
    // Another policy lets every signed-in user read all sessions: the subquery sees them all.
    assert.deepEqual(reported(sessions + '\ncreate policy "all read" on public.sessions for select to authenticated using (true);'), ['d']);
    // Without RLS on sessions the subquery sees every row.
    assert.deepEqual(reported(sessions.replace('alter table public.sessions enable row level security;', '')), ['d']);
  });

  it("Supabase Storage's path helpers (storage.foldername …) are no caller check; comparing a folder with auth.uid() is", () => {
    const text = [
      "create policy \"del\" on storage.objects for delete to authenticated using (bucket_id = 'files' and (storage.foldername(name))[1] = 'public');",
      "create policy \"own\" on storage.objects for delete to authenticated using (bucket_id = 'files' and (storage.foldername(name))[1] = (select auth.uid())::text);",
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: text }, 'rls-policy-no-ownership').map((x) => x.subject.policy), ['del']);
  });

  it("a test of the caller's role against the API roles is no caller check (auth.role() = 'authenticated' lets every user through)", () => {
    const bad = [
      "create policy \"r1\" on profiles for update using (auth.role() = 'authenticated');",
      "create policy \"r2\" on profiles for delete to authenticated using ((select auth.role()) = 'authenticated'::text);",
      "create policy \"r3\" on profiles for insert with check (current_role in ('anon', 'authenticated'));",
      "create policy \"r4\" on profiles for update using ((auth.jwt() ->> 'role') = any (array['authenticated']));",
    ].join('\n');
    const f = findingsOf({ [M]: base + bad }, 'rls-policy-no-ownership');
    assert.deepEqual(f.map((x) => x.subject.policy), ['r1', 'r2', 'r3', 'r4']);
    assert.match(f[0].message, /never compares a column with the caller/);
    // The service role, a custom role claim, or the role test next to an owner check are caller checks.
    const ok = [
      "create policy \"s1\" on profiles for update using (auth.role() = 'service_role');",
      "create policy \"s2\" on profiles for update using ((auth.jwt() ->> 'role') = 'admin');",
      "create policy \"s3\" on profiles for update using (auth.role() = 'authenticated' and id = auth.uid());",
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: base + ok }, 'rls-policy-no-ownership'), []);
  });

  it('a function whose parameter defaults to the caller checks the caller when the call leaves it out', () => {
    const fn = 'create function public.is_admin(uid uuid default auth.uid()) returns boolean language sql stable security definer as $$ select exists (select 1 from admins where user_id = uid) $$;\n';
    const wrapper = 'create function public.can_edit() returns boolean language sql stable as $$ select public.is_admin() $$;\n';
    const ok = [
      'create policy "admins update" on profiles for update to authenticated using (public.is_admin());',
      'create policy "editors delete" on profiles for delete to authenticated using (public.can_edit());',
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: base + fn + wrapper + ok }, 'rls-policy-no-ownership'), []);
    // A named argument in place of the default: no caller check.
    const named = findingsOf({ [M]: base + fn + 'create policy "named" on profiles for delete to authenticated using (is_admin(uid => org_id));' }, 'rls-policy-no-ownership');
    assert.deepEqual(named.map((x) => x.subject.policy), ['named']);
    // Passing a column instead compares that column with nothing the caller controls.
    const f = findingsOf({ [M]: base + fn + 'create policy "flagged" on profiles for update to authenticated using (public.is_admin(org_id));' }, 'rls-policy-no-ownership');
    assert.deepEqual(f.map((x) => x.subject.policy), ['flagged']);
  });

  it('reports an OR branch that lets every caller through, at that branch', () => {
    const text =
      base +
      'create policy "accept invite" on profiles for update\n  using (id = auth.uid() or user_hash is not null)\n  with check (id = auth.uid() or user_hash is not null);\n' +
      'create policy "own or org" on profiles for delete to authenticated using (id = auth.uid() or (org_id is not null and org_id = (auth.jwt() ->> \'org\')::uuid));\n' +
      'create policy "own and flagged" on profiles for delete to authenticated using (id = auth.uid() and (user_hash is null or org_id is null));\n' +
      'create policy "never" on profiles for insert to authenticated with check (id = auth.uid() or false);\n';
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, textAt(text, x), x.data?.uncheckedBranch]),
      [['accept invite', 'user_hash', 'user_hash IS NOT NULL']],
    );
    assert.match(f[0].message, /checks the caller, but not on every way through its USING: rows matching `user_hash IS NOT NULL` pass without a caller check, so any user can update every such row/);
  });

  it('judges each command by the clause that decides which rows it touches', () => {
    const text =
      base +
      // UPDATE: a caller check in WITH CHECK does not stop updating the rows USING lets through.
      'create policy "takeover" on profiles for update to authenticated using (user_hash is not null) with check (id = auth.uid());\n' +
      // UPDATE: USING checks the caller; what the row may become is WITH CHECK's business.
      'create policy "own rows" on profiles for update to authenticated using (id = auth.uid()) with check (user_hash is not null);\n' +
      // ALL: deletes go through USING alone, inserts through WITH CHECK alone.
      'create policy "all deny check" on profiles for all to authenticated using (user_hash is not null) with check (false);\n' +
      'create policy "all deny using" on profiles for all to authenticated using (false) with check (org_id is not null);\n' +
      // An OR inside an AND: only the rows of the unchecked branch that also pass the other conjunct.
      'create policy "nested" on profiles for delete to authenticated using ((id = auth.uid() or user_hash is not null) and org_id is not null);\n' +
      // NULL and string spellings of false let nothing through.
      "create policy \"never\" on profiles for delete to authenticated using (null);\ncreate policy \"off\" on profiles for delete to authenticated using ('off'::boolean);\n";
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, x.data?.uncheckedBranch ?? null]),
      [
        ['takeover', 'user_hash IS NOT NULL'],
        ['all deny check', null],
        ['all deny using', null],
        ['nested', 'user_hash IS NOT NULL AND org_id IS NOT NULL'],
      ],
    );
    assert.match(f[0].message, /not on every way through its USING/);
    assert.equal(textAt(text, f[3]), 'user_hash');
  });

  it('without USING an UPDATE or DELETE policy opens no row; ALL names what each clause lets through; IS NOT NULL checks nobody', () => {
    const text =
      base +
      'create policy "check only" on profiles for update to authenticated with check (org_id is not null);\n' +
      'create policy "own, insert any" on profiles for all to authenticated using (id = auth.uid()) with check (org_id is not null);\n' +
      'create policy "signed in" on profiles for delete to authenticated using (auth.uid() is not null);\n';
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(f.map((x) => x.subject.policy), ['own, insert any', 'signed in']);
    assert.match(f[0].message, /not on every way through its WITH CHECK: rows matching `org_id IS NOT NULL` pass without a caller check, so any user can insert every such row/);
    assert.match(f[1].message, /never compares a column with the caller: `USING \(auth\.uid\(\) IS NOT NULL\)` is the same for every user, so any user can delete every matching row/);
  });

  it('a negated or unequal caller comparison, and a CASE way through without a check, let other callers through', () => {
    const text =
      base +
      'create policy "not mine" on profiles for delete to authenticated using (not (id = auth.uid()));\n' +
      'create policy "others" on profiles for delete to authenticated using (id <> auth.uid());\n' +
      "create policy \"open or mine\" on profiles for delete to authenticated using (case when user_hash = 'open' then true else id = auth.uid() end);\n" +
      "create policy \"mine only\" on profiles for delete to authenticated using (case when id = auth.uid() then true else false end);\n" +
      "create policy \"no else\" on profiles for delete to authenticated using (case when id = auth.uid() then org_id is not null end);\n";
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, x.data?.uncheckedBranch]),
      [
        ['not mine', 'NOT id = auth.uid()'],
        ['others', 'id <> auth.uid()'],
        ['open or mine', "user_hash = 'open'"],
      ],
    );
  });

  it('does not report deny-all policies (false) or restrictive ones, which grant nothing', () => {
    const denied = [
      'create policy "no inserts" on profiles for insert to authenticated with check (false);',
      'create policy "no updates" on profiles for update to authenticated using (false);',
      "create policy \"no deletes\" on profiles for delete to authenticated using ('f'::boolean);",
      'create policy "narrow" on profiles as restrictive for update to authenticated using (user_hash is not null);',
    ].join('\n');
    assert.deepEqual(findingsOf({ [M]: base + denied }, 'rls-policy-no-ownership'), []);
  });

  it('looks into functions defined in the migrations', () => {
    const f = findingsOf(
      {
        [M]:
          base +
          "create function public.always(o uuid) returns boolean language sql as $$ select o is not null $$;\ncreate policy \"g\" on profiles for update to authenticated using (public.always(org_id));",
      },
      'rls-policy-no-ownership',
    );
    assert.equal(f.length, 1);
  });

  it('sees through the (select auth.uid()) wrapper: IS NOT NULL is still no caller check, so the initplan fix hides nothing', () => {
    const wrapped = findingsOf({ [M]: base + 'create policy "w" on profiles for update to authenticated using ((select auth.uid()) is not null);' }, 'rls-policy-no-ownership');
    assert.deepEqual(wrapped.map((x) => x.subject.policy), ['w']);
    assert.match(wrapped[0].message, /never compares a column with the caller/);
    const branch = findingsOf({ [M]: base + 'create policy "b" on profiles for delete to authenticated using ((select auth.uid())::text is null or id = (select auth.uid()));' }, 'rls-policy-no-ownership');
    assert.equal(branch.length, 1);
    assert.equal(branch[0].data?.uncheckedBranch, '(SELECT auth.uid())::text IS NULL');
  });

  it('reports a read policy whose OR branch is true when there is no caller (auth.uid() IS NULL OR …), not other read policies', () => {
    const text =
      base +
      [
        'create policy "r1" on profiles for select to anon, authenticated using ((select auth.uid()) is null or id = (select auth.uid()));',
        "create policy \"r2\" on profiles for select using (id = auth.uid() or current_setting('request.jwt.claim.sub', true) is null);",
        'create policy "r3" on profiles for select using (not (auth.uid() is not null) or id = auth.uid());',
        'create policy "public read" on profiles for select using (user_hash is not null);',
        'create policy "own or org" on profiles for select using (org_id is null or id = (select auth.uid()));',
        'create policy "signed in" on profiles for select to authenticated using ((select auth.uid()) is not null and id = (select auth.uid()));',
        'create policy "admins" on profiles for select to service_role using (auth.uid() is null or id = auth.uid());',
        'create policy "narrow" on profiles as restrictive for select using (auth.uid() is null or id = auth.uid());',
      ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-policy-no-ownership');
    assert.deepEqual(
      f.map((x) => [x.subject.policy, x.data?.uncheckedBranch]),
      [
        ['r1', '(SELECT auth.uid()) IS NULL'],
        ['r2', "current_setting('request.jwt.claim.sub', true) IS NULL"],
        ['r3', 'NOT auth.uid() IS NOT NULL'],
      ],
    );
    // At the branch: the opening parenthesis of `(select auth.uid()) is null`.
    const line = text.split('\n')[f[0].range.start.line];
    assert.equal(f[0].range.start.character, line.indexOf('(select auth.uid()) is null'));
    assert.match(f[0].message, /SELECT for anon, authenticated\) checks the caller, but its branch .* is true for every request without a signed-in user/);
  });
});

describe('rls-initplan', () => {
  it('wraps direct auth.uid()/auth.jwt()/current_setting calls in (select …)', () => {
    const text =
      'create table notes (id int primary key, user_id uuid, org text);\nalter table notes enable row level security;\n' +
      "create policy \"own\" on notes for all to authenticated\n  using (auth.uid() = user_id and org = (auth.jwt() ->> 'org'))\n  with check ((select auth.uid()) = user_id);\n" +
      "create policy \"s\" on notes for select using (org = current_setting('app.org', true));\n";
    const f = findingsOf({ [M]: text }, 'rls-initplan');
    assert.deepEqual(
      f.map((x) => textAt(text, x)),
      ['auth.uid()', 'auth.jwt()', "current_setting('app.org', true)"],
    );
    const fixed = applyEdits(text, f.flatMap((x) => x.fixes[0].edits));
    assert.match(fixed, /using \(\(select auth\.uid\(\)\) = user_id and org = \(\(select auth\.jwt\(\)\) ->> 'org'\)\)/);
    assert.match(fixed, /\(select current_setting\('app\.org', true\)\)/);
    assert.equal(findingsOf({ [M]: fixed }, 'rls-initplan').length, 0);
  });

  it('reports a call in a subquery that reads the row (Drizzle\'s `(select auth.uid() = notes.user_id)`: a SubPlan per row); the fix wraps the call itself', () => {
    const text =
      'create table notes (id int primary key, user_id uuid);\nalter table notes enable row level security;\n' +
      'create policy "own" on notes for select to authenticated using ((select auth.uid() = notes.user_id));\n' +
      'create policy "mine" on notes for update to authenticated using ((select auth.uid()) = user_id);\n';
    const f = findingsOf({ [M]: text }, 'rls-initplan');
    assert.deepEqual(f.map((x) => [x.subject?.policy, textAt(text, x)]), [['own', 'auth.uid()']]);
    const fixed = applyEdits(text, f[0].fixes[0].edits);
    assert.match(fixed, /using \(\(select \(select auth\.uid\(\)\) = notes\.user_id\)\)/);
    assert.equal(findingsOf({ [M]: fixed }, 'rls-initplan').length, 0);
  });

  it('reports calls in a subquery\'s WHERE (run per row it reads), not in a subquery\'s select list (run once)', () => {
    const text = [
      'create table members (user_id uuid, org text);',
      'create table projects (id int primary key, org text);',
      'alter table projects enable row level security;',
      'create policy "m" on projects for select to authenticated',
      '  using (exists (select 1 from members m where m.user_id = auth.uid() and m.org = projects.org));',
      "create policy \"once\" on projects for select to authenticated using (org = (select members.org from members where user_id = (select auth.uid()) limit 1) and (select has_role(auth.jwt())));",
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-initplan');
    assert.deepEqual(f.map((x) => [x.subject.policy, textAt(text, x)]), [['m', 'auth.uid()']]);
    const fixed = applyEdits(text, f[0].fixes[0].edits);
    assert.match(fixed, /where m\.user_id = \(select auth\.uid\(\)\) and/);
    assert.equal(findingsOf({ [M]: fixed }, 'rls-initplan').length, 0);
  });

  it('is suppressed by an ignore comment above the policy statement', () => {
    const text =
      'create table n (id int primary key, u uuid);\nalter table n enable row level security;\n-- schema-insight-ignore rls-initplan\ncreate policy "p" on n for select\n  using (auth.uid() = u);\n';
    assert.equal(findingsOf({ [M]: text }, 'rls-initplan').length, 0);
  });
});

describe('rls-multiple-permissive', () => {
  it('reports overlapping permissive policies per role and command, not restrictive ones', () => {
    const text = [
      'create table posts (id int primary key, author uuid, published boolean);',
      'alter table posts enable row level security;',
      'create policy "own" on posts for select to authenticated using ((select auth.uid()) = author);',
      'create policy "published" on posts for select using (published);',
      'create policy "limit" on posts as restrictive for select to authenticated using (published or (select auth.uid()) = author);',
      'create policy "writes" on posts for update to authenticated using ((select auth.uid()) = author);',
      'create policy "svc" on posts for all to service_role using (true);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'rls-multiple-permissive');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'posts', policy: 'published' });
    assert.match(f[0].message, /SELECT for authenticated/);
    assert.doesNotMatch(f[0].message, /anon/); // "own" is only for authenticated
  });
});

describe('RLS rules see DDL inside DO blocks', () => {
  it('no rls-disabled when RLS is enabled in a DO block; initplan fix lands inside the block', () => {
    const text = 'create table t (id int primary key, u uuid);\nDO $$ BEGIN\n  ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n  CREATE POLICY "p" ON t FOR SELECT TO authenticated USING (auth.uid() = u);\nEND $$;\n';
    assert.equal(findingsOf({ [M]: text }, 'rls-disabled').length, 0);
    const f = findingsOf({ [M]: text }, 'rls-initplan');
    assert.equal(f.length, 1);
    assert.equal(textAt(text, f[0]), 'auth.uid()');
    assert.equal(f[0].range.start.line, 3);
  });
});

describe('policies on tables the migrations do not create (storage.objects)', () => {
  const storage = [
    'create policy "read avatars" on storage.objects for select using (bucket_id = \'avatars\');',
    'create policy "own avatar" on storage.objects for update to authenticated using ((select auth.uid()) = owner);',
    'create policy "anyone overwrites" on storage.objects for update to authenticated using (true) with check (true);',
    'create policy "any avatar" on storage.objects for delete to authenticated using (bucket_id = \'avatars\');',
    'create policy "gone" on storage.objects for delete to authenticated using (true);',
    'drop policy "gone" on storage.objects;',
    'create policy "dup" on storage.objects for select to authenticated using (auth.uid() = owner);',
  ].join('\n');
  it('are checked like the policies of the migrations\' own tables, and named with their schema', () => {
    const byRule = (rule: string) => findingsOf({ [M]: storage }, rule).map((f) => [f.subject.policy, f.message.match(/on `([^`]+)`/)?.[1]]);
    assert.deepEqual(byRule('rls-policy-always-true'), [
      ['anyone overwrites', 'storage.objects'],
      ['anyone overwrites', 'storage.objects'],
    ]);
    assert.deepEqual(byRule('rls-policy-no-ownership'), [['any avatar', 'storage.objects']]);
    assert.deepEqual(byRule('rls-initplan'), [['dup', 'storage.objects']]);
    // Their row level security is the platform's business: not reported, nor the table as missing; and
    // one permissive policy per bucket is how storage.objects is meant to be used (Splinter skips it too).
    for (const rule of ['rls-multiple-permissive', 'rls-policy-without-rls', 'rls-disabled', 'migration-order']) assert.deepEqual(findingsOf({ [M]: storage }, rule), [], rule);
    // A `storage.objects` the migrations create themselves is the project's own table.
    const own = `create schema storage;\ncreate table storage.objects (id int primary key, bucket_id text, owner uuid);\nalter table storage.objects enable row level security;\n${storage}`;
    assert.deepEqual(
      findingsOf({ 'db/migrations/001_init.sql': own }, 'rls-multiple-permissive').map((f) => f.subject.policy),
      ['anyone overwrites', 'dup'],
    );
  });
});
