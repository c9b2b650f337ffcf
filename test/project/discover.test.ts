/** Project discovery: which `.prisma` files form one schema, and which migrations belong to it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { discoverProjects } from '../../server/src/project/discover';

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
