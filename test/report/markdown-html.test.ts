/**
 * The audit report (Markdown and HTML) on real audit() results: executive summary counts, priority
 * overview, migration inventory, every finding with its suggested change, grouping into tables for
 * rules with many findings, the appendix; HTML escaping of hostile strings; rendering time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit } from '../../server/src/analysis/engine';
import { RULES_BY_ID } from '../../server/src/analysis/rules';
import type { Finding, Priority } from '../../server/src/analysis/types';
import { renderReport, type ReportInput } from '../../server/src/report';
import { cell, mdInline } from '../../server/src/report/markdown';
import { civitaiAudit, hostileInput, smallAudit, sqlFinding } from './fixture';

/** markdown-it (installed with @vscode/vsce, which renders README Markdown with it; it ships no types). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: { html: boolean }) => { render(src: string): string };

const NOW = new Date(Date.UTC(2026, 10, 22, 1, 2));

function section(md: string, heading: string): string {
  const start = md.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `section ${heading}`);
  const level = heading.split(' ')[0];
  const rest = md.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n${level} `));
  return next < 0 ? rest : rest.slice(0, next);
}

function tableRows(text: string, header: string): string[][] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(header));
  assert.ok(i >= 0, `table ${header}`);
  const rows: string[][] = [];
  for (const l of lines.slice(i + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

function categoryOf(f: Finding): string {
  return RULES_BY_ID.get(f.rule)?.category ?? 'Other';
}

function highest(list: Finding[]): Priority | undefined {
  return (['P1', 'P2', 'P3'] as const).find((p) => list.some((f) => f.priority === p));
}

/** The executive summary has one row per category with the right counts, status and priority. */
function checkExecutiveSummary(md: string, input: ReportInput) {
  const rows = tableRows(section(md, '## Executive summary'), '| Category | Status | Issues found | Priority |');
  const byCat = new Map<string, Finding[]>();
  for (const f of input.findings) byCat.set(categoryOf(f), [...(byCat.get(categoryOf(f)) ?? []), f]);
  for (const [cat, list] of byCat) {
    const row = rows.find((r) => r[0] === cat);
    assert.ok(row, `row for ${cat}`);
    assert.equal(Number(row[2]), list.length, `${cat}: issues found`);
    const p = highest(list)!;
    assert.equal(row[3], p, `${cat}: priority`);
    assert.equal(row[1], p === 'P1' ? '❌ Critical' : '⚠️ Issues', `${cat}: status`);
  }
  for (const row of rows.filter((r) => !byCat.has(r[0]))) {
    assert.ok(row[1] === '✅ OK' || row[1] === '➖ Not audited', `${row[0]}: ${row[1]}`);
    assert.ok(row[2] === '0' || row[2] === '—');
  }
  const prio = tableRows(section(md, '## Priority overview'), '| Priority | Meaning | Findings |');
  for (const [i, p] of (['P1', 'P2', 'P3'] as const).entries()) {
    assert.ok(prio[i][0].startsWith(`**${p}**`));
    assert.equal(Number(prio[i][2]), input.findings.filter((f) => f.priority === p).length);
  }
}

/** Every finding appears with its location and message. */
function checkEveryFinding(md: string, input: ReportInput) {
  const findings = section(md, '## Findings');
  for (const f of input.findings) {
    const loc = `\`${f.file}:${f.range.start.line + 1}\``;
    assert.ok(findings.includes(loc), `location ${loc}`);
    const msg = mdInline(f.message);
    assert.ok(findings.includes(msg) || findings.includes(cell(msg)), `message of ${f.rule} at ${loc}`);
  }
}

/** Strips code spans and fenced blocks: what remains is rendered as Markdown/HTML. */
function proseOnly(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, '');
}

