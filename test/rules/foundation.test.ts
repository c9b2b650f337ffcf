import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/analysis/text';
import { validateSchema } from '../helpers/oracle';
import { auditSchema, byRule, withDatasource } from './helpers';

const USER_POST = (postExtra: string, userExtra = '') => `model User {
  id    String @id @default(cuid())
  posts Post[]
${userExtra}}

model Post {
  id       String @id @default(cuid())
  author   User   @relation(fields: [authorId], references: [id])
  authorId String
${postExtra}}
`;

function fixAndReaudit(schema: string, rule: string, fixIndex = 0) {
  const text = withDatasource(schema);
  const findings = byRule(auditSchema(text), rule);
  assert.ok(findings.length > 0, `expected a ${rule} finding`);
  const fix = findings[0].fixes[fixIndex];
  assert.ok(fix, 'expected a fix');
  const fixed = applyEdits(text, fix.edits);
  return { text, fixed, finding: findings[0], after: byRule(auditSchema(fixed), rule) };
}

// ---------------------------------------------------------------- missing-fk-index

test('missing-fk-index: reports an unindexed relation scalar with exact range and subject', () => {
  const text = withDatasource(USER_POST(''));
  const [f] = byRule(auditSchema(text), 'missing-fk-index');
  assert.ok(f);
  assert.equal(f.severity, 'warning');
  assert.equal(f.priority, 'P2');
  assert.deepEqual(f.subject, { model: 'Post', field: 'authorId' });
  const lines = text.split('\n');
  assert.equal(lines[f.range.start.line].slice(f.range.start.character, f.range.end.character), 'fields: [authorId]');
  assert.match(f.message, /PostgreSQL does not index foreign keys/);
});

test('missing-fk-index: any index, unique or id whose leading columns match covers it', () => {
  for (const cover of ['  @@index([authorId])\n', '  @@index([authorId, id])\n', '  @@unique([authorId, id])\n', '  @@index([authorId(sort: Desc)])\n']) {
    assert.equal(byRule(auditSchema(USER_POST(cover)), 'missing-fk-index').length, 0, cover);
  }
  const fieldUnique = USER_POST('').replace('authorId String\n', 'authorId String @unique\n').replace('posts Post[]', 'post Post?');
  assert.equal(byRule(auditSchema(fieldUnique), 'missing-fk-index').length, 0);
  const compositeId = `model A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  aId Int\n  n   Int\n  a   A   @relation(fields: [aId], references: [id])\n\n  @@id([aId, n])\n}\n`;
  assert.equal(byRule(auditSchema(compositeId), 'missing-fk-index').length, 0);
});

test('missing-fk-index: a non-leading position or a different order does not cover', () => {
  assert.equal(byRule(auditSchema(USER_POST('  @@index([id, authorId])\n')), 'missing-fk-index').length, 1);
  const two = `model A {\n  x  Int\n  y  Int\n  bs B[]\n\n  @@id([x, y])\n}\n\nmodel B {\n  id Int @id\n  ax Int\n  ay Int\n  a  A   @relation(fields: [ax, ay], references: [x, y])\n\n  @@index([ay, ax])\n}\n`;
  const f = byRule(auditSchema(two), 'missing-fk-index');
  assert.equal(f.length, 1);
  assert.equal(f[0].data?.suggestedIndex, '@@index([ax, ay])');
  // Fulltext and GIN indexes do not serve the lookups.
  assert.equal(byRule(auditSchema(USER_POST('  @@index([authorId], type: Gin)\n')), 'missing-fk-index').length, 1);
  // An index on the first columns only narrows the lookups: the message says so, not "scans all".
  const [prefix] = byRule(auditSchema(two.replace('@@index([ay, ax])', '@@index([ax])')), 'missing-fk-index');
  assert.match(prefix.message, /^Foreign key `ax`, `ay` of B → A has no index on all its columns\. Only `ax` is indexed: each delete of an A \(to check the constraint\) and every join read all B rows with the same `ax` and filter them\. Add `@@index\(\[ax, ay\]\)`\.$/);
  assert.match(f[0].message, /scans all of B/);
});

