/**
 * Names as PostgreSQL and Prisma make them (sql/lexical.ts): `truncateIdentifier` against PostgreSQL's
 * own parser (libpg-query), which cuts long identifiers as the server does (schema-drift's implicit
 * join-table names rely on it); the names PostgreSQL generates for unnamed constraints and indexes
 * (`makeObjectName`: the label survives, the longer part is cut first) and Prisma's `@@index` names.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { choosePgName, pgNameAddition, pgObjectName, prismaIndexName, truncateIdentifier } from '../../server/src/analysis/sql/lexical';
import { project, ready } from './helpers';

before(async () => {
  await ready;
});

test('truncateIdentifier keeps what PostgreSQL keeps: 63 bytes of UTF-8, never half a character', () => {
  const names = [
    'short_name',
    'x'.repeat(63),
    'y'.repeat(70),
    'é'.repeat(40), // 2 bytes each: 31 fit
    `${'x'.repeat(62)}é`, // the 64th byte would be inside é
    `${'x'.repeat(60)}😀x`, // 4 bytes, 2 UTF-16 units: dropped whole
    `${'x'.repeat(59)}😀x`, // kept whole
    `_${'OrganizationMembershipInvitation'}To${'OrganizationMembershipRoleAssignment'}`,
  ];
  const tables = [...project({ 'm/migrations/001_t.sql': names.map((n) => `CREATE TABLE "${n}" (a int);`).join('\n') }).catalog.tables.values()].map((t) => t.name);
  assert.deepEqual(
    names.map((n) => truncateIdentifier(n)),
    tables,
  );
  assert.equal(truncateIdentifier('é'.repeat(40)), 'é'.repeat(31));
  assert.equal(truncateIdentifier(`${'x'.repeat(59)}😀x`), `${'x'.repeat(59)}😀`);
});

test('pgObjectName builds PostgreSQL\'s generated names: the label always survives, the longer part is cut first', () => {
  assert.equal(pgObjectName('users', 'email', 'key'), 'users_email_key');
  assert.equal(pgObjectName('users', null, 'pkey'), 'users_pkey');
  // 63 - len("_pkey") = 58 bytes of the table name.
  assert.equal(pgObjectName('a'.repeat(63), null, 'pkey'), `${'a'.repeat(58)}_pkey`);
  // 57 bytes for both parts (63 - "_" - "_fkey"): the longer is cut first, then both in turn.
  assert.equal(pgObjectName('t'.repeat(40), 'c'.repeat(40), 'fkey'), `${'t'.repeat(29)}_${'c'.repeat(28)}_fkey`);
  assert.equal(pgObjectName('t'.repeat(10), 'c'.repeat(60), 'idx'), `${'t'.repeat(10)}_${'c'.repeat(48)}_idx`);
  // Bytes, not characters, and never half a character: 57 bytes allowed, é is 2.
  assert.equal(pgObjectName('é'.repeat(40), 'x', 'key'), `${'é'.repeat(28)}_x_key`);
  assert.ok(Buffer.byteLength(pgObjectName('é'.repeat(40), 'ü'.repeat(40), 'check')) <= 63);
});

test('pgNameAddition joins column names with _, and choosePgName numbers the label on a clash', () => {
  assert.equal(pgNameAddition(['team_id', 'user_id']), 'team_id_user_id');
  assert.equal(pgNameAddition(['a'.repeat(63), 'b'.repeat(63), 'c']), `${'a'.repeat(63)}_${'b'.repeat(63)}`);
  const taken = new Set(['t_a_idx', 't_a_idx1']);
  assert.equal(choosePgName('t', 'a', 'idx', (n) => taken.has(n)), 't_a_idx2');
  assert.equal(choosePgName('t'.repeat(63), null, 'pkey', (n) => n.endsWith('_pkey')), `${'t'.repeat(57)}_pkey1`);
});

test('prismaIndexName keeps the suffix: table_columns cut to 59 bytes, then _idx', () => {
  assert.equal(prismaIndexName('Post', ['authorId']), 'Post_authorId_idx');
  assert.equal(prismaIndexName('T'.repeat(50), ['col'.repeat(5)]), `${`${'T'.repeat(50)}_${'col'.repeat(5)}`.slice(0, 59)}_idx`);
  assert.equal(prismaIndexName('T'.repeat(50), ['abcdefgh']), `${'T'.repeat(50)}_abcdefgh_idx`);
});
