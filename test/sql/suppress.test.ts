import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { auditSql, ready } from './helpers';

before(async () => {
  await ready;
});

const INIT = 'supabase/migrations/20240101000000_init.sql';

describe('SQL suppressions', () => {
  it('an ignore comment before a statement suppresses findings anywhere inside it; unused ones are reported', () => {
    const text = [
      'create table notes (id int primary key, user_id uuid);',
      'alter table notes enable row level security;',
      '-- schema-insight-ignore rls-initplan, rls-policy-always-true',
      'create policy "p" on notes for update to authenticated',
      '  using (auth.uid() = user_id)',
      '  with check (true);',
      '-- schema-insight-ignore destructive-change',
      'select 1;',
    ].join('\n');
    const r = auditSql({ [INIT]: text, 'supabase/migrations/rollback/20240101000000_init.sql': 'drop table notes;' });
    const rules = r.findings.map((f) => f.rule);
    assert.ok(!rules.includes('rls-initplan'));
    assert.ok(!rules.includes('rls-policy-always-true'));
    const unused = r.findings.filter((f) => f.rule === 'unused-ignore');
    assert.equal(unused.length, 1);
    assert.equal(unused[0].range.start.line, 6);
  });

  it('ignore-file suppresses a rule for the whole migration', () => {
    const r = auditSql({
      [INIT]: '-- schema-insight-ignore-file missing-rollback\ncreate table a (id int primary key);\nalter table a enable row level security;',
      'supabase/migrations/20240102000000_b.sql': 'create table b (id int primary key);\nalter table b enable row level security;',
    });
    assert.deepEqual(
      r.findings.filter((f) => f.rule === 'missing-rollback').map((f) => f.migration),
      ['20240102000000_b.sql'],
    );
  });
});
