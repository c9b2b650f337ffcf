/** Project discovery: which `.prisma` files form one schema, and which migrations belong to it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { discoverProjects, parseConfig } from '../../server/src/project/discover';

const DS = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';

function layout(files: Record<string, string>): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'si-discover-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

function schemas(root: string): string[][] {
  return discoverProjects(root)
    .filter((p) => p.schemaFiles.length)
    .map((p) => p.schemaFiles.map((f) => relative(root, f).split('\\').join('/')));
}

test('multi-file schema as Prisma documents it: schema.prisma with the datasource beside models/*.prisma', () => {
  const { root, done } = layout({
    'packages/database/prisma/schema.prisma': `${DS}generator client {\n  provider = "prisma-client"\n}\n`,
    'packages/database/prisma/models/user.prisma': 'model User {\n  id    String @id\n  polls Poll[]\n}\n',
    'packages/database/prisma/models/poll.prisma': 'model Poll {\n  id     String @id\n  userId String\n  user   User   @relation(fields: [userId], references: [id])\n}\n',
    'packages/database/prisma/migrations/20250101000000_init/migration.sql': 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\n',
    'packages/database/package.json': '{}\n',
  });
  try {
    assert.deepEqual(schemas(root), [
      ['packages/database/prisma/models/poll.prisma', 'packages/database/prisma/models/user.prisma', 'packages/database/prisma/schema.prisma'],
    ]);
    const [project] = discoverProjects(root);
    assert.deepEqual(
      project.migrationFiles.map((f) => relative(root, f).split('\\').join('/')),
      ['packages/database/prisma/migrations/20250101000000_init/migration.sql'],
    );
  } finally {
    done();
  }
});

test('prisma/schema/ folder schemas, and separate schemas that each have a datasource', () => {
  const folder = layout({
    'prisma/schema/base.prisma': `${DS}model User {\n  id Int @id\n}\n`,
    'prisma/schema/post.prisma': 'model Post {\n  id Int @id\n}\n',
  });
  const two = layout({
    'apps/a/prisma/schema.prisma': `${DS}model A {\n  id Int @id\n}\n`,
    'apps/b/prisma/schema.prisma': `${DS}model B {\n  id Int @id\n}\n`,
    'prisma/schema.prisma': `${DS}model C {\n  id Int @id\n}\n`,
    'prisma/sqlite/schema.prisma': 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\nmodel C {\n  id Int @id\n}\n',
  });
  try {
    assert.deepEqual(schemas(folder.root), [['prisma/schema/base.prisma', 'prisma/schema/post.prisma']]);
    // Two datasources below prisma/: the sqlite variant is its own schema, not part of the main one.
    assert.deepEqual(schemas(two.root), [['apps/a/prisma/schema.prisma'], ['apps/b/prisma/schema.prisma'], ['prisma/schema.prisma'], ['prisma/sqlite/schema.prisma']]);
  } finally {
    folder.done();
    two.done();
  }
});

/** Root-relative migration files of every discovered project. */
function migrationsOf(root: string): string[] {
  return discoverProjects(root)
    .flatMap((p) => p.migrationFiles)
    .map((f) => relative(root, f).split('\\').join('/'))
    .sort();
}

test('schema-insight.json "migrations" globs add files of layouts discovery does not know', () => {
  const { root, done } = layout({
    'schema-insight.json': JSON.stringify({ migrations: ['db/changes/*.sql', 'sql/{up,extra}/**/*.sql'] }),
    'db/changes/0001_init.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
    'db/changes/0002_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);\n',
    'db/changes/notes.txt': 'not SQL\n',
    'db/changes/nested/0003_not_matched.sql': 'SELECT 1;\n',
    'sql/up/2024/01_x.sql': 'SELECT 1;\n',
    'sql/up/02_y.sql': 'SELECT 1;\n',
    'sql/extra/node_modules/pkg/x.sql': 'SELECT 1;\n',
    'sql/other/03_z.sql': 'SELECT 1;\n',
  });
  try {
    assert.deepEqual(migrationsOf(root), ['db/changes/0001_init.sql', 'db/changes/0002_b.sql', 'sql/up/02_y.sql', 'sql/up/2024/01_x.sql']);
  } finally {
    done();
  }
});

test('Drizzle Kit folders: the files of a PostgreSQL meta/_journal.json and their rollback/ scripts, not other dialects or files it does not list', () => {
  const journal = (dialect: string, tags: string[]) => JSON.stringify({ version: '7', dialect, entries: tags.map((tag, idx) => ({ idx, version: '7', when: idx, tag, breakpoints: true })) });
  const { root, done } = layout({
    'drizzle/meta/_journal.json': journal('postgresql', ['0000_init', '0001_users']),
    'drizzle/0000_init.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n--> statement-breakpoint\nCREATE TABLE b (id int PRIMARY KEY);\n',
    'drizzle/0001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
    'drizzle/0001_stale_branch.sql': 'DROP TABLE a;\n',
    // The rollback scripts the missing-rollback fix writes.
    'drizzle/rollback/0000_init.sql': 'DROP TABLE b;\nDROP TABLE a;\n',
    'apps/lite/drizzle/meta/_journal.json': journal('sqlite', ['0000_x']),
    'apps/lite/drizzle/0000_x.sql': 'CREATE TABLE `x` (`id` integer PRIMARY KEY);\n',
  });
  try {
    assert.deepEqual(migrationsOf(root), ['drizzle/0000_init.sql', 'drizzle/0001_users.sql', 'drizzle/rollback/0000_init.sql']);
  } finally {
    done();
  }
});

test('schema-insight.json: a "migrations" value that is not relative globs is a config problem', () => {
  assert.deepEqual(parseConfig('{"migrations": ["drizzle/*.sql", "./db/*.sql"]}').problems, []);
  assert.deepEqual(parseConfig('{"migrations": 3}').problems, ['"migrations" must be a glob or a list of globs (e.g. "drizzle/*.sql")']);
  assert.deepEqual(parseConfig('{"migrations": ["../other/*.sql", "/abs/*.sql"]}').problems, [
    '"migrations": "../other/*.sql" must be relative to the folder of schema-insight.json, without ".."',
    '"migrations": "/abs/*.sql" must be relative to the folder of schema-insight.json, without ".."',
  ]);
});
