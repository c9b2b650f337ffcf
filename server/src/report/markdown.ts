/**
 * The audit report as Markdown, in the shape of a database audit written by a senior engineer:
 * header and scope, executive summary by category, priority overview, findings by rule, migration
 * inventory, then every finding grouped by priority → category → rule with location, subject,
 * explanation and the suggested change; an appendix lists the rules that ran and found nothing.
 *
 * Strings from user files (names, paths, messages) are escaped: outside code spans `<`, `>` and `&`
 * become entities (so a model called `<script>` cannot inject HTML into a rendered report), in tables
 * `|` is escaped, and code spans / fences are sized to their content.
 */
import type { Finding, Fix } from '../analysis/types';
import {
  buildReportModel,
  dataRows,
  docUrl,
  describeFix,
  fixesInOrder,
  fenceLanguage,
  firstLine,
  locationLabel,
  MAX_FIX_CHARS_IN_TABLE_GROUP,
  MAX_FIXES_IN_TABLE_GROUP,
  plural,
  PRIORITY_LABEL,
  PRIORITY_MEANING,
  PRIORITIES,
  statusLabel,
  stepSummary,
  subjectLabel,
  TABLE_THRESHOLD,
  type FixStep,
  type ReportInput,
  type ReportModel,
  type ReportOptions,
  type RuleGroup,
} from './model';

