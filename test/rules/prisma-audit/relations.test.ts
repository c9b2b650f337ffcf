import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DS, assertValid, checkFix, findings, applyFixText } from './util';

const USER = 'model User {\n  id    Int    @id\n  posts Post[]\n}\n\n';
const required = USER + 'model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n';
const optional = USER + 'model Post {\n  id       Int   @id\n  author   User? @relation(fields: [authorId], references: [id])\n  authorId Int?\n}\n';

// ---------------------------------------------------------------- implicit-referential-action

test('implicit-referential-action: required relation defaults to Restrict, and the message says what a delete does', async () => {
  await assertValid(required);
  const [f, ...rest] = findings(required, 'implicit-referential-action');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'info');
  assert.deepEqual(f.subject, { model: 'Post', field: 'authorId' });
  assert.equal(f.data?.defaultOnDelete, 'Restrict');
  assert.match(f.message, /Prisma uses `Restrict` here \(the relation is required\), so deleting a User fails while Post rows reference it/);
  assert.deepEqual(
    f.fixes.map((x) => x.title),
    ['Set onDelete: Cascade', 'Set onDelete: SetNull and make `authorId`, `author` optional', 'Set onDelete: Restrict (what Prisma does now)', 'Set onDelete: NoAction'],
  );
  const restrict = f.fixes[2];
  assert.equal(restrict.safe, true);
  assert.equal(restrict.isPreferred, true);
  assert.equal(f.fixes.filter((x) => x.safe).length, 1);
  for (const fix of f.fixes) await checkFix(required, f, fix);
});

test('implicit-referential-action: an optional relation field over a required scalar is required, and the message says why', () => {
  const text = 'model Env {\n  id   String @id\n  keys Key[]\n}\n\nmodel Key {\n  id    String @id\n  envId String\n  env   Env?   @relation(fields: [envId], references: [id])\n}\n';
  const [f] = findings(text, 'implicit-referential-action');
  assert.equal(f.data?.defaultOnDelete, 'Restrict');
  assert.match(f.message, /Prisma uses `Restrict` here \(`envId` is required, so the relation is too, even though `env` is marked optional\)/);
});

test('implicit-referential-action: the fix adds onDelete inside the existing @relation and keeps the other arguments', () => {
  const [f] = findings(required, 'implicit-referential-action');
  const fixed = applyFixText(required, f.fixes[0]);
  assert.match(fixed, /author   User @relation\(fields: \[authorId\], references: \[id\], onDelete: Cascade\)\n/);
  const setNull = applyFixText(required, f.fixes[1]);
  assert.match(setNull, /author   User\? @relation\(fields: \[authorId\], references: \[id\], onDelete: SetNull\)\n  authorId Int\?\n/);
});

test('implicit-referential-action: optional relation defaults to SetNull', async () => {
  const [f] = findings(optional, 'implicit-referential-action');
  assert.equal(f.data?.defaultOnDelete, 'SetNull');
  assert.match(f.message, /sets `authorId` to NULL on its `posts`/);
  const preferred = f.fixes.find((x) => x.isPreferred)!;
  assert.equal(preferred.title, 'Set onDelete: SetNull (what Prisma does now)');
  assert.equal(preferred.safe, true);
  for (const fix of f.fixes) await checkFix(optional, f, fix);
});

test('implicit-referential-action: not reported when onDelete is explicit, nor on the back-relation side', () => {
  const explicit = required.replace('references: [id])', 'references: [id], onDelete: Restrict)');
  assert.equal(findings(explicit, 'implicit-referential-action').length, 0);
});

test('implicit-referential-action: relationMode = "prisma" says the action is emulated', () => {
  const text = 'datasource db {\n  provider     = "mysql"\n  relationMode = "prisma"\n}\n\n' + required.replace('  authorId Int\n', '  authorId Int\n\n  @@index([authorId])\n');
  const [f] = findings(text, 'implicit-referential-action');
  assert.match(f.message, /emulated by Prisma Client/);
});

test('implicit-referential-action: no NoAction fix with relationMode = "prisma" on PostgreSQL (Prisma rejects it there)', async () => {
  const text = 'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\n' + required.replace('  authorId Int\n', '  authorId Int\n\n  @@index([authorId])\n');
  const [f] = findings(text, 'implicit-referential-action');
  assert.ok(!f.fixes.some((x) => x.title.includes('NoAction')));
  for (const fix of f.fixes) await checkFix(text, f, fix);
  const mysql = text.replace('"postgresql"', '"mysql"');
  const [g] = findings(mysql, 'implicit-referential-action');
  assert.ok(g.fixes.some((x) => x.title.includes('NoAction')));
  for (const fix of g.fixes) await checkFix(mysql, g, fix);
});

