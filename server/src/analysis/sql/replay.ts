/**
 * Replaying migrations in an embedded PostgreSQL (`migration-replay-error`, RULES.md section C): the
 * pure part. A front end that can run PostgreSQL (the CLI with `--replay`, project/replay.ts) asks for
 * the `replayPlan` of a migration project, runs its statements in order, classifies a failure with
 * `environmentLimit`, and passes the `ReplayOutcome` back to the audit as `AuditInput.replay`; the rule
 * turns a failure into a finding at the statement PostgreSQL rejected. Nothing here does IO.
 */
import { gooseWithoutTransaction, type MigrationProject } from './project';

/** What running a project's migrations in order in an embedded PostgreSQL came to. */
export interface ReplayOutcome {
  /** What ran them, e.g. `PostgreSQL 18.6 (PGlite 0.5.16)`. */
  engine: string;
  /** Migrations run to their end. */
  applied: number;
  /** Migrations in the plan (replay order). */
  total: number;
  /** The statement PostgreSQL rejected; the replay stopped there. */
  failure?: ReplayFailure;
  /**
   * The replay stopped short for a reason of the embedded database or of the file, not an error in
   * the migrations: an extension it does not have, an object a hosted platform provides, a file with
   * a syntax error (`sql-syntax-error` reports it), a time limit.
   */
  stopped?: { path: string; statement?: number; reason: string };
  /** Milliseconds the replay took (start-up included). */
  ms?: number;
}

export interface ReplayFailure {
  /** Migration file path (as in `AuditInput.sqlFiles`). */
  path: string;
  /** Index of the statement in the file (`SqlStatement.index`). */
  statement: number;
  /** PostgreSQL's message, SQLSTATE code and the optional parts of its error report. */
  message: string;
  code?: string;
  /** UTF-16 offset in the file of the position PostgreSQL's error names, when it names one. */
  offset?: number;
  detail?: string;
  hint?: string;
  table?: string;
  column?: string;
}

export interface ReplayStatement {
  /** `SqlStatement.index`. */
  index: number;
  /** UTF-16 offsets of the statement in the file (`SqlStatement.start`/`end`). */
  start: number;
  end: number;
  /** The statement's text as written (no trailing `;`). */
  sql: string;
  kind: string;
  /** `CREATE EXTENSION`: the extension's name. */
  extension?: string;
}

export interface ReplayStep {
  path: string;
  /** What the tool runs: the file's text (without its down section). */
  script: string;
  /** No BEGIN/COMMIT of its own and no goose NO TRANSACTION: the tool runs it as one transaction (or one script, an implicit one). */
  atomic: boolean;
  statements: ReplayStatement[];
  /** Why this migration cannot be run as written (the replay stops before it). */
  blocked?: string;
}

export interface ReplayPlan {
  steps: ReplayStep[];
  supabase: boolean;
  /** Extensions the migrations create, in order of first use. */
  extensions: string[];
}

/**
 * The migrations in the order their tool applies them, each with the text and statements it runs (a
 * file's down section is left out). A file with a syntax error, or with psql variables, cannot be run
 * as written: its step is blocked.
 */
export function replayPlan(project: MigrationProject): ReplayPlan {
  const extensions: string[] = [];
  const steps = project.migrations.map((m): ReplayStep => {
    const f = m.file;
    const step: ReplayStep = { path: m.path, script: m.downFrom === undefined ? f.text : f.text.slice(0, m.downFrom), atomic: true, statements: [] };
    if (f.skipped) step.blocked = `the file was not parsed (${f.skipped.replace(/\.$/, '')})`;
    else if (f.errors.length) step.blocked = 'the file has a syntax error (reported as sql-syntax-error)';
    else if (f.placeholders) step.blocked = 'the file uses placeholders (psql variables `:NAME`, `{{ … }}` templates) that only its tool substitutes';
    if (step.blocked) return step;
    // Only goose runs statement by statement when told not to use a transaction; dbmate, graphile-migrate
    // and Diesel then still send the file as one script, which PostgreSQL runs as one transaction.
    if (gooseWithoutTransaction(step.script)) step.atomic = false;
    for (const s of f.statements) {
      if (m.downFrom !== undefined && s.start >= m.downFrom) break;
      const st: ReplayStatement = { index: s.index, start: s.start, end: s.end, sql: s.text, kind: s.kind };
      if (s.kind === 'TransactionStmt') step.atomic = false;
      const ext = s.kind === 'CreateExtensionStmt' ? s.node.extname : undefined;
      if (typeof ext === 'string') {
        st.extension = ext;
        if (!extensions.includes(ext)) extensions.push(ext);
      }
      step.statements.push(st);
    }
    return step;
  });
  return { steps, supabase: project.supabase, extensions };
}

/**
 * Schemas, roles and objects a hosted Postgres (Supabase) creates outside the project's migrations,
 * as far as migrations commonly use them: the roles, `auth.users` and the `auth.uid()` family,
 * `storage.buckets`/`objects` with their helpers, the `extensions` schema with uuid-ossp and pgcrypto,
 * and the `supabase_realtime` publication. Run before a Supabase project's migrations.
 */
