/**
 * The audit report as a self-contained HTML page (export, and the VS Code webview). Same content as
 * the Markdown report. Every string that comes from user files or findings goes through `esc()`;
 * there is no script at all. Styles: the embedded `REPORT_CSS` (with `cspNonce` on the `<style>` for a
 * strict CSP), or a linked stylesheet (`styleHref`, e.g. the webview's `media/report.css`).
 */
import type { Finding, Fix } from '../analysis/types';
import { REPORT_CSS } from './css';
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
  stepSummary,
  subjectLabel,
  TABLE_THRESHOLD,
  type FixStep,
  type ReportInput,
  type ReportModel,
  type ReportOptions,
  type RuleGroup,
} from './model';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline Markdown of rule messages/docs → HTML: `code` and **bold**; everything escaped. */
export function inlineHtml(s: string): string {
  const out: string[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  let last = 0;
  const prose = (t: string) => esc(t).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(prose(s.slice(last, m.index)));
    out.push(`<code>${esc(m[2].replace(/^ (.*) $/s, '$1'))}</code>`);
    last = m.index + m[0].length;
  }
  out.push(prose(s.slice(last)));
  return out.join('');
}

const code = (s: string) => `<code>${esc(s)}</code>`;
/** A path or qualified name in a code span that may wrap after '/' and '.' (long paths in narrow table cells). */
const codeWrap = (s: string) => `<code class="wrap">${esc(s).replace(/([/.])/g, '$1<wbr>')}</code>`;

const STATUS_HTML: Record<string, string> = {
  ok: '<span class="dot ok"></span>OK',
  issues: '<span class="dot issues"></span>Issues',
  critical: '<span class="dot critical"></span>Critical',
  'not-audited': '<span class="dot na"></span>Not audited',
};

function pre(text: string, lang: string): string {
  return `<pre class="code"${lang ? ` data-lang="${esc(lang)}"` : ''}><code>${esc(text.replace(/\s+$/, ''))}</code></pre>`;
}

function stepsHtml(steps: FixStep[]): string {
  const out: string[] = [];
  for (const s of steps) {
    const sum = stepSummary(s);
    switch (s.kind) {
      case 'insert':
        out.push(
          s.inline
            ? `<p class="step">Insert ${code(s.text)} at ${code(sum.where)}.</p>`
            : `<p class="step">Insert at ${code(sum.where)}:</p>${pre(s.text, fenceLanguage(s.file))}`,
        );
        break;
      case 'delete':
        out.push(`<p class="step">Delete ${code(sum.where)} ${esc(sum.detail ?? '')}.</p>`);
        break;
      case 'replace':
        out.push(
          s.inline
            ? `<p class="step">Replace ${code(sum.where)} ${esc(sum.detail ?? '')} with ${code(s.text)}.</p>`
            : `<p class="step">Replace ${code(sum.where)} ${esc(sum.detail ?? '')} with:</p>${pre(s.text, fenceLanguage(s.file))}`,
        );
        break;
      case 'create':
        out.push(
          `<p class="step">${esc(sum.verb)} ${code(s.file)}:</p><details><summary>${esc(s.file)} (${esc(sum.detail ?? '')})</summary>${pre(
            s.content,
            fenceLanguage(s.file),
          )}</details>`,
        );
        break;
      case 'rename':
        out.push(`<p class="step">Rename ${code(s.file)} → ${code(s.newFile)}.</p>`);
        break;
    }
  }
  return out.join('\n');
}

function fixesHtml(fixes: Fix[]): string {
  return fixesInOrder(fixes)
    .map(
      (fix, i) =>
        `<div class="fix"><p class="fix-title"><span class="label">${i === 0 ? 'Suggested change' : 'Alternative'}:</span> ${inlineHtml(fix.title)}</p>${stepsHtml(
          describeFix(fix),
        )}</div>`,
    )
    .join('\n');
}

