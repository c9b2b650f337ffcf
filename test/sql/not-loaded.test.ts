import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

describe('SQL analysis before the parser is loaded', () => {
  it('reports one clear finding instead of throwing', () => {
    // A fresh process: the WASM parser has not been loaded there.
    const script = `
      const { audit } = require(${JSON.stringify(resolve(__dirname, '../../server/src/analysis/engine.ts'))});
      const r = audit({ prismaFiles: [], sqlFiles: [
        { path: 'supabase/migrations/1_a.sql', text: 'CREATE TABLE a (id int);' },
        { path: 'supabase/migrations/2_b.sql', text: 'CREATE TABLE b (id int);' },
      ] });
      console.log(JSON.stringify({ errors: r.ruleErrors, findings: r.findings.map((f) => [f.rule, f.file, f.message]) }));
    `;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: resolve(__dirname, '../..') });
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    assert.deepEqual(out.errors, {});
    assert.equal(out.findings.length, 1);
    const [rule, file, message] = out.findings[0];
    assert.equal(rule, 'sql-syntax-error');
    assert.equal(file, 'supabase/migrations/1_a.sql');
    assert.match(message, /not loaded: call ensureSqlParser\(\).*\(2 migration files not analysed\.\)/);
  });
});