describe('markdown report', () => {
  it('shows the fix the rule prefers as the suggested change, the others as alternatives (Markdown and HTML)', () => {
    const prismaFiles = [{ path: 'schema.prisma', text: 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id   String @id\n  logs Log[]\n}\n\nmodel Log {\n  id     String  @id\n  user   User?   @relation(fields: [userId], references: [id])\n  userId String?\n\n  @@index([userId])\n}\n' }];
    const findings = audit({ prismaFiles }).findings.filter((f) => f.rule === 'implicit-referential-action');
    assert.equal(findings.length, 1);
    const fixes = findings[0].fixes;
    const preferred = fixes.findIndex((x) => x.isPreferred);
    assert.ok(preferred > 0, 'the preferred fix is not the first one');
    const input: ReportInput = { root: 'p', files: [{ path: 'schema.prisma', kind: 'prisma' }], findings, toolVersion: '1.2.3', ruleErrors: {} };
    const md = renderReport('markdown', input, { now: NOW });
    assert.ok(md.includes(`**Suggested change:** ${mdInline(fixes[preferred].title)}`), md);
    assert.ok(md.includes(`**Alternative:** ${mdInline(fixes[0].title)}`));
    const html = renderReport('html', input, { now: NOW });
    assert.ok(html.indexOf(`<span class="label">Suggested change:</span> ${fixes[preferred].title}`) >= 0);
  });

  it('has the audit shape with the right counts on a small audited project', async () => {
    const { input } = await smallAudit();
    const full = { ...input, findings: [...input.findings, sqlFinding()] };
    const md = renderReport('markdown', full, { now: NOW });
    assert.ok(md.startsWith('# Database audit report: `acme-app`\n'));
    assert.ok(md.includes('| **Date** | 2026-11-22 01:02 UTC |'));
    assert.ok(md.includes('| **Scope** | 1 Prisma schema file, 1 migration (1 SQL file) |'));
    checkExecutiveSummary(md, full);
    checkEveryFinding(md, full);

    // The suggested change of missing-fk-index shows the inserted text in a prisma code block.
    const fk = full.findings.find((f) => f.rule === 'missing-fk-index' && f.subject.field === 'authorId')!;
    assert.ok(fk.fixes.length > 0);
    assert.ok(md.includes(`**Suggested change:** ${fk.fixes[0].title}`));
    assert.ok(md.includes('```prisma\n  @@index([authorId])\n```'), 'inserted text in a prisma block');
    // Why it matters + rule docs link for each rule with findings
    for (const id of new Set(full.findings.map((f) => f.rule))) {
      const rule = RULES_BY_ID.get(id);
      if (rule) assert.ok(md.includes(`**Why it matters.** ${mdInline(rule.docs.whyItMatters)}`), `why of ${id}`);
      assert.ok(md.includes(`Rule documentation: [${id}](https://`), `doc link of ${id}`);
    }
    // unused-ignore's fix deletes a whole line
    if (full.findings.some((f) => f.rule === 'unused-ignore')) assert.match(md, /Delete `prisma\/schema\.prisma` line \d+\./);
    // The generated rollback is shown collapsed, the rename spelled out
    assert.ok(md.includes('<details><summary>prisma/migrations/20240101000000_init/down.sql (2 lines)</summary>\n\n```sql\nDROP TABLE "Post";\nDROP TABLE "User";\n```'));
    assert.ok(md.includes('Rename `prisma/migrations/x.sql` → `prisma/migrations/y.sql`.'));
    assert.ok(!md.includes('Migration: `20240101000000_init`'), 'the migration is not repeated when its path names it');
    const other = { ...sqlFinding(), file: 'db/current.sql', migration: 'V7__add_posts' };
    assert.ok(renderReport('markdown', { ...full, findings: [other] }).includes('Migration: `V7__add_posts`'));

    // Migration inventory from the SQL module.
    const inv = tableRows(section(md, '## Migration inventory'), '| Version | File | Status | Notes |');
    assert.deepEqual(
      inv.map((r) => r.slice(0, 3)),
      full.inventory!.map((r) => [`\`${r.version}\``, `\`${r.file}\``, r.status]),
    );

    // Appendix: exactly the rules that ran without findings.
    const appendix = section(md, '## Appendix: rules with no findings');
    for (const id of new Set(full.findings.map((f) => f.rule))) assert.ok(!appendix.includes(`[${id}]`), `${id} is not clean`);
    assert.ok(appendix.includes('[prisma-syntax-error]'), 'a rule that found nothing is listed');

    // Deterministic
    assert.equal(renderReport('markdown', { ...full, findings: [...full.findings].reverse() }, { now: NOW }), md);
  });

  it('groups a rule with many findings into a table (civitai: hundreds of findings, readable)', () => {
    const { input } = civitaiAudit();
    const md = renderReport('markdown', input, { now: NOW });
    checkExecutiveSummary(md, input);
    checkEveryFinding(md, input);
    const fkCount = input.findings.filter((f) => f.rule === 'missing-fk-index').length;
    assert.ok(fkCount > 10);
    const heading = `##### \`missing-fk-index\` — ${RULES_BY_ID.get('missing-fk-index')!.title} (${fkCount} findings)`;
    assert.ok(md.includes(heading), heading);
    const group = section(md, heading);
    const rows = tableRows(group, '| # | Location | Subject | Finding | Suggested change |');
    assert.equal(rows.length, fkCount);
    assert.deepEqual(
      rows.map((r) => Number(r[0])),
      rows.map((_, i) => i + 1),
    );
    assert.ok(group.includes(`<details><summary>Suggested changes (${fkCount})</summary>`));
    // No per-finding section for grouped rules: the report stays proportional to the findings.
    assert.ok(md.split('\n').length < input.findings.length * 20, `${md.split('\n').length} lines`);
  });

  it('escapes hostile strings from user files', () => {
    const md = renderReport('markdown', hostileInput(), { now: NOW });
    const prose = proseOnly(md);
    assert.ok(!/<script|<img|<svg|<\/code>|<b>/i.test(prose), prose.match(/.{0,40}<(script|img|svg|\/code|b>).{0,40}/i)?.[0]);
    assert.ok(md.includes('&lt;script&gt;'));
    // Rendered by a real Markdown renderer that passes raw HTML through: no element from user strings survives.
    const html = new MarkdownIt({ html: true }).render(md);
    assert.ok(!/<script|<img|<svg|<b>/i.test(html), html.match(/.{0,60}<(script|img|svg|b>).{0,60}/i)?.[0]);
    assert.ok(html.includes('<details><summary>'), 'our own <details> stays HTML');
  });

  it('renders as Markdown tables and sections (markdown-it)', async () => {
    const { input } = await smallAudit();
    const html = new MarkdownIt({ html: true }).render(renderReport('markdown', input, { now: NOW }));
    for (const h of ['Executive summary', 'Priority overview', 'Migration inventory', 'Findings', 'Appendix: rules with no findings']) assert.ok(html.includes(`<h2>${h}</h2>`), h);
    assert.ok((html.match(/<table>/g) ?? []).length >= 5, 'meta, summary, priorities, rules, inventory, appendix tables');
    assert.match(html, /<td>Indexes<\/td>\s*<td>⚠️ Issues<\/td>/);
  });

  it('marks a category with a P1 finding critical (syntax error and SetNull on a required relation)', () => {
    const text = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n  b  B   @relation(fields: [bId], references: [id], onDelete: SetNull)\n  bId Int\n  @@index([bId])\n}\n\nmodel B {\n  id Int @id\n  as A[]\n  name\n}\n';
    const result = audit({ prismaFiles: [{ path: 'schema.prisma', text }] });
    const errors = result.findings.filter((f) => f.severity === 'error');
    assert.ok(errors.some((f) => f.rule === 'prisma-syntax-error'), 'syntax error found');
    const input: ReportInput = { root: 'r', files: [{ path: 'schema.prisma', kind: 'prisma' }], findings: result.findings, toolVersion: '1' };
    const md = renderReport('markdown', input, { now: NOW });
    checkExecutiveSummary(md, input);
    const rows = tableRows(section(md, '## Executive summary'), '| Category | Status | Issues found | Priority |');
    assert.deepEqual(rows.find((r) => r[0] === 'Syntax'), ['Syntax', '❌ Critical', String(result.findings.filter((f) => categoryOf(f) === 'Syntax').length), 'P1']);
    assert.ok(md.includes('Fix first: Syntax'));
    assert.ok(md.includes(`### P1 — Critical (${errors.length})`));
    const html = renderReport('html', input, { now: NOW });
    assert.match(html, /<tr class="status-critical"><td>Syntax<\/td><td><span class="dot critical"><\/span>Critical<\/td>/);
  });

  it('says so when there are no findings', () => {
    const md = renderReport('markdown', { root: 'r', files: [{ path: 'schema.prisma', kind: 'prisma' }], findings: [], toolVersion: '1' }, { now: NOW });
    assert.ok(md.includes('No findings: every rule that ran passed on 1 Prisma schema file.'));
    const rows = tableRows(section(md, '## Executive summary'), '| Category | Status | Issues found | Priority |');
    assert.ok(rows.some((r) => r[0] === 'Indexes' && r[1] === '✅ OK'));
  });
});

