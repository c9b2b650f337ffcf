import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findMigrationFiles } from '../../server/src/project/migrations';

describe('findMigrationFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'si-migrations-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const put = (rel: string, text = 'SELECT 1;') => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('packages/db/prisma/migrations/20240101000000_init/migration.sql');
  put('packages/db/prisma/migrations/20240101000000_init/down.sql');
  put('packages/db/prisma/migrations/migration_lock.toml', 'provider = "postgresql"');
  put('apps/api/prisma.config.ts', "export default defineConfig({\n  migrations: {\n    path: path.join('db', '.migrations'),\n  },\n});\n");
  put('apps/api/db/.migrations/20240202000000_x/migration.sql');
  put('supabase/config.toml', '');
  put('supabase/migrations/20240101000000_a.sql');
  put('supabase/migrations/rollback/20240101000000_a.sql');
  put('supabase/seed.sql');
  put('db/migrations/committed/000001.sql');
  put('db/migrations/current.sql');
  put('sql/001_init.sql');
  put('sql/001_init.down.sql');
  put('sql/readme.sql');
  put('node_modules/pkg/prisma/migrations/1_x/migration.sql');
  put('scripts/manual-data-migrations/20231228_fix.sql');

  it('finds every tool layout, skips node_modules, seeds and ad-hoc scripts', () => {
    const { files, supabase } = findMigrationFiles(root);
    assert.equal(supabase, true);
    assert.deepEqual(
      files.map((f) => f.slice(root.length + 1)),
      [
        'apps/api/db/.migrations/20240202000000_x/migration.sql',
        'db/migrations/committed/000001.sql',
        'packages/db/prisma/migrations/20240101000000_init/down.sql',
        'packages/db/prisma/migrations/20240101000000_init/migration.sql',
        'sql/001_init.down.sql',
        'sql/001_init.sql',
        'supabase/migrations/20240101000000_a.sql',
        'supabase/migrations/rollback/20240101000000_a.sql',
      ],
    );
  });

  it('returns nothing for a folder without migrations', () => {
    assert.deepEqual(findMigrationFiles(join(root, 'scripts')), { files: [], supabase: false });
  });
});

describe('findMigrationFiles: Flyway locations', () => {
  const root = mkdtempSync(join(tmpdir(), 'si-flyway-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const rel of [
    'src/main/resources/db/migration/V1__init.sql',
    'src/main/resources/db/migration/U1__init.sql',
    'src/main/resources/db/migration/R__views.sql',
    'src/main/resources/db/migration/2024/V2_1__add.sql',
    'src/main/resources/db/migration/2024/notes.sql',
    'src/main/resources/db/other/V9__not_a_location.sql',
  ]) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), 'SELECT 1;');
  }

  it('takes versioned, undo and repeatable files, in subfolders too (Flyway scans recursively)', () => {
    assert.deepEqual(
      findMigrationFiles(root).files.map((f) => f.slice(root.length + 1)),
      [
        'src/main/resources/db/migration/2024/V2_1__add.sql',
        'src/main/resources/db/migration/R__views.sql',
        'src/main/resources/db/migration/U1__init.sql',
        'src/main/resources/db/migration/V1__init.sql',
      ],
    );
  });
});

describe('findMigrationFiles: one folder or file per database', () => {
  const root = mkdtempSync(join(tmpdir(), 'si-dialects-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  for (const rel of [
    // Mattermost (golang-migrate) and Kestra (Flyway): a folder per database under migrations/.
    'server/db/migrations/postgres/000001_a.up.sql',
    'server/db/migrations/postgres/000001_a.down.sql',
    'server/db/migrations/mysql/000001_a.up.sql',
    'kestra/resources/migrations/postgres/V1_1__init.sql',
    'kestra/resources/migrations/h2/V1_1__init.sql',
    // Ory (popx): `.<database>.` in the file name; one for all databases unless PostgreSQL has its own.
    'keto/migrations/sql/20210623162416000000_networks.cockroach.up.sql',
    'keto/migrations/sql/20210623162416000000_networks.mysql.up.sql',
    'keto/migrations/sql/20210623162416000000_networks.postgres.up.sql',
    'keto/migrations/sql/20220217152313000000_nid_fk.up.sql',
    'keto/migrations/sql/20220217152313000000_nid_fk.sqlite3.up.sql',
    'keto/migrations/sql/20220217152313000000_nid_fk.down.sql',
    'keto/migrations/sql/20220512151000000000_indices.up.sql',
    'keto/migrations/sql/20220512151000000000_indices.postgres.up.sql',
    'keto/migrations/sql/20220512151000000000_indices.mysql.down.sql',
    // Not a database folder: pg/ outside a migrations folder.
    'tools/pg/001_x.sql',
  ]) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), 'SELECT 1;');
  }

  it("takes PostgreSQL's folder and files, never another database's", () => {
    assert.deepEqual(
      findMigrationFiles(root).files.map((f) => f.slice(root.length + 1)),
      [
        'kestra/resources/migrations/postgres/V1_1__init.sql',
        'keto/migrations/sql/20210623162416000000_networks.postgres.up.sql',
        'keto/migrations/sql/20220217152313000000_nid_fk.down.sql',
        'keto/migrations/sql/20220217152313000000_nid_fk.up.sql',
        'keto/migrations/sql/20220512151000000000_indices.postgres.up.sql',
        'server/db/migrations/postgres/000001_a.down.sql',
        'server/db/migrations/postgres/000001_a.up.sql',
      ],
    );
  });
});
