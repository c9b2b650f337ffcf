import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/analysis/text';
import { findPrismaCalls, tokenize } from '../../server/src/analysis/code/prisma-calls';
import type { AuditConfig } from '../../server/src/analysis/types';

const DS = 'datasource db {\n  provider = "postgresql"\n}\n\n';
const SCHEMA = `${DS}model User {
  id    String  @id
  email String  @unique
  name  String
  posts Post[]
  likes Like[]
}

model Post {
  id        String   @id
  author    User     @relation(fields: [authorId], references: [id])
  authorId  String
  status    String
  title     String
  meta      Json?
  createdAt DateTime @default(now())
  likes     Like[]
}

model Like {
  user   User   @relation(fields: [userId], references: [id])
  userId String
  post   Post   @relation(fields: [postId], references: [id])
  postId String

  @@id([userId, postId])
}

model ABTest {
  id      Int    @id
  variant String
}
`;

function run(code: string | Record<string, string>, schema = SCHEMA, config?: AuditConfig) {
  const files = typeof code === 'string' ? { 'src/q.ts': code } : code;
  return audit({
    prismaFiles: [{ path: 'schema.prisma', text: schema }],
    codeFiles: Object.entries(files).map(([path, text]) => ({ path, text })),
    config,
  }).findings.filter((f) => f.rule === 'query-index-missing');
}

test('a filter and sort no index serves: one finding on the model with the composite index, the call site and a fix', () => {
  const code = `export const feed = (status: string) =>\n  prisma.post.findMany({ where: { status, title: "x" }, orderBy: { createdAt: 'desc' }, take: 20 });\n`;
  const [f, ...rest] = run(code);
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'info');
  assert.deepEqual(f.subject, { model: 'Post', field: 'status' });
  assert.equal(f.data?.suggestedIndex, '@@index([status, title, createdAt])');
  assert.match(f.message, /`post\.findMany` \(src\/q\.ts:2\) filters Post on `status`, `title` and sorts by `createdAt`/);
  assert.deepEqual(f.related, [{ file: 'src/q.ts', range: { start: { line: 1, character: 9 }, end: { line: 1, character: 22 } }, message: 'post.findMany' }]);
  const fixed = applyEdits(SCHEMA, f.fixes[0].edits);
  assert.match(fixed, /createdAt DateTime @default\(now\(\)\)\n  likes     Like\[\]\n\n  @@index\(\[status, title, createdAt\]\)\n\}/);
  assert.equal(run(code, fixed).length, 0);
});

test('served: an index that starts with one of the fields, the primary key, a unique field, a compound unique', () => {
  const withIndex = SCHEMA.replace('  likes     Like[]\n}', '  likes     Like[]\n\n  @@index([status])\n}');
  assert.equal(run('prisma.post.findMany({ where: { status: "a", title: "b" } })', withIndex).length, 0);
  assert.equal(run('prisma.post.findUnique({ where: { id } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { id: { in: ids } } })').length, 0);
  assert.equal(run('prisma.user.findFirst({ where: { email, name } })').length, 0);
  assert.equal(run('db.like.findUnique({ where: { userId_postId: { userId, postId } } })').length, 0);
  // The primary key (userId, postId) does not start with postId.
  const [f] = run('db.like.count({ where: { postId } })', SCHEMA, { rules: { 'missing-fk-index': 'off' } });
  assert.equal(f.data?.suggestedIndex, '@@index([postId])');
});

test('not read: relation filters, text search, Json paths, OR/NOT, variables, spreads, calls without a where', () => {
  for (const q of [
    'prisma.post.findMany({ where: { author: { name: "x" } } })',
    'prisma.post.findMany({ where: { title: { contains: q } } })',
    'prisma.post.findMany({ where: { title: { equals: q, mode: "insensitive" } } })',
    'prisma.post.findMany({ where: { meta: { path: ["a"], equals: 1 } } })',
    'prisma.post.findMany({ where: { OR: [{ status: "a" }, { title: "b" }] } })',
    'prisma.post.findMany({ where: { NOT: { status: "a" } } })',
    'prisma.post.findMany({ where })',
    'prisma.post.findMany({ where: filters })',
    'prisma.post.findMany({ where: { ...base, status: "a" } })',
    'prisma.post.findMany({ where: { status: undefined } })',
    'prisma.post.findMany({ orderBy: { createdAt: "desc" } })',
    'prisma.post.findMany(args)',
    'prisma.post.findMany()',
    'prisma.unknownModel.findMany({ where: { status: "a" } })',
    'prisma.post.create({ data: { status: "a" } })',
    '// prisma.post.findMany({ where: { status: "a" } })',
    'const s = "prisma.post.findMany({ where: { status: 1 } })";',
    '/* prisma.post.count({ where: { status: 1 } }) */',
  ]) {
    assert.deepEqual(run(q).map((f) => f.message), [], q);
  }
});