test('implicit-referential-action: no SetNull fix when the scalar is part of the primary key', async () => {
  const text =
    USER.replace('posts Post[]', 'tags  PostTag[]') +
    'model Tag {\n  id    Int       @id\n  posts PostTag[]\n}\n\nmodel PostTag {\n  user   User @relation(fields: [userId], references: [id])\n  userId Int\n  tag    Tag  @relation(fields: [tagId], references: [id], onDelete: Cascade)\n  tagId  Int\n\n  @@id([userId, tagId])\n}\n';
  await assertValid(text);
  const [f] = findings(text, 'implicit-referential-action');
  assert.deepEqual(f.subject, { model: 'PostTag', field: 'userId' });
  assert.ok(!f.fixes.some((x) => x.title.includes('SetNull')));
  for (const fix of f.fixes) await checkFix(text, f, fix);
});

test('implicit-referential-action: keeps CRLF line endings', () => {
  const crlf = (DS + required).replace(/\n/g, '\r\n');
  const [f] = findings(crlf, 'implicit-referential-action');
  const fixed = applyFixText(crlf, f.fixes[1]);
  assert.ok(!/[^\r]\n/.test(fixed));
});

// ---------------------------------------------------------------- cascade-deletes-history

const coupon =
  'model Coupon {\n  id          Int          @id\n  redemptions Redemption[]\n}\n\nmodel Redemption {\n  id       Int    @id\n  coupon   Coupon @relation(fields: [couponId], references: [id], onDelete: Cascade)\n  couponId Int\n}\n';

test('cascade-deletes-history: deleting a coupon must not delete its redemptions', async () => {
  await assertValid(coupon);
  const [f, ...rest] = findings(coupon, 'cascade-deletes-history');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.subject, { model: 'Redemption', field: 'couponId' });
  assert.equal(f.data?.recordKind, 'financial');
  assert.match(f.message, /Deleting a Coupon deletes its Redemption rows/);
  assert.deepEqual(f.fixes.map((x) => x.title), ['Set onDelete: SetNull and make `couponId`, `coupon` optional', 'Set onDelete: Restrict']);
  const fixed = await checkFix(coupon, f, f.fixes[0]);
  assert.match(fixed, /coupon   Coupon\? @relation\(fields: \[couponId\], references: \[id\], onDelete: SetNull\)\n  couponId Int\?\n/);
  await checkFix(coupon, f, f.fixes[1]);
});

function cascade(child: string, parent: string, field = 'parent'): string {
  return `model ${parent} {\n  id       Int @id\n  children ${child}[]\n}\n\nmodel ${child} {\n  id       Int @id\n  ${field} ${parent} @relation(fields: [${field}Id], references: [id], onDelete: Cascade)\n  ${field}Id Int\n}\n`;
}

test('cascade-deletes-history: positives (financial from anything, audit logs, history of an actor)', async () => {
  for (const [child, parent, field] of [
    ['Payment', 'User', 'user'],
    ['OrderItem', 'Product', 'product'],
    ['CryptoTransaction', 'User', 'user'],
    ['PlacementTransaction', 'Placement', 'placement'],
    ['ImpersonationAuditLog', 'User', 'admin'],
    ['AuditLog', 'Document', 'document'],
    ['StatusHistory', 'Member', 'member'],
    ['ChangeEvent', 'Ticket', 'updatedBy'],
  ]) {
    const text = cascade(child, parent, field);
    const got = findings(text, 'cascade-deletes-history');
    assert.equal(got.length, 1, `${child} ← ${parent}: ${got.length}`);
  }
  await assertValid(cascade('ChangeEvent', 'Ticket', 'updatedBy'));
});

