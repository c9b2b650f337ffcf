// Diesel's migration layout, and the transaction each tool runs a migration in (where CONCURRENTLY
// fails), as the rules and their fixes see them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { audit } from '../../server/src/analysis/engine';
import { classifyMigration, dieselRunInTransaction, migrationSetFiles } from '../../server/src/analysis/sql/discovery';
import type { Finding } from '../../server/src/analysis/types';
import { loadProject } from '../../server/src/project/load';
import { discoverProjects } from '../../server/src/project/discover';
import { files, ready } from './helpers';
import { applyEdits } from '../../server/src/analysis/text';

before(async () => {
  await ready;
});

function run(map: Record<string, string>, metadata: Record<string, string> = {}): Finding[] {
  const r = audit({ prismaFiles: [], sqlFiles: files(map), migrationMetadata: files(metadata) });
  assert.deepEqual(r.ruleErrors, {});
  return r.findings;
}

const users = 'CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR NOT NULL);\n';

describe('Diesel migrations', () => {
  it('are `<version>_<name>/up.sql` folders: the version is the name up to `_` without dashes, compared as text', () => {
    const a = classifyMigration('migrations/2017-06-21-154135_create_users/up.sql');
    assert.equal(a.kind, 'diesel');
    assert.equal(a.version, '20170621154135');
    assert.equal(a.label, '2017-06-21-154135_create_users');
    assert.equal(a.setDir, 'migrations');
    assert.deepEqual(a.nameProblems, []);
    // Diesel's own first migration is a placeholder version, not an impossible date.
    assert.deepEqual(classifyMigration('migrations/00000000000000_diesel_initial_setup/up.sql').nameProblems, []);
    assert.match(classifyMigration('migrations/2017-13-21-154135_x/up.sql').nameProblems.join(), /month 13 does not exist/);
  });

  it('are found on disk with their down.sql, ordered, paired and audited', () => {
    const root = mkdtempSync(join(tmpdir(), 'si-diesel-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    put('Cargo.toml', '[package]\nname = "x"\n');
    put('migrations/.keep', '');
    put('migrations/2017-06-21-154135_create_users/up.sql', users);
    put('migrations/2017-06-21-154135_create_users/down.sql', 'DROP TABLE users;\n');
    put('migrations/2017-06-22-100000_users_name/up.sql', 'CREATE INDEX users_name ON users (name);\n');
    put('migrations/2017-06-22-100000_users_name/metadata.toml', 'run_in_transaction = false\n');
    const [layout] = discoverProjects(root);
    assert.ok(layout, 'a project is discovered');
    assert.deepEqual(
      layout.migrationFiles.map((f) => f.slice(root.length + 1)),
      ['migrations/2017-06-21-154135_create_users/down.sql', 'migrations/2017-06-21-154135_create_users/up.sql', 'migrations/2017-06-22-100000_users_name/up.sql'],
    );
    const loaded = loadProject(layout);
    assert.deepEqual(loaded.input.migrationMetadata?.map((f) => f.path), ['migrations/2017-06-22-100000_users_name/metadata.toml']);
    const r = audit(loaded.input);
    const rollbacks = r.findings.filter((f) => f.rule === 'missing-rollback');
    // The first migration has its down.sql; the second has none, and its rollback goes where Diesel looks.
    assert.deepEqual(rollbacks.map((f) => f.migration), ['2017-06-22-100000_users_name']);
    assert.equal(rollbacks[0].fixes[0].fileOperations?.[0].file, 'migrations/2017-06-22-100000_users_name/down.sql');
    // metadata.toml says run_in_transaction = false and the file has one statement: CONCURRENTLY in place.
    const idx = r.findings.filter((f) => f.rule === 'index-not-concurrent');
    assert.equal(idx.length, 1);
    assert.deepEqual(idx[0].fixes[0].edits.map((e) => e.newText), [' CONCURRENTLY']);
    assert.equal(idx[0].fixes[0].fileOperations, undefined);
  });

  it('lists each Diesel migration\'s metadata.toml among the set files, and reads run_in_transaction', () => {
    assert.deepEqual(migrationSetFiles(['m/1_a/up.sql', 'm/1_a/down.sql', 'p/20240101000000_x/migration.sql']).migrationMetadata, ['m/1_a/metadata.toml']);
    assert.equal(dieselRunInTransaction('# comment\nrun_in_transaction = false\n'), false);
    assert.equal(dieselRunInTransaction('run_in_transaction=true'), true);
    assert.equal(dieselRunInTransaction('other = 1\n'), null);
  });

  it('index-not-concurrent: Diesel runs a migration in a transaction, so the fix also writes metadata.toml (one statement only)', () => {
    const single = run({ 'migrations/2017-06-21-154135_users/up.sql': users, 'migrations/2017-06-22-100000_idx/up.sql': 'CREATE INDEX users_name ON users (name);\n' });
    const f = single.find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(f.message, /Diesel runs in a transaction/);
    assert.equal(f.fixes[0].title, 'Add CONCURRENTLY and run the migration outside a transaction');
    assert.deepEqual(f.fixes[0].fileOperations, [{ kind: 'create', file: 'migrations/2017-06-22-100000_idx/metadata.toml', content: 'run_in_transaction = false\n' }]);
    // Several statements: Diesel sends the file as one script, one transaction even without its own.
    const several = run(
      { 'migrations/2017-06-21-154135_users/up.sql': users, 'migrations/2017-06-22-100000_idx/up.sql': 'CREATE INDEX users_name ON users (name);\nALTER TABLE users ADD COLUMN bio text;\n' },
      { 'migrations/2017-06-22-100000_idx/metadata.toml': 'run_in_transaction = false\n' },
    ).find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(several.message, /Diesel migration with other statements.*move it to a migration of its own/);
    assert.deepEqual(several.fixes, []);
    // A metadata.toml that keeps the transaction: no fix (the file is not rewritten).
    const kept = run({ 'migrations/2017-06-21-154135_users/up.sql': users, 'migrations/2017-06-22-100000_idx/up.sql': 'CREATE INDEX users_name ON users (name);\n' }, { 'migrations/2017-06-22-100000_idx/metadata.toml': 'run_in_transaction = true\n' }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.deepEqual(kept.fixes, []);
  });

  it('duplicate versions rename the folder in its own dashed form, and a new migration takes a version after those renames', () => {
    const f = run({
      'migrations/2017-06-21-154135_users/up.sql': users,
      'migrations/2017-06-22-100000_posts/up.sql': 'CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));\n',
      'migrations/2017-06-22-100000_a_idx/up.sql': 'SELECT 1;\n',
    });
    const dup = f.find((x) => x.rule === 'duplicate-migration-version')!;
    assert.deepEqual(dup.fixes[0].fileOperations, [{ kind: 'rename', file: 'migrations/2017-06-22-100000_posts', newFile: 'migrations/2017-06-22-100001_posts' }]);
    const fk = f.find((x) => x.rule === 'missing-fk-index')!;
    const ops = fk.fixes[0].fileOperations!;
    assert.equal(ops[0].file, 'migrations/2017-06-22-100002_index_posts_user_id/up.sql');
    // CONCURRENTLY in a Diesel migration: its metadata.toml comes along.
    assert.deepEqual(ops[1], { kind: 'create', file: 'migrations/2017-06-22-100002_index_posts_user_id/metadata.toml', content: 'run_in_transaction = false\n' });
  });

  it('missing-rollback: the comment-only down.sql Diesel generates is an empty rollback; the fix appends to it', () => {
    const down = '-- This file should undo anything in `up.sql`';
    const f = run({ 'migrations/2017-06-21-154135_users/up.sql': users, 'migrations/2017-06-21-154135_users/down.sql': down }).filter((x) => x.rule === 'missing-rollback');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /empty rollback script: `down.sql` holds no statement/);
    const [edit] = f[0].fixes[0].edits;
    assert.equal(edit.file, 'migrations/2017-06-21-154135_users/down.sql');
    assert.deepEqual(edit.range, { start: { line: 0, character: down.length }, end: { line: 0, character: down.length } });
    assert.match(edit.newText, /^\n-- Rollback of 2017-06-21-154135_users[^]*DROP TABLE IF EXISTS users;\n$/);
    assert.equal(f[0].fixes[0].fileOperations, undefined);
  });

  it('a one-statement Diesel migration whose metadata.toml keeps the transaction is told to set run_in_transaction = false', () => {
    const f = run({ 'migrations/2017-06-21-154135_users/up.sql': users, 'migrations/2017-06-22-100000_idx/up.sql': 'CREATE INDEX users_name ON users (name);\n' }, { 'migrations/2017-06-22-100000_idx/metadata.toml': '# kept\n' }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(f.message, /set `run_in_transaction = false` in its `metadata.toml` and add CONCURRENTLY\.$/);
    assert.deepEqual(f.fixes, []);
  });

  it('a duplicate of the placeholder version 00000000000000 is renamed to 00000000000001, not to a date', () => {
    const dup = run({ 'migrations/00000000000000_diesel_initial_setup/up.sql': 'SELECT 1;\n', 'migrations/00000000000000_x/up.sql': users }).find((x) => x.rule === 'duplicate-migration-version')!;
    assert.deepEqual(dup.fixes[0].fileOperations, [{ kind: 'rename', file: 'migrations/00000000000000_x', newFile: 'migrations/00000000000001_x' }]);
  });
});

describe('tools that run each migration in a transaction', () => {
  const base = { 'db/migrations/20240101000000_users.sql': `-- migrate:up\n${users}\n-- migrate:down\nDROP TABLE users;\n` };

  it('dbmate: the fix adds transaction:false to the -- migrate:up line of a one-statement migration', () => {
    const text = '-- migrate:up\nCREATE INDEX users_name ON users (name);\n\n-- migrate:down\nDROP INDEX users_name;\n';
    const f = run({ ...base, 'db/migrations/20240102000000_idx.sql': text }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(f.message, /dbmate runs in a transaction/);
    assert.deepEqual(
      f.fixes[0].edits.map((e) => [e.range.start, e.newText]),
      [
        [{ line: 0, character: 13 }, ' transaction:false'],
        [{ line: 1, character: 12 }, ' CONCURRENTLY'],
      ],
    );
    const opted = run({ ...base, 'db/migrations/20240102000000_idx.sql': text.replace('migrate:up', 'migrate:up transaction:false') }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.deepEqual(opted.fixes[0].edits.map((e) => e.newText), [' CONCURRENTLY']);
    const several = run({ ...base, 'db/migrations/20240102000000_idx.sql': text.replace('\n\n', '\nALTER TABLE users ADD COLUMN bio text;\n\n') }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.deepEqual(several.fixes, []);
    // transaction:false does not help beside other statements: dbmate sends the up section as one script.
    const severalOpted = run({ ...base, 'db/migrations/20240102000000_idx.sql': text.replace('migrate:up', 'migrate:up transaction:false').replace('\n\n', '\nALTER TABLE users ADD COLUMN bio text;\n\n') }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(severalOpted.message, /dbmate migration with other statements/);
    assert.deepEqual(severalOpted.fixes, []);
  });

  it('goose: the fix adds -- +goose NO TRANSACTION on top; graphile-migrate: no in-place fix (its committed files are hashed)', () => {
    const goose = run({
      'db/migrations/20240101000000_users.sql': `-- +goose Up\n${users}`,
      'db/migrations/20240102000000_idx.sql': '-- +goose Up\nCREATE INDEX users_name ON users (name);\n',
    }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.deepEqual(
      goose.fixes[0].edits.map((e) => [e.range.start, e.newText]),
      [
        [{ line: 0, character: 0 }, '-- +goose NO TRANSACTION\n'],
        [{ line: 1, character: 12 }, ' CONCURRENTLY'],
      ],
    );
    const graphile = run({ 'migrations/committed/000001.sql': users, 'migrations/committed/000002.sql': '--! Previous: sha1:abc\n--! Hash: sha1:def\n\nCREATE INDEX users_name ON users (name);\n' }).find(
      (x) => x.rule === 'index-not-concurrent',
    )!;
    assert.match(graphile.message, /graphile-migrate migration, which runs in a transaction unless it starts with `--! no-transaction`.*migration of its own/);
    assert.deepEqual(graphile.fixes, []);
  });

  it('a goose StatementBegin … StatementEnd block, a numbered or a Flyway file with other statements: no CONCURRENTLY in place (sent as one script)', () => {
    const goose = run({
      'db/migrations/20240101000000_users.sql': `-- +goose Up\n${users}`,
      'db/migrations/20240102000000_idx.sql': '-- +goose Up\n-- +goose NO TRANSACTION\n-- +goose StatementBegin\nALTER TABLE users ADD COLUMN bio text;\nCREATE INDEX users_bio ON users (bio);\n-- +goose StatementEnd\nCREATE INDEX users_name ON users (name);\n',
    }).filter((x) => x.rule === 'index-not-concurrent');
    assert.deepEqual(
      goose.map((x) => [x.subject.index, x.fixes.length]),
      [
        ['users_bio', 0],
        ['users_name', 1],
      ],
    );
    assert.match(goose[0].message, /inside a goose `StatementBegin … StatementEnd` block with other statements .* move it to a migration of its own/);
    const numbered = (name: string, text: string) => run({ 'db/migrations/000001_users.up.sql': users, [`db/migrations/${name}`]: text }).filter((x) => x.rule === 'index-not-concurrent');
    const two = numbered('000002_idx.up.sql', 'CREATE INDEX users_name ON users (name);\nCREATE INDEX users_id_name ON users (id, name);\n');
    assert.deepEqual(two.map((x) => x.fixes.length), [0, 0]);
    assert.match(two[0].message, /inside a migration with other statements \(golang-migrate and most runners send the file as one script/);
    assert.equal(numbered('000002_idx.up.sql', 'CREATE INDEX users_name ON users (name);\n')[0].fixes.length, 1);
    const flyway = run({ 'db/migration/V1__users.sql': users, 'db/migration/V2__idx.sql': 'ALTER TABLE users ADD COLUMN bio text;\nCREATE INDEX users_name ON users (name);\n' }).filter((x) => x.rule === 'index-not-concurrent');
    assert.deepEqual(flyway.map((x) => x.fixes.length), [0]);
    assert.match(flyway[0].message, /inside a Flyway migration with other statements/);
  });

  it('a new migration in a dbmate or goose set has the set\'s sections, out of the transaction when it builds CONCURRENTLY', () => {
    const fk = 'CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));\n';
    const dbmate = run({ ...base, 'db/migrations/20240102000000_posts.sql': `-- migrate:up\n${fk}\n-- migrate:down\nDROP TABLE posts;\n` }).find((x) => x.rule === 'missing-fk-index')!;
    const [op] = dbmate.fixes[0].fileOperations!;
    assert.equal(op.file, 'db/migrations/20240102000001_index_posts_user_id.sql');
    assert.match(op.kind === 'create' ? op.content : '', /^-- migrate:up transaction:false\n[^]*CREATE INDEX CONCURRENTLY[^]*\n-- migrate:down\n$/);
    const goose = run({ 'db/migrations/20240101000000_users.sql': `-- +goose Up\n${users}`, 'db/migrations/20240102000000_posts.sql': `-- +goose Up\n${fk}` }).find((x) => x.rule === 'missing-fk-index')!;
    const [g] = goose.fixes[0].fileOperations!;
    assert.match(g.kind === 'create' ? g.content : '', /^-- \+goose Up\n-- \+goose NO TRANSACTION\n[^]*CREATE INDEX CONCURRENTLY[^]*\n-- \+goose Down\n$/);
  });

  it('missing-rollback: an empty dbmate down section gets the rollback appended in the file itself', () => {
    const text = '-- migrate:up\nCREATE TABLE posts (id int PRIMARY KEY);\n\n-- migrate:down\n';
    const f = run({ 'db/migrations/20240102000000_posts.sql': text }).filter((x) => x.rule === 'missing-rollback');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /empty down section: no statement follows `-- migrate:down`/);
    const [edit] = f[0].fixes[0].edits;
    assert.equal(edit.file, 'db/migrations/20240102000000_posts.sql');
    assert.deepEqual(edit.range.start, { line: 4, character: 0 });
    assert.match(edit.newText, /DROP TABLE IF EXISTS posts;\n$/);
    assert.equal(f[0].fixes[0].fileOperations, undefined);
  });
});

describe('Drizzle Kit folders (meta/_journal.json)', () => {
  const journal = (tags: string[]) =>
    `{\n  "version": "7",\n  "dialect": "postgresql",\n  "entries": [\n${tags.map((t, i) => `    {\n      "idx": ${i},\n      "version": "7",\n      "when": ${1700000000000 + i},\n      "tag": "${t}",\n      "breakpoints": true\n    }`).join(',\n')}\n  ]\n}\n`;
  const sets = {
    'drizzle/0000_init.sql': 'CREATE TABLE "p" ("id" integer PRIMARY KEY);\n',
    'drizzle/0001_child.sql': 'CREATE TABLE "c" ("id" integer PRIMARY KEY, "p_id" integer REFERENCES "p" ("id"));\n--> statement-breakpoint\nCREATE INDEX "p_id_idx" ON "p" ("id");\n',
  };
  const meta = { 'drizzle/meta/_journal.json': journal(['0000_init', '0001_child']) };

  it('the migrations.ts of the set lists its journal among the metadata files', () => {
    assert.deepEqual(migrationSetFiles(Object.keys(sets)).migrationMetadata, ['drizzle/meta/_journal.json']);
  });

  it('a new migration is listed in the journal, without CONCURRENTLY (the migrator runs pending migrations in one transaction)', () => {
    const f = run(sets, meta).find((x) => x.rule === 'missing-fk-index')!;
    const fix = f.fixes[0];
    assert.match(fix.title, /^Add CREATE INDEX on c\(p_id\)/);
    const [op] = fix.fileOperations!;
    assert.equal(op.file, 'drizzle/0002_index_c_p_id.sql');
    const content = op.kind === 'create' ? op.content : '';
    assert.match(content, /^-- drizzle-orm's migrator runs pending migrations in one transaction/);
    assert.match(content, /^CREATE INDEX IF NOT EXISTS c_p_id_idx ON c \(p_id\);$/m);
    assert.doesNotMatch(content.replace(/^--.*$/gm, ''), /CONCURRENTLY/);
    const [edit] = fix.edits;
    assert.equal(edit.file, 'drizzle/meta/_journal.json');
    const after = JSON.parse(applyEdits(meta['drizzle/meta/_journal.json'], [edit]));
    assert.deepEqual(after.entries[2], { idx: 2, version: '7', when: 1700000000002, tag: '0002_index_c_p_id', breakpoints: true });
    // Without the journal, a plain numbered set: CONCURRENTLY, no journal edit.
    const plain = run(sets).find((x) => x.rule === 'missing-fk-index')!;
    assert.deepEqual(plain.fixes[0].edits, []);
  });

  it('index-not-concurrent: no CONCURRENTLY in place; build it by hand first and write IF NOT EXISTS', () => {
    const f = run({ ...sets, 'drizzle/0002_idx.sql': 'CREATE INDEX "c_p_idx" ON "c" ("p_id");\n' }, { 'drizzle/meta/_journal.json': journal(['0000_init', '0001_child', '0002_idx']) }).find((x) => x.rule === 'index-not-concurrent')!;
    assert.match(f.message, /inside a Drizzle migration \(drizzle-orm's migrator runs every pending migration in one transaction\).*build the index by hand with CONCURRENTLY before the migration runs, and write it here with `IF NOT EXISTS`/);
    assert.deepEqual(f.fixes, []);
  });
});

describe('Flyway sets', () => {
  it('a new migration takes the next version after the highest (its last part one more) and Flyway\'s V<version>__<name>.sql', () => {
    const f = run({
      'db/migration/V1_1__init.sql': 'CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE TABLE u (id int PRIMARY KEY, t_id int REFERENCES t (id));\n',
      'db/migration/V1.4__more.sql': 'CREATE TABLE w (id int PRIMARY KEY);\n',
      'db/migration/V1_20__idx.sql': 'CREATE INDEX t_a ON t (a);\nCREATE INDEX t_ab ON t (a, id);\n',
      'db/migration/R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS x;\n',
    });
    const paths = f.flatMap((x) => (x.rule === 'missing-fk-index' || x.rule === 'redundant-index' ? x.fixes.flatMap((fx) => (fx.fileOperations ?? []).map((o) => o.file)) : []));
    assert.deepEqual(paths.sort(), ['db/migration/V1_21__index_u_t_id.sql', 'db/migration/V1_22__drop_t_a.sql']);
  });
});
