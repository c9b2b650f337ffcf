/**
 * The format-independent part of the audit report: sorting, counts, the executive summary by
 * category, the grouping of findings by priority → category → rule, and a plain description of each
 * fix (insert / delete / replace / create file / rename file) that the Markdown and HTML renderers
 * both print. Pure: no IO.
 */
import { ruleDocUrl } from '../analysis/docs';
import type { Rule, RuleCategory, RuleDocs } from '../analysis/rule';
import { ALL_RULES, RULES_BY_ID } from '../analysis/rules';
import type { Finding, Fix, Priority, Range, Severity } from '../analysis/types';

export interface ReportFile {
  path: string;
  /** 'prisma' | 'migration' | 'config' | … */
  kind: string;
}

export interface InventoryRow {
  version: string;
  file: string;
  status: string;
  notes: string;
}

export interface ReportInput {
  /** Display name or path of the audited root. */
  root: string;
  files: ReportFile[];
  /** From `audit()`: paths relative to `root` with '/'. */
  findings: Finding[];
  toolVersion: string;
  /** Migration inventory, provided by the SQL module. */
  inventory?: InventoryRow[];
  /** Rule id → error message for rules that threw. */
  ruleErrors?: Record<string, string>;
  /**
   * Ids of the rules that ran (after configuration). Default: every registered rule that applies to
   * the audited file kinds (Prisma rules when a schema was audited, SQL rules when migrations were).
   */
  rules?: string[];
  /** The migrations were replayed (CLI `--replay`): rules that need the replay ran too. */
  replayed?: boolean;
}

export interface ReportOptions {
  /** ANSI colours in the text format. */
  color?: boolean;
  /** HTML: nonce for the inline `<style>` (strict webview CSP). */
  cspNonce?: string;
  /** HTML: link this stylesheet instead of embedding the CSS (e.g. the webview's `media/report.css`). */
  styleHref?: string;
  /** Report date (default: now). */
  now?: Date;
  /** Text format: prefix for file paths, so `file:line:col` is clickable from the caller's cwd (e.g. `examples/saas/`). */
  pathPrefix?: string;
}

/** What the report needs to know about a rule (a registered rule, or a stand-in for an unknown id). */
export interface RuleInfo {
  id: string;
  title: string;
  category: string;
  defaultSeverity: Severity;
  language: 'prisma' | 'sql' | 'cross';
  docs?: RuleDocs;
  rule?: Rule;
}

export const CATEGORY_ORDER: readonly string[] = [
  'Syntax',
  'Indexes',
  'Relations',
  'Data types',
  'Enums',
  'Timestamps',
  'Security',
  'Migration history',
  'Migration safety',
  'Row Level Security',
  'Schema drift',
  'Suppressions',
] satisfies readonly RuleCategory[];

export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export const PRIORITY_LABEL: Record<Priority, string> = { P1: 'Critical', P2: 'Important', P3: 'Review' };
export const PRIORITY_MEANING: Record<Priority, string> = {
  P1: 'Will break, lose data or let people in: fix before the next deploy.',
  P2: 'Integrity or performance problem: plan the fix.',
  P3: 'Review recommended.',
};

export function ruleInfo(id: string, fallbackSeverity: Severity = 'warning'): RuleInfo {
  const r = RULES_BY_ID.get(id);
  if (r) return { id: r.id, title: r.title, category: r.category, defaultSeverity: r.defaultSeverity, language: r.language, docs: r.docs, rule: r };
  return { id, title: id, category: 'Other', defaultSeverity: fallbackSeverity, language: 'cross' };
}

/** The rule's documentation URL, percent-encoded (an unknown id may hold any character). */
export function docUrl(id: string): string {
  return encodeURI(ruleDocUrl(id)).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePos(a: Range, b: Range): number {
  return (
    a.start.line - b.start.line ||
    a.start.character - b.start.character ||
    a.end.line - b.end.line ||
    a.end.character - b.end.character
  );
}

/** Deterministic order: file, line, column, rule, then message and end position. */
export function compareFindingsStable(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message) ||
    comparePos(a.range, b.range)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindingsStable);
}

