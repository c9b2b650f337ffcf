import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../server/src/analysis/rules/sql/column-type-change';

test('column-type-change classification: what rewrites, what narrows, what is free', () => {
  assert.equal(classify('varchar(64)', 'varchar(256)'), 'no-rewrite');
  assert.equal(classify('varchar(64)', 'text'), 'no-rewrite');
  assert.equal(classify('text', 'varchar(500)'), 'narrowing');
  assert.equal(classify('bigint', 'integer'), 'narrowing');
  assert.equal(classify('integer', 'bigint'), 'rewrite');
  // Decimal or floating point to an integer drops fractions (spliit: numeric(65, 30) → integer).
  assert.equal(classify('numeric(65, 30)', 'integer'), 'narrowing');
  assert.equal(classify('double precision', 'bigint'), 'narrowing');
  assert.equal(classify('real', 'smallint'), 'narrowing');
  assert.equal(classify('integer', 'numeric(10, 2)'), 'narrowing');
  // Wide enough for every integer: a rewrite, nothing fails (formbricks: integer → numeric(65, 30)).
  assert.equal(classify('integer', 'numeric(65, 30)'), 'rewrite');
  assert.equal(classify('bigint', 'numeric(19)'), 'rewrite');
  assert.equal(classify('smallint', 'numeric(4)'), 'narrowing');
  assert.equal(classify('integer', 'double precision'), 'rewrite');
});

test('column-type-change classification: binary-coercible and typmod-widening changes PostgreSQL makes in the catalog only', () => {
  assert.equal(classify('text', 'varchar'), 'no-rewrite');
  assert.equal(classify('numeric(10, 2)', 'numeric(12, 2)'), 'no-rewrite');
  assert.equal(classify('numeric(10, 2)', 'numeric'), 'no-rewrite');
  assert.equal(classify('numeric(10, 2)', 'numeric(12, 4)'), 'rewrite');
  assert.equal(classify('numeric(10, 2)', 'numeric(8, 2)'), 'narrowing');
  assert.equal(classify('timestamp(3)', 'timestamp(6)'), 'no-rewrite');
  assert.equal(classify('timestamptz', 'timestamptz(6)'), 'no-rewrite');
  assert.equal(classify('timestamp', 'timestamp(3)'), 'narrowing');
  assert.equal(classify('time(0)', 'time'), 'no-rewrite');
  // Prisma's DateTime → @db.Timestamptz(3): no rewrite in PostgreSQL 12+ only under a UTC session.
  assert.equal(classify('timestamp(3)', 'timestamptz(3)'), 'rewrite-unless-utc');
  assert.equal(classify('timestamptz', 'timestamp'), 'rewrite-unless-utc');
  assert.equal(classify('timestamp(6)', 'timestamptz(3)'), 'narrowing');
  assert.equal(classify('time', 'timetz'), 'rewrite');
  assert.equal(classify('date', 'timestamp'), 'rewrite');
});