test('missing-fk-index: a key whose fields lead another unindexed key gets that key\'s index suggested', () => {
  const schema = `model A {\n  x  Int\n  y  Int\n  bs B[]\n  cs C[]\n\n  @@id([x, y])\n}\n\nmodel C {\n  id Int @id\n  x  Int\n  a  A[]\n  bs B[]\n}\n\nmodel B {\n  id Int @id\n  ax Int\n  ay Int\n  a  A   @relation(fields: [ax, ay], references: [x, y])\n  c  C   @relation(fields: [ax], references: [id])\n}\n`;
  const { finding, fixed, after } = fixAndReaudit(schema, 'missing-fk-index');
  const all = byRule(auditSchema(withDatasource(schema)), 'missing-fk-index');
  assert.equal(all.length, 2);
  assert.deepEqual(all.map((f) => f.data?.suggestedIndex), ['@@index([ax, ay])', '@@index([ax, ay])']);
  const single = all.find((f) => f.data?.columns === 'ax')!;
  assert.match(single.message, /Add `@@index\(\[ax, ay\]\)`, the index the foreign key `ax`, `ay` → A needs: it serves this one too \(one index instead of two\)\.$/);
  assert.equal(single.fixes[0].title, 'Add @@index([ax, ay]) to B');
  // Either finding's fix leaves neither key unindexed.
  assert.ok(fixed.includes('@@index([ax, ay])') && finding);
  assert.equal(after.length, 0);
});

test('missing-fk-index: MySQL indexes FKs itself, but not with relationMode = "prisma"', () => {
  const mysql = (mode: string) => `datasource db {\n  provider = "mysql"\n${mode}}\n\n${USER_POST('')}`;
  assert.equal(byRule(auditSchema(mysql('')), 'missing-fk-index').length, 0);
  const emulated = byRule(auditSchema(mysql('  relationMode = "prisma"\n')), 'missing-fk-index');
  assert.equal(emulated.length, 1);
  assert.match(emulated[0].message, /relationMode = "prisma"/);
});

test('missing-fk-index: the message names the database of the datasource', () => {
  const on = (provider: string) => byRule(auditSchema(`datasource db {\n  provider = "${provider}"\n}\n\n${USER_POST('')}`), 'missing-fk-index')[0].message;
  assert.match(on('postgresql'), /PostgreSQL does not index foreign keys: .* is a sequential scan\./);
  assert.match(on('sqlite'), /SQLite does not index foreign keys: .* is a full table scan\./);
  assert.match(on('sqlserver'), /SQL Server does not index foreign keys/);
  assert.match(on('cockroachdb'), /CockroachDB does not index foreign keys/);
  for (const p of ['sqlite', 'sqlserver', 'cockroachdb']) assert.doesNotMatch(on(p), /PostgreSQL/, p);
  // Without a datasource the schema is read as PostgreSQL's.
  const bare = audit({ prismaFiles: [{ path: 'schema.prisma', text: USER_POST('') }] }).findings.filter((f) => f.rule === 'missing-fk-index');
  assert.match(bare[0].message, /PostgreSQL does not index foreign keys/);
});

test('missing-fk-index: the fix adds @@index at the end of the block, in its indentation, and the result is valid', async () => {
  const { fixed, after } = fixAndReaudit(USER_POST('').replace(/^ {2}/gm, '\t'), 'missing-fk-index');
  assert.equal(after.length, 0);
  assert.match(fixed, /\tauthorId String\n\n\t@@index\(\[authorId\]\)\n\}/);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: fixed }]), null);
});

test('missing-fk-index: the fix keeps CRLF line endings and goes after existing block attributes', () => {
  const text = withDatasource(USER_POST('\n  @@map("posts")\n')).replace(/\n/g, '\r\n');
  const [f] = byRule(auditSchema(text), 'missing-fk-index');
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.ok(fixed.includes('  @@map("posts")\r\n  @@index([authorId])\r\n}'), JSON.stringify(fixed.slice(-80)));
  assert.ok(!/[^\r]\n/.test(fixed));
});