function findingHtml(f: Finding, n: number): string {
  const subject = subjectLabel(f);
  const extras: string[] = [];
  if (f.migration !== undefined && !f.file.includes(f.migration)) extras.push(`<p class="meta">Migration: ${code(f.migration)}</p>`);
  const data = dataRows(f);
  if (data.length) extras.push(`<ul class="data">${data.map(([k, v]) => `<li><strong>${esc(k)}:</strong> ${esc(v)}</li>`).join('')}</ul>`);
  for (const r of f.related ?? []) extras.push(`<p class="meta">See also ${code(`${r.file}:${r.range.start.line + 1}`)}: ${inlineHtml(r.message)}</p>`);
  return `<article class="finding sev-${esc(f.severity)}">
<header><span class="num">${n}.</span> ${code(locationLabel(f))}${subject ? ` <span class="subject">${code(subject)}</span>` : ''} <span class="badge sev-${esc(
    f.severity,
  )}">${esc(f.severity)} · ${esc(f.priority)}</span></header>
<p class="message">${inlineHtml(f.message)}</p>
${extras.join('\n')}${fixesHtml(f.fixes)}
</article>`;
}

function ruleGroupHtml(g: RuleGroup): string {
  const info = g.rule;
  const parts: string[] = [];
  parts.push(
    `<h4 id="rule-${esc(info.id)}-${esc(g.findings[0]?.priority ?? '')}">${code(info.id)} — ${inlineHtml(info.title)} <span class="count">${esc(
      plural(g.findings.length, 'finding'),
    )}</span></h4>`,
  );
  if (info.docs) parts.push(`<p class="why"><strong>Why it matters.</strong> ${inlineHtml(info.docs.whyItMatters)}</p>`);
  parts.push(`<p class="doclink"><a href="${esc(docUrl(info.id))}">Rule documentation: ${esc(info.id)}</a></p>`);
  if (g.findings.length <= TABLE_THRESHOLD) {
    parts.push(...g.findings.map((f, i) => findingHtml(f, i + 1)));
  } else {
    const rows = g.findings.map(
      (f, i) =>
        `<tr><td class="num">${i + 1}</td><td>${codeWrap(locationLabel(f))}${
          f.migration !== undefined && !f.file.includes(f.migration) ? `<br><span class="meta">${esc(f.migration)}</span>` : ''
        }</td><td>${subjectLabel(f) ? codeWrap(subjectLabel(f)) : '—'}</td><td>${inlineHtml(f.message)}</td><td>${f.fixes.length ? inlineHtml(fixesInOrder(f.fixes)[0].title) : '—'}</td></tr>`,
    );
    parts.push(
      `<table class="findings"><thead><tr><th>#</th><th>Location</th><th>Subject</th><th>Finding</th><th>Suggested change</th></tr></thead><tbody>\n${rows.join(
        '\n',
      )}\n</tbody></table>`,
    );
    const withFixes = g.findings.filter((f) => f.fixes.length);
    if (withFixes.length) {
      const items: string[] = [];
      let chars = 0;
      for (const f of withFixes) {
        if (items.length >= MAX_FIXES_IN_TABLE_GROUP || chars >= MAX_FIX_CHARS_IN_TABLE_GROUP) break;
        const subject = subjectLabel(f);
        const item = `<div class="fix-item"><p class="fix-where">${code(locationLabel(f))}${subject ? ` ${code(subject)}` : ''}</p>${fixesHtml(f.fixes)}</div>`;
        chars += item.length;
        items.push(item);
      }
      const shown = items.length;
      if (withFixes.length > shown) {
        items.push(
          `<p class="meta">… and ${withFixes.length - shown} more: apply them from the editor's quick fixes, or read them from <code>schema-insight audit --format json</code>.</p>`,
        );
      }
      parts.push(`<details class="fixes"><summary>Suggested changes (${withFixes.length})</summary>\n${items.join('\n')}\n</details>`);
    }
  }
  return `<section class="rule-group">\n${parts.join('\n')}\n</section>`;
}

function statusClass(s: string): string {
  return `status-${s}`;
}

