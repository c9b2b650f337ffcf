import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyMigration, orderMigrations, rollbackTarget, timestampProblem, upVersionKey } from '../../server/src/analysis/sql/discovery';

describe('migration discovery and ordering', () => {
  it('classifies each tool layout and its version', () => {
    const c = (p: string) => {
      const i = classifyMigration(p);
      return [i.kind, i.label, i.version, i.ignoredByTool];
    };
    assert.deepEqual(c('packages/db/prisma/migrations/20240101000000_init/migration.sql'), ['prisma', '20240101000000_init', '20240101000000', false]);
    assert.deepEqual(c('supabase/migrations/20240101000000_init.sql'), ['supabase', '20240101000000_init.sql', '20240101000000', false]);
    assert.deepEqual(c('backend/supabase/migrations/local_20240107152745_ollama.sql'), ['supabase', 'local_20240107152745_ollama.sql', null, true]);
    assert.deepEqual(c('@app/db/migrations/committed/000001.sql'), ['graphile', '000001.sql', '000001', false]);
    assert.deepEqual(c('db/migrations/004_add_favorites.sql'), ['numbered', '004_add_favorites.sql', '004', false]);
    assert.deepEqual(c('sql/V1_2__init.sql'), ['flyway', 'V1_2__init.sql', '1_2', false]);
    assert.deepEqual(c('scripts/seed.sql'), ['plain', 'seed.sql', null, false]);
  });

  it('orders numbered files numerically and Prisma folders by name', () => {
    const ordered = orderMigrations(['db/migrations/10_x.sql', 'db/migrations/9_y.sql', 'db/migrations/010_z.sql', 'db/migrations/2_a.sql'].map(classifyMigration));
    assert.deepEqual(
      ordered.map((m) => m.label),
      ['2_a.sql', '9_y.sql', '010_z.sql', '10_x.sql'],
    );
    const prisma = orderMigrations(
      ['p/migrations/20250625_add_pivot/migration.sql', 'p/migrations/20250625093000_b/migration.sql', 'p/migrations/20240126184148_new_models copy/migration.sql', 'p/migrations/20240126184148_new_models/migration.sql'].map(
        classifyMigration,
      ),
    );
    // Prisma sorts folder names: "_" sorts after digits, " copy" after the original.
    assert.deepEqual(
      prisma.map((m) => m.label),
      ['20240126184148_new_models', '20240126184148_new_models copy', '20250625093000_b', '20250625_add_pivot'],
    );
  });

  it('orders Supabase files as the CLI lists them: by file name, byte order', () => {
    // supabase/cli pkg/migration/list.go reads the folder with Go's fs.ReadDir (sorted by name), so a
    // date-only version runs between that day's neighbours, not first for being a smaller number.
    const ordered = orderMigrations(
      ['supabase/migrations/20240131140938_stripe.sql', 'supabase/migrations/20240130_add_zhipu.sql', 'supabase/migrations/20230420202944_profiles.sql', 'supabase/migrations/20240129232644_images.sql'].map(classifyMigration),
    );
    assert.deepEqual(
      ordered.map((m) => m.label),
      ['20230420202944_profiles.sql', '20240129232644_images.sql', '20240130_add_zhipu.sql', '20240131140938_stripe.sql'],
    );
  });

  it('flags odd names: impossible timestamps, spaces, .sql folder names, date-only versions', () => {
    assert.match(timestampProblem('20250517273700')!, /hour 27/);
    assert.match(timestampProblem('20240524156058')!, /minute 60/);
    assert.match(timestampProblem('20230230000000')!, /day 30/);
    assert.equal(timestampProblem('20240229120000'), null);
    // Placeholders that sort first or last on purpose are no mistyped dates.
    for (const v of ['00000000000000', '10000000000000', '99999999999999', '00000000']) assert.equal(timestampProblem(v), null, v);
    assert.match(timestampProblem('20240001000000')!, /month 00/);
    const copy = classifyMigration('m/migrations/20240126184148_new_models copy/migration.sql');
    assert.match(copy.nameProblems.join(), /whitespace/);
    const dotSql = classifyMigration('m/migrations/20250517273700_add_table_view_presets.sql/migration.sql');
    assert.equal(dotSql.kind, 'prisma');
    assert.match(dotSql.nameProblems.join(), /hour 27.*|ends in `\.sql`/);
    assert.equal(dotSql.nameProblems.length, 2);
  });

  it('recognises rollback scripts and what they undo', () => {
    assert.deepEqual(rollbackTarget('p/migrations/20240101000000_init/down.sql'), ['p/migrations/20240101000000_init']);
    // … and, by version, whatever `4_<title>.up.sql` (golang-migrate, sqlx).
    assert.deepEqual(rollbackTarget('db/migrations/004_x.down.sql'), ['db/migrations/004_x.sql', 'db/migrations/004_x.up.sql', upVersionKey('db/migrations', '4')]);
    assert.ok(rollbackTarget('supabase/migrations/rollback/20240101000000_x.sql')!.includes('supabase/migrations/20240101000000_x.sql'));
    assert.equal(rollbackTarget('supabase/migrations/20240101000000_x.sql'), null);
  });
});