export function categoryRank(c: string): number {
  const i = CATEGORY_ORDER.indexOf(c);
  return i < 0 ? CATEGORY_ORDER.length : i;
}

export function compareCategories(a: string, b: string): number {
  return categoryRank(a) - categoryRank(b) || compareStrings(a, b);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) if (f.severity in out) out[f.severity]++;
  return out;
}

export function countByPriority(findings: readonly Finding[]): Record<Priority, number> {
  const out: Record<Priority, number> = { P1: 0, P2: 0, P3: 0 };
  for (const f of findings) if (f.priority in out) out[f.priority]++;
  return out;
}

export function highestPriority(findings: readonly Finding[]): Priority | undefined {
  for (const p of PRIORITIES) if (findings.some((f) => f.priority === p)) return p;
  return undefined;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A finding's subject as `Model.field`, `enum Role`, `table.column`, `table (policy p)` … */
export function subjectLabel(f: Finding): string {
  const s = f.subject ?? {};
  if (s.model !== undefined) {
    if (s.field !== undefined) return `${s.model}.${s.field}`;
    if (s.enum !== undefined) return `${s.model}.${s.enum}`;
    return s.model;
  }
  if (s.enum !== undefined) return `enum ${s.enum}`;
  if (s.table !== undefined) {
    if (s.column !== undefined) return `${s.table}.${s.column}`;
    if (s.index !== undefined) return `${s.table} (index ${s.index})`;
    if (s.policy !== undefined) return `${s.table} (policy ${s.policy})`;
    return s.table;
  }
  if (s.index !== undefined) return `index ${s.index}`;
  if (s.policy !== undefined) return `policy ${s.policy}`;
  return '';
}

/** A finding's concrete values (`data`) as label/value pairs, keys humanised (`defaultAction` → "Default action"). */
export function dataRows(f: Finding): Array<[string, string]> {
  if (!f.data) return [];
  return Object.keys(f.data)
    .sort(compareStrings)
    .map((k) => {
      const s = k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
      return [s.charAt(0).toUpperCase() + s.slice(1), f.data![k]];
    });
}

/** `file:line` with a 1-based line. */
export function locationLabel(f: Finding): string {
  return `${f.file}:${f.range.start.line + 1}`;
}

export function fenceLanguage(file: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.prisma')) return 'prisma';
  if (lower.endsWith('.sql')) return 'sql';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ts')) return 'ts';
  return '';
}

/** One printable step of a fix. Lines are 1-based. */
export type FixStep =
  | { kind: 'insert'; file: string; line: number; col: number; text: string; inline: boolean }
  | { kind: 'delete'; file: string; fromLine: number; toLine: number; wholeLines: boolean; fromCol: number; toCol: number }
  | { kind: 'replace'; file: string; fromLine: number; toLine: number; fromCol: number; toCol: number; text: string; inline: boolean }
  | { kind: 'create'; file: string; content: string; overwrite: boolean }
  | { kind: 'rename'; file: string; newFile: string };

/** Removes leading/trailing blank lines (keeps the indentation of the first non-blank line). */
export function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/(?:\r?\n[ \t]*)+$/, '').replace(/\r\n/g, '\n');
}

/**
 * A finding's fixes as reports show them: the one the rule prefers first (\`Suggested change\`), then the
 * others in their order (\`Alternative\`). Without a preferred fix, the rule's order.
 */
export function fixesInOrder(fixes: readonly Fix[]): Fix[] {
  const i = fixes.findIndex((f) => f.isPreferred);
  return i <= 0 ? [...fixes] : [fixes[i], ...fixes.slice(0, i), ...fixes.slice(i + 1)];
}