export function renderHtmlFromModel(m: ReportModel, options: ReportOptions = {}): string {
  const body: string[] = [];
  body.push(`<header class="report-header">
<h1>Database audit report</h1>
<p class="root">${code(m.root)}</p>
<table class="meta-table"><tbody>
<tr><th>Date</th><td>${esc(m.date)}</td></tr>
<tr><th>Audited root</th><td>${code(m.root)}</td></tr>
<tr><th>Scope</th><td>${esc(m.scope)}</td></tr>
<tr><th>Tool</th><td>schema-insight ${esc(m.toolVersion)}</td></tr>
</tbody></table>
</header>`);

  const toc: Array<[string, string]> = [
    ['summary', 'Executive summary'],
    ['priorities', 'Priority overview'],
    ...(m.inventory ? [['inventory', 'Migration inventory'] as [string, string]] : []),
    ['findings', 'Findings'],
    ...(m.ruleErrors.length ? [['rule-errors', 'Rules that failed'] as [string, string]] : []),
    ['appendix', 'Appendix'],
  ];
  body.push(`<nav class="toc">${toc.map(([id, label]) => `<a href="#${id}">${label}</a>`).join(' · ')}</nav>`);

  // Executive summary.
  const exec: string[] = [];
  exec.push(`<div class="cards">${PRIORITIES.map(
    (p) => `<div class="card prio-${p}"><div class="card-n">${m.priority[p]}</div><div class="card-l">${p} · ${esc(PRIORITY_LABEL[p])}</div></div>`,
  ).join('')}<div class="card total"><div class="card-n">${m.findings.length}</div><div class="card-l">findings</div></div></div>`);
  const critical = m.categories.filter((c) => c.status === 'critical').map((c) => c.category);
  const affected = m.categories.filter((c) => c.count > 0);
  if (!m.findings.length) exec.push(`<p>No findings: every rule that ran passed on ${esc(m.scope)}.</p>`);
  else {
    const fixable = m.findings.filter((f) => f.fixes.length).length;
    exec.push(
      `<p>The audit of ${esc(m.scope)} found ${esc(plural(m.findings.length, 'issue'))} in ${esc(plural(affected.length, 'category', 'categories'))}: ${
        m.priority.P1
      } critical (P1), ${m.priority.P2} important (P2) and ${m.priority.P3} to review (P3).${
        critical.length ? ` Fix first: <strong>${critical.map(esc).join(', ')}</strong>.` : ''
      }${fixable ? ` ${esc(plural(fixable, 'finding'))} ${fixable === 1 ? 'comes' : 'come'} with a ready-made change.` : ''}</p>`,
    );
  }
  exec.push(`<table class="summary"><thead><tr><th>Category</th><th>Status</th><th class="n">Issues found</th><th>Priority</th></tr></thead><tbody>
${m.categories
  .map(
    (c) =>
      `<tr class="${statusClass(c.status)}"><td>${esc(c.category)}</td><td>${STATUS_HTML[c.status]}</td><td class="n">${
        c.status === 'not-audited' ? '—' : c.count
      }</td><td>${c.priority ?? '—'}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`);
  body.push(`<section id="summary"><h2>Executive summary</h2>\n${exec.join('\n')}\n</section>`);

  const prio: string[] = [];
  prio.push(`<table class="priorities"><thead><tr><th>Priority</th><th>Meaning</th><th class="n">Findings</th></tr></thead><tbody>
${PRIORITIES.map((p) => `<tr><td><span class="badge prio-${p}">${p}</span> ${esc(PRIORITY_LABEL[p])}</td><td>${esc(PRIORITY_MEANING[p])}</td><td class="n">${m.priority[p]}</td></tr>`).join('\n')}
</tbody></table>`);
  if (m.rulesWithFindings.length) {
    prio.push(`<h3>Findings by rule</h3><table class="rules"><thead><tr><th>Rule</th><th>Category</th><th>Priority</th><th class="n">Findings</th><th class="n">With a fix</th></tr></thead><tbody>
${m.rulesWithFindings
  .map(
    (r) =>
      `<tr><td><a href="${esc(docUrl(r.rule.id))}">${code(r.rule.id)}</a> ${inlineHtml(r.rule.title)}</td><td>${esc(r.rule.category)}</td><td><span class="badge prio-${
        r.priority
      }">${r.priority}</span></td><td class="n">${r.count}</td><td class="n">${r.fixable}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`);
  }
  body.push(`<section id="priorities"><h2>Priority overview</h2>\n${prio.join('\n')}\n</section>`);

  if (m.inventory) {
    const byStatus = new Map<string, number>();
    for (const r of m.inventory) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const parts = [
      `<p>${
        m.inventory.length
          ? `${esc(plural(m.inventory.length, 'migration'))}: ${[...byStatus.entries()].map(([s, n]) => `${n} ${esc(s)}`).join(', ')}.`
          : 'No migrations.'
      }</p>`,
    ];
    if (m.inventory.length) {
      const table = `<table class="inventory"><thead><tr><th>Version</th><th>File</th><th>Status</th><th>Notes</th></tr></thead><tbody>
${m.inventory.map((r) => `<tr><td>${code(r.version)}</td><td>${codeWrap(r.file)}</td><td>${esc(r.status)}</td><td>${inlineHtml(r.notes)}</td></tr>`).join('\n')}
</tbody></table>`;
      parts.push(m.inventory.length > 30 ? `<details><summary>All ${m.inventory.length} migrations</summary>${table}</details>` : table);
    }
    body.push(`<section id="inventory"><h2>Migration inventory</h2>\n${parts.join('\n')}\n</section>`);
  }

  const fparts: string[] = [];
  if (!m.groups.length) fparts.push('<p>No findings.</p>');
  for (const g of m.groups) {
    fparts.push(`<h3 class="prio-heading prio-${g.priority}">${g.priority} — ${esc(PRIORITY_LABEL[g.priority])} (${g.count})</h3><p class="meta">${esc(PRIORITY_MEANING[g.priority])}</p>`);
    for (const c of g.categories) {
      fparts.push(`<h4 class="category">${esc(c.category)} (${c.count})</h4>`);
      fparts.push(...c.rules.map(ruleGroupHtml));
    }
  }
  body.push(`<section id="findings"><h2>Findings</h2>\n${fparts.join('\n')}\n</section>`);

  if (m.ruleErrors.length) {
    body.push(`<section id="rule-errors"><h2>Rules that failed</h2><p>These rules hit an internal error; their findings are missing from this report.</p><ul>${m.ruleErrors
      .map((e) => `<li>${code(e.rule)}: ${esc(firstLine(e.message))}</li>`)
      .join('')}</ul></section>`);
  }
  body.push(`<section id="appendix"><h2>Appendix: rules with no findings</h2>\n${
    m.cleanRules.length
      ? `<table class="clean"><thead><tr><th>Rule</th><th>Category</th><th>Checks</th></tr></thead><tbody>
${m.cleanRules.map((r) => `<tr><td><a href="${esc(docUrl(r.id))}">${code(r.id)}</a></td><td>${esc(r.category)}</td><td>${inlineHtml(r.title)}</td></tr>`).join('\n')}
</tbody></table>`
      : '<p>Every rule that ran reported at least one finding.</p>'
  }\n</section>`);
  body.push(`<footer>Generated by schema-insight ${esc(m.toolVersion)} on ${esc(m.date)}.</footer>`);

  const nonceAttr = options.cspNonce ? ` nonce="${esc(options.cspNonce)}"` : '';
  const head: string[] = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">'];
  if (options.styleHref) {
    head.push(`<link rel="stylesheet" href="${esc(options.styleHref)}">`);
  } else {
    // Standalone page: forbid everything but our own inline style (no scripts, no remote loads).
    head.push(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${
        options.cspNonce ? `'nonce-${esc(options.cspNonce)}'` : "'unsafe-inline'"
      }; img-src data:">`,
    );
    head.push(`<style${nonceAttr}>\n${REPORT_CSS}\n</style>`);
  }
  head.push(`<title>Database audit report: ${esc(m.root)}</title>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
${head.join('\n')}
</head>
<body>
<main class="report">
${body.join('\n')}
</main>
</body>
</html>
`;
}

export function renderHtml(input: ReportInput, options: ReportOptions = {}): string {
  return renderHtmlFromModel(buildReportModel(input, options), options);
}
