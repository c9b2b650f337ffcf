/**
 * Generates docs/rules/<id>.md for every registered rule (from the docs written in the rule's own
 * file, via renderRuleDocPage) and docs/rules/README.md, an index table.
 *
 *   node --import tsx scripts/gen-rule-docs.ts           write the files (and delete pages of removed rules)
 *   node --import tsx scripts/gen-rule-docs.ts --check   exit 1 if the committed docs are stale
 *
 * test/report/rule-docs.test.ts fails when the committed docs differ from what this script generates.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appliesTo, renderRuleDocPage } from '../server/src/analysis/docs';
import type { Rule } from '../server/src/analysis/rule';
import { ALL_RULES } from '../server/src/analysis/rules';
import { CATEGORY_ORDER } from '../server/src/report/model';

export const DOCS_DIR = resolve(__dirname, '..', 'docs', 'rules');


function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function renderRulesIndex(rules: readonly Rule[]): string {
  const rank = (c: string) => (CATEGORY_ORDER.indexOf(c) < 0 ? CATEGORY_ORDER.length : CATEGORY_ORDER.indexOf(c));
  const cats = [...new Set(rules.map((r) => r.category as string))].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  out.push('# Schema Insight rules');
  out.push(
    `${rules.length} rules. Each page below is generated from the documentation in the rule's own source file ` +
      '(`node --import tsx scripts/gen-rule-docs.ts`); do not edit them by hand. The same text appears in the ' +
      'editor hover and in the exported audit report.',
  );
  out.push(
    'Severities: `error` → P1, `warning` → P2, `info`/`hint` → P3 in reports. Change a severity or turn a rule off in ' +
      '`schema-insight.json`: `{"rules": {"<id>": "off" | "info" | "warning" | "error"}}`.',
  );
  for (const c of cats) {
    out.push(`## ${c}`);
    const rows = rules
      .filter((r) => r.category === c)
      .map((r) => `| [\`${r.id}\`](${r.id}.md) | ${cell(r.title)} | \`${r.defaultSeverity}\` | ${appliesTo(r)} |`);
    out.push(['| Rule | What it finds | Default severity | Applies to |', '|---|---|---|---|', ...rows].join('\n'));
  }
  return out.join('\n\n') + '\n';
}

/** Every generated file: name inside docs/rules → content. */
export function expectedRuleDocs(rules: readonly Rule[] = ALL_RULES): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rules) out.set(`${r.id}.md`, renderRuleDocPage(r));
  out.set('README.md', renderRulesIndex(rules));
  return out;
}

/** Differences between the committed docs and the generated ones (empty when up to date). */
export function staleRuleDocs(dir = DOCS_DIR): string[] {
  const expected = expectedRuleDocs();
  const problems: string[] = [];
  for (const [name, content] of expected) {
    const p = join(dir, name);
    if (!existsSync(p)) problems.push(`missing docs/rules/${name}`);
    else if (readFileSync(p, 'utf8') !== content) problems.push(`outdated docs/rules/${name}`);
  }
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.md') && !expected.has(name)) problems.push(`docs/rules/${name} documents no registered rule`);
    }
  }
  return problems;
}

export function writeRuleDocs(dir = DOCS_DIR): { written: number; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const expected = expectedRuleDocs();
  let written = 0;
  for (const [name, content] of expected) {
    const p = join(dir, name);
    if (existsSync(p) && readFileSync(p, 'utf8') === content) continue;
    writeFileSync(p, content);
    written++;
  }
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.md') && !expected.has(name)) {
      unlinkSync(join(dir, name));
      removed.push(name);
    }
  }
  return { written, removed };
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const problems = staleRuleDocs();
    if (problems.length) {
      console.error(`docs/rules is stale (run: node --import tsx scripts/gen-rule-docs.ts):\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`docs/rules is up to date (${ALL_RULES.length} rules).`);
  } else {
    const { written, removed } = writeRuleDocs();
    console.log(`docs/rules: ${ALL_RULES.length} rules, ${written} file(s) written${removed.length ? `, removed ${removed.join(', ')}` : ''}.`);
  }
}

