/**
 * The edge between the analysis (absolute file paths, findings, fixes) and the LSP (URIs,
 * diagnostics, workspace edits). Positions are already LSP UTF-16 positions in the analysis, so the
 * only conversions here are paths ⇄ URIs and shapes.
 *
 * Paths in the language server are '/'-separated on every platform (`slashPath`), as the analysis reads
 * them (a Prisma migration is `<set>/<folder>/migration.sql`): on Windows, `C:/proj/prisma/schema.prisma`.
 * Node.js's file functions and `pathToFileURL` take that form there as they take `C:\proj\…`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateFile,
  DiagnosticSeverity,
  DiagnosticTag,
  RenameFile,
  TextDocumentEdit,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Range, Severity, TextEdit } from '../analysis/types';
import { slashPath } from '../project/discover';

export const SOURCE = 'schema-insight';

/** Remembers the exact URI string a client used for a path, so what we send back matches byte for byte. */
const knownUris = new Map<string, string>();

export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    const p = slashPath(fileURLToPath(uri));
    if (!knownUris.has(p)) knownUris.set(p, uri);
    return p;
  } catch {
    return null;
  }
}

export function pathToUri(path: string): string {
  return knownUris.get(path) ?? pathToFileURL(path).href;
}

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function toDiagnostic(f: Finding, docUrl: (id: string) => string): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: toLspSeverity(f.severity),
    code: f.rule,
    codeDescription: { href: docUrl(f.rule) },
    source: SOURCE,
    message: f.message,
  };
  const tags: DiagnosticTag[] = [];
  if (f.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (f.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  if (tags.length) d.tags = tags;
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  return d;
}

/** Whether two ranges overlap or touch (a cursor at either end of a finding counts as "on" it). */
export function rangesIntersect(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export interface EditTarget {
  /** Version of the open document the edits were computed for; null for files read from disk. */
  versionOf(path: string): number | null;
  supportsDocumentChanges: boolean;
  supportsResourceOperations: boolean;
}

/**
 * A fix as a WorkspaceEdit. With `documentChanges` support every text edit is a versioned
 * TextDocumentEdit (the client rejects it if the document moved on); file operations become
 * CreateFile/RenameFile. Returns null when the fix needs resource operations the client lacks.
 */
export function fixToWorkspaceEdit(fix: Fix, target: EditTarget): WorkspaceEdit | null {
  return editsToWorkspaceEdit(fix.edits, fix.fileOperations ?? [], target);
}

export function editsToWorkspaceEdit(edits: TextEdit[], ops: NonNullable<Fix['fileOperations']>, target: EditTarget): WorkspaceEdit | null {
  if (ops.length && !(target.supportsDocumentChanges && target.supportsResourceOperations)) return null;
  const byFile = new Map<string, LspTextEdit[]>();
  for (const e of edits) {
    let list = byFile.get(e.file);
    if (!list) byFile.set(e.file, (list = []));
    list.push({ range: e.range, newText: e.newText });
  }
  if (!target.supportsDocumentChanges) {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const [file, list] of byFile) changes[pathToUri(file)] = list;
    return { changes };
  }
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const [file, list] of byFile) {
    documentChanges.push(TextDocumentEdit.create({ uri: pathToUri(file), version: target.versionOf(file) }, list));
  }
  for (const op of ops) {
    if (op.kind === 'create') {
      const uri = pathToUri(op.file);
      documentChanges.push(CreateFile.create(uri, op.overwrite ? { overwrite: true } : { ignoreIfExists: false }));
      if (op.content) {
        documentChanges.push(
          TextDocumentEdit.create({ uri, version: null }, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: op.content }]),
        );
      }
    } else {
      documentChanges.push(RenameFile.create(pathToUri(op.file), pathToUri(op.newFile), { overwrite: false }));
    }
  }
  return { documentChanges };
}
