/**
 * The CLI's default output: one gcc-style line per finding (`file:line:col: severity rule message`,
 * 1-based line and column), then a summary line. Optional ANSI colour.
 */
import type { Severity } from '../analysis/types';
import { buildReportModel, summaryLine, type ReportInput, type ReportOptions } from './model';

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  cyan: '\u001b[36m',
  green: '\u001b[32m',
  gray: '\u001b[90m',
};

const SEVERITY_COLOR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan, hint: ANSI.gray };

/** Control characters (other than tab) would corrupt a terminal line: show them escaped. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r?\n/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderText(input: ReportInput, options: ReportOptions = {}): string {
  const m = buildReportModel(input, options);
  const color = !!options.color;
  const c = (code: string, s: string) => (color ? `${code}${s}${ANSI.reset}` : s);
  const prefix = options.pathPrefix ?? '';
  const lines: string[] = [];
  for (const f of m.findings) {
    const loc = `${oneLine(prefix + f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}:`;
    lines.push(`${c(ANSI.bold, loc)} ${c(SEVERITY_COLOR[f.severity] ?? '', f.severity)} ${c(ANSI.dim, f.rule)} ${oneLine(f.message)}`);
  }
  if (!m.findings.length) {
    lines.push(c(ANSI.green, `No findings (${m.scope} audited).`));
  } else {
    const summary = summaryLine(m.severity, m.priority);
    lines.push(m.severity.error ? c(ANSI.bold + ANSI.red, summary) : m.severity.warning ? c(ANSI.bold + ANSI.yellow, summary) : c(ANSI.bold, summary));
  }
  return lines.join('\n') + '\n';
}