const VOID = new Set(['meta', 'link', 'br', 'wbr', 'img', 'hr', 'input']);

/** Tags are balanced (a broken escape would unbalance them). */
function assertBalanced(html: string) {
  const body = html.replace(/<!DOCTYPE html>/i, '').replace(/<style[^>]*>[\s\S]*?<\/style>/g, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const [, close, name] = m;
    const tag = name.toLowerCase();
    if (VOID.has(tag)) continue;
    if (!close) stack.push(tag);
    else {
      const top = stack.pop();
      assert.equal(top, tag, `unbalanced </${tag}> near ${body.slice(Math.max(0, m.index! - 80), m.index! + 20)}`);
    }
  }
  assert.deepEqual(stack, []);
}

describe('html report', () => {
  it('escapes every hostile string and has no script', () => {
    const html = renderReport('html', hostileInput(), { now: NOW });
    assert.ok(!/<script|<img|<svg|<b>/i.test(html), html.match(/.{0,60}<(script|img|svg|b>).{0,60}/i)?.[0]);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&#39;&amp;y&quot;)&lt;/script&gt;'), 'quotes and ampersand escaped');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;root&quot;'), 'root escaped');
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) assert.ok(!/[<>\s]/.test(m[1]), `href ${m[1]}`);
    assertBalanced(html);
  });

  it('has the same content as the Markdown report on a real audit, and is well-formed', async () => {
    const { input } = await smallAudit();
    const full = { ...input, findings: [...input.findings, sqlFinding()] };
    const html = renderReport('html', full, { now: NOW });
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!/<script/i.test(html));
    assertBalanced(html);
    for (const h of ['Executive summary', 'Priority overview', 'Migration inventory', 'Findings', 'Appendix: rules with no findings']) assert.ok(html.includes(`<h2>${h}</h2>`), h);
    for (const f of full.findings) assert.ok(html.includes(`<code>${f.file}:${f.range.start.line + 1}</code>`), `${f.rule} location`);
    const cats = new Map<string, number>();
    for (const f of full.findings) cats.set(categoryOf(f), (cats.get(categoryOf(f)) ?? 0) + 1);
    for (const [cat, n] of cats) assert.match(html, new RegExp(`<td>${cat}</td><td><span class="dot (issues|critical)"></span>(Issues|Critical)</td><td class="n">${n}</td>`));
    assert.ok(html.includes('<pre class="code" data-lang="prisma"><code>  @@index([authorId])</code></pre>'));
    assert.ok(html.includes('DROP TABLE &quot;Post&quot;;'));
  });

  it('embeds its CSS behind a strict CSP, or uses the webview nonce / stylesheet', async () => {
    const { input } = await smallAudit();
    const plain = renderReport('html', input);
    assert.match(plain, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
    assert.match(plain, /<style>\n[\s\S]+\.finding[\s\S]+<\/style>/);
    const nonce = renderReport('html', input, { cspNonce: 'abc123' });
    assert.ok(nonce.includes(`<style nonce="abc123">`));
    assert.ok(nonce.includes(`style-src 'nonce-abc123'`));
    const linked = renderReport('html', input, { styleHref: 'vscode-resource://x/media/report.css?a=1&b="2"' });
    assert.ok(linked.includes('<link rel="stylesheet" href="vscode-resource://x/media/report.css?a=1&amp;b=&quot;2&quot;">'));
    assert.ok(!linked.includes('<style'));
  });

  it('civitai renders every finding, and all formats render well under a second', () => {
    const { input } = civitaiAudit();
    assert.ok(input.findings.length > 200);
    const times: Record<string, number> = {};
    let html = '';
    for (const format of ['text', 'json', 'sarif', 'markdown', 'html'] as const) {
      const t0 = performance.now();
      const out = renderReport(format, input);
      times[format] = performance.now() - t0;
      if (format === 'html') html = out;
    }
    const total = Object.values(times).reduce((a, b) => a + b, 0);
    assert.ok(total < 1000, `rendering took ${JSON.stringify(times)}`);
    assertBalanced(html);
    const locations = input.findings.map((f) => `${f.file}:${f.range.start.line + 1}`);
    for (const l of locations) assert.ok(html.includes(l.replace(/([/.])/g, '$1<wbr>')) || html.includes(l), l);
  });
});