export function describeFix(fix: Fix): FixStep[] {
  const steps: FixStep[] = [];
  const edits = [...fix.edits].sort((a, b) => compareStrings(a.file, b.file) || comparePos(a.range, b.range));
  for (const e of edits) {
    const r = e.range;
    const empty = r.start.line === r.end.line && r.start.character === r.end.character;
    if (empty) {
      if (!e.newText) continue;
      // Text inserted at the end of a line that starts with a newline lands on the next line.
      const newLine = /^\r?\n/.test(e.newText) && r.start.character > 0;
      const inline = !/[\r\n]/.test(e.newText);
      const line = r.start.line + 1 + (newLine ? 1 : 0);
      steps.push({ kind: 'insert', file: e.file, line, col: r.start.character + 1, text: inline ? e.newText : trimBlankLines(e.newText), inline });
    } else if (!e.newText) {
      const wholeLines = r.start.character === 0 && r.end.character === 0 && r.end.line > r.start.line;
      steps.push({
        kind: 'delete',
        file: e.file,
        fromLine: r.start.line + 1,
        toLine: wholeLines ? r.end.line : r.end.line + 1,
        wholeLines,
        fromCol: r.start.character + 1,
        toCol: r.end.character + 1,
      });
    } else {
      steps.push({
        kind: 'replace',
        file: e.file,
        fromLine: r.start.line + 1,
        toLine: r.end.line + 1,
        fromCol: r.start.character + 1,
        toCol: r.end.character + 1,
        text: e.newText.replace(/\r\n/g, '\n'),
        inline: !/[\r\n]/.test(e.newText) && e.newText.length <= 80,
      });
    }
  }
  for (const op of fix.fileOperations ?? []) {
    if (op.kind === 'create') steps.push({ kind: 'create', file: op.file, content: op.content.replace(/\r\n/g, '\n'), overwrite: !!op.overwrite });
    else steps.push({ kind: 'rename', file: op.file, newFile: op.newFile });
  }
  return steps;
}

/** The heading line of a fix step, as plain text (renderers add code formatting to file names). */
export function stepSummary(s: FixStep): { verb: string; where: string; detail?: string } {
  switch (s.kind) {
    case 'insert':
      return { verb: 'Insert', where: s.inline ? `${s.file}:${s.line}:${s.col}` : `${s.file}:${s.line}` };
    case 'delete':
      if (s.wholeLines) return { verb: 'Delete', where: s.file, detail: s.fromLine === s.toLine ? `line ${s.fromLine}` : `lines ${s.fromLine}–${s.toLine}` };
      if (s.fromLine === s.toLine) return { verb: 'Delete', where: `${s.file}:${s.fromLine}`, detail: `columns ${s.fromCol}–${s.toCol - 1}` };
      return { verb: 'Delete', where: s.file, detail: `from ${s.fromLine}:${s.fromCol} to ${s.toLine}:${s.toCol}` };
    case 'replace':
      if (s.fromLine === s.toLine) return { verb: 'Replace', where: `${s.file}:${s.fromLine}`, detail: `columns ${s.fromCol}–${s.toCol - 1}` };
      return { verb: 'Replace', where: s.file, detail: `from ${s.fromLine}:${s.fromCol} to ${s.toLine}:${s.toCol}` };
    case 'create':
      return { verb: s.overwrite ? 'Create (overwrite)' : 'Create', where: s.file, detail: plural(lineCount(s.content), 'line') };
    case 'rename':
      return { verb: 'Rename', where: s.file, detail: s.newFile };
  }
}

