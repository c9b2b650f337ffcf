/**
 * Styles of the HTML report: clean, printable, no external resources. Inside a VS Code webview the
 * theme variables (`--vscode-*`) take over; elsewhere the light fallbacks apply.
 */
export const REPORT_CSS = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #59636e);
  --border: var(--vscode-panel-border, #d1d9e0);
  --soft: var(--vscode-textBlockQuote-background, #f6f8fa);
  --code-bg: var(--vscode-textCodeBlock-background, #f3f4f6);
  --link: var(--vscode-textLink-foreground, #0969da);
  --p1: #cf222e; --p2: #bf8700; --p3: #0969da;
  --ok: #1a7f37;
  --font: var(--vscode-font-family, -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif);
  --mono: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); background: var(--bg); font: 14px/1.55 var(--font); }
.report { max-width: 1080px; margin: 0 auto; padding: 32px 40px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--border); }
h3 { font-size: 17px; margin: 28px 0 8px; }
h4 { font-size: 15px; margin: 22px 0 6px; }
h4.category { text-transform: uppercase; letter-spacing: 0.05em; font-size: 12.5px; color: var(--muted); border-bottom: 1px solid var(--border); padding-bottom: 4px; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font-family: var(--mono); font-size: 0.92em; background: var(--code-bg); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
pre.code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px; overflow-x: auto; margin: 6px 0 10px; }
pre.code code { background: none; padding: 0; font-size: 12.5px; white-space: pre; overflow-wrap: normal; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 16px; font-size: 13.5px; }
th, td { border: 1px solid var(--border); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num { color: var(--muted); text-align: right; width: 1%; }
.report-header .root { margin: 0 0 14px; font-size: 15px; }
.meta-table { width: auto; min-width: 50%; }
.meta-table th { background: var(--soft); width: 140px; }
nav.toc { margin: 6px 0 0; font-size: 13px; color: var(--muted); }
.meta { color: var(--muted); font-size: 12.5px; margin: 4px 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 14px; }
.card { flex: 1 1 140px; border: 1px solid var(--border); border-top: 4px solid var(--muted); border-radius: 8px; padding: 10px 14px; background: var(--bg); }
.card-n { font-size: 26px; font-weight: 700; line-height: 1.1; }
.card-l { color: var(--muted); font-size: 12.5px; }
.card.prio-P1 { border-top-color: var(--p1); } .card.prio-P1 .card-n { color: var(--p1); }
.card.prio-P2 { border-top-color: var(--p2); } .card.prio-P2 .card-n { color: var(--p2); }
.card.prio-P3 { border-top-color: var(--p3); } .card.prio-P3 .card-n { color: var(--p3); }
tr.status-critical td:nth-child(2) { color: var(--p1); font-weight: 600; }
tr.status-issues td:nth-child(2) { color: var(--p2); font-weight: 600; }
tr.status-ok td:nth-child(2) { color: var(--ok); }
tr.status-not-audited td { color: var(--muted); }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 7px; background: var(--muted); vertical-align: 0; }
.dot.ok { background: var(--ok); } .dot.issues { background: var(--p2); } .dot.critical { background: var(--p1); } .dot.na { background: transparent; border: 1px solid var(--muted); }
code.wrap { overflow-wrap: normal; word-break: normal; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 8px; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
.badge.prio-P1, .badge.sev-error { color: var(--p1); }
.badge.prio-P2, .badge.sev-warning { color: var(--p2); }
.badge.prio-P3, .badge.sev-info { color: var(--p3); }
.badge.sev-hint { color: var(--muted); }
h3.prio-heading { padding: 6px 12px; border-radius: 6px; background: var(--soft); border-left: 5px solid var(--muted); }
h3.prio-P1 { border-left-color: var(--p1); } h3.prio-P2 { border-left-color: var(--p2); } h3.prio-P3 { border-left-color: var(--p3); }
.rule-group { margin: 0 0 18px; }
.rule-group h4 .count { color: var(--muted); font-weight: 400; font-size: 13px; margin-left: 6px; }
.why { margin: 4px 0; }
.doclink { margin: 2px 0 10px; font-size: 12.5px; }
.finding { border: 1px solid var(--border); border-left: 4px solid var(--muted); border-radius: 6px; padding: 10px 14px; margin: 10px 0; break-inside: avoid; }
.finding.sev-error { border-left-color: var(--p1); }
.finding.sev-warning { border-left-color: var(--p2); }
.finding.sev-info { border-left-color: var(--p3); }
.finding header { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.finding header .num { color: var(--muted); }
.finding header .badge { margin-left: auto; }
.finding .message { margin: 8px 0; }
.fix { margin: 8px 0 0; }
ul.data { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.fix-title { margin: 4px 0; }
.fix-title .label { font-weight: 600; }
.step { margin: 4px 0 2px; font-size: 13px; }
.fix-item { border-top: 1px dashed var(--border); padding-top: 8px; margin-top: 8px; }
.fix-where { margin: 0; font-weight: 600; }
details { margin: 6px 0 12px; }
details > summary { cursor: pointer; color: var(--link); }
table.findings td:nth-child(4) { min-width: 280px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--border); padding-top: 10px; }
@media print {
  .report { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  nav.toc { display: none; }
  details { display: block; }
  details > summary { color: var(--fg); }
  a { color: var(--fg); }
  pre.code { white-space: pre-wrap; }
}
`.trim();
