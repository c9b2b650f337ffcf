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
  assert.equal(classify('integer', 'double precision'), 'rewrite');
});
