/** ProjectSet.read: an open editor buffer gets the same binary guard as a file read from disk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectSet } from '../../server/src/lsp/projects';
import { binaryProblem } from '../../server/src/project/source';

const model = 'model A {\n  id Int @id\n}\n';

function readOpen(text: string) {
  const set = new ProjectSet(() => {});
  set.openDocument({ path: '/w/schema.prisma', text, version: 3 });
  return set.read('/w/schema.prisma');
}

test('open buffers: a NUL in the first 64 KiB is reported as binary; later ones, as on disk, are not', () => {
  const early = readOpen(`${model}\u0000${model}`);
  assert.ok('error' in early && /NUL bytes/.test(early.error), JSON.stringify(early));
  assert.equal(early.version, 3);

  // ASCII: the 64 KiB the disk check reads are the first 65,536 characters.
  const pad = '/'.repeat(65536 - model.length - 1);
  const lastInHead = readOpen(`${model}${pad}\u0000`);
  assert.ok('error' in lastInHead, 'a NUL as the 65,536th character is inside the checked head');
  const pastHead = readOpen(`${model}${pad}/\u0000${model}`);
  assert.ok('text' in pastHead, 'a NUL past the first 64 KiB is not a binary file');

  // Multi-byte text: 30,000 'é' are 60,000 bytes, so a NUL at character 40,000 is past byte 64 KiB.
  const wide = `${'é'.repeat(30000)}${'/'.repeat(10000)}\u0000`;
  assert.ok('text' in readOpen(wide));
  // The same verdicts as the disk check on the file's bytes.
  for (const t of [`${model}\u0000`, `${model}${pad}/\u0000`, wide]) {
    assert.equal('error' in readOpen(t), binaryProblem(Buffer.from(t, 'utf8')) !== null, t.length.toString());
  }
});

test('Windows paths: discovery layouts and document paths are put in the server\'s /-separated form, which the analysis reads', async () => {
  const { lspLayout } = await import('../../server/src/lsp/projects');
  const { slashPath } = await import('../../server/src/project/discover');
  const { audit } = await import('../../server/src/analysis/engine');
  const { ensureSqlParser } = await import('../../server/src/analysis/sql/parse');
  await ensureSqlParser();
  const native = {
    root: 'C:\\work\\shop',
    schemaFiles: [],
    migrationFiles: ['C:\\work\\shop\\prisma\\migrations\\20240101000000_init\\migration.sql', 'C:\\work\\shop\\prisma\\migrations\\20240201000000_more\\migration.sql'],
    configFile: 'C:\\work\\shop\\schema-insight.json',
    supabase: false,
  };
  const layout = lspLayout(native, '\\');
  assert.deepEqual(layout.migrationFiles, ['C:/work/shop/prisma/migrations/20240101000000_init/migration.sql', 'C:/work/shop/prisma/migrations/20240201000000_more/migration.sql']);
  assert.equal(layout.root, 'C:/work/shop');
  assert.equal(layout.configFile, 'C:/work/shop/schema-insight.json');
  assert.equal(slashPath('C:\\work\\shop\\prisma\\schema.prisma', '\\'), 'C:/work/shop/prisma/schema.prisma');
  // On POSIX nothing changes (a backslash is an ordinary character in a file name there).
  assert.equal(slashPath('/w/a\\b.sql', '/'), '/w/a\\b.sql');
  assert.equal(lspLayout(native, '/'), native);

  const texts = ['CREATE TABLE "A" ("id" SERIAL PRIMARY KEY);\n', 'ALTER TABLE "A" ADD COLUMN "b" TEXT;\n'];
  const result = audit({ prismaFiles: [], sqlFiles: layout.migrationFiles.map((path, i) => ({ path, text: texts[i] })), config: {} });
  const rollbacks = result.findings.filter((f) => f.rule === 'missing-rollback');
  assert.equal(rollbacks.length, 2, JSON.stringify(result.findings.map((f) => f.rule)));
  // Read as Prisma Migrate folders: each migration is its folder, its rollback is the folder's down.sql.
  assert.deepEqual(
    rollbacks.map((f) => f.message.replace(/ has no.*looked for /, ' → ')),
    ['Migration `20240101000000_init` → `20240101000000_init/down.sql`).', 'Migration `20240201000000_more` → `20240201000000_more/down.sql`).'],
  );
  const create = rollbacks[1].fixes[0].fileOperations?.[0];
  assert.equal(create?.kind === 'create' ? create.file : null, 'C:/work/shop/prisma/migrations/20240201000000_more/down.sql');
});
