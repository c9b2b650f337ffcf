// Generated rollback scripts run in a real PostgreSQL (PGlite): applying a migration and then its
// generated rollback must leave the schema the earlier migrations made.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { findingsOf, ready } from './helpers';

before(async () => {
  await ready;
});

/** The rollback the missing-rollback fix would create for `migration` (the last of `files`). */
function rollbackOf(files: Record<string, string>, migration: string): string {
  const f = findingsOf(files, 'missing-rollback').find((x) => x.migration === migration);
  assert.ok(f, `no missing-rollback finding for ${migration}`);
  return (f.fixes[0].fileOperations![0] as { content: string }).content;
}

/** The SQL lines of a rollback (its comments left out). */
function sqlLines(rollback: string): string[] {
  return rollback.split('\n').filter((l) => l && !l.startsWith('--'));
}

/** Runs `use` with a fresh in-memory PostgreSQL, closed afterwards. */
async function withDb(use: (db: PGlite) => Promise<void>): Promise<void> {
  const db = new PGlite();
  try {
    await use(db);
  } finally {
    await db.close();
  }
}

/** Enum values and column types of the public schema, to compare states. */
async function shape(db: PGlite): Promise<string> {
  const enums = await db.query<{ t: string; v: string }>(
    `SELECT t.typname AS t, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS v FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`,
  );
  const cols = await db.query<{ c: string }>(
    `SELECT table_name || '.' || column_name || ' ' || udt_name || ' ' || coalesce(column_default, '-') AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
  );
  return JSON.stringify({ enums: enums.rows, cols: cols.rows.map((r) => r.c) });
}

/** Indexes, constraints and views of the public schema as PostgreSQL describes them, to compare states. */
async function definitions(db: PGlite): Promise<string[]> {
  const r = await db.query<{ d: string }>(
    `SELECT 'index ' || indexname || ': ' || indexdef AS d FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT 'constraint ' || conrelid::regclass || '.' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n'
     UNION ALL SELECT 'view ' || c.relname || ': ' || pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
     ORDER BY 1`,
  );
  return r.rows.map((x) => x.d);
}

/** Runs `init`, `change` and `rollback` in a fresh database: the generated script runs as it is (TODOs left commented out). */
async function runsAsIs(init: string, change: string, rollback: string): Promise<void> {
  await withDb(async (db) => {
    await db.exec(init);
    await db.exec(change);
    await db.exec(rollback);
  });
}

/**
 * Runs `init`, `change`, then the rollback generated for `change`: returns the rollback. `state` (the
 * definitions unless given) must differ after `change` and be what it was after `init` once the rollback ran.
 */
async function roundTrip(init: string, change: string, state: (db: PGlite) => Promise<unknown> = definitions): Promise<string> {
  const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': '-- by hand', 'prisma/migrations/2_change/migration.sql': change }, '2_change');
  await withDb(async (db) => {
    await db.exec(init);
    const before = await state(db);
    await db.exec(change);
    assert.notDeepEqual(await state(db), before);
    await db.exec(rollback);
    assert.deepEqual(await state(db), before, rollback);
  });
  return rollback;
}

describe('generated rollbacks run in PostgreSQL', () => {
  it("re-creates what Prisma's relation and index changes drop: foreign keys, unique and primary keys, checks and indexes, as they were made", async () => {
    const init = [
      'CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT CHECK ("email" <> \')(\' AND length("email") > 0 /* ) */), CONSTRAINT "User_pkey" PRIMARY KEY ("id"));',
      'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" TEXT REFERENCES "User"("id") ON DELETE SET NULL, "slug" TEXT, "n" INT);',
      'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");',
      'CREATE INDEX "Post_slug_idx" ON "Post" USING hash ("slug") WHERE "n" > 1;',
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_n_key" UNIQUE NULLS NOT DISTINCT ("n") INCLUDE ("slug"), ADD CONSTRAINT "Post_slug_fkey" FOREIGN KEY ("n") REFERENCES "Post" ("id") MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;',
    ].join('\n');
    const change = [
      'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";',
      'ALTER TABLE "Post" DROP CONSTRAINT "Post_slug_fkey", DROP CONSTRAINT "Post_n_key";',
      'ALTER TABLE "User" DROP CONSTRAINT "User_email_check";',
      'DROP INDEX "User_email_key";',
      'DROP INDEX "Post_slug_idx";',
      'ALTER TABLE "User" DROP CONSTRAINT "User_pkey", ADD CONSTRAINT "User_pkey" PRIMARY KEY ("id", "email");',
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId", "slug") REFERENCES "User"("id", "email") ON DELETE CASCADE;',
    ].join('\n');
    const rollback = await roundTrip(init, change);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY \("authorId"\) REFERENCES "User" \(id\) ON DELETE SET NULL;$/m);
    assert.match(rollback, /^CREATE UNIQUE INDEX "User_email_key" ON "User"\("email"\);$/m);
    // The check as written, parentheses in its string and comment included.
    assert.match(rollback, /^ALTER TABLE "User" ADD CONSTRAINT "User_email_check" CHECK \("email" <> '\)\(' AND length\("email"\) > 0 \/\* \) \*\/\);$/m);
  });

  it('re-creates a dropped view and a materialized view with its indexes, in the order they were made; keeps a TODO for what it cannot', async () => {
    const init = [
      'CREATE TABLE t (id int PRIMARY KEY, a int);',
      'CREATE VIEW v1 AS SELECT id, a FROM t;',
      'CREATE VIEW v2 AS SELECT id FROM v1 WHERE a > 0;',
      'CREATE MATERIALIZED VIEW m AS SELECT a, count(*) AS n FROM t GROUP BY a;',
      'CREATE UNIQUE INDEX m_a ON m (a);',
    ].join('\n');
    const rollback = await roundTrip(init, 'DROP VIEW v2, v1;\nDROP MATERIALIZED VIEW m;');
    assert.doesNotMatch(rollback, /-- TODO:/);
    // Statements in reverse order; the views one statement dropped in the order they were made.
    assert.match(rollback, /CREATE MATERIALIZED VIEW m[^]*CREATE UNIQUE INDEX m_a[^]*CREATE VIEW v1[^]*CREATE VIEW v2/);
    // CASCADE dropped objects the statement does not name: a TODO. So is a view renamed since it was made.
    const cascade = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': 'DROP VIEW v1 CASCADE;' }, '2_change');
    assert.match(cascade, /-- TODO: a DROP cannot be reversed automatically: re-create the view and what CASCADE dropped with it by hand\./);
    const renamed = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nALTER VIEW v2 RENAME TO v3;`, 'prisma/migrations/2_change/migration.sql': 'DROP VIEW v3;' }, '2_change');
    assert.match(renamed, /-- TODO: a DROP cannot be reversed automatically/);
    // So is a view whose table was renamed since (`FROM ONLY t` names t, not a table called "only").
    const tableRenamed = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nCREATE VIEW o AS SELECT id FROM ONLY t;\nALTER TABLE t RENAME TO t2;`, 'prisma/migrations/2_change/migration.sql': 'DROP VIEW o;' }, '2_change');
    assert.match(tableRenamed, /-- TODO: a DROP cannot be reversed automatically/);
    // A `*` stands for the columns the table had when the view was made (langfuse: `o.*`, then columns added).
    const star = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nCREATE VIEW s AS SELECT * FROM t;\nALTER TABLE t ADD COLUMN c int;`, 'prisma/migrations/2_change/migration.sql': 'DROP VIEW s;' }, '2_change');
    assert.match(star, /-- TODO: a DROP cannot be reversed automatically/);
    const unchanged = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nCREATE VIEW s AS SELECT * FROM t;`, 'prisma/migrations/2_change/migration.sql': 'DROP VIEW s;' }, '2_change');
    assert.match(unchanged, /^CREATE VIEW s AS SELECT \* FROM t;$/m);
    // A column renamed since: the view's text no longer describes it if it names the column, and still does if it does not.
    const columns = 'CREATE TABLE c (id int PRIMARY KEY, "Score" int, note text);\nCREATE VIEW cv AS SELECT id, "Score" FROM c;\nCREATE VIEW cn AS SELECT id FROM c WHERE NOTE IS NOT NULL;';
    const readRenamed = (rename: string, view: string) => rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${columns}\n${rename}`, 'prisma/migrations/2_change/migration.sql': `DROP VIEW ${view};` }, '2_change');
    assert.match(readRenamed('ALTER TABLE c RENAME COLUMN "Score" TO score;', 'cv'), /-- TODO: a DROP cannot be reversed automatically/);
    assert.match(readRenamed('ALTER TABLE c RENAME COLUMN note TO remark;', 'cn'), /-- TODO: a DROP cannot be reversed automatically/);
    assert.match(readRenamed('ALTER TABLE c RENAME COLUMN note TO remark;', 'cv'), /^CREATE VIEW cv AS SELECT id, "Score" FROM c;$/m);
    assert.match(readRenamed('ALTER TABLE c RENAME CONSTRAINT c_pkey TO c_key;', 'cn'), /^CREATE VIEW cn AS SELECT id FROM c WHERE NOTE IS NOT NULL;$/m);
    await roundTrip(`${columns}\nALTER TABLE c RENAME COLUMN note TO remark;`, 'DROP VIEW cv;');
  });

  it('re-creates an index a PRIMARY KEY USING INDEX took over (langfuse), and names the indexes a dropped column took with it', async () => {
    const init = 'CREATE TABLE d (id text NOT NULL, p text NOT NULL, v int, CONSTRAINT d_pkey PRIMARY KEY (id));\nCREATE UNIQUE INDEX d_id_p_key ON d (id, p);\nCREATE INDEX d_v_idx ON d (v);';
    const change = 'ALTER TABLE d DROP CONSTRAINT d_pkey;\nALTER TABLE d ADD CONSTRAINT d_pkey PRIMARY KEY USING INDEX d_id_p_key;';
    const rollback = await roundTrip(init, change);
    assert.doesNotMatch(rollback, /-- TODO:/);
    // A column that cannot be added back as it was (a collation is not written back) stays a TODO, and so do its indexes.
    const collated = init.replace('v int', 'v text COLLATE "C"');
    const dropped = rollbackOf({ 'prisma/migrations/1_init/migration.sql': collated, 'prisma/migrations/2_change/migration.sql': 'ALTER TABLE d DROP COLUMN v;' }, '2_change');
    assert.match(dropped, /^-- TODO: column v was dropped with its data/m);
    assert.match(dropped, /^-- TODO: then re-create the index d_v_idx that was dropped with it:\n--   CREATE INDEX d_v_idx ON d \(v\);$/m);
  });

  it('adds a dropped column back as it was, empty, with the constraints, indexes and comment that went with it', async () => {
    const init = [
      'CREATE TABLE org (id int PRIMARY KEY);',
      "CREATE TABLE m (id int PRIMARY KEY, org_id int, score numeric(5, 2) NOT NULL DEFAULT 0, note text, CONSTRAINT m_org_fkey FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE, CONSTRAINT m_score_check CHECK (score >= 0), CONSTRAINT m_note_key UNIQUE (note));",
      'CREATE INDEX m_org_score_idx ON m (org_id, score DESC);',
      "COMMENT ON COLUMN m.note IS 'free text';",
    ].join('\n');
    const change = 'ALTER TABLE m DROP COLUMN score;\nALTER TABLE m DROP COLUMN org_id, DROP COLUMN note;';
    const both = async (db: PGlite) => [await definitions(db), await shape(db), (await db.query(`SELECT col_description(attrelid, attnum) AS c FROM pg_attribute WHERE attrelid = 'm'::regclass AND attname = 'note'`)).rows];
    const rollback = await roundTrip(init, change, both);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^-- Re-adds column score, dropped with its values by this migration: the values are not restored\.\nALTER TABLE m ADD COLUMN score numeric\(5, 2\) NOT NULL DEFAULT 0;$/m);
    // The columns of one statement come back in reverse order, each before what needs it.
    const sql = sqlLines(rollback);
    assert.deepEqual(sql.slice(0, 4), ['ALTER TABLE m ADD COLUMN note text;', 'ALTER TABLE m ADD CONSTRAINT m_note_key UNIQUE (note);', "COMMENT ON COLUMN m.note IS 'free text';", 'ALTER TABLE m ADD COLUMN org_id integer;']);
  });

  it('a dropped NOT NULL column without a default comes back nullable: a TODO sets NOT NULL (and its primary key) once its values are restored', async () => {
    const init = 'CREATE TABLE k (code text NOT NULL, v int, CONSTRAINT k_pkey PRIMARY KEY (code));\nINSERT INTO k VALUES (\'a\', 1);';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': 'ALTER TABLE k DROP COLUMN code;' }, '2_change');
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE k ADD COLUMN code text;']);
    assert.match(rollback, /^-- TODO: restore the values of code from a backup, then make it NOT NULL again:\n--   ALTER TABLE k ALTER COLUMN code SET NOT NULL;\n--   ALTER TABLE k ADD CONSTRAINT k_pkey PRIMARY KEY \(code\);$/m);
    // With a row in the table, the script as generated runs (the NOT NULL waits for the values).
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec('ALTER TABLE k DROP COLUMN code;');
      await db.exec(rollback);
      assert.deepEqual((await db.query('SELECT code, v FROM k')).rows, [{ code: null, v: 1 }]);
    });
  });

  it('a primary key on a column re-added empty waits for its values (inbox-zero: the key moved to email, id dropped); a new column with no copied values does not wait', async () => {
    const init = 'CREATE TABLE "EA" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "EA_pkey" PRIMARY KEY ("id"));';
    const change = 'ALTER TABLE "EA" DROP CONSTRAINT "EA_pkey", ADD COLUMN "about" TEXT, ADD CONSTRAINT "EA_pkey" PRIMARY KEY ("email");\nALTER TABLE "EA" DROP COLUMN "id";';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /-- TODO: run only once the values the TODO above restores are back \(the column is empty until then\):\n(--   .*\n)*--   ALTER TABLE "EA" ADD CONSTRAINT "EA_pkey" PRIMARY KEY \(id\);/);
    assert.match(rollback, /^ALTER TABLE "EA" DROP COLUMN IF EXISTS about;$/m);
    // It runs as it is on a table with rows.
    await runsAsIs(`${init}\nINSERT INTO "EA" VALUES ('1', 'a@b.c');`, change, rollback);
    // A foreign key to that primary key waits for it too (civitai: int keys).
    const child = 'CREATE TABLE "C" ("id" INT PRIMARY KEY, "eaId" TEXT, CONSTRAINT "C_eaId_fkey" FOREIGN KEY ("eaId") REFERENCES "EA"("id"));';
    const withChild = `ALTER TABLE "C" DROP CONSTRAINT "C_eaId_fkey";\n${change}`;
    const rb = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\n${child}`, 'prisma/migrations/2_change/migration.sql': withChild }, '2_change');
    assert.match(rb, /-- TODO: run only once the primary key the TODO above holds back is back \(a foreign key needs it\):\n(--   .*\n)*--   ALTER TABLE "C" ADD CONSTRAINT "C_eaId_fkey" FOREIGN KEY/);
    await runsAsIs(`${init}\n${child}\nINSERT INTO "EA" VALUES ('1', 'a@b.c');`, withChild, rb);
  });

  it('a table the migration created lost nothing that predates it: a column dropped from it comes back without TODO, and nothing waits (Kestra)', async () => {
    const init = 'CREATE TABLE other (id int PRIMARY KEY);';
    const change = [
      'CREATE TABLE q (id int PRIMARY KEY, a int NOT NULL, b int);',
      "INSERT INTO q VALUES (1, 2, 3);",
      'ALTER TABLE q ADD COLUMN c int;',
      'UPDATE q SET c = a;',
      'ALTER TABLE q DROP COLUMN a;',
    ].join('\n');
    const rollback = await roundTrip(init, change);
    assert.doesNotMatch(rollback, /-- TODO/);
    assert.match(rollback, /^ALTER TABLE q DROP COLUMN IF EXISTS c;$/m);
  });

  it('a column whose DROP COLUMN waits (its copy holds the only values) keeps what would collide with it waiting too', async () => {
    const init = 'CREATE TABLE t (id int PRIMARY KEY, a boolean);';
    const change = 'ALTER TABLE t RENAME COLUMN a TO a_old;\nALTER TABLE t ADD COLUMN a text;\nUPDATE t SET a = a_old::text;\nALTER TABLE t DROP COLUMN a_old;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE t ADD COLUMN a_old boolean;']);
    assert.match(rollback, /^-- TODO: run only once the TODO above is done \(the column it keeps is still there\):\n--   ALTER TABLE t RENAME COLUMN a_old TO a;$/m);
    await runsAsIs(init, change, rollback);
  });

  it('re-creates a dropped policy from the CREATE POLICY that made it, unless an ALTER POLICY changed it since', async () => {
    const init = "CREATE TABLE doc (id int PRIMARY KEY, owner text);\nALTER TABLE doc ENABLE ROW LEVEL SECURITY;\nCREATE POLICY doc_read ON doc FOR SELECT USING (owner = current_user);\nCREATE POLICY doc_write ON doc FOR UPDATE USING (owner = current_user) WITH CHECK (owner = current_user);";
    const policies = async (db: PGlite) => (await db.query(`SELECT policyname, cmd, qual, with_check FROM pg_policies ORDER BY 1`)).rows;
    const rollback = await roundTrip(init, 'DROP POLICY doc_read ON doc;\nDROP POLICY IF EXISTS doc_write ON public.doc;', policies);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^-- Re-creates policy doc_read as migration 1_init defined it\.\nCREATE POLICY doc_read ON doc FOR SELECT USING \(owner = current_user\);$/m);
    // Altered since it was made: its CREATE no longer describes it.
    const altered = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nALTER POLICY doc_read ON doc USING (true);`, 'prisma/migrations/2_change/migration.sql': 'DROP POLICY doc_read ON doc;' }, '2_change');
    assert.match(altered, /^-- TODO: a DROP cannot be reversed automatically: re-create the policy by hand \(no statement the replay read describes it as it was\)\.$/m);
  });

  it('renaming back a constraint whose re-creation is only a TODO waits for it (zipline: a foreign key renamed, its column renamed, then dropped)', async () => {
    const init = 'CREATE TABLE u (id int PRIMARY KEY);\nCREATE TABLE o (id int PRIMARY KEY, uid int CONSTRAINT o_uid_fkey REFERENCES u (id));';
    const change = 'ALTER TABLE o RENAME CONSTRAINT o_uid_fkey TO o_uid_old_fkey;\nALTER TABLE o RENAME COLUMN uid TO uid_old;\nALTER TABLE o DROP CONSTRAINT o_uid_old_fkey;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /^-- TODO: constraint o_uid_old_fkey was dropped/m);
    assert.match(rollback, /^-- TODO: run only once the constraint the TODO above re-creates is back:\n--   ALTER TABLE o RENAME CONSTRAINT o_uid_old_fkey TO o_uid_fkey;$/m);
    await runsAsIs(init, change, rollback);
  });

  it('what needs a type whose DROP is only a TODO waits for it (ghostfolio: an enum column made text, then the enum dropped with CASCADE)', async () => {
    const init = "CREATE TYPE cur AS ENUM ('USD', 'EUR');\nCREATE TABLE acc (id int PRIMARY KEY, currency cur);";
    const change = 'ALTER TABLE acc ALTER COLUMN currency SET DATA TYPE TEXT;\nDROP TYPE cur CASCADE;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /^-- TODO: run only once the type the TODO above re-creates is back:\n--   ALTER TABLE acc ALTER COLUMN currency TYPE cur/m);
    await runsAsIs(init, change, rollback);
  });

  it('re-creates a dropped index under the names it and its table have now (amplication: App renamed to Resource, its index too)', async () => {
    const init = 'CREATE TABLE "App" (id int PRIMARY KEY, "workspaceId" int, name text);\nCREATE UNIQUE INDEX "App.workspaceId_name_unique" ON "App"("workspaceId", "name");\nCREATE INDEX app_name ON "App" (name) WHERE name IS NOT NULL;\nALTER TABLE "App" RENAME TO "Resource";\nALTER INDEX "App.workspaceId_name_unique" RENAME TO "Resource.workspaceId_name_unique";\nALTER INDEX APP_NAME RENAME TO resource_name;';
    const rollback = await roundTrip(init, 'DROP INDEX "Resource.workspaceId_name_unique";\nDROP INDEX resource_name;');
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.deepEqual(sqlLines(rollback), ['CREATE INDEX resource_name ON "Resource" (name) WHERE name IS NOT NULL;', 'CREATE UNIQUE INDEX "Resource.workspaceId_name_unique" ON "Resource"("workspaceId", "name");']);
  });

  it("comments out what needs a table whose DROP is only a TODO (Prisma's DropForeignKey then DropTable): the script runs as is", async () => {
    // Generated columns are not written back: these tables' DROPs stay TODOs.
    const init = 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Post" ("id" INT PRIMARY KEY, "uid" TEXT, "x" INT, "g" INT GENERATED ALWAYS AS ("x" * 2) STORED);\nCREATE INDEX "Post_x_idx" ON "Post"("x");\nALTER TABLE "Post" ADD CONSTRAINT "Post_uid_fkey" FOREIGN KEY ("uid") REFERENCES "User"("id");\nCREATE TABLE audit (id int PRIMARY KEY, uid TEXT REFERENCES "User" (id), g int GENERATED ALWAYS AS (id * 2) STORED);\nCREATE VIEW recent AS SELECT id FROM audit;';
    // (A collated column is not written back: its DROP COLUMN stays a TODO.)
    const change = 'ALTER TABLE "Post" DROP CONSTRAINT "Post_uid_fkey";\nALTER TABLE audit DROP CONSTRAINT audit_uid_fkey;\nDROP VIEW recent;\nDROP INDEX "Post_x_idx";\nDROP TABLE "Post";\nDROP TABLE Audit;\nALTER TABLE "User" ADD COLUMN "code" TEXT COLLATE "C", ADD CONSTRAINT "User_code_key" UNIQUE ("code");\nALTER TABLE "User" DROP CONSTRAINT "User_code_key", DROP COLUMN "code";';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    const sql = sqlLines(rollback);
    assert.deepEqual(sql, ['ALTER TABLE "User" DROP CONSTRAINT IF EXISTS "User_code_key";']);
    assert.match(rollback, /^-- TODO: run only once the table the TODO above re-creates is back:\n--   -- Fails if rows written meanwhile violate it.\n--   ALTER TABLE "Post" ADD CONSTRAINT "Post_uid_fkey" FOREIGN KEY \(uid\) REFERENCES "User" \(id\);$/m);
    assert.match(rollback, /^--   CREATE VIEW recent AS SELECT id FROM audit;$/m);
    // The unique constraint of a column the rollback only says to re-add waits for the column.
    assert.match(rollback, /^-- TODO: run only once the column the TODO above re-adds is back:\n--   -- Fails if rows written meanwhile violate it.\n--   ALTER TABLE "User" ADD CONSTRAINT "User_code_key" UNIQUE \(code\);$/m);
    await runsAsIs(init, change, rollback);
  });

  it('re-creates dropped tables as they were just before: columns as changed since, keys, checks, foreign keys, indexes, RLS, policies and comments', async () => {
    const init = [
      `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`,
      `CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER', "tags" TEXT[] DEFAULT ARRAY[]::TEXT[], "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "price" DECIMAL(65,30), "meta" JSONB NOT NULL DEFAULT '{}', CONSTRAINT "User_pkey" PRIMARY KEY ("id"));`,
      `CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" INTEGER NOT NULL, "n" INT CHECK ("n" > 0), "slug" VARCHAR(20), "parentId" TEXT REFERENCES "Post" ("id"), CONSTRAINT "Post_pkey" PRIMARY KEY ("id"), CONSTRAINT "Post_slug_key" UNIQUE ("slug"));`,
      `CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");`,
      `ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;`,
      `CREATE TABLE keep (id int PRIMARY KEY, post_id text REFERENCES "Post" ("id"));`,
      `ALTER TABLE "Post" ENABLE ROW LEVEL SECURITY;`,
      `CREATE POLICY "own posts" ON "Post" FOR SELECT USING ("authorId" = 1);`,
      `COMMENT ON TABLE "Post" IS 'posts';`,
      `COMMENT ON COLUMN "Post"."slug" IS 'it''s the slug';`,
      `ALTER TABLE "User" ALTER COLUMN "email" TYPE VARCHAR(100), ALTER COLUMN "tags" SET DEFAULT ARRAY['a']::TEXT[], ADD COLUMN "age" SMALLINT;`,
      // Prisma's enum change: the column gets the new type under its temporary name, renamed since (trigger.dev).
      `CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN', 'OWNER');`,
      `ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;`,
      `ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");`,
      `ALTER TYPE "Role" RENAME TO "Role_old";`,
      `ALTER TYPE "Role_new" RENAME TO "Role";`,
      `DROP TYPE "Role_old";`,
      `ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';`,
    ].join('\n');
    // Both tables in one statement (PostgreSQL drops Post's key to User with them), Prisma's way otherwise.
    const change = ['ALTER TABLE keep DROP CONSTRAINT keep_post_id_fkey;', 'DROP TABLE "User", "Post";', 'DROP TYPE "Role";'].join('\n');
    const tables = async (db: PGlite) => {
      const r = await db.query<{ d: string }>(
        `SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || udt_name || coalesce('(' || character_maximum_length || ')', '') || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', '') || ' ' || is_nullable || ' ' || coalesce(column_default, '-') AS d FROM information_schema.columns WHERE table_schema = 'public'
         UNION ALL SELECT 'policy ' || tablename || '.' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' ' || coalesce(qual, '-') FROM pg_policies WHERE schemaname = 'public'
         UNION ALL SELECT 'table ' || relname || ' rls=' || relrowsecurity || ' ' || coalesce(obj_description(oid, 'pg_class'), '-') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
         UNION ALL SELECT 'comment ' || c.relname || '.' || a.attname || ' ' || col_description(c.oid, a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relnamespace = 'public'::regnamespace AND col_description(c.oid, a.attnum) IS NOT NULL
         ORDER BY 1`,
      );
      return [...r.rows.map((x) => x.d), ...(await definitions(db)), await shape(db)];
    };
    const rollback = await roundTrip(init, change, tables);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^-- Re-creates "User" as it was before this migration, empty: its rows were dropped with it \(restore them from a backup\)/m);
    // The enum first, then the tables in the order they were made, then their foreign keys.
    assert.match(rollback, /CREATE TYPE "Role"[^]*CREATE TABLE "User" \([^]*CREATE TABLE "Post" \([^]*ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey"[^]*ALTER TABLE keep ADD CONSTRAINT keep_post_id_fkey/);
    // CASCADE drops what the statement does not name; a generated column is not written back: TODOs.
    const cascade = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': 'DROP TABLE "Post" CASCADE;' }, '2_change');
    assert.match(cascade, /-- TODO: a DROP cannot be reversed automatically: recreate the object \(and restore its data from a backup\)\./);
    const generated = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\nALTER TABLE "User" ADD COLUMN "twice" INT GENERATED ALWAYS AS ("age" * 2) STORED;`, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(generated, /^-- TODO: table "User": /m);
    assert.match(generated, /^CREATE TABLE "Post" \($/m);
  });

  it('keeps what a TODO still needs: the copy of values a computed USING replaced, a type such a column has, an index to rename back (formbricks)', async () => {
    const init = [
      `CREATE TYPE "Kind" AS ENUM ('a', 'b');`,
      `CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "verified" TIMESTAMP(3), "kind" TEXT, "name" TEXT, "seen" TIMESTAMP(3));`,
      // Unnamed: PostgreSQL names it User_name_idx, which a rollback does not count on.
      `CREATE INDEX ON "User"("name");`,
      `INSERT INTO "User" VALUES ('u1', '2024-01-02 03:04:05', 'a', 'x', '2024-05-06 07:08:09'), ('u2', NULL, 'b', 'y', NULL);`,
    ].join('\n');
    const change = [
      // Copy-and-swap: the copy is the only place the timestamps are left.
      `ALTER TABLE "User" ADD COLUMN "verified_at" TIMESTAMP(3);`,
      `UPDATE "User" SET "verified_at" = "verified";`,
      `ALTER TABLE "User" ALTER COLUMN "verified" TYPE BOOLEAN USING ("verified" IS NOT NULL);`,
      // A column of an enum this migration creates, filled from one it drops.
      `CREATE TYPE "Kind2" AS ENUM ('x', 'y');`,
      `ALTER TABLE "User" ADD COLUMN "kind2" "Kind2";`,
      `UPDATE "User" SET "kind2" = CASE WHEN "kind" = 'a' THEN 'x'::"Kind2" ELSE 'y'::"Kind2" END;`,
      `ALTER TABLE "User" DROP COLUMN "kind";`,
      // Read in a time zone: the same conversion gives the values back (hoppscotch).
      `ALTER TABLE "User" ALTER COLUMN "seen" TYPE TIMESTAMPTZ(3) USING timezone('Asia/Tokyo', "seen");`,
      `SET TIME ZONE 'America/New_York';`,
      // An index renamed, then dropped: its rename back waits for the TODO that re-creates it (one made
      // with a name is re-created under its name now).
      `ALTER INDEX "User_name_idx" RENAME TO "User_name_old_idx";`,
      `DROP INDEX "User_name_old_idx";`,
    ].join('\n');
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /^-- TODO: column verified was converted with USING \(verified IS NOT NULL\): convert it back to timestamp\(3\) by hand/m);
    assert.match(rollback, /^-- TODO: run only once the TODO above is done \(this would delete data that is not restored yet\): ALTER TABLE "User" DROP COLUMN IF EXISTS verified_at;$/m);
    assert.match(rollback, /^-- TODO: run only once the columns of this type the TODOs above keep are gone:\n--   DROP TYPE IF EXISTS "Kind2";$/m);
    assert.match(rollback, /^-- TODO: run only once the index the TODO above re-creates is back:\n--   ALTER INDEX "User_name_old_idx" RENAME TO "User_name_idx";$/m);
    assert.match(rollback, /^ALTER TABLE "User" ALTER COLUMN seen TYPE timestamp\(3\) USING timezone\('Asia\/Tokyo', seen\);$/m);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      // The script runs as it is, and the copy of the timestamps is still there for the TODO.
      await db.exec(rollback);
      const r = await db.query<{ id: string; verified_at: string | null; seen: string | null }>(`SELECT id, verified_at::text, seen::text FROM "User" ORDER BY id`);
      assert.deepEqual(r.rows, [
        { id: 'u1', verified_at: '2024-01-02 03:04:05', seen: '2024-05-06 07:08:09' },
        { id: 'u2', verified_at: null, seen: null },
      ]);
    });
  });

  it('drops a view or function that a CREATE OR REPLACE made when no earlier migration made it (not one of the platform: auth, storage …)', async () => {
    const init = 'CREATE TABLE t (id int PRIMARY KEY, a int);';
    const change = [
      'CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;',
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;',
      'CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := 1; RETURN NEW; END $$;',
      // A trigger no earlier migration made (Shelf): dropped before its function.
      'CREATE OR REPLACE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();',
    ].join('\n');
    const rollback = await roundTrip(init, change);
    assert.match(rollback, /^DROP TRIGGER IF EXISTS t_touch ON t;$/m);
    // One an earlier migration made is replaced: restoring it stays a TODO.
    const again = rollbackOf({ 'prisma/migrations/1_init/migration.sql': `${init}\n${change}`, 'prisma/migrations/2_change/migration.sql': 'CREATE OR REPLACE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();' }, '2_change');
    assert.match(again, /^-- TODO: CREATE OR REPLACE TRIGGER: restore the previous trigger by hand\.$/m);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^-- No earlier migration makes v: dropped\. If it existed before this migration \(made outside the migrations\), restore its definition instead\.\nDROP VIEW IF EXISTS v;$/m);
    assert.match(rollback, /^DROP FUNCTION IF EXISTS f\(integer\);$/m);
    const platform = rollbackOf({ 'supabase/migrations/1_init.sql': init, 'supabase/migrations/2_change.sql': 'CREATE OR REPLACE FUNCTION auth.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;' }, '2_change.sql');
    assert.match(platform, /^-- TODO: CREATE OR REPLACE FUNCTION: the previous definition/m);
  });

  it('restores the definition a CREATE OR REPLACE FUNCTION replaced (in place, or dropped first when the result changed) and re-creates dropped functions', async () => {
    const functions = async (db: PGlite) => (await db.query<{ d: string }>(`SELECT pg_get_functiondef(p.oid) AS d FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`)).rows.map((r) => r.d);
    const init = [
      'CREATE FUNCTION add1(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;',
      'CREATE OR REPLACE FUNCTION label(x int) RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN \'n\' || x; END $body$;',
      'CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql AS $$ SELECT 2 * x $$;',
      'CREATE FUNCTION twice(x text) RETURNS text LANGUAGE sql AS $$ SELECT x || x $$;',
    ].join('\n');
    const change = [
      'CREATE OR REPLACE FUNCTION add1(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 100 $$;',
      'DROP FUNCTION label(int);',
      'CREATE OR REPLACE FUNCTION label(x int) RETURNS varchar LANGUAGE sql AS $$ SELECT \'v\' || x $$;',
      'DROP FUNCTION twice(int), twice(text);',
    ].join('\n');
    const rollback = await roundTrip(init, change, functions);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.match(rollback, /^CREATE OR REPLACE FUNCTION add1\(x int\) RETURNS int LANGUAGE sql AS \$\$ SELECT x \+ 1 \$\$;$/m);
  });

  it('restores the comment a COMMENT ON replaced (none: IS NULL) and the definition a CREATE OR REPLACE VIEW replaced; nothing for objects the migration made', async () => {
    const comments = async (db: PGlite) =>
      (await db.query<{ d: string }>(`SELECT objoid::regclass || '.' || objsubid || ' ' || description AS d FROM pg_description WHERE classoid = 'pg_class'::regclass UNION ALL SELECT objoid::regproc || ' ' || description FROM pg_description WHERE classoid = 'pg_proc'::regclass ORDER BY 1`)).rows.map((r) => r.d);
    const init = [
      'CREATE TABLE t (id int PRIMARY KEY, a int);',
      "COMMENT ON TABLE t IS 'the table';",
      "COMMENT ON COLUMN t.a IS 'it''s a';",
      'CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;',
      "COMMENT ON FUNCTION f(int) IS 'first';",
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 0 $$;',
      'CREATE VIEW v AS SELECT id FROM t;',
    ].join('\n');
    const change = [
      "COMMENT ON TABLE t IS 'renamed is not';",
      "COMMENT ON COLUMN public.t.id IS 'the id';",
      'COMMENT ON COLUMN t.a IS NULL;',
      "COMMENT ON FUNCTION f IS 'second';",
      'ALTER TABLE t ADD COLUMN b int;',
      "COMMENT ON COLUMN t.b IS 'new';",
      'CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;',
    ].join('\n');
    const rollback = await roundTrip(init, change, async (db) => [await comments(db), await definitions(db)]);
    assert.doesNotMatch(rollback, /-- TODO:/);
    assert.doesNotMatch(rollback, /t\.b/);
    assert.match(rollback, /^COMMENT ON COLUMN t\.a IS 'it''s a';$/m);
    assert.match(rollback, /^COMMENT ON COLUMN public\.t\.id IS NULL;$/m);
  });

  it('a CREATE OR REPLACE VIEW of a view another view reads is a TODO: dropping it to restore the old definition would fail (civitai: UserStat read by UserRank_Live)', async () => {
    const init = 'CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE VIEW v AS SELECT id FROM t;\nCREATE VIEW w AS SELECT id FROM v;\nCREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM public.v;';
    const change = 'CREATE OR REPLACE VIEW v AS SELECT id, a FROM t;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /^-- TODO: CREATE OR REPLACE VIEW: public\.w, public\.mv read this view, so it cannot be dropped and made again as it was: restore its previous definition by hand \(drop and re-create those views around it\)\.$/m);
    assert.deepEqual(sqlLines(rollback), []);
    await runsAsIs(init, change, rollback);
    // Without a reader, the old definition comes back.
    await roundTrip('CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE VIEW v AS SELECT id FROM t;', change);
  });

  it('re-creates a dropped view only after the TODOs about the tables it reads (civitai: a column swapped for a new type under the same name)', async () => {
    const init = 'CREATE TABLE t (id int PRIMARY KEY, a boolean);\nCREATE VIEW v AS SELECT id FROM t WHERE a = TRUE;';
    const change = 'DROP VIEW v;\nALTER TABLE t RENAME COLUMN a TO a_old;\nALTER TABLE t ADD COLUMN a text;\nUPDATE t SET a = a_old::text;\nALTER TABLE t DROP COLUMN a_old;\nCREATE VIEW v AS SELECT id FROM t WHERE a = \'true\';';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': change }, '2_change');
    assert.match(rollback, /^-- TODO: run only once the TODOs above about what the view reads are done:\n--   -- Re-creates v as migration 1_init defined it/m);
    await runsAsIs(init, change, rollback);
  });

  it('keeps the TODO for a constraint or index whose columns were renamed since it was made (its statement no longer describes it)', () => {
    const init = 'CREATE TABLE u (id int PRIMARY KEY, a int);\nCREATE TABLE w (id int PRIMARY KEY, uid int REFERENCES u (id), x int);\nCREATE INDEX w_x ON w (x);\nALTER TABLE w RENAME COLUMN uid TO user_id;\nALTER TABLE w RENAME COLUMN x TO y;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': 'ALTER TABLE w DROP CONSTRAINT w_uid_fkey;\nDROP INDEX w_x;' }, '2_change');
    assert.match(rollback, /-- TODO: constraint w_uid_fkey was dropped: re-create it by hand/);
    assert.match(rollback, /-- TODO: a DROP cannot be reversed automatically/);
  });

  it("reverses Prisma's enum-recreate migration (both orders Prisma writes): the dropped old type comes back with its values", async () => {
    const init = [
      `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');`,
      `CREATE TABLE "User" ("id" SERIAL NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER', "roles" "Role"[], CONSTRAINT "User_pkey" PRIMARY KEY ("id"));`,
    ].join('\n');
    // Prisma's output when an enum value is removed, in its two historical shapes.
    const recreates = [
      [
        'BEGIN;',
        `CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');`,
        'ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;',
        'ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");',
        'ALTER TABLE "User" ALTER COLUMN "roles" TYPE "Role_new"[] USING ("roles"::text::"Role_new"[]);',
        'ALTER TYPE "Role" RENAME TO "Role_old";',
        'ALTER TYPE "Role_new" RENAME TO "Role";',
        'DROP TYPE "Role_old";',
        `ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';`,
        'COMMIT;',
      ].join('\n'),
      [
        'ALTER TYPE "Role" RENAME TO "Role_old";',
        `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`,
        'ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;',
        'ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role" USING "role"::text::"Role";',
        'ALTER TABLE "User" ALTER COLUMN "roles" TYPE "Role"[] USING "roles"::text::"Role"[];',
        `ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';`,
        'DROP TYPE "Role_old";',
      ].join('\n'),
    ];
    for (const recreate of recreates) {
      const files = {
        'prisma/migrations/1_init/migration.sql': init,
        'prisma/migrations/1_init/down.sql': 'DROP TABLE "User"; DROP TYPE "Role";',
        'prisma/migrations/2_remove_guest/migration.sql': recreate,
      };
      const rollback = rollbackOf(files, '2_remove_guest');
      assert.match(rollback, /^CREATE TYPE "Role_old" AS ENUM \('USER', 'ADMIN', 'GUEST'\);$/m);
      await withDb(async (db) => {
        await db.exec(init);
        const before = await shape(db);
        await db.exec(`INSERT INTO "User" ("role", "roles") VALUES ('ADMIN', '{USER,ADMIN}');`);
        await db.exec(recreate);
        assert.notEqual(await shape(db), before);
        await db.exec(rollback);
        // The old type is back (GUEST included) under its name, used by both columns; the rows kept their values.
        const after = JSON.parse(await shape(db));
        const expected = JSON.parse(before);
        assert.deepEqual(after.enums, expected.enums);
        // Same column types, and the default the migration dropped and set again is the old type's.
        assert.deepEqual(after.cols, expected.cols);
        const rows = await db.query<{ role: string; roles: string }>(`SELECT role::text AS role, roles::text AS roles FROM "User"`);
        assert.deepEqual(rows.rows, [{ role: 'ADMIN', roles: '{USER,ADMIN}' }]);
      });
    }
  });

  it('restores a dropped default when the SQL written from its tree reads back as that tree; others stay a TODO', async () => {
    const init = `CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "a" TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3), "b" TIMESTAMPTZ DEFAULT now(), "c" TEXT DEFAULT 'it''s', "d" INT DEFAULT -1, "e" TIMESTAMPTZ DEFAULT now() + interval '1 day');`;
    const change = ['a', 'b', 'c', 'd', 'e'].map((c) => `ALTER TABLE "Post" ALTER COLUMN "${c}" DROP DEFAULT;`).join('\n');
    const files = { 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE "Post";', 'prisma/migrations/2_defaults/migration.sql': change };
    const rollback = rollbackOf(files, '2_defaults');
    const live = sqlLines(rollback);
    assert.deepEqual(live, [
      `ALTER TABLE "Post" ALTER COLUMN e SET DEFAULT now() + '1 day'::interval;`,
      `ALTER TABLE "Post" ALTER COLUMN d SET DEFAULT -1;`,
      `ALTER TABLE "Post" ALTER COLUMN c SET DEFAULT 'it''s';`,
      `ALTER TABLE "Post" ALTER COLUMN b SET DEFAULT now();`,
    ]);
    // CURRENT_TIMESTAMP(3) is not written back exactly (its precision would be lost).
    assert.match(rollback, /-- TODO: restore the previous default of a /);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      await db.exec(rollback);
      const r = await db.query<{ column_name: string; column_default: string | null }>(`SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'Post' AND column_name IN ('b', 'c', 'd', 'e') ORDER BY 1`);
      assert.deepEqual(r.rows, [
        { column_name: 'b', column_default: 'now()' },
        { column_name: 'c', column_default: "'it''s'::text" },
        { column_name: 'd', column_default: '\'-1\'::integer' },
        { column_name: 'e', column_default: "(now() + '1 day'::interval)" },
      ]);
    });
  });

  it('sets the default a column had with its type again after restoring the type (langfuse: jsonb → json, then a json default)', async () => {
    const init = `CREATE TABLE prompts (id int PRIMARY KEY, config jsonb NOT NULL DEFAULT '{}');`;
    const change = `ALTER TABLE prompts ALTER COLUMN config TYPE JSON USING config::JSON;\nALTER TABLE prompts ALTER COLUMN config SET DEFAULT '{}'::JSON;`;
    await roundTrip(init, change, shape);
  });

  it('drops unnamed constraints by the names PostgreSQL gave them', async () => {
    const init = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int, a_id int, code text, n int);\nALTER TABLE b ADD CONSTRAINT b_a_id_fkey CHECK (n > 0);';
    // The first unnamed foreign key on b.a_id cannot be b_a_id_fkey (a check has that name): PostgreSQL picks b_a_id_fkey1.
    const change = 'ALTER TABLE b ADD PRIMARY KEY (id), ADD FOREIGN KEY (a_id) REFERENCES a (id), ADD UNIQUE (code), ADD CHECK (n < 10);';
    const files = { 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE b; DROP TABLE a;', 'prisma/migrations/2_keys/migration.sql': change };
    const rollback = rollbackOf(files, '2_keys');
    assert.deepEqual(sqlLines(rollback), [
      'ALTER TABLE b DROP CONSTRAINT IF EXISTS b_n_check;',
      'ALTER TABLE b DROP CONSTRAINT IF EXISTS b_code_key;',
      'ALTER TABLE b DROP CONSTRAINT IF EXISTS b_a_id_fkey1;',
      'ALTER TABLE b DROP CONSTRAINT IF EXISTS b_pkey;',
      // b.id was nullable before its primary key.
      'ALTER TABLE b ALTER COLUMN id DROP NOT NULL;',
    ]);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      const names = async () => (await db.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = 'b'::regclass AND contype <> 'n' ORDER BY 1`)).rows.map((r) => r.conname);
      assert.deepEqual(await names(), ['b_a_id_fkey', 'b_a_id_fkey1', 'b_code_key', 'b_n_check', 'b_pkey']);
      await db.exec(rollback);
      assert.deepEqual(await names(), ['b_a_id_fkey']);
    });
  });

  it('leaves what may predate the migration alone: no-op IF [NOT] EXISTS statements, earlier grants, installed extensions; undoes what it created', async () => {
    const init = 'CREATE ROLE app;\nCREATE TABLE t (id int PRIMARY KEY, note text);\nGRANT USAGE ON SCHEMA public TO app;\nGRANT SELECT ON t TO app;\nCREATE EXTENSION IF NOT EXISTS plpgsql;';
    const change = [
      'CREATE EXTENSION IF NOT EXISTS plpgsql;',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS note text;',
      'ALTER TABLE t DROP COLUMN IF EXISTS legacy;',
      'CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY);',
      'CREATE SCHEMA private;',
      "CREATE OR REPLACE FUNCTION private.secret() RETURNS text LANGUAGE sql AS $$ SELECT 'x'::text $$;",
      'CREATE TABLE u (id int PRIMARY KEY);',
      'GRANT SELECT ON u TO app;',
      'GRANT USAGE ON SCHEMA public TO app;',
      'GRANT SELECT ON ALL TABLES IN SCHEMA public TO app;',
    ].join('\n');
    const files = { 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE t;', 'prisma/migrations/2_more/migration.sql': change };
    const rollback = rollbackOf(files, '2_more');
    assert.deepEqual(sqlLines(rollback), [
      'REVOKE SELECT ON u FROM app;',
      'DROP TABLE IF EXISTS u;',
      'DROP FUNCTION IF EXISTS private.secret();',
      'DROP SCHEMA IF EXISTS private;',
    ]);
    assert.match(rollback, /-- TODO: GRANT … ON ALL … IN SCHEMA also covers objects of earlier migrations/);
    assert.match(rollback, /-- TODO: the grantees may have held these privileges before this migration/);
    assert.match(rollback, /-- TODO: CREATE EXTENSION IF NOT EXISTS: the extension may have been installed before/);
    assert.doesNotMatch(rollback, /legacy/);
    await withDb(async (db) => {
      await db.exec(init);
      const before = await db.query(`SELECT has_table_privilege('app', 't', 'SELECT') AS t, has_schema_privilege('app', 'public', 'USAGE') AS s, (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql')::int AS ext, (SELECT count(*) FROM information_schema.columns WHERE table_name = 't')::int AS cols`);
      await db.exec(change);
      await db.exec(rollback);
      const after = await db.query(`SELECT has_table_privilege('app', 't', 'SELECT') AS t, has_schema_privilege('app', 'public', 'USAGE') AS s, (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql')::int AS ext, (SELECT count(*) FROM information_schema.columns WHERE table_name = 't')::int AS cols`);
      assert.deepEqual(after.rows, before.rows);
      assert.deepEqual((await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'private'`)).rows, [{ n: 0 }]);
    });
  });

  it("reverses a DO block that only runs DDL through its statements (Drizzle Kit's EXCEPTION WHEN duplicate_object THEN null); keeps a TODO for one with logic", async () => {
    const init = 'CREATE TABLE p (id int PRIMARY KEY);';
    const change = [
      'CREATE TABLE c (id int PRIMARY KEY, p_id int);',
      'DO $$ BEGIN\n CREATE TYPE "public"."role" AS ENUM(\'a\', \'b\');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;',
      'ALTER TABLE c ADD COLUMN r "role";',
      'DO $$ BEGIN\n ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE cascade;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;',
    ].join('\n');
    const rollback = await roundTrip(init, change, async (db) => [await definitions(db), await shape(db)]);
    assert.doesNotMatch(rollback, /-- TODO/);
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE c DROP CONSTRAINT IF EXISTS c_p_fk;', 'ALTER TABLE c DROP COLUMN IF EXISTS r;', 'DROP TYPE IF EXISTS public.role;', 'DROP TABLE IF EXISTS c;']);
    const logic = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'role') THEN CREATE TYPE role AS ENUM ('a'); END IF; END $$;" }, '2_change');
    assert.match(logic, /-- TODO: DO block: reverse its effects by hand\./);
    const handled = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_change/migration.sql': "DO $$ BEGIN CREATE TYPE role AS ENUM ('a'); EXCEPTION WHEN others THEN RAISE NOTICE 'x'; END $$;" }, '2_change');
    assert.match(handled, /-- TODO: DO block: reverse its effects by hand\./);
  });

  it('takes tables added to a publication out again (Supabase Realtime); nothing to undo for a LOCK, an ANALYZE or a REFRESH', async () => {
    const init = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE PUBLICATION realtime;';
    const change = 'CREATE TABLE b (id int PRIMARY KEY);\nLOCK TABLE a IN SHARE MODE;\nALTER PUBLICATION realtime ADD TABLE a, public.b;\nANALYZE a;\nCREATE PUBLICATION other FOR TABLE a;';
    const published = async (db: PGlite) => (await db.query<{ p: string }>(`SELECT pubname || ':' || tablename AS p FROM pg_publication_tables ORDER BY 1`)).rows.map((r) => r.p).concat(await definitions(db));
    const rollback = await roundTrip(init, change, published);
    assert.deepEqual(sqlLines(rollback), ['DROP PUBLICATION IF EXISTS other;', 'ALTER PUBLICATION realtime DROP TABLE a, public.b;', 'DROP TABLE IF EXISTS b;']);
  });

  it('turns a column that became text back into its type with an explicit cast (there is no automatic one)', async () => {
    const init = 'CREATE TABLE j (id int PRIMARY KEY, ts bigint, code varchar(10));';
    const change = 'ALTER TABLE j ALTER COLUMN ts SET DATA TYPE TEXT;\nALTER TABLE j ALTER COLUMN code TYPE text;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE j;', 'prisma/migrations/2_text/migration.sql': change }, '2_text');
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE j ALTER COLUMN code TYPE varchar(10);', 'ALTER TABLE j ALTER COLUMN ts TYPE bigint USING ts::bigint;']);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(`INSERT INTO j VALUES (1, 42, 'abc');`);
      await db.exec(change);
      await db.exec(rollback);
      assert.deepEqual((await db.query(`SELECT pg_typeof(ts)::text AS t, ts::text AS v FROM j`)).rows, [{ t: 'bigint', v: '42' }]);
    });
  });

  it('reverses the commands of one ALTER TABLE from the state just before each (langfuse: DROP DEFAULT, TYPE, SET DEFAULT on one column)', async () => {
    const init = `CREATE TYPE "Sev" AS ENUM ('UNKNOWN', 'OK');\nCREATE TABLE m (id int PRIMARY KEY, severity "Sev" NOT NULL DEFAULT 'UNKNOWN');`;
    const change = [
      'ALTER TYPE "Sev" RENAME TO "Sev_old";',
      `CREATE TYPE "Sev" AS ENUM ('PAUSED', 'UNKNOWN', 'OK');`,
      `ALTER TABLE m ALTER COLUMN severity DROP DEFAULT, ALTER COLUMN severity TYPE "Sev" USING severity::text::"Sev", ALTER COLUMN severity SET DEFAULT 'UNKNOWN'::"Sev";`,
      'DROP TYPE "Sev_old";',
    ].join('\n');
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE m;', 'prisma/migrations/2_sev/migration.sql': change }, '2_sev');
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      await db.exec(rollback);
      const col = await db.query(`SELECT format_type(atttypid, atttypmod) AS t, pg_get_expr(adbin, adrelid) AS d FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum WHERE attrelid = 'm'::regclass AND attname = 'severity'`);
      assert.deepEqual(col.rows, [{ t: '"Sev"', d: `'UNKNOWN'::"Sev"` }]);
      const labels = await db.query(`SELECT array_agg(enumlabel::text ORDER BY enumsortorder) AS l FROM pg_enum WHERE enumtypid = '"Sev"'::regtype`);
      assert.deepEqual(labels.rows, [{ l: ['UNKNOWN', 'OK'] }]);
    });
  });

  it('drops a view the migration dropped and then created again (civitai: DROP VIEW, ADD COLUMN, CREATE OR REPLACE VIEW)', async () => {
    const init = 'CREATE TABLE r (id int PRIMARY KEY, a int);\nCREATE VIEW v AS SELECT id, a FROM r;';
    const change = 'DROP VIEW v;\nALTER TABLE r ADD COLUMN b int;\nCREATE OR REPLACE VIEW v AS SELECT id, a, b FROM r;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP VIEW v; DROP TABLE r;', 'prisma/migrations/2_view/migration.sql': change }, '2_view');
    // The new view goes first (it uses the column the rollback drops), the old one comes back last.
    assert.deepEqual(sqlLines(rollback), ['DROP VIEW IF EXISTS v;', 'ALTER TABLE r DROP COLUMN IF EXISTS b;', 'CREATE VIEW v AS SELECT id, a FROM r;']);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      await db.exec(rollback);
      assert.deepEqual((await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'r'`)).rows, [{ n: 2 }]);
      assert.deepEqual((await db.query(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'v' ORDER BY ordinal_position`)).rows, [{ c: 'id' }, { c: 'a' }]);
    });
  });

  it('never reverses a REVOKE into a GRANT of everything it named (makerkit: REVOKE ALL … FROM anon)', async () => {
    const init = 'CREATE ROLE viewer;\nCREATE TABLE t (id int PRIMARY KEY);\nGRANT SELECT ON t TO viewer;';
    const change = 'REVOKE ALL ON t FROM viewer;\nCREATE TABLE u (id int PRIMARY KEY);\nREVOKE ALL ON u FROM viewer;\nREVOKE SELECT ON t FROM viewer;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE t;', 'prisma/migrations/2_revoke/migration.sql': change }, '2_revoke');
    // A named privilege is given back; nothing on the table this migration made (the rollback drops it).
    assert.deepEqual(sqlLines(rollback), ['GRANT SELECT ON t TO viewer;', 'DROP TABLE IF EXISTS u;']);
    assert.match(rollback, /-- TODO: REVOKE ALL \/ ON ALL … IN SCHEMA: re-grant by hand only the privileges the grantees held before/);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(change);
      await db.exec(rollback);
      assert.deepEqual((await db.query(`SELECT has_table_privilege('viewer', 't', 'INSERT') AS i, has_table_privilege('viewer', 't', 'SELECT') AS s`)).rows, [{ i: false, s: true }]);
    });
  });

  it('turns a serial column that became text back into integer (formbricks: serial is not a type PostgreSQL can cast to)', async () => {
    const init = 'CREATE TABLE p (id SERIAL PRIMARY KEY, n BIGSERIAL);';
    const change = 'ALTER TABLE p ALTER COLUMN id SET DATA TYPE TEXT;\nALTER TABLE p ALTER COLUMN n TYPE TEXT;';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE p;', 'prisma/migrations/2_text/migration.sql': change }, '2_text');
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE p ALTER COLUMN n TYPE bigint USING n::bigint;', 'ALTER TABLE p ALTER COLUMN id TYPE integer USING id::integer;']);
    await withDb(async (db) => {
      await db.exec(init);
      await db.exec(`INSERT INTO p DEFAULT VALUES;`);
      await db.exec(change);
      await db.exec(rollback);
      assert.deepEqual((await db.query(`SELECT pg_typeof(id)::text AS a, pg_typeof(n)::text AS b FROM p`)).rows, [{ a: 'integer', b: 'bigint' }]);
    });
  });

  it('makes the columns of an added primary key nullable again when they were before (PostgreSQL made them NOT NULL)', async () => {
    const init = 'CREATE TABLE k (a int, b int NOT NULL, c text);';
    const change = 'ALTER TABLE k ADD CONSTRAINT k_pkey PRIMARY KEY (a, b);';
    const rollback = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE k;', 'prisma/migrations/2_pk/migration.sql': change }, '2_pk');
    assert.deepEqual(sqlLines(rollback), ['ALTER TABLE k DROP CONSTRAINT IF EXISTS k_pkey;', 'ALTER TABLE k ALTER COLUMN a DROP NOT NULL;']);
    // A column the same statement adds is dropped again, primary key or not.
    const added = rollbackOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/1_init/down.sql': 'DROP TABLE k;', 'prisma/migrations/2_pk/migration.sql': 'ALTER TABLE k ADD COLUMN IF NOT EXISTS id int, ADD PRIMARY KEY (id);' }, '2_pk');
    assert.deepEqual(sqlLines(added), ['ALTER TABLE k DROP CONSTRAINT IF EXISTS k_pkey;', 'ALTER TABLE k DROP COLUMN IF EXISTS id;']);
    await withDb(async (db) => {
      const nullable = async () => (await db.query<{ c: string }>(`SELECT column_name || ' ' || is_nullable AS c FROM information_schema.columns WHERE table_name = 'k' ORDER BY 1`)).rows.map((r) => r.c);
      await db.exec(init);
      const before = await nullable();
      await db.exec(change);
      await db.exec(rollback);
      assert.deepEqual(await nullable(), before);
    });
  });
});