/** Escapes text that is not inside a code span. */
export function mdText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([\\`*_[\]])/g, '\\$1');
}

/** A code span that holds any text (backticks inside are fenced by a longer run). */
export function codeSpan(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  if (!flat) return '` `';
  const runs = flat.match(/`+/g) ?? [];
  const n = runs.reduce((m, r) => Math.max(m, r.length), 0) + 1;
  const ticks = '`'.repeat(n);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A rule message or doc paragraph: these are Markdown with `code` spans and **bold**. Code spans are
 * kept; everything else is escaped for HTML (`<`, `>`, `&`) so hostile names cannot inject markup.
 */
export function mdInline(s: string): string {
  const out: string[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(escapeProse(s.slice(last, m.index)));
    out.push(m[0].replace(/\r?\n/g, ' '));
    last = m.index + m[0].length;
  }
  out.push(escapeProse(s.slice(last)));
  return out.join('');
}

/** Prose from rule messages: keep Markdown emphasis, neutralise HTML. */
function escapeProse(s: string): string {
  return s.replace(/&(?![a-zA-Z]+;|#\d+;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inside a table cell: no newlines, `|` escaped (GitHub needs `\|` even inside code spans). */
export function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function fence(code: string, lang: string): string {
  const runs = code.match(/^[ \t]*`{3,}/gm) ?? [];
  const n = runs.reduce((m, r) => Math.max(m, r.trim().length + 1), 3);
  const ticks = '`'.repeat(n);
  return `${ticks}${lang}\n${code.replace(/\s+$/, '')}\n${ticks}`;
}

/** `<details>` summary text must be HTML-escaped (it is raw HTML). */
function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderFixStepsMarkdown(steps: FixStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    const sum = stepSummary(s);
    switch (s.kind) {
      case 'insert':
        out.push(s.inline ? `Insert ${codeSpan(s.text)} at ${codeSpan(sum.where)}.` : `Insert at ${codeSpan(sum.where)}:\n\n${fence(s.text, fenceLanguage(s.file))}`);
        break;
      case 'delete':
        out.push(`Delete ${codeSpan(sum.where)} ${sum.detail}.`);
        break;
      case 'replace':
        out.push(
          s.inline
            ? `Replace ${codeSpan(sum.where)} ${sum.detail} with ${codeSpan(s.text)}.`
            : `Replace ${codeSpan(sum.where)} ${sum.detail} with:\n\n${fence(s.text, fenceLanguage(s.file))}`,
        );
        break;
      case 'create':
        out.push(
          `${sum.verb} ${codeSpan(s.file)}:\n\n<details><summary>${htmlText(s.file)} (${htmlText(sum.detail ?? '')})</summary>\n\n${fence(
            s.content,
            fenceLanguage(s.file),
          )}\n\n</details>`,
        );
        break;
      case 'rename':
        out.push(`Rename ${codeSpan(s.file)} → ${codeSpan(s.newFile)}.`);
        break;
    }
  }
  return out;
}

function renderFixes(fixes: Fix[]): string[] {
  const out: string[] = [];
  fixesInOrder(fixes).forEach((fix, i) => {
    const label = i === 0 ? 'Suggested change' : 'Alternative';
    out.push(`**${label}:** ${mdInline(fix.title)}`);
    out.push(...renderFixStepsMarkdown(describeFix(fix)));
  });
  return out;
}

function findingHeadline(f: Finding, n: number): string {
  const subject = subjectLabel(f);
  return `**${n}. ${codeSpan(locationLabel(f))}${subject ? ` · ${codeSpan(subject)}` : ''}** — ${f.severity}, ${f.priority}`;
}

function findingExtras(f: Finding): string[] {
  const out: string[] = [];
  if (f.migration !== undefined && !f.file.includes(f.migration)) out.push(`Migration: ${codeSpan(f.migration)}`);
  const data = dataRows(f);
  if (data.length) out.push(data.map(([k, v]) => `- **${mdText(k)}:** ${mdText(v)}`).join('\n'));
  for (const r of f.related ?? []) out.push(`See also ${codeSpan(`${r.file}:${r.range.start.line + 1}`)}: ${mdInline(r.message)}`);
  return out;
}

function renderRuleGroup(g: RuleGroup, headingLevel: number): string[] {
  const h = '#'.repeat(Math.min(6, headingLevel));
  const out: string[] = [];
  const info = g.rule;
  out.push(`${h} ${codeSpan(info.id)} — ${mdInline(info.title)} (${plural(g.findings.length, 'finding')})`);
  if (info.docs) out.push(`**Why it matters.** ${mdInline(info.docs.whyItMatters)}`);
  out.push(`Rule documentation: [${mdText(info.id)}](${docUrl(info.id)})`);
  if (g.findings.length <= TABLE_THRESHOLD) {
    g.findings.forEach((f, i) => {
      out.push(findingHeadline(f, i + 1));
      out.push(mdInline(f.message));
      out.push(...findingExtras(f));
      out.push(...renderFixes(f.fixes));
    });
    return out;
  }
  // Many findings of one rule: one table row each, suggested changes collapsed below.
  const rows = g.findings.map((f, i) => {
    const fix = fixesInOrder(f.fixes)[0]?.title ?? '—';
    const loc = locationLabel(f) + (f.migration !== undefined && !f.file.includes(f.migration) ? ` (${f.migration})` : '');
    return `| ${i + 1} | ${cell(codeSpan(loc))} | ${subjectLabel(f) ? cell(codeSpan(subjectLabel(f))) : '—'} | ${cell(mdInline(f.message))} | ${cell(
      mdInline(fix),
    )} |`;
  });
  out.push(['| # | Location | Subject | Finding | Suggested change |', '|---:|---|---|---|---|', ...rows].join('\n'));
  const withFixes = g.findings.filter((f) => f.fixes.length);
  if (withFixes.length) {
    const parts: string[] = [`<details><summary>Suggested changes (${withFixes.length})</summary>`];
    let shown = 0;
    let chars = 0;
    for (const f of withFixes) {
      if (shown >= MAX_FIXES_IN_TABLE_GROUP || chars >= MAX_FIX_CHARS_IN_TABLE_GROUP) break;
      const subject = subjectLabel(f);
      const item = [`**${codeSpan(locationLabel(f))}${subject ? ` · ${codeSpan(subject)}` : ''}**`, ...renderFixes(f.fixes)];
      chars += item.reduce((n, x) => n + x.length, 0);
      parts.push(...item);
      shown++;
    }
    if (withFixes.length > shown) {
      parts.push(
        `… and ${withFixes.length - shown} more: apply them from the editor's quick fixes, or read them from \`schema-insight audit --format json\`.`,
      );
    }
    parts.push('</details>');
    out.push(parts.join('\n\n'));
  }
  return out;
}

export function renderMarkdownFromModel(m: ReportModel): string {
  const out: string[] = [];
  out.push(`# Database audit report: ${codeSpan(m.root)}`);
  out.push(
    [
      '| | |',
      '|---|---|',
      `| **Date** | ${m.date} |`,
      `| **Audited root** | ${cell(codeSpan(m.root))} |`,
      `| **Scope** | ${cell(mdText(m.scope))} |`,
      `| **Findings** | ${m.findings.length} (P1: ${m.priority.P1}, P2: ${m.priority.P2}, P3: ${m.priority.P3}) |`,
      `| **Tool** | schema-insight ${cell(mdText(m.toolVersion))} |`,
    ].join('\n'),
  );

  const toc = [
    '[Executive summary](#executive-summary)',
    '[Priority overview](#priority-overview)',
    ...(m.inventory ? ['[Migration inventory](#migration-inventory)'] : []),
    '[Findings](#findings)',
    ...(m.ruleErrors.length ? ['[Rules that failed](#rules-that-failed)'] : []),
    '[Appendix](#appendix-rules-with-no-findings)',
  ];
  out.push(`**Contents:** ${toc.join(' · ')}`);

  // Executive summary.
  out.push('## Executive summary');
  const critical = m.categories.filter((c) => c.status === 'critical').map((c) => c.category);
  const affected = m.categories.filter((c) => c.count > 0);
  if (!m.findings.length) {
    out.push(`No findings: every rule that ran passed on ${mdText(m.scope)}.`);
  } else {
    const sentences = [
      `The audit of ${mdText(m.scope)} found ${plural(m.findings.length, 'issue')} in ${plural(affected.length, 'category', 'categories')}: ${m.priority.P1} critical (P1), ${m.priority.P2} important (P2) and ${m.priority.P3} to review (P3).`,
    ];
    if (critical.length) sentences.push(`Fix first: ${critical.map(mdText).join(', ')}.`);
    const fixable = m.findings.filter((f) => f.fixes.length).length;
    if (fixable) sentences.push(`${plural(fixable, 'finding')} ${fixable === 1 ? 'comes' : 'come'} with a ready-made change.`);
    out.push(sentences.join(' '));
  }
  out.push(
    [
      '| Category | Status | Issues found | Priority |',
      '|---|---|---:|---|',
      ...m.categories.map((c) => `| ${cell(mdText(c.category))} | ${statusLabel(c.status)} | ${c.status === 'not-audited' ? '—' : c.count} | ${c.priority ?? '—'} |`),
    ].join('\n'),
  );

  out.push('## Priority overview');
  out.push(
    [
      '| Priority | Meaning | Findings |',
      '|---|---|---:|',
      ...PRIORITIES.map((p) => `| **${p}** ${PRIORITY_LABEL[p]} | ${PRIORITY_MEANING[p]} | ${m.priority[p]} |`),
    ].join('\n'),
  );
  if (m.rulesWithFindings.length) {
    out.push('### Findings by rule');
    out.push(
      [
        '| Rule | Category | Priority | Findings | With a fix |',
        '|---|---|---|---:|---:|',
        ...m.rulesWithFindings.map(
          (r) => `| [${mdText(r.rule.id)}](${docUrl(r.rule.id)}) — ${cell(mdInline(r.rule.title))} | ${cell(mdText(r.rule.category))} | ${r.priority} | ${r.count} | ${r.fixable} |`,
        ),
      ].join('\n'),
    );
  }

  if (m.inventory) {
    out.push('## Migration inventory');
    const byStatus = new Map<string, number>();
    for (const r of m.inventory) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    out.push(
      m.inventory.length
        ? `${plural(m.inventory.length, 'migration')}: ${[...byStatus.entries()].map(([s, n]) => `${n} ${mdText(s)}`).join(', ')}.`
        : 'No migrations.',
    );
    if (m.inventory.length) {
      const table = [
        '| Version | File | Status | Notes |',
        '|---|---|---|---|',
        ...m.inventory.map((r) => `| ${cell(codeSpan(r.version))} | ${cell(codeSpan(r.file))} | ${cell(mdText(r.status))} | ${r.notes ? cell(mdInline(r.notes)) : ''} |`),
      ].join('\n');
      out.push(m.inventory.length > 30 ? `<details><summary>All ${m.inventory.length} migrations</summary>\n\n${table}\n\n</details>` : table);
    }
  }

  out.push('## Findings');
  if (!m.groups.length) out.push('No findings.');
  for (const g of m.groups) {
    out.push(`### ${g.priority} — ${PRIORITY_LABEL[g.priority]} (${g.count})`);
    out.push(`*${PRIORITY_MEANING[g.priority]}*`);
    for (const c of g.categories) {
      out.push(`#### ${mdText(c.category)} (${c.count})`);
      for (const rg of c.rules) out.push(...renderRuleGroup(rg, 5));
    }
  }

  if (m.ruleErrors.length) {
    out.push('## Rules that failed');
    out.push('These rules hit an internal error; their findings are missing from this report. Please report it.');
    out.push(m.ruleErrors.map((e) => `- ${codeSpan(e.rule)}: ${mdText(firstLine(e.message))}`).join('\n'));
  }

  out.push('## Appendix: rules with no findings');
  out.push(
    m.cleanRules.length
      ? ['| Rule | Category | Checks |', '|---|---|---|', ...m.cleanRules.map((r) => `| [${mdText(r.id)}](${docUrl(r.id)}) | ${cell(mdText(r.category))} | ${cell(mdInline(r.title))} |`)].join(
          '\n',
        )
      : 'Every rule that ran reported at least one finding.',
  );
  out.push(`---\n\n*Generated by schema-insight ${mdText(m.toolVersion)} on ${m.date}.*`);
  return out.join('\n\n') + '\n';
}

export function renderMarkdown(input: ReportInput, options: ReportOptions = {}): string {
  return renderMarkdownFromModel(buildReportModel(input, options));
}