test('AND, ranges and BRIN: equality fields first, then the range field', () => {
  const [f] = run('prisma.post.count({ where: { AND: [{ status: "a" }, { createdAt: { gte: since } }] } })');
  assert.equal(f.data?.suggestedIndex, '@@index([status, createdAt])');
  assert.match(f.message, /filters Post on `status` and by a range of `createdAt`/);
  const [g] = run('prisma.post.findMany({ where: { createdAt: { lt: before } } })');
  assert.equal(g.data?.suggestedIndex, '@@index([createdAt])');
  const brin = SCHEMA.replace('  likes     Like[]\n}', '  likes     Like[]\n\n  @@index([createdAt], type: Brin)\n}');
  assert.equal(run('prisma.post.findMany({ where: { createdAt: { lt: before } } })', brin).length, 0);
});

test('call sites needing the same index are one finding; a shorter need joins the longer index that serves it', () => {
  const findings = run({
    'src/a.ts': 'prisma.post.findMany({ where: { status: "a" } })\n',
    'src/b.ts': '\n\nawait tx.post.findMany({\n  where: { status },\n  orderBy: [{ createdAt: "asc" }, { id: "asc" }],\n})\n',
    'src/c.tsx': 'ctx.prisma.post.deleteMany({ where: { status: "x" } })\n',
  });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f.data?.suggestedIndex, '@@index([status, createdAt])');
  assert.equal(f.data?.callSites, 'src/a.ts:1, src/b.ts:3, src/c.tsx:1');
  assert.match(f.message, /^3 Prisma Client calls \(src\/a\.ts:1, src\/b\.ts:3, src\/c\.tsx:1\) filter Post on `status` and sort by `createdAt`/);
  assert.equal(f.related?.length, 3);
});

test('an unindexed foreign key is left to missing-fk-index (unless it is off); a composite over it is reported', () => {
  assert.equal(run('prisma.post.findMany({ where: { authorId } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { authorId } })', SCHEMA, { rules: { 'missing-fk-index': 'off' } }).length, 1);
  const [f] = run('prisma.post.findMany({ where: { authorId }, orderBy: { createdAt: "desc" } })');
  assert.equal(f.data?.suggestedIndex, '@@index([authorId, createdAt])');
  // With other equality fields, the foreign key's own index is the advice (not a wide composite over it).
  assert.equal(run('prisma.post.findMany({ where: { authorId, status: "a", title } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { authorId, status: "a", title } })', SCHEMA, { rules: { 'missing-fk-index': 'off' } })[0]?.data?.suggestedIndex, '@@index([authorId, status, title])');
});

test('model accessors as Prisma Client spells them; views and ignored models are left out', () => {
  assert.equal(run('prisma.aBTest.findMany({ where: { variant: "b" } })').length, 1);
  assert.equal(run('prisma.ABTest.findMany({ where: { variant: "b" } })').length, 0);
  const schema = `${DS}view Stats {\n  id    Int    @unique\n  kind  String\n}\n`;
  assert.equal(run('prisma.stats.findMany({ where: { kind: "a" } })', schema).length, 0);
});

test('the tokenizer: template literals, regular expressions, JSX text, half-typed code, CRLF and non-ASCII positions', () => {
  const accessor = (n: string) => n === 'post';
  const code = [
    'const re = /[{(]"/g; const t = `a ${prisma.post.findMany({ where: { status: `x${y}` } })} b`;',
    "const el = <p>don't {prisma.post.count({ where: { title } })}</p>;",
    'const r = a / b / c; prisma.post.findFirst({ where: { status: "é" } })',
    'prisma.post.findMany({ where: { status',
  ].join('\r\n');
  const calls = findPrismaCalls(code, accessor);
  assert.deepEqual(calls.map((c) => c.method), ['findMany', 'count', 'findFirst', 'findMany']);
  const findings = run({ 'src/x.tsx': 'const café = "ü";\r\nprisma.post.findMany({ where: { title: café } })' });
  assert.deepEqual(findings[0].related?.[0].range, { start: { line: 1, character: 7 }, end: { line: 1, character: 20 } });
  // Garbage never throws.
  for (const junk of ['{{{{', '`${`${', '/*', '"', 'prisma.post.findMany({ where: { [k]: 1, get x() { return 1 }, async f() {} } })', '\u0000\uffff']) {
    assert.doesNotThrow(() => tokenize(junk));
    assert.doesNotThrow(() => findPrismaCalls(junk + ' x.post.count({ where: { a: 1 } })', accessor));
  }
});

