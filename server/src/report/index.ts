/**
 * The exportable audit report: `renderReport(format, input, options)` → the text of the report.
 *
 *  - `text`     the CLI default: gcc-style `file:line:col: severity rule message` lines + summary
 *  - `json`     the stable JSON contract (see json.ts)
 *  - `sarif`    SARIF 2.1.0 for GitHub code scanning (see sarif.ts)
 *  - `markdown` a database audit report (executive summary, priorities, inventory, findings, fixes)
 *  - `html`     the same report as a self-contained HTML page (no script; every user string escaped)
 *
 * Pure: no IO. Used by the CLI, the language server and the VS Code extension (export and webview).
 */
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import type { ReportInput, ReportOptions } from './model';
import { renderSarif } from './sarif';
import { renderText } from './text';

export type { InventoryRow, ReportFile, ReportInput, ReportOptions } from './model';
export { buildReportModel, summaryLine } from './model';
export { buildJsonReport } from './json';
export { buildSarif } from './sarif';
export { REPORT_CSS } from './css';

export type ReportFormat = 'markdown' | 'html' | 'json' | 'sarif' | 'text';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown', 'html', 'sarif'];

/** File extension for a report written to disk. */
export const REPORT_EXTENSIONS: Record<ReportFormat, string> = { text: 'txt', json: 'json', markdown: 'md', html: 'html', sarif: 'sarif' };

export function renderReport(format: ReportFormat, input: ReportInput, options: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(input, options);
    case 'json':
      return renderJson(input);
    case 'sarif':
      return renderSarif(input);
    case 'markdown':
      return renderMarkdown(input, options);
    case 'html':
      return renderHtml(input, options);
    default:
      throw new Error(`Unknown report format: ${String(format)}`);
  }
}
