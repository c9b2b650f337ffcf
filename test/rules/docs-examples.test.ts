import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../server/src/analysis/engine';
import { sampleFiles, sampleLanguage, renderRuleMarkdown } from '../../server/src/analysis/docs';
import { ALL_RULES } from '../../server/src/analysis/rules';
import { ensureSqlParser } from '../../server/src/analysis/sql/parse';
import { replayPlan } from '../../server/src/analysis/sql/replay';
import { runReplay } from '../../server/src/project/replay';
import type { Rule } from '../../server/src/analysis/rule';

// Every rule's documentation is executable: its Example must trigger the rule, its Use-instead must not.

before(async () => {
  await ensureSqlParser();
});

async function run(rule: Rule, sample: string, lang: 'prisma' | 'sql') {
  const { prismaFiles, sqlFiles, codeFiles } = sampleFiles(sample, lang);
  const supabase = /auth\.|supabase/i.test(sample);
  const input = { prismaFiles, sqlFiles, codeFiles, hints: { supabase } };
  const result = audit(input);
  // A rule that reads the embedded replay's outcome: replay the sample's migrations, audit again with it.
  if (rule.requires !== 'replay' || !result.sql) return result;
  return audit({ ...input, replay: await runReplay(replayPlan(result.sql)) });
}

for (const rule of ALL_RULES) {
  test(`docs of ${rule.id}: the example triggers the rule, "use instead" does not`, async () => {
    for (const key of ['whatItDoes', 'whyItMatters', 'example', 'useInstead', 'fixSafety'] as const) {
      assert.ok(rule.docs[key].trim().length > 20, `${rule.id}: docs.${key} is empty or too short`);
    }
    const lang = sampleLanguage(rule);
    const example = await run(rule, rule.docs.example, lang);
    assert.deepEqual(example.ruleErrors, {});
    assert.ok(
      example.findings.some((f) => f.rule === rule.id),
      `${rule.id}: example did not trigger it; got ${example.findings.map((f) => f.rule).join(', ') || 'nothing'}`,
    );
    const fixed = await run(rule, rule.docs.useInstead, lang);
    assert.deepEqual(fixed.ruleErrors, {});
    const left = fixed.findings.filter((f) => f.rule === rule.id);
    assert.equal(left.length, 0, `${rule.id}: "use instead" still triggers it: ${left.map((f) => f.message).join(' | ')}`);
    const md = renderRuleMarkdown(rule);
    for (const h of ['What it does', 'Why it matters', 'Example', 'Use instead', 'Fix safety']) assert.ok(md.includes(`## ${h}`), h);
  });
}