export const SUPABASE_PRELUDE = `
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator NOINHERIT LOGIN;
CREATE ROLE supabase_admin LOGIN SUPERUSER;
CREATE ROLE supabase_auth_admin NOINHERIT LOGIN;
CREATE ROLE supabase_storage_admin NOINHERIT LOGIN;
CREATE ROLE dashboard_user NOLOGIN;
GRANT anon, authenticated, service_role TO authenticator;
CREATE SCHEMA extensions;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION pgcrypto WITH SCHEMA extensions;
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
CREATE TABLE auth.users (
  instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255), email varchar(255),
  encrypted_password varchar(255), email_confirmed_at timestamptz, invited_at timestamptz,
  confirmation_token varchar(255), confirmation_sent_at timestamptz, recovery_token varchar(255),
  recovery_sent_at timestamptz, email_change_token_new varchar(255), email_change varchar(255),
  email_change_sent_at timestamptz, last_sign_in_at timestamptz, raw_app_meta_data jsonb,
  raw_user_meta_data jsonb, is_super_admin boolean, created_at timestamptz, updated_at timestamptz,
  phone text UNIQUE, phone_confirmed_at timestamptz, phone_change text, phone_change_token varchar(255),
  phone_change_sent_at timestamptz, confirmed_at timestamptz, email_change_token_current varchar(255),
  email_change_confirm_status smallint, banned_until timestamptz, reauthentication_token varchar(255),
  reauthentication_sent_at timestamptz, is_sso_user boolean NOT NULL DEFAULT false, deleted_at timestamptz,
  is_anonymous boolean NOT NULL DEFAULT false
);
CREATE TABLE auth.identities (
  provider_id text NOT NULL, user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  identity_data jsonb NOT NULL, provider text NOT NULL, last_sign_in_at timestamptz, created_at timestamptz,
  updated_at timestamptz, email text, id uuid PRIMARY KEY DEFAULT gen_random_uuid()
);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.email', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
CREATE SCHEMA storage AUTHORIZATION supabase_storage_admin;
CREATE TABLE storage.buckets (
  id text PRIMARY KEY, name text NOT NULL UNIQUE, owner uuid, created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(), public boolean DEFAULT false, avif_autodetection boolean DEFAULT false,
  file_size_limit bigint, allowed_mime_types text[], owner_id text
);
CREATE TABLE storage.objects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), bucket_id text REFERENCES storage.buckets (id), name text,
  owner uuid, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(), metadata jsonb, path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text, owner_id text, user_metadata jsonb
);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE _parts text[];
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  RETURN _parts[1:array_length(_parts, 1) - 1];
END $$;
CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE _parts text[];
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  RETURN _parts[array_length(_parts, 1)];
END $$;
CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE _parts text[]; _filename text;
BEGIN
  SELECT string_to_array(name, '/') INTO _parts;
  SELECT _parts[array_length(_parts, 1)] INTO _filename;
  RETURN reverse(split_part(reverse(_filename), '.', 1));
END $$;
GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
CREATE PUBLICATION supabase_realtime;
`;

/** Supabase's search_path for the postgres role. */
export const SUPABASE_SEARCH_PATH = '"$user", public, extensions';

/** Schemas a hosted platform or an extension the embedded database lacks would provide. */
export const PLATFORM_SCHEMAS: ReadonlySet<string> = new Set([
  'auth', 'storage', 'extensions', 'net', 'cron', 'vault', 'pgsodium', 'pgsodium_masks', 'graphql', 'graphql_public', 'realtime',
  '_realtime', 'supabase_functions', 'supabase_migrations', 'pgbouncer', 'pgmq', 'pgtle', 'topology', 'tiger', 'partman',
  '_analytics', 'timescaledb_information', '_timescaledb_catalog', 'repack',
]);

/** SQLSTATE classes and codes that are about the server, not the statement. */
const SERVER_CODES = /^(0A|53|54|57|58|F0|XX|HV)/;

/**
 * When PostgreSQL's error is a limit of the embedded replay, not a fault of the migrations: why (to be
 * shown as a note). Null for an error the migrations would hit on any fresh database.
 * - server-side and "not supported" errors (class 0A, 53, 54, 57, 58, F0, XX, HV: an extension that is
 *   not installed, a feature the embedded server lacks, resources);
 * - a role that does not exist (roles are made by whoever runs the server, not by migrations);
 * - a schema, function, table or type that lives in a platform schema (`net.http_post`, `cron.schedule`,
 *   `vault.secrets`, an `auth`/`storage` object the Supabase prelude does not make).
 */
export function environmentLimit(e: { code?: string; message: string }): string | null {
  const code = e.code ?? '';
  const msg = e.message;
  if (SERVER_CODES.test(code)) return `the embedded PostgreSQL cannot run this statement: ${msg}`;
  if (/^role "[^"]*" does not exist$/.test(msg)) return `${msg} (roles are created outside the migrations)`;
  const schema =
    /^schema "([^"]+)" does not exist/.exec(msg)?.[1] ??
    /^(?:function|procedure|relation|type|table|view|sequence|operator class) "?([A-Za-z0-9_]+)\./.exec(msg)?.[1];
  if (schema && PLATFORM_SCHEMAS.has(schema.toLowerCase())) return `${msg} (an object of the hosting platform or of an extension, not made by the migrations)`;
  return null;
}