test('cascade-deletes-history: says when another chain of cascades also deletes the rows (dub: FraudEvent → FraudEventGroup → Partner)', () => {
  const text =
    'model Partner {\n  id     String           @id\n  events FraudEvent[]\n  groups FraudEventGroup[]\n}\n\nmodel FraudEventGroup {\n  id        String       @id\n  partnerId String\n  partner   Partner      @relation(fields: [partnerId], references: [id], onDelete: Cascade)\n  events    FraudEvent[]\n\n  @@index([partnerId])\n}\n\nmodel FraudEvent {\n  id      String          @id\n  partnerId String\n  groupId String\n  partner Partner         @relation(fields: [partnerId], references: [id], onDelete: Cascade)\n  group   FraudEventGroup @relation(fields: [groupId], references: [id], onDelete: Cascade)\n\n  @@index([partnerId])\n  @@index([groupId])\n}\n';
  const [f, ...rest] = findings(text, 'cascade-deletes-history');
  assert.equal(rest.length, 0);
  assert.match(f.message, / Deleting a Partner also deletes them through `FraudEvent\.group` → `FraudEventGroup\.partner` → Partner \(`onDelete: Cascade` all the way\): change that chain too, or they still go\.$/);
  // Without that chain, nothing is added.
  const plain = findings(text.replace('references: [id], onDelete: Cascade)\n\n  @@index([partnerId])\n  @@index([groupId])', 'references: [id], onDelete: Restrict)\n\n  @@index([partnerId])\n  @@index([groupId])'), 'cascade-deletes-history');
  assert.equal(plain.length, 1);
  assert.doesNotMatch(plain[0].message, /also deletes them/);
});

test('cascade-deletes-history: negatives (parts of their parent, tenants, non-history names)', () => {
  for (const [child, parent] of [
    ['OrderItem', 'Order'],
    ['InvoiceLine', 'Invoice'],
    ['WorkflowRunLog', 'WorkflowRun'],
    ['FraudEvent', 'FraudEventGroup'],
    ['ActionLog', 'ActionStep'],
    ['UserHistory', 'User'],
    ['WorkspaceAuditLog', 'Workspace'],
    ['Event', 'Project'],
    ['MonitorEvent', 'Monitor'],
    ['Catalog', 'User'],
    ['Blog', 'User'],
    ['PreventionRule', 'User'],
    ['PaymentMethod', 'User'],
    ['AuditSession', 'User'],
    ['NewOrderPlayer', 'User'],
    ['CalendarEvent', 'Calendar'],
    ['Post', 'User'],
  ]) {
    assert.equal(findings(cascade(child, parent), 'cascade-deletes-history').length, 0, `${child} ← ${parent}`);
  }
});

test('cascade-deletes-history: an …Event that starts and ends is a calendar entry, not a log', async () => {
  const withTimes = (start: string, end: string) =>
    `model User {\n  id     Int              @id\n  events ScheduledEvent[]\n}\n\nmodel ScheduledEvent {\n  id     Int      @id\n  ${start} DateTime\n  ${end} DateTime\n  user   User     @relation(fields: [userId], references: [id], onDelete: Cascade)\n  userId Int\n\n  @@index([userId])\n}\n`;
  for (const [start, end] of [['start', 'end'], ['startTime', 'endTime'], ['starts_at', 'ends_at'], ['startDate', 'endDate']]) {
    const text = withTimes(start, end);
    await assertValid(text);
    assert.equal(findings(text, 'cascade-deletes-history').length, 0, `${start}/${end}`);
  }
  // A log with only a start (or only an occurrence time) is still history.
  assert.equal(findings(withTimes('start', 'occurredAt'), 'cascade-deletes-history').length, 1);
  assert.equal(findings(withTimes('startedAt', 'endedAt'), 'cascade-deletes-history').length, 1);
});

test('cascade-deletes-history: Restrict only (no SetNull fix) when the scalar is in the primary key', async () => {
  const text =
    'model Product {\n  id    Int        @id\n  sales Purchase[]\n}\n\nmodel Buyer {\n  id    Int        @id\n  sales Purchase[]\n}\n\nmodel Purchase {\n  product   Product @relation(fields: [productId], references: [id], onDelete: Cascade)\n  productId Int\n  buyer     Buyer   @relation(fields: [buyerId], references: [id], onDelete: Restrict)\n  buyerId   Int\n\n  @@id([productId, buyerId])\n}\n';
  const [f] = findings(text, 'cascade-deletes-history');
  assert.deepEqual(f.fixes.map((x) => x.title), ['Set onDelete: Restrict']);
  assert.equal(f.fixes[0].isPreferred, true);
  await checkFix(text, f, f.fixes[0]);
});

// ---------------------------------------------------------------- set-null-on-required

test('set-null-on-required: onDelete SetNull on a required scalar is an error with a make-optional fix', async () => {
  const text = required.replace('references: [id])', 'references: [id], onDelete: SetNull)');
  const [f, ...rest] = findings(text, 'set-null-on-required');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.subject, { model: 'Post', field: 'authorId' });
  assert.match(f.message, /deleting a User fails with a NOT NULL violation/);
  assert.deepEqual(f.fixes.map((x) => x.title), ['Make `authorId`, `author` optional', 'Set onDelete: Restrict']);
  const fixed = await checkFix(text, f, f.fixes[0]);
  assert.match(fixed, /author   User\? @relation\(fields: \[authorId\], references: \[id\], onDelete: SetNull\)\n  authorId Int\?\n/);
  await checkFix(text, f, f.fixes[1]);
});

