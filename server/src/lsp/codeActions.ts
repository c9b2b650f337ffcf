/**
 * Code actions: the fixes of the findings under the cursor as quick fixes, "Ignore <rule> for this
 * line/file" (inserts a suppression comment), and `source.fixAll.schemaInsight` (every safe fix of
 * the file, non-overlapping). All edits are versioned against the text the findings were computed on.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import { ruleDocUrl } from '../analysis/docs';
import { detectEol, indentOf, LineIndex, comparePositions } from '../analysis/text';
import type { Finding, Fix, TextEdit } from '../analysis/types';
import type { Snapshot } from './audits';
import { editsToWorkspaceEdit, fixToWorkspaceEdit, rangesIntersect, toDiagnostic, type EditTarget } from './convert';
import { isPrismaPath } from './projects';

export const FIX_ALL_KIND = 'source.fixAll.schemaInsight';

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only?.length) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}

export function codeActions(snap: Snapshot, path: string, params: CodeActionParams, target: EditTarget): CodeAction[] {
  const out: CodeAction[] = [];
  const only = params.context.only;
  const findings = snap.byFile.get(path) ?? [];
  const t = snap.files.get(path);
  const text = t && 'text' in t ? t.text : null;

  if (wants(only, CodeActionKind.QuickFix)) {
    const under = findings.filter((f) => rangesIntersect(f.range, params.range));
    for (const f of under) {
      const diagnostic = toDiagnostic(f, ruleDocUrl);
      for (const fix of f.fixes) {
        const edit = fixToWorkspaceEdit(fix, target);
        if (!edit) continue;
        out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: !!fix.isPreferred, edit });
      }
    }
    if (text !== null) {
      const seen = new Set<string>();
      for (const f of under) {
        if (f.rule === 'unused-ignore' || seen.has(f.rule)) continue;
        seen.add(f.rule);
        out.push(...ignoreActions(f, path, text, target, toDiagnostic(f, ruleDocUrl)));
      }
    }
  }

  // Without a filter VS Code lists source actions only in its Source Action menu, never the lightbulb.
  if (wants(only, FIX_ALL_KIND)) {
    const all = fixAll(snap, path, target);
    if (all) out.push(all);
  }
  return out;
}

/** "Ignore <rule> for this line" / "for this file": a suppression comment with the line's indentation. */
function ignoreActions(f: Finding, path: string, text: string, target: EditTarget, diagnostic: Diagnostic): CodeAction[] {
  const lines = new LineIndex(text);
  const eol = detectEol(text);
  const marker = isPrismaPath(path) ? '//' : '--';
  const line = f.range.start.line;
  const indent = indentOf(lines.lineText(line));
  const at = { line, character: 0 };
  const lineEdit: TextEdit = { file: path, range: { start: at, end: at }, newText: `${indent}${marker} schema-insight-ignore ${f.rule}${eol}` };
  const top = { line: 0, character: 0 };
  const fileEdit: TextEdit = { file: path, range: { start: top, end: top }, newText: `${marker} schema-insight-ignore-file ${f.rule}${eol}` };
  const out: CodeAction[] = [];
  for (const [title, edit] of [
    [`Ignore ${f.rule} for this line`, lineEdit],
    [`Ignore ${f.rule} for this file`, fileEdit],
  ] as const) {
    const we = editsToWorkspaceEdit([edit], [], target);
    if (we) out.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: we });
  }
  return out;
}

/**
 * Every safe fix of the file whose edits stay in this file and do not overlap an earlier one. An edit
 * identical to one already chosen is not made twice (two findings with one fix, such as two foreign
 * keys that one index serves). Insertions of whole lines at the same point (`@@index` lines at the end
 * of a model) are all made, in the findings' order; other insertions at one point would be ambiguous.
 */
export function fixAll(snap: Snapshot, path: string, target: EditTarget): CodeAction | null {
  const chosen: TextEdit[] = [];
  const fixes: Fix[] = [];
  const same = (a: TextEdit, b: TextEdit) => comparePositions(a.range.start, b.range.start) === 0 && comparePositions(a.range.end, b.range.end) === 0;
  const isLineInsert = (e: TextEdit) => comparePositions(e.range.start, e.range.end) === 0 && e.newText.startsWith('\n');
  const overlaps = (e: TextEdit) =>
    chosen.some(
      (c) =>
        (comparePositions(e.range.start, c.range.end) < 0 && comparePositions(c.range.start, e.range.end) < 0) ||
        // two insertions at the same point: order would be ambiguous (unless both are whole lines)
        (same(e, c) && !(isLineInsert(e) && isLineInsert(c))),
    );
  const duplicate = (e: TextEdit) => chosen.some((c) => same(e, c) && c.newText === e.newText);
  for (const f of snap.byFile.get(path) ?? []) {
    const fix = f.fixes.find((x) => x.safe && x.isPreferred) ?? f.fixes.find((x) => x.safe);
    if (!fix || fix.fileOperations?.length || !fix.edits.length) continue;
    if (fix.edits.some((e) => e.file !== path)) continue;
    if (fix.edits.every(duplicate)) {
      fixes.push(fix);
      continue;
    }
    const edits = fix.edits.filter((e) => !duplicate(e));
    if (edits.some(overlaps)) continue;
    chosen.push(...edits);
    fixes.push(fix);
  }
  if (!chosen.length) return null;
  const edit = editsToWorkspaceEdit(chosen, [], target);
  if (!edit) return null;
  const rules = new Set((snap.byFile.get(path) ?? []).filter((f) => fixes.some((x) => f.fixes.includes(x))).map((f) => f.rule));
  return {
    title: `Schema Insight: fix all safe problems (${fixes.length} fix${fixes.length === 1 ? '' : 'es'}: ${[...rules].join(', ')})`,
    kind: FIX_ALL_KIND,
    edit,
  };
}
