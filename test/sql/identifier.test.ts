/**
 * `truncateIdentifier` (sql/lexical.ts) against PostgreSQL's own parser (libpg-query), which cuts long
 * identifiers as the server does: the catalog's default constraint and index names and schema-drift's
 * implicit join-table names rely on cutting them the same way.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { truncateIdentifier } from '../../server/src/analysis/sql/lexical';
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
