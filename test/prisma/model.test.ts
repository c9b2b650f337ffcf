/** Unit tests of the Prisma semantic model (schema.ts) on hand-written schemas. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allIndexes, isLeadingPrefix, owningRelations, parsePrismaSchema, type PrismaSchema } from '../../server/src/analysis/prisma/schema';

const DS = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n';

function schemaOf(body: string, head = DS): PrismaSchema {
  const s = parsePrismaSchema([{ path: 'schema.prisma', text: head + body }]);
  assert.deepEqual(s.diagnostics.map((d) => d.message), []);
  return s;
}

function rel(s: PrismaSchema, model: string, field: string) {
  const f = s.modelByName.get(model)!.fieldByName.get(field)!;
  assert.ok(f.relation, `${model}.${field} is not a relation`);
  return f.relation;
}

test('effective referential actions: optional → SetNull, required → Restrict, update → Cascade; explicit kept', () => {
  const s = schemaOf(`model User {
  id       Int       @id
  posts    Post[]
  comments Comment[]
  profile  Profile?
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Comment {
  id       Int   @id
  authorId Int?
  author   User? @relation(fields: [authorId], references: [id])
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade, onUpdate: NoAction)
}
`);
  const post = rel(s, 'Post', 'author');
  assert.deepEqual([post.onDelete, post.onUpdate, post.effectiveOnDelete, post.effectiveOnUpdate], [null, null, 'Restrict', 'Cascade']);
  const comment = rel(s, 'Comment', 'author');
  assert.deepEqual([comment.onDelete, comment.effectiveOnDelete, comment.effectiveOnUpdate], [null, 'SetNull', 'Cascade']);
  const profile = rel(s, 'Profile', 'user');
  assert.deepEqual([profile.onDelete, profile.onUpdate, profile.effectiveOnDelete, profile.effectiveOnUpdate], ['Cascade', 'NoAction', 'Cascade', 'NoAction']);
  // The back side carries no actions and no scalar fields.
  const back = rel(s, 'User', 'posts');
  assert.deepEqual([back.fields, back.references, back.effectiveOnDelete, back.effectiveOnUpdate], [[], [], null, null]);
  assert.equal(back.back, post.field);
  assert.equal(post.back, back.field);
  assert.deepEqual(post.scalarFields.map((f) => f.name), ['authorId']);
  assert.equal(post.target, s.modelByName.get('User'));
  assert.deepEqual(owningRelations(s).map((r) => `${r.field.model.name}.${r.field.name}`), ['Post.author', 'Comment.author', 'Profile.user']);
});

test('a required relation with an optional scalar among several is Restrict when any scalar is required', () => {
  const s = schemaOf(`model A {
  x  Int
  y  Int
  bs B[]
  @@id([x, y])
}
model B {
  id Int  @id
  ax Int
  ay Int?
  a  A?   @relation(fields: [ax, ay], references: [x, y])
}
`);
  assert.equal(rel(s, 'B', 'a').effectiveOnDelete, 'Restrict');
});

test('relation pairing: self-relations, named relations, several relations between the same models', () => {
  const s = schemaOf(`model User {
  id         Int    @id
  managerId  Int?
  manager    User?  @relation("Management", fields: [managerId], references: [id])
  reports    User[] @relation("Management")
  mentorId   Int?   @unique
  mentor     User?  @relation("Mentoring", fields: [mentorId], references: [id])
  mentee     User?  @relation("Mentoring")
  written    Post[] @relation(name: "author")
  edited     Post[] @relation("editor")
  followers  User[] @relation("Follows")
  following  User[] @relation("Follows")
  groups     Group[]
}
model Post {
  id       Int   @id
  authorId Int
  editorId Int?
  author   User  @relation("author", fields: [authorId], references: [id])
  editor   User? @relation("editor", fields: [editorId], references: [id])
}
model Group {
  id    Int    @id
  users User[]
}
`);
  const pair = (m: string, f: string) => rel(s, m, f).back?.name ?? null;
  assert.equal(pair('User', 'manager'), 'reports');
  assert.equal(pair('User', 'reports'), 'manager');
  assert.equal(pair('User', 'mentor'), 'mentee');
  assert.equal(pair('User', 'mentee'), 'mentor');
  assert.equal(pair('User', 'followers'), 'following');
  assert.equal(pair('User', 'following'), 'followers');
  assert.equal(pair('Post', 'author'), 'written');
  assert.equal(pair('Post', 'editor'), 'edited');
  assert.equal(pair('User', 'groups'), 'users');
  assert.equal(rel(s, 'User', 'manager').name, 'Management');
  assert.equal(rel(s, 'User', 'written').name, 'author');
  assert.equal(rel(s, 'User', 'groups').name, null);
  assert.equal(rel(s, 'User', 'groups').relationName, 'GroupToUser');
  assert.equal(rel(s, 'User', 'manager').effectiveOnDelete, 'SetNull');
  assert.equal(rel(s, 'User', 'mentee').effectiveOnDelete, null);
  const mentorId = s.modelByName.get('User')!.fieldByName.get('mentorId')!;
  assert.ok(mentorId.isUnique);
});

test('@@id / @@unique / @@index with fields:, map:, name:, type:, sort:, length:, ops:', () => {
  const s = schemaOf(`model T {
  a  Int
  b  String
  c  String   @unique(map: "c_key", sort: Desc, length: 10)
  d  DateTime @default(now())
  e  Json

  @@id([a, b], name: "ab", map: "t_pk")
  @@unique(fields: [b, a(sort: Desc)], name: "ba", map: "ba_key")
  @@unique([d])
  @@index([a, d(sort: Desc)], map: "a_d_idx", type: BTree)
  @@index(fields: [e(ops: JsonbPathOps)], type: Gin)
  @@index([b(length: 20)], name: "legacy")
  @@index(d)
  @@fulltext([b])
}
`);
  const t = s.modelByName.get('T')!;
  const pk = t.primaryKey!;
  assert.deepEqual([pk.kind, pk.source, pk.name, pk.map, pk.fields.map((f) => f.name)], ['id', 'block', 'ab', 't_pk', ['a', 'b']]);
  assert.deepEqual(
    t.uniques.map((u) => [u.source, u.name, u.map, u.fields.map((f) => [f.name, f.sort ?? null, f.length ?? null])]),
    [
      ['field', null, 'c_key', [['c', 'Desc', 10]]],
      ['block', 'ba', 'ba_key', [['b', null, null], ['a', 'Desc', null]]],
      ['block', null, null, [['d', null, null]]],
    ],
  );
  assert.deepEqual(
    t.indexes.map((i) => [i.kind, i.name, i.map, i.type, i.fields.map((f) => [f.name, f.sort ?? null, f.length ?? null, f.ops ?? null])]),
    [
      ['index', null, 'a_d_idx', 'BTree', [['a', null, null, null], ['d', 'Desc', null, null]]],
      ['index', null, null, 'Gin', [['e', null, null, 'JsonbPathOps']]],
      // On @@index, `name:` is the old spelling of `map:`.
      ['index', null, 'legacy', null, [['b', null, 20, null]]],
      ['index', null, null, null, [['d', null, null, null]]],
      ['fulltext', null, null, null, [['b', null, null, null]]],
    ],
  );
  // Block indexes know their whole line (to delete it); field ones do not.
  const line = t.indexes[0].lineSpan!;
  assert.equal(t.file.text.slice(line.start, line.end), '  @@index([a, d(sort: Desc)], map: "a_d_idx", type: BTree)');
  assert.equal(t.uniques[0].lineSpan, null);
  // isId / isUnique as in the DMMF: single-field @@unique counts, compound ones do not.
  const f = (n: string) => t.fieldByName.get(n)!;
  assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => [f(n).isId, f(n).isUnique]), [[false, false], [false, false], [false, true], [false, true]]);
  assert.equal(allIndexes(t).length, 1 + 3 + 5);
  assert.ok(isLeadingPrefix(['a'], pk));
  assert.ok(isLeadingPrefix(['a', 'b'], pk));
  assert.ok(!isLeadingPrefix(['b'], pk));
  assert.ok(!isLeadingPrefix(['a', 'b', 'c'], pk));
  assert.ok(!isLeadingPrefix([], pk));
});

test('@id on a field, @id @unique, single-field @@id', () => {
  const s = schemaOf(`model A {
  id  String @id @unique @default(uuid()) @db.Uuid
  x   Int
}
model B {
  key Int
  @@id([key])
}
`);
  const a = s.modelByName.get('A')!;
  const id = a.fieldByName.get('id')!;
  assert.deepEqual([id.isId, id.isUnique, !!id.attr('unique')], [true, false, true]);
  assert.equal(a.primaryKey!.source, 'field');
  assert.equal(a.uniques.length, 1);
  assert.deepEqual([id.nativeType?.name, id.nativeType?.args], ['Uuid', []]);
  assert.deepEqual([id.default?.functionName, id.default?.literal], ['uuid', null]);
  const key = s.modelByName.get('B')!.fieldByName.get('key')!;
  assert.deepEqual([key.isId, key.isUnique], [true, false]);
});

test('@map / @@map / @@schema / @@ignore / @ignore / enums with @map and @@map', () => {
  const s = schemaOf(
    `enum Role {
  USER  @map("user")
  ADMIN
  @@map("role_enum")
  @@schema("auth")
}
model Account {
  id     Int     @id
  email  String  @map("email_address") @db.VarChar(320)
  role   Role    @default(USER)
  legacy String? @ignore
  amount Decimal @default(1.50) @db.Decimal(10, 2)
  @@map("accounts")
  @@schema("auth")
}
model Old {
  id Int @id
  @@ignore
  @@schema("public")
}
`,
    'datasource db {\n  provider = "postgres"\n  url      = env("DATABASE_URL")\n  schemas  = ["auth", "public"]\n}\n\n',
  );
  assert.equal(s.provider, 'postgresql');
  const acc = s.modelByName.get('Account')!;
  assert.deepEqual([acc.tableName, acc.mapName, acc.schemaName, acc.isIgnored], ['accounts', 'accounts', 'auth', false]);
  const email = acc.fieldByName.get('email')!;
  assert.deepEqual([email.columnName, email.mapName, email.nativeType?.name, email.nativeType?.args], ['email_address', 'email_address', 'VarChar', ['320']]);
  assert.deepEqual([acc.fieldByName.get('id')!.columnName, acc.fieldByName.get('id')!.mapName], ['id', null]);
  assert.ok(acc.fieldByName.get('legacy')!.isIgnored);
  assert.deepEqual(acc.fieldByName.get('amount')!.nativeType?.args, ['10', '2']);
  assert.equal(acc.fieldByName.get('amount')!.default?.literal, '1.50');
  const role = acc.fieldByName.get('role')!;
  assert.deepEqual([role.kind, role.default?.literal], ['enum', 'USER']);
  assert.ok(s.modelByName.get('Old')!.isIgnored);
  const en = s.enumByName.get('Role')!;
  assert.deepEqual([en.dbName, en.mapName], ['role_enum', 'role_enum']);
  assert.deepEqual(en.values.map((v) => [v.name, v.dbName, v.mapName]), [['USER', 'user', 'user'], ['ADMIN', 'ADMIN', null]]);
});

test('comments: /// docs, // above, trailing // are attached to the right field and model', () => {
  const s = schemaOf(`// Above the model.
/// The user.
model User {
  /// Primary key.
  id    Int    @id // trailing on id
  // Plain comment above email.
  email String @unique

  // Detached by a blank line from name? No: directly above name.
  name  String /// trailing doc
  // A comment that belongs to nothing.

  age   Int
}
`);
  const u = s.modelByName.get('User')!;
  assert.deepEqual(u.comments, ['The user.', 'Above the model.']);
  assert.equal(u.documentation, 'The user.');
  const f = (n: string) => u.fieldByName.get(n)!;
  assert.deepEqual(f('id').comments, ['Primary key.', 'trailing on id']);
  assert.equal(f('id').documentation, 'Primary key.');
  assert.deepEqual(f('email').comments, ['Plain comment above email.']);
  assert.equal(f('email').documentation, null);
  assert.deepEqual(f('name').comments, ['Detached by a blank line from name? No: directly above name.', 'trailing doc']);
  assert.equal(f('name').documentation, 'trailing doc');
  assert.deepEqual(f('age').comments, []);
  assert.equal(f('age').decl.trailingComment, null);
});

test('multi-file schema: one model, relations across files, diagnostics point at their file', () => {
  const s = parsePrismaSchema([
    { path: 'schema/schema.prisma', text: DS },
    { path: 'schema/user.prisma', text: 'model User {\n  id    Int    @id\n  posts Post[]\n}\n' },
    { path: 'schema/post.prisma', text: 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n  bad      Nope\n}\n' },
  ]);
  assert.deepEqual(s.models.map((m) => `${m.file.path}:${m.name}`), ['schema/user.prisma:User', 'schema/post.prisma:Post']);
  const r = rel(s, 'Post', 'author');
  assert.equal(r.target?.file.path, 'schema/user.prisma');
  assert.equal(r.back?.name, 'posts');
  assert.equal(s.datasource?.file.path, 'schema/schema.prisma');
  assert.deepEqual(s.diagnostics.map((d) => [d.file.path, d.file.text.slice(d.span.start, d.span.end)]), [['schema/post.prisma', 'Nope']]);
});

test('datasource: provider postgres → postgresql, relationMode, legacy referentialIntegrity', () => {
  const mk = (props: string) => parsePrismaSchema([{ path: 's.prisma', text: `datasource db {\n${props}\n}\n` }]);
  const a = mk('  provider = "postgres"\n  url = env("X")');
  assert.deepEqual([a.provider, a.relationMode, a.datasource?.provider], ['postgresql', 'foreignKeys', 'postgres']);
  const b = mk('  provider     = "mysql"\n  relationMode = "prisma"');
  assert.deepEqual([b.provider, b.relationMode], ['mysql', 'prisma']);
  const c = mk('  provider             = "postgresql"\n  referentialIntegrity = "prisma"');
  assert.equal(c.relationMode, 'prisma');
  const d = mk('  provider     = "postgresql"\n  relationMode = "foreignKeys"');
  assert.equal(d.relationMode, 'foreignKeys');
  assert.equal(parsePrismaSchema([{ path: 's.prisma', text: 'model A {\n  id Int @id\n}\n' }]).provider, null);
});

test('field kinds: scalar, enum, object, composite, unsupported, unknown', () => {
  const s = parsePrismaSchema([
    {
      path: 's.prisma',
      text: `type Address {\n  city String\n}\nenum E {\n  A\n}\nmodel M {\n  id   Int @id\n  e    E\n  addr Address\n  o    M?  @relation("self", fields: [oId], references: [id])\n  oId  Int?\n  back M[] @relation("self")\n  geo  Unsupported("geometry(Point, 4326)")?\n  what Whatever\n}\n`,
    },
  ]);
  const m = s.modelByName.get('M')!;
  assert.deepEqual(m.fields.map((f) => [f.name, f.kind, f.type]), [
    ['id', 'scalar', 'Int'],
    ['e', 'enum', 'E'],
    ['addr', 'composite', 'Address'],
    ['o', 'object', 'M'],
    ['oId', 'scalar', 'Int'],
    ['back', 'object', 'M'],
    ['geo', 'unsupported', 'Unsupported'],
    ['what', 'unknown', 'Whatever'],
  ]);
  assert.equal(m.fieldByName.get('geo')!.decl.type!.unsupported, 'geometry(Point, 4326)');
  assert.ok(m.fieldByName.get('geo')!.isOptional);
  assert.equal(s.modelByName.get('Address')!.kind, 'type');
  assert.deepEqual(s.diagnostics.map((d) => d.message), ['Type `Whatever` is neither a built-in type, nor refers to another model, composite type, or enum.']);
});

test('duplicates and invalid names are reported, the rest is still modelled', () => {
  const s = parsePrismaSchema([
    { path: 's.prisma', text: 'model A {\n  id Int @id\n  id String\n  my-field Int\n}\nmodel A {\n  x Int @id\n}\nenum A {\n  X\n}\n' },
  ]);
  assert.deepEqual(
    s.diagnostics.map((d) => d.message),
    [
      'The name `A` is already used by another model, view, type or enum.',
      'The name `A` is already used by another model, view, type or enum.',
      'Field `id` is already defined on A.',
      'The character `-` is not allowed in Field names.',
    ],
  );
  assert.equal(s.models.length, 1);
  assert.deepEqual(s.models[0].fields.map((f) => [f.name, f.type]), [['id', 'Int'], ['my-field', 'Int']]);
});

test('views are models of kind view with their uniques', () => {
  const s = schemaOf(`view Active {\n  id    Int    @unique\n  email String\n  @@map("active_users")\n}\n`);
  const v = s.modelByName.get('Active')!;
  assert.deepEqual([v.kind, v.tableName, v.primaryKey, v.uniques.length], ['view', 'active_users', null, 1]);
});
