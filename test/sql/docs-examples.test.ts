import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sampleFiles } from '../../server/src/analysis/docs';
import { audit } from '../../server/src/analysis/engine';
import { SQL_RULES } from '../../server/src/analysis/rules/sql';
import { ready } from './helpers';

before(async () => {
  await ready;
});

// The generic docs test covers every rule; this one pins the SQL rules' samples to the SQL module.
describe('SQL rule docs: the example triggers the rule, "use instead" does not', () => {
  for (const rule of SQL_RULES) {
    it(rule.id, () => {
      const run = (sample: string) => {
        const { prismaFiles, sqlFiles } = sampleFiles(sample, 'sql');
        const r = audit({ prismaFiles, sqlFiles });
        assert.deepEqual(r.ruleErrors, {});
        return r.findings.filter((f) => f.rule === rule.id);
      };
      assert.ok(run(rule.docs.example).length > 0, `example of ${rule.id} does not trigger it`);
      assert.deepEqual(run(rule.docs.useInstead), [], `useInstead of ${rule.id} triggers it`);
    });
  }
});