function lineCount(text: string): number {
  if (!text) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

export type CategoryStatus = 'ok' | 'issues' | 'critical' | 'not-audited';

export interface CategoryRow {
  category: string;
  status: CategoryStatus;
  count: number;
  priority?: Priority;
}

export interface RuleGroup {
  rule: RuleInfo;
  findings: Finding[];
}

export interface CategoryGroup {
  category: string;
  rules: RuleGroup[];
  count: number;
}

export interface PriorityGroup {
  priority: Priority;
  categories: CategoryGroup[];
  count: number;
}

export interface RuleCountRow {
  rule: RuleInfo;
  count: number;
  priority: Priority;
  fixable: number;
}

export interface ReportModel {
  root: string;
  toolVersion: string;
  date: string;
  files: ReportFile[];
  /** "2 Prisma schema files, 400 migrations, 1 config file" */
  scope: string;
  schemaFileCount: number;
  migrationCount: number;
  findings: Finding[];
  severity: Record<Severity, number>;
  priority: Record<Priority, number>;
  categories: CategoryRow[];
  rulesWithFindings: RuleCountRow[];
  groups: PriorityGroup[];
  inventory?: InventoryRow[];
  /** Rules that ran and found nothing. */
  cleanRules: RuleInfo[];
  ruleErrors: Array<{ rule: string; message: string }>;
}

export function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

const KIND_NAMES: Record<string, [string, string]> = {
  prisma: ['Prisma schema file', 'Prisma schema files'],
  migration: ['migration file', 'migration files'],
  config: ['config file', 'config files'],
  code: ['source file', 'source files'],
};

/** Rules considered to have run: `input.rules`, or every registered rule applicable to the audited files. */
export function rulesRun(input: ReportInput): RuleInfo[] {
  if (input.rules) return input.rules.map((id) => ruleInfo(id));
  const hasPrisma = input.files.some((f) => f.kind === 'prisma' || f.path.toLowerCase().endsWith('.prisma'));
  const hasSql = input.files.some((f) => f.kind === 'migration' || f.path.toLowerCase().endsWith('.sql'));
  const applies = (r: Rule): boolean => (r.language === 'prisma' ? hasPrisma : r.language === 'sql' ? hasSql : hasPrisma || hasSql);
  // A rule that reads the replay's outcome ran only when the migrations were replayed.
  return ALL_RULES.filter((r) => applies(r) && (r.requires !== 'replay' || !!input.replayed)).map((r) => ruleInfo(r.id));
}

export function buildReportModel(input: ReportInput, options: ReportOptions = {}): ReportModel {
  const findings = sortFindings(input.findings);
  const files = [...input.files].sort((a, b) => compareStrings(a.path, b.path));
  const ran = rulesRun(input);
  const ruleErrors = Object.entries(input.ruleErrors ?? {})
    .map(([rule, message]) => ({ rule, message }))
    .sort((a, b) => compareStrings(a.rule, b.rule));

  // Scope.
  const byKind = new Map<string, number>();
  for (const f of files) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const schemaFileCount = byKind.get('prisma') ?? 0;
  const migrationCount = input.inventory ? input.inventory.length : byKind.get('migration') ?? 0;
  const scopeParts: string[] = [];
  const kinds = [...byKind.keys()].sort((a, b) => {
    const order = ['prisma', 'migration', 'config', 'code'];
    const ia = order.indexOf(a) < 0 ? order.length : order.indexOf(a);
    const ib = order.indexOf(b) < 0 ? order.length : order.indexOf(b);
    return ia - ib || compareStrings(a, b);
  });
  for (const k of kinds) {
    const n = byKind.get(k)!;
    if (k === 'migration' && input.inventory) {
      scopeParts.push(`${plural(input.inventory.length, 'migration')} (${plural(n, 'SQL file')})`);
      continue;
    }
    const [one, many] = KIND_NAMES[k] ?? [`${k} file`, `${k} files`];
    scopeParts.push(plural(n, one, many));
  }
  if (!byKind.has('migration') && input.inventory?.length) scopeParts.push(plural(input.inventory.length, 'migration'));
  const scope = scopeParts.length ? scopeParts.join(', ') : 'no files';

  // Rule infos of findings (a finding's rule may be unknown to this build).
  const infos = new Map<string, RuleInfo>();
  for (const r of ran) infos.set(r.id, r);
  for (const f of findings) if (!infos.has(f.rule)) infos.set(f.rule, ruleInfo(f.rule, f.severity));

  // Executive summary by category.
  const byCategory = new Map<string, Finding[]>();
  for (const r of ran) if (!byCategory.has(r.category)) byCategory.set(r.category, []);
  for (const f of findings) {
    const c = infos.get(f.rule)!.category;
    const list = byCategory.get(c) ?? [];
    list.push(f);
    byCategory.set(c, list);
  }
  const categories: CategoryRow[] = [...byCategory.entries()]
    .map(([category, list]) => {
      const priority = highestPriority(list);
      const status: CategoryStatus = !list.length ? 'ok' : priority === 'P1' ? 'critical' : 'issues';
      return { category, status, count: list.length, priority };
    })
    .sort((a, b) => compareCategories(a.category, b.category));
  // Categories whose rules did not run at all (e.g. migration rules when no migrations were audited).
  const seen = new Set(categories.map((c) => c.category));
  const allCategories = new Set(ALL_RULES.map((r) => r.category as string));
  for (const c of [...allCategories].sort(compareCategories)) {
    if (!seen.has(c)) categories.push({ category: c, status: 'not-audited', count: 0 });
  }

  // Rule table.
  const perRule = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = perRule.get(f.rule) ?? [];
    list.push(f);
    perRule.set(f.rule, list);
  }
  const rulesWithFindings: RuleCountRow[] = [...perRule.entries()]
    .map(([id, list]) => ({
      rule: infos.get(id)!,
      count: list.length,
      priority: highestPriority(list)!,
      fixable: list.filter((f) => f.fixes.length > 0).length,
    }))
    .sort(
      (a, b) =>
        PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) ||
        compareCategories(a.rule.category, b.rule.category) ||
        b.count - a.count ||
        compareStrings(a.rule.id, b.rule.id),
    );

  // Findings grouped by priority → category → rule.
  const groups: PriorityGroup[] = [];
  for (const p of PRIORITIES) {
    const inP = findings.filter((f) => f.priority === p);
    if (!inP.length) continue;
    const cats = new Map<string, Map<string, Finding[]>>();
    for (const f of inP) {
      const info = infos.get(f.rule)!;
      let rules = cats.get(info.category);
      if (!rules) cats.set(info.category, (rules = new Map()));
      const list = rules.get(f.rule) ?? [];
      list.push(f);
      rules.set(f.rule, list);
    }
    const categoriesOfP: CategoryGroup[] = [...cats.entries()]
      .sort((a, b) => compareCategories(a[0], b[0]))
      .map(([category, rules]) => {
        const ruleGroups = [...rules.entries()]
          .map(([id, list]) => ({ rule: infos.get(id)!, findings: list }))
          .sort((a, b) => b.findings.length - a.findings.length || compareStrings(a.rule.id, b.rule.id));
        return { category, rules: ruleGroups, count: ruleGroups.reduce((n, g) => n + g.findings.length, 0) };
      });
    groups.push({ priority: p, categories: categoriesOfP, count: inP.length });
  }

  const failed = new Set(ruleErrors.map((e) => e.rule));
  const cleanRules = ran
    .filter((r) => !perRule.has(r.id) && !failed.has(r.id))
    .sort((a, b) => compareCategories(a.category, b.category) || compareStrings(a.id, b.id));

  return {
    root: input.root,
    toolVersion: input.toolVersion,
    date: formatDate(options.now ?? new Date()),
    files,
    scope,
    schemaFileCount,
    migrationCount,
    findings,
    severity: countBySeverity(findings),
    priority: countByPriority(findings),
    categories,
    rulesWithFindings,
    groups,
    inventory: input.inventory,
    cleanRules,
    ruleErrors,
  };
}

/** Above this many findings of one rule in one group, the report shows a table instead of one section per finding. */
export const TABLE_THRESHOLD = 10;
/** In a table group, at most this many suggested changes are spelled out. */
export const MAX_FIXES_IN_TABLE_GROUP = 100;
/** …and at most about this many characters of them (generated rollback scripts are long). */
export const MAX_FIX_CHARS_IN_TABLE_GROUP = 40_000;

export function statusLabel(s: CategoryStatus): string {
  return s === 'ok' ? '✅ OK' : s === 'issues' ? '⚠️ Issues' : s === 'critical' ? '❌ Critical' : '➖ Not audited';
}

/** The first line of a rule error (the rest is a stack). */
export function firstLine(s: string): string {
  return s.split('\n')[0];
}

export function summaryLine(severity: Record<Severity, number>, priority: Record<Priority, number>): string {
  const total = severity.error + severity.warning + severity.info + severity.hint;
  return `${plural(total, 'finding')}: ${plural(severity.error, 'error')}, ${plural(severity.warning, 'warning')}, ${severity.info} info, ${plural(
    severity.hint,
    'hint',
  )} (P1: ${priority.P1}, P2: ${priority.P2}, P3: ${priority.P3})`;
}
