/**
 * The SQL module on the real-world corpus (`../shared/corpus`, read-only): every `.sql` file parses,
 * every project's migrations audit without a rule error, generated rollback scripts parse, and
 * discovery finds the migration folders each tool uses.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { audit, type AuditResult } from '../../server/src/analysis/engine';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { deferredReparses } from '../../server/src/analysis/sql/preparse';
import { buildMigrationProject, migrationInventory } from '../../server/src/analysis/sql/project';
import { generateRollback } from '../../server/src/analysis/sql/rollback';
import { stripBom } from '../../server/src/analysis/text';
import type { SourceFile } from '../../server/src/analysis/types';
import { findMigrationFiles } from '../../server/src/project/migrations';
import { discoverProjects } from '../../server/src/project/discover';
import { loadProject } from '../../server/src/project/load';
import { enumTypeFor, historyCoversSchema, valueDrift } from '../../server/src/analysis/prisma/fix-sql-evidence';
import { ready } from './helpers';
import { corpusAvailable, corpusRoot, corpusSqlFiles } from '../helpers/corpus';

const CORPUS = corpusRoot();
const available = corpusAvailable();
function projects(): string[] {
  return readdirSync(CORPUS)
    .filter((d) => statSync(join(CORPUS, d)).isDirectory())
    .sort();
}

function load(root: string): { files: SourceFile[]; supabase: boolean } {
  const found = findMigrationFiles(root);
  return {
    files: found.files.map((f) => ({ path: f.slice(root.length + 1), text: stripBom(readFileSync(f, 'utf8')) })),
    supabase: found.supabase,
  };
}

let audited: Array<{ project: string; result: AuditResult }> | undefined;
/**
 * The audit of every corpus project that has a Prisma schema and migrations, each asserted free of
 * rule errors; made once for the tests that read them (auditing them all takes seconds).
 */
function prismaProjectsWithMigrations(): Array<{ project: string; result: AuditResult }> {
  if (audited) return audited;
  audited = [];
  for (const d of projects()) {
    for (const layout of discoverProjects(join(CORPUS, d))) {
      const { input } = loadProject(layout);
      if (!input.prismaFiles.length || !input.sqlFiles?.length) continue;
      const result = audit(input);
      assert.deepEqual(result.ruleErrors, {}, d);
      audited.push({ project: d, result });
    }
  }
  return audited;
}

/** Files that are genuinely not valid PostgreSQL (none so far: list them here with the reason). */
const GENUINE_ERRORS: Record<string, string> = {};

