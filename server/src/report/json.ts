/**
 * The JSON contract (issue 2, item 7). Tools and CI parse it: keys are written in a fixed order,
 * findings sorted by file/line/column/rule, positions 0-based line + UTF-16 character, `file`
 * relative to the audited root with '/'.
 *
 *   {"tool":{"name","version"},"root","files":[{"path","kind"}],
 *    "findings":[{"rule","severity","priority","message","file","range","subject",
 *                 "fixes":[{"title","edits":[{"file","range","newText"}],["fileOperations"],["isPreferred"],["safe"]}],
 *                 ["migration"],["tags"],["related"],["data"]}],
 *    "summary":{"error","warning","info","hint"}}
 */
import type { Finding, Fix, Range, Subject } from '../analysis/types';
import { compareStrings, countBySeverity, sortFindings, type ReportInput } from './model';

export const TOOL_NAME = 'schema-insight';

const SUBJECT_KEYS: ReadonlyArray<keyof Subject> = ['model', 'field', 'enum', 'table', 'column', 'index', 'policy'];

export function jsonRange(r: Range) {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

/** The subject with its keys in a fixed order (model, field, enum, table, column, index, policy). */
export function jsonSubject(s: Subject | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const k of SUBJECT_KEYS) if (s[k] !== undefined) out[k] = s[k]!;
  return out;
}

function jsonFix(fix: Fix) {
  const out: Record<string, unknown> = {
    title: fix.title,
    edits: fix.edits.map((e) => ({ file: e.file, range: jsonRange(e.range), newText: e.newText })),
  };
  if (fix.fileOperations?.length) {
    out.fileOperations = fix.fileOperations.map((op) =>
      op.kind === 'create'
        ? { kind: op.kind, file: op.file, content: op.content, ...(op.overwrite !== undefined ? { overwrite: op.overwrite } : {}) }
        : { kind: op.kind, file: op.file, newFile: op.newFile },
    );
  }
  // The fix a user most likely wants, and whether "fix all" may apply it (false: it changes behaviour
  // or needs a data migration). Written only when the rule set them.
  if (fix.isPreferred !== undefined) out.isPreferred = fix.isPreferred;
  if (fix.safe !== undefined) out.safe = fix.safe;
  return out;
}

export function jsonFinding(f: Finding) {
  const out: Record<string, unknown> = {
    rule: f.rule,
    severity: f.severity,
    priority: f.priority,
    message: f.message,
    file: f.file,
    range: jsonRange(f.range),
    subject: jsonSubject(f.subject),
    fixes: f.fixes.map(jsonFix),
  };
  if (f.migration !== undefined) out.migration = f.migration;
  if (f.tags?.length) out.tags = [...f.tags];
  if (f.related?.length) out.related = f.related.map((r) => ({ file: r.file, range: jsonRange(r.range), message: r.message }));
  if (f.data && Object.keys(f.data).length) {
    const data: Record<string, string> = {};
    for (const k of Object.keys(f.data).sort(compareStrings)) data[k] = f.data[k];
    out.data = data;
  }
  return out;
}

export function buildJsonReport(input: ReportInput) {
  const findings = sortFindings(input.findings);
  const summary = countBySeverity(findings);
  return {
    tool: { name: TOOL_NAME, version: input.toolVersion },
    root: input.root,
    files: [...input.files].sort((a, b) => compareStrings(a.path, b.path)).map((f) => ({ path: f.path, kind: f.kind })),
    findings: findings.map(jsonFinding),
    summary: { error: summary.error, warning: summary.warning, info: summary.info, hint: summary.hint },
  };
}

export function renderJson(input: ReportInput): string {
  return JSON.stringify(buildJsonReport(input), null, 2) + '\n';
}