test('a where (or the whole argument) in a const declared above the call, in scope, is read; a let or an out-of-scope const is not', () => {
  const one = (code: string) => run(code).map((f) => f.data?.suggestedIndex);
  assert.deepEqual(one('function f() {\n  const where: Prisma.PostWhereInput = { status: "a", NOT: { title: "x" } };\n  return prisma.post.findMany({ where, take: 10 });\n}'), ['@@index([status])']);
  assert.deepEqual(one('const filter = { title: t };\nprisma.post.count({ where: filter });'), ['@@index([title])']);
  assert.deepEqual(one('const args = { where: { status: "a" }, orderBy: { createdAt: "desc" } };\nprisma.post.findMany(args);'), ['@@index([status, createdAt])']);
  assert.deepEqual(one('let where = { status: "a" };\nwhere = {};\nprisma.post.findMany({ where });'), []);
  assert.deepEqual(one('function a() { const where = { status: "a" }; }\nfunction b(where) { return prisma.post.findMany({ where }); }'), []);
  assert.deepEqual(one('const where = cond ? { status: "a" } : {};\nprisma.post.findMany({ where });'), []);
});

test('an index led by the sort field alone does not serve a filter; the filter fields lead the suggestion', () => {
  const byDate = SCHEMA.replace('  likes     Like[]\n}', '  likes     Like[]\n\n  @@index([createdAt])\n}');
  const [f, ...rest] = run('prisma.post.findMany({ where: { status: "a" }, orderBy: { createdAt: "desc" }, take: 20 })', byDate);
  assert.equal(rest.length, 0);
  assert.equal(f.data?.suggestedIndex, '@@index([status, createdAt])');
  // The primary key orders by id but does not find the rows of one status.
  const [byId] = run('prisma.post.findMany({ where: { status: "a" }, orderBy: { id: "asc" } })');
  assert.equal(byId?.data?.suggestedIndex, '@@index([status, id])');
  assert.match(byId.message, /filters Post on `status` and sorts by `id`, but no index of Post starts with this field:/);
  // A range on the indexed field is served by it.
  assert.equal(run('prisma.post.findMany({ where: { status: "a", createdAt: { gte: since } } })', byDate).length, 0);
});

test('conditional spreads add filters: the literal part of the where is read; an opaque spread still hides it', () => {
  const [f] = run('prisma.post.findMany({ where: { status: "a", ...(q && { title: q }), ...(mine ? { authorId: me } : {}) } })');
  assert.equal(f.data?.suggestedIndex, '@@index([status])');
  assert.equal(run('prisma.post.findMany({ where: { status: "a", ...base } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { AND: [{ ...(q && { title: q }) }, { status: "a" }] } })')[0]?.data?.suggestedIndex, '@@index([status])');
});

test('an OR over one field filters that field; other ORs and NULL equality are not index leads', () => {
  const [f] = run('prisma.post.count({ where: { status: "a", OR: [{ createdAt: { lt: a } }, { createdAt: { gt: b } }] } })');
  assert.equal(f.data?.suggestedIndex, '@@index([status, createdAt])');
  const byDate = SCHEMA.replace('  likes     Like[]\n}', '  likes     Like[]\n\n  @@index([createdAt])\n}');
  // `title: null` is no lead; the OR's range on createdAt is served by @@index([createdAt]).
  assert.equal(run('prisma.post.findMany({ where: { title: null, OR: [{ createdAt: { gte: a, lte: b } }, { createdAt: { gte: c, lte: d } }] } })', byDate).length, 0);
  assert.equal(run('prisma.post.findMany({ where: { title: null } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { title: { equals: null } } })').length, 0);
  assert.equal(run('prisma.post.findMany({ where: { status: "a", title: null } })')[0]?.data?.suggestedIndex, '@@index([status])');
  assert.equal(run('prisma.post.findMany({ where: { OR: [{ status: "a" }, { title: "b" }] } })').length, 0);
});

test('a filtered field the call also sorts by goes last; two calls on one line are listed once', () => {
  const [f] = run('prisma.post.findMany({ where: { createdAt: interval, status: "a", title }, orderBy: { createdAt: "desc" } })');
  assert.equal(f.data?.suggestedIndex, '@@index([status, title, createdAt])');
  const [g] = run('const [a, b] = [prisma.post.count({ where: { status: "a" } }), prisma.post.count({ where: { status: "b" } })];');
  assert.match(g.message, /^2 Prisma Client calls \(src\/q\.ts:1\) filter Post on `status`/);
});