test('missing-fk-index: the message names a table-like model as a row (an accounts row), a model with its article', () => {
  const text = withDatasource('model accounts {\n  id    Int     @id\n  auths auths[]\n}\n\nmodel auths {\n  id        Int      @id\n  accountId Int\n  account   accounts @relation(fields: [accountId], references: [id])\n}\n');
  const [f] = byRule(auditSchema(text), 'missing-fk-index');
  assert.match(f.message, /deleting an accounts row scans all of auths to check the constraint, and loading an accounts row's auths is/);
  const org = withDatasource(USER_POST('').replace(/\bUser\b/g, 'Organization'));
  assert.match(byRule(auditSchema(org), 'missing-fk-index')[0].message, /deleting an Organization scans/);
});

// ---------------------------------------------------------------- redundant-index

test('redundant-index: @unique plus @@index on the same column', () => {
  const text = withDatasource('model User {\n  id      String @id\n  clerkId String @unique\n\n  @@index([clerkId])\n}\n');
  const [f] = byRule(auditSchema(text), 'redundant-index');
  assert.ok(f);
  assert.deepEqual(f.tags, ['unnecessary']);
  assert.deepEqual(f.subject, { model: 'User', field: 'clerkId' });
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.equal(fixed, withDatasource('model User {\n  id      String @id\n  clerkId String @unique\n}\n'));
});

test('redundant-index: prefix of a composite index, unique or id; the duplicate of two identical indexes', () => {
  const prefix = withDatasource('model T {\n  id Int @id\n  a  Int\n  b  Int\n\n  @@index([a, b])\n  @@index([a])\n}\n');
  const f = byRule(auditSchema(prefix), 'redundant-index');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /`@@index\(\[a\]\)` is redundant/);
  const dup = withDatasource('model T {\n  id Int @id\n  a  Int\n\n  @@index([a])\n  @@index([a])\n}\n');
  const d = byRule(auditSchema(dup), 'redundant-index');
  assert.equal(d.length, 1);
  assert.equal(d[0].range.start.line, dup.split('\n').indexOf('  @@index([a])', dup.split('\n').indexOf('  @@index([a])') + 1));
  const pk = withDatasource('model T {\n  a Int\n  b Int\n\n  @@id([a, b])\n  @@index([a])\n}\n');
  assert.equal(byRule(auditSchema(pk), 'redundant-index').length, 1);
});