describe('SQL module on the corpus', { skip: !available && 'corpus not found' }, () => {
  before(async () => {
    await ready;
  });

  it('parses every .sql file of the corpus (statements, PL/pgSQL bodies)', () => {
    const all = corpusSqlFiles();
    assert.ok(all.length > 3000, `only ${all.length} SQL files found`);
    const failures: string[] = [];
    let statements = 0;
    for (const { path: rel, text } of all) {
      const parsed = parseSqlFile(rel, text);
      statements += parsed.statements.length;
      if (parsed.errors.length && !GENUINE_ERRORS[rel]) failures.push(`${rel}:${parsed.errors[0].range.start.line + 1}: ${parsed.errors[0].message}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(statements > 10000);
  });

  it('finds the migration folders of each tool, with exact counts', () => {
    const count = (p: string) => findMigrationFiles(join(CORPUS, p)).files.length;
    assert.equal(count('langfuse__langfuse'), 434); // incl. " copy" and ".sql" folder names
    assert.equal(count('civitai__civitai'), 400);
    const fb = findMigrationFiles(join(CORPUS, 'formbricks__formbricks'));
    assert.ok(fb.files.length > 100 && fb.files.every((f) => f.includes('/packages/database/migration/')));
    const quivr = findMigrationFiles(join(CORPUS, 'QuivrHQ__quivr'));
    assert.equal(quivr.supabase, true);
    assert.ok(quivr.files.some((f) => f.endsWith('local_20240107152745_ollama.sql')));
    const raz = findMigrationFiles(join(CORPUS, 'Razikus__supabase-nextjs-template'));
    assert.equal(raz.files.length, 4); // supabase/migrations only, not migrations_for_old
    const g = findMigrationFiles(join(CORPUS, 'graphile__starter'));
    assert.deepEqual(
      g.files.map((f) => f.slice(f.indexOf('@app'))),
      ['@app/db/migrations/committed/000001.sql'],
    );
    assert.equal(findMigrationFiles(join(CORPUS, 'amplication__amplication')).files.some((f) => f.includes('manual-data-migrations')), false);
    assert.equal(findMigrationFiles(join(CORPUS, 'dubinc__dub')).files.length, 0);
  });

  it('audits every project with migrations without a rule error, generated rollbacks parse, and long view queries stay unparsed', () => {
    let audited = 0;
    let rollbacks = 0;
    const rollbackErrors: string[] = [];
    const reparsesBefore = deferredReparses();
    const results: AuditResult[] = [];
    for (const p of projects()) {
      const root = join(CORPUS, p);
      const { files, supabase } = load(root);
      if (!files.length) continue;
      audited++;
      const result = audit({ prismaFiles: [], sqlFiles: files, hints: { supabase } });
      results.push(result);
      assert.deepEqual(result.ruleErrors, {}, p);
      for (const f of result.findings) {
        assert.ok(f.migration, `${p}: ${f.rule} finding without migration`);
        assert.ok(f.range.start.line >= 0 && f.range.end.line >= f.range.start.line, `${p}: bad range`);
      }
      const project = buildMigrationProject(files, { supabase });
      assert.equal(migrationInventory(project).length, project.migrations.length + project.ignored.length);
      for (const m of project.migrations) {
        const script = generateRollback(m);
        rollbacks++;
        const parsed = parseSqlFile('down.sql', script);
        if (parsed.errors.length) rollbackErrors.push(`${m.path}: ${parsed.errors[0].message}`);
      }
    }
    assert.ok(audited >= 25, `only ${audited} projects with migrations`);
    assert.ok(rollbacks > 2500, `only ${rollbacks} rollbacks generated`);
    assert.deepEqual(rollbackErrors, []);
    // No rule and no rollback reads a long view's query (parsing them all again cost civitai ~400 ms
    // once, when a rollback check read them): deferring them is what keeps the cold CLI fast.
    assert.equal(deferredReparses() - reparsesBefore, 0, 'deferred view queries parsed during the audits');
    // They were deferred, and reading one parses it.
    let views = 0;
    for (const r of results) for (const f of r.sql?.parsed.values() ?? []) for (const st of f.statements) if (st.kind === 'ViewStmt' && st.node.query) views++;
    assert.ok(deferredReparses() - reparsesBefore >= 100, `only ${deferredReparses() - reparsesBefore} of ${views} view queries were deferred`);
  });

  it('replays langfuse: legacy tracing tables created, changed, then dropped (moved to ClickHouse)', () => {
    const { files } = load(join(CORPUS, 'langfuse__langfuse'));
    const p = buildMigrationProject(files);
    assert.equal(p.migrations.length, 434);
    assert.equal(p.catalog.everCreated.get('public.traces'), 1);
    assert.equal(p.catalog.tables.has('public.traces'), false);
    const projects = p.catalog.tables.get('public.projects');
    assert.ok(projects, 'projects table');
    assert.ok(projects.columns.has('org_id'));
    assert.ok(p.catalog.tables.has('public.organizations'));
    assert.ok(p.catalog.indexes.size > 50);
  });

  it('replays every Prisma enum to the values its schema has (enum-drift finds nothing where the history is whole)', () => {
    const compared: string[] = [];
    let changedLater = 0;
    const drifts: string[] = [];
    const partial: string[] = [];
    for (const { project: d, result: r } of prismaProjectsWithMigrations()) {
      if (!r.prisma || !r.sql) continue;
      if (!historyCoversSchema(r.sql, r.prisma)) {
        partial.push(d);
        continue;
      }
      for (const en of r.prisma.enums) {
        const type = enumTypeFor(r.sql, en);
        if (!type) continue;
        compared.push(`${d} ${en.name}`);
        if (type.changedBy.length) changedLater++;
        const drift = valueDrift(en, type.values);
        if (drift) drifts.push(`${d} ${en.name}: ${JSON.stringify(drift)}`);
      }
      const reported = r.findings.filter((f) => f.rule === 'enum-drift' && (f.data?.databaseType || f.data?.constraint));
      assert.deepEqual(reported.map((f) => f.message), [], d);
    }
    // The corpus README: these two migration folders are cut to their oldest 400 migrations.
    assert.deepEqual(partial.sort(), ['civitai__civitai', 'triggerdotdev__trigger.dev']);
    assert.deepEqual(drifts, []);
    // Hundreds of enums, many of them changed by later migrations (ADD VALUE, RENAME, Prisma's re-create).
    assert.ok(compared.length >= 200, `only ${compared.length} enums compared`);
    assert.ok(changedLater >= 50, `only ${changedLater} enums changed after their CREATE TYPE`);
  });

  it('schema-drift: exactly the hand-checked drift between each Prisma schema and its migrations', () => {
    const found: string[] = [];
    let modelsCompared = 0;
    for (const { project: d, result: r } of prismaProjectsWithMigrations()) {
      if (r.prisma && r.sql && historyCoversSchema(r.sql, r.prisma)) modelsCompared += r.prisma.models.filter((m) => m.kind === 'model').length;
      for (const f of r.findings) if (f.rule === 'schema-drift') found.push(`${d} ${f.migration ?? 'schema'} ${f.data?.object} ${JSON.stringify(f.subject)}`);
    }
    // Each one read in its migration and schema: all are real drift (the next `prisma migrate dev`
    // would drop the object, or create the missing one).
    assert.deepEqual(found.sort(), [
      // Foreign keys added by hand to plain columns (the schema comments say the relations were left out on purpose).
      'Shelf-nu__shelf.nu 20260525131507_bookingasset_kit_discriminator foreign key {"table":"BookingAsset","column":"assetKitId"}',
      'Shelf-nu__shelf.nu 20260527150000_consumptionlog_bookingasset_attribution foreign key {"table":"ConsumptionLog","column":"bookingAssetId"}',
      // Trigram GIN indexes the models do not declare.
      'Shelf-nu__shelf.nu 20260617091901_add_location_description_address_trgm_idx index {"table":"Location","index":"Location_address_trgm_idx"}',
      'Shelf-nu__shelf.nu 20260617091901_add_location_description_address_trgm_idx index {"table":"Location","index":"Location_description_trgm_idx"}',
      'Shelf-nu__shelf.nu 20260805120000_bookingasset_source_kit_provenance foreign key {"table":"BookingAsset","column":"sourceKitId"}',
      'Shelf-nu__shelf.nu 20260810120000_add_booking_asset_model_request_provenance foreign key {"table":"BookingAsset","column":"bookingModelRequestId"}',
      // "This temp column is intentionally NOT in schema.prisma" (the migration's own comment).
      'formbricks__formbricks 20260620000000_eng_1054_emailverified_boolean_account_type_nullable column {"table":"User","column":"email_verified_at"}',
      'hoppscotch__hoppscotch 20240226053141_full_text_search_additions index {"table":"TeamCollection","index":"TeamCollection_title_trgm_idx"}',
      'hoppscotch__hoppscotch 20240226053141_full_text_search_additions index {"table":"TeamRequest","index":"TeamRequest_title_trgm_idx"}',
      'hoppscotch__hoppscotch 20251016080714_mock_server index {"table":"TeamRequest","index":"idx_mock_examples_team_requests_gin"}',
      'hoppscotch__hoppscotch 20251016080714_mock_server index {"table":"UserRequest","index":"idx_mock_examples_user_requests_gin"}',
      // `@@index([visitId])` on SessionReplay: migration 19 indexes (website_id, visit_id) only.
      'umami-software__umami schema index {"model":"SessionReplay"}',
      'unsend-dev__unsend 20250824131647_add_price_ids_array enum {"enum":"SendingDisabledReason"}',
      'webstudio-is__webstudio 20240918100751_latest-virtual-build table {"table":"domainsVirtual"}',
      'webstudio-is__webstudio 20240918100751_latest-virtual-build table {"table":"latestBuildVirtual"}',
      'webstudio-is__webstudio 20240924174536_cleanup column {"table":"Build","column":"isCleaned"}',
      'webstudio-is__webstudio 20241207052014_can-publish column {"table":"AuthorizationToken","column":"canPublish"}',
      'webstudio-is__webstudio 20260312000003_workspace_member_fk foreign key {"table":"WorkspaceMember","column":"userId"}',
      'webstudio-is__webstudio 20260312000003_workspace_member_fk index {"table":"WorkspaceMember","index":"WorkspaceMember_userId_idx"}',
    ]);
    // Not reported, on purpose: langfuse's and teable's CREATE TEMP TABLE scratch tables, linkwarden's
    // "Theme" (created by EXECUTE in a DO block), formbricks' index renamed by EXECUTE, and everything
    // in civitai's and trigger.dev's folders (cut at 400 migrations: not the whole history).
    assert.ok(modelsCompared >= 600, `only ${modelsCompared} models compared`);
  });
});