test('set-null-on-required: onUpdate SetNull too; optional relations are fine', async () => {
  const text = required.replace('references: [id])', 'references: [id], onDelete: Cascade, onUpdate: SetNull)');
  const [f] = findings(text, 'set-null-on-required');
  assert.match(f.message, /`onUpdate: SetNull`/);
  assert.deepEqual(f.fixes.map((x) => x.title), ['Make `authorId`, `author` optional', 'Set onUpdate: Cascade']);
  for (const fix of f.fixes) await checkFix(text, f, fix);
  assert.equal(findings(optional.replace('references: [id])', 'references: [id], onDelete: SetNull)'), 'set-null-on-required').length, 0);
});

test('set-null-on-required: a composite key with one required column is reported (SET NULL nulls every column)', () => {
  const text =
    'model Folder {\n  id        Int      @id\n  projectId Int\n  parentId  Int?\n  parent    Folder?  @relation("tree", fields: [parentId, projectId], references: [id, projectId], onDelete: SetNull)\n  children  Folder[] @relation("tree")\n\n  @@unique([id, projectId])\n}\n';
  const [f] = findings(text, 'set-null-on-required');
  assert.equal(f.data?.requiredFields, 'projectId');
});

// ---------------------------------------------------------------- required-relation-cycle

const teamCycle =
  'model Team {\n  id      Int    @id\n  owner   User   @relation("TeamOwner", fields: [ownerId], references: [id])\n  ownerId Int    @unique\n  members User[] @relation("TeamMembers")\n}\n\nmodel User {\n  id     Int   @id\n  team   Team  @relation("TeamMembers", fields: [teamId], references: [id])\n  teamId Int\n  owns   Team? @relation("TeamOwner")\n}\n';

test('required-relation-cycle: a required cycle is a warning naming the cycle', async () => {
  await assertValid(teamCycle);
  const [f, ...rest] = findings(teamCycle, 'required-relation-cycle');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.equal(f.data?.cycle, 'Team → User → Team');
  assert.match(f.message, /Required relations form a cycle: Team → User → Team/);
  assert.deepEqual(f.subject, { model: 'Team', field: 'ownerId' });
  assert.equal(f.related?.length, 1);
  assert.equal(f.fixes.length, 0);
});

test('required-relation-cycle: an optional cycle is info; an optional self-relation is not reported', () => {
  const opt = teamCycle.replace('owner   User   @relation', 'owner   User?  @relation').replace('ownerId Int    @unique', 'ownerId Int?   @unique');
  const [f] = findings(opt, 'required-relation-cycle');
  assert.equal(f.severity, 'info');
  assert.match(f.message, /`Team.owner` is optional/);
  const tree = 'model Node {\n  id       Int    @id\n  parent   Node?  @relation("tree", fields: [parentId], references: [id])\n  parentId Int?\n  children Node[] @relation("tree")\n}\n';
  assert.equal(findings(tree, 'required-relation-cycle').length, 0);
  assert.equal(findings(required, 'required-relation-cycle').length, 0);
});

test('required-relation-cycle: a required self-relation is reported (the first row cannot be inserted)', async () => {
  const text = 'model Node {\n  id       Int    @id\n  parent   Node   @relation("tree", fields: [parentId], references: [id], onDelete: Restrict, onUpdate: Restrict)\n  parentId Int\n  children Node[] @relation("tree")\n}\n';
  await assertValid(text);
  const [f] = findings(text, 'required-relation-cycle');
  assert.equal(f.severity, 'warning');
  assert.equal(f.data?.cycle, 'Node → Node');
  assert.match(f.message, /first Node row can never be inserted/);
});

test('required-relation-cycle: a three-model cycle is named in order', () => {
  const text =
    'model A {\n  id  Int @id\n  b   B   @relation(fields: [bId], references: [id])\n  bId Int\n  cs  C[]\n}\n\nmodel B {\n  id  Int @id\n  c   C   @relation(fields: [cId], references: [id])\n  cId Int\n  as  A[]\n}\n\nmodel C {\n  id  Int @id\n  a   A   @relation(fields: [aId], references: [id])\n  aId Int\n  bs  B[]\n}\n';
  const [f] = findings(text, 'required-relation-cycle');
  assert.equal(f.data?.cycle, 'A → B → C → A');
});