test('redundant-index: @unique on the @id field, @@unique on the @@id fields (a second unique index on the key), with a fix Prisma accepts', async () => {
  const text = withDatasource(
    'model Post {\n  id    String @id @unique @default(cuid())\n  title String\n}\n\nmodel Member {\n  userId String @map("user_id")\n  orgId  String\n\n  @@id([userId, orgId])\n  @@unique([userId, orgId])\n  @@unique([orgId, userId])\n}\n',
  );
  const f = byRule(auditSchema(text), 'redundant-index');
  assert.deepEqual(
    f.map((x) => [x.subject, x.message.match(/\(`([^`]+)`\)/)?.[1]]),
    [
      [{ model: 'Post', field: 'id' }, 'Post_id_key'],
      [{ model: 'Member', field: 'userId' }, 'Member_user_id_orgId_key'],
    ],
  );
  assert.equal(f[0].fixes[0].safe, false);
  const fixed = applyEdits(text, [...f[0].fixes[0].edits, ...f[1].fixes[0].edits]);
  assert.match(fixed, /id {4}String @id @default\(cuid\(\)\)\n/);
  assert.doesNotMatch(fixed, /@@unique\(\[userId, orgId\]\)/);
  assert.match(fixed, /@@unique\(\[orgId, userId\]\)/);
  assert.deepEqual(byRule(auditSchema(fixed), 'redundant-index'), []);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: fixed }]), null);
});

test('redundant-index: different sort, type or a non-prefix is not redundant', () => {
  for (const idx of ['@@index([a(sort: Desc)])', '@@index([a], type: Hash)', '@@index([b])', '@@index([b, a])']) {
    const t = `model T {\n  id Int @id\n  a  Int\n  b  Int\n\n  @@index([a, b])\n  ${idx}\n}\n`;
    assert.equal(byRule(auditSchema(t), 'redundant-index').length, 0, idx);
  }
});

test('redundant-index: removing the line leaves no blank line behind', () => {
  const text = withDatasource('model T {\n  id Int @id\n  a  Int @unique\n\n  @@index([a])\n\n  @@map("t")\n}\n');
  const [f] = byRule(auditSchema(text), 'redundant-index');
  const fixed = applyEdits(text, f.fixes[0].edits);
  assert.equal(fixed, withDatasource('model T {\n  id Int @id\n  a  Int @unique\n\n  @@map("t")\n}\n'));
});

// ---------------------------------------------------------------- missing-relation

test('missing-relation: camelCase, snake_case and @map names of another model with its id type', () => {
  const schema = (field: string) =>
    `model GenerationRun {\n  id String @id @default(cuid())\n}\n\nmodel Image {\n  id String @id @default(cuid())\n  ${field}\n}\n`;
  for (const field of ['generationRunId String?', 'generation_run_id String', 'runRef String @map("generation_run_id")']) {
    const f = byRule(auditSchema(schema(field)), 'missing-relation');
    assert.equal(f.length, 1, field);
    assert.equal(f[0].subject.model, 'Image');
  }
  // Wrong type, a list, a field used by a relation, or no such model: no finding.
  for (const field of ['generationRunId Int', 'generationRunIds String[]', 'widgetId String']) {
    assert.equal(byRule(auditSchema(schema(field)), 'missing-relation').length, 0, field);
  }
  assert.equal(byRule(auditSchema(USER_POST('')), 'missing-relation').length, 0);
});

test('missing-relation: a field named just after its own model is another id of the row; a role-named self-reference is reported', () => {
  const schema = 'model Account {\n  id             String  @id\n  accountId      String\n  account_id     String  @map("legacy")\n  sourceAccountId String?\n}\n';
  assert.deepEqual(
    byRule(auditSchema(schema), 'missing-relation').map((f) => f.subject.field),
    ['sourceAccountId'],
  );
});

test('missing-relation: with MongoDB or relationMode = "prisma" the message does not blame a missing foreign key', () => {
  const models = 'model Horario {\n  id String @id @default(auto()) @map("_id") @db.ObjectId\n}\n\nmodel Servico {\n  id        String  @id @default(auto()) @map("_id") @db.ObjectId\n  horarioId String? @db.ObjectId\n}\n';
  const [mongo] = byRule(auditSchema(`datasource db {\n  provider = "mongodb"\n}\n\n${models}`), 'missing-relation');
  assert.match(mongo.message, /emulated referential actions do not cover it/);
  assert.doesNotMatch(mongo.message, /foreign key/);
  const pgModels = models.replace(/ @default\(auto\(\)\) @map\("_id"\) @db\.ObjectId| @db\.ObjectId/g, '');
  const [emulated] = byRule(auditSchema(`datasource db {\n  provider = "postgresql"\n  relationMode = "prisma"\n}\n\n${pgModels}`), 'missing-relation');
  assert.match(emulated.message, /emulated referential actions/);
  const [real] = byRule(auditSchema(`datasource db {\n  provider = "postgresql"\n}\n\n${pgModels}`), 'missing-relation');
  assert.match(real.message, /the database has no foreign key/);
});

test('missing-relation: qualified names (createdByUserId) and comments saying the FK is deliberate', () => {
  const base = (field: string, comment = '') =>
    `model User {\n  id String @id\n}\n\nmodel Doc {\n  id String @id\n  ${comment}\n  ${field}\n}\n`;
  assert.equal(byRule(auditSchema(base('createdByUserId String')), 'missing-relation').length, 1);
  assert.equal(byRule(auditSchema(base('externalUserId String')), 'missing-relation').length, 0);
  assert.equal(byRule(auditSchema(base('userId String', '// no FK constraint: users can be deleted')), 'missing-relation').length, 0);
  // Another system's key under a local model's name (dub's Commission.invoiceId).
  assert.equal(byRule(auditSchema(base('userId String', '// idempotency key from the payment provider')), 'missing-relation').length, 0);
  assert.equal(byRule(auditSchema(base('userId String', '/// the external ID in the identity provider')), 'missing-relation').length, 0);
});

test('missing-relation: the fix adds both relation fields and yields a valid schema without the finding', async () => {
  const schema = `model GenerationRun {\n  id String @id @default(cuid())\n}\n\nmodel Image {\n  id              String  @id @default(cuid())\n  generationRunId String?\n}\n`;
  const { fixed, after } = fixAndReaudit(schema, 'missing-relation');
  assert.equal(after.length, 0);
  assert.match(fixed, /generationRun GenerationRun\? @relation\(fields: \[generationRunId\], references: \[id\]\)/);
  assert.match(fixed, /images Image\[\]/);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: fixed }]), null);
});

test('missing-relation: fix names the relation when the models are already related, and handles self-references', async () => {
  const related = `model User {\n  id    String @id\n  posts Post[]\n}\n\nmodel Post {\n  id           String @id\n  author       User   @relation(fields: [authorId], references: [id])\n  authorId     String\n  lastEditorId String?\n  @@index([authorId])\n}\n`;
  const r = fixAndReaudit(related.replace('lastEditorId', 'lastUserId'), 'missing-relation');
  assert.equal(r.after.length, 0);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: r.fixed }]), null);
  const self = `model Comment {\n  id              String  @id\n  parentCommentId String?\n}\n`;
  const s = fixAndReaudit(self, 'missing-relation');
  assert.equal(s.after.length, 0);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: s.fixed }]), null);
  const oneToOne = `model User {\n  id String @id\n}\n\nmodel Profile {\n  id     String @id\n  userId String @unique\n}\n`;
  const o = fixAndReaudit(oneToOne, 'missing-relation');
  assert.match(o.fixed, /profile Profile\?/);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: o.fixed }]), null);
});

test('missing-relation: a lineage qualifier before the end of the model\'s own name is a self-relation (AiSession.parentSessionId)', async () => {
  const schema = `model Session {\n  id String @id\n}\n\nmodel AiSession {\n  id              String  @id\n  /// the session id of the parent session if this session is a forked session\n  parentSessionId String?\n  sessionId       String\n}\n`;
  const got = byRule(auditSchema(withDatasource(schema)), 'missing-relation');
  // sessionId names Session plainly (as ProjectUser.userId names User): still a Session reference.
  assert.deepEqual(got.map((f) => [f.subject.field, f.data?.references]), [['parentSessionId', 'AiSession.id'], ['sessionId', 'Session.id']]);
  assert.match(got[0].message, /holds AiSession ids \(another AiSession, not a Session/);
  const { fixed, after } = fixAndReaudit(schema, 'missing-relation');
  assert.deepEqual(after.map((f) => f.subject.field), ['sessionId']);
  assert.match(fixed, /parentSession AiSession\? @relation\("AiSessionParentSession", fields: \[parentSessionId\], references: \[id\]\)/);
  assert.doesNotMatch(fixed.slice(0, fixed.indexOf('model AiSession')), /AiSession/);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: fixed }]), null);
  // Actors (createdBy…) and qualifiers before a name that is not the end of the model's stay with the named model.
  const actor = `model User {\n  id String @id\n}\n\nmodel AdminUser {\n  id              String @id\n  createdByUserId String\n}\n`;
  assert.deepEqual(byRule(auditSchema(withDatasource(actor)), 'missing-relation').map((f) => f.data?.references), ['User.id']);
});

// ---------------------------------------------------------------- missing-primary-key

test('missing-primary-key: names PostgreSQL tools only for PostgreSQL', () => {
  const model = 'model M {\n  a String\n  b String\n\n  @@unique([a, b])\n}\n';
  const on = (provider: string) => byRule(auditSchema(`datasource db {\n  provider = "${provider}"\n}\n\n${model}`), 'missing-primary-key')[0].message;
  assert.match(on('postgresql'), /logical replication, Supabase Realtime and CDC tools cannot identify its rows/);
  for (const p of ['mysql', 'sqlite', 'sqlserver', 'cockroachdb']) {
    assert.match(on(p), /replication, CDC and sync tools that identify rows by primary key cannot identify its rows/, p);
    assert.doesNotMatch(on(p), /Supabase|logical replication/, p);
  }
});

test('missing-primary-key: promotes a required @@unique to @@id; no fix when a field is optional', async () => {
  const { fixed, after } = fixAndReaudit('model M {\n  a String\n  b String\n\n  @@unique([a, b])\n}\n', 'missing-primary-key');
  assert.equal(after.length, 0);
  assert.match(fixed, /@@id\(\[a, b\]\)/);
  assert.equal(await validateSchema([{ path: 'schema.prisma', text: fixed }]), null);
  const optional = byRule(auditSchema('model M {\n  a String\n  b String?\n\n  @@unique([a, b])\n}\n'), 'missing-primary-key');
  assert.equal(optional.length, 1);
  assert.equal(optional[0].fixes.length, 0);
  const single = fixAndReaudit('model M {\n  id    String @unique\n  email String @unique\n}\n', 'missing-primary-key');
  assert.match(single.fixed, /id {4}String @id\n/);
});

test('missing-primary-key: views, composite types and models with ids are not reported', () => {
  assert.equal(byRule(auditSchema('model M {\n  id Int @id\n}\n'), 'missing-primary-key').length, 0);
  assert.equal(byRule(auditSchema('view V {\n  id Int @unique\n}\n'), 'missing-primary-key').length, 0);
});

// ---------------------------------------------------------------- engine: config and suppressions

test('configuration turns a rule off or changes its severity', () => {
  const files = [{ path: 'schema.prisma', text: withDatasource(USER_POST('')) }];
  assert.equal(byRule(audit({ prismaFiles: files, config: { rules: { 'missing-fk-index': 'off' } } }).findings, 'missing-fk-index').length, 0);
  const [f] = byRule(audit({ prismaFiles: files, config: { rules: { 'missing-fk-index': 'error' } } }).findings, 'missing-fk-index');
  assert.equal(f.severity, 'error');
  assert.equal(f.priority, 'P1');
});

test('ignore comments suppress the next line or the file; unused ones are reported with a removal fix', () => {
  const line = USER_POST('').replace('  author   User', '  // schema-insight-ignore missing-fk-index small table\n  author   User');
  assert.equal(byRule(auditSchema(line), 'missing-fk-index').length, 0);
  assert.equal(byRule(auditSchema(line), 'unused-ignore').length, 0);
  const file = '// schema-insight-ignore-file missing-fk-index\n' + USER_POST('');
  assert.equal(byRule(auditSchema(file), 'missing-fk-index').length, 0);
  const wrong = USER_POST('  // schema-insight-ignore missing-fk-index\n  @@index([authorId])\n');
  const text = withDatasource(wrong);
  const [u] = byRule(auditSchema(text), 'unused-ignore');
  assert.ok(u);
  assert.equal(u.severity, 'hint');
  const cleaned = applyEdits(text, u.fixes[0].edits);
  assert.equal(cleaned, withDatasource(USER_POST('  @@index([authorId])\n')));
  const typo = byRule(auditSchema(USER_POST('').replace('  author ', '  // schema-insight-ignore missing-fk-idx\n  author ')), 'unused-ignore');
  assert.match(typo[0].message, /Unknown rule id `missing-fk-idx`/);
});

test('half-typed schema: syntax error reported, other findings kept', () => {
  const text = USER_POST('  title Str\n  body\n');
  const findings = auditSchema(text);
  assert.ok(byRule(findings, 'prisma-syntax-error').length >= 1);
  assert.equal(byRule(findings, 'missing-fk-index').length, 1);
});

test('model: default onDelete follows Prisma\'s referential arity (required as soon as one scalar is required)', async () => {
  const { parsePrismaSchema } = await import('../../server/src/analysis/prisma/schema');
  const text = withDatasource(`model A {
  x  Int
  y  Int
  bs B[]

  @@id([x, y])
}

model B {
  id Int  @id
  ax Int?
  ay Int
  a  A?   @relation(fields: [ax, ay], references: [x, y])
  c  C    @relation(fields: [cId], references: [id])
  cId Int
}

model C {
  id Int @id
  bs B[]
}
`);
  const schema = parsePrismaSchema([{ path: 'schema.prisma', text }]);
  const b = schema.modelByName.get('B')!;
  assert.equal(b.fieldByName.get('a')!.relation!.effectiveOnDelete, 'Restrict');
  assert.equal(b.fieldByName.get('c')!.relation!.effectiveOnDelete, 'Restrict');
  assert.equal(b.fieldByName.get('c')!.relation!.effectiveOnUpdate, 'Cascade');
  assert.equal(await validateSchema([{ path: 'schema.prisma', text }]), null);
});
