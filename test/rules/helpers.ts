import { audit, type AuditInput } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/analysis/text';
import type { Finding, Fix, SourceFile } from '../../server/src/analysis/types';

export const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n\n';

/** Audits one schema text (a datasource is prepended unless present). */
export function auditSchema(text: string, extra: Partial<AuditInput> = {}): Finding[] {
  const full = /datasource\s+\w+\s*\{/.test(text) ? text : DATASOURCE + text;
  return audit({ prismaFiles: [{ path: 'schema.prisma', text: full }], ...extra }).findings;
}

export function byRule(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

/** Applies a fix's edits to a set of files and returns the new files. */
export function applyFix(files: SourceFile[], fix: Fix): SourceFile[] {
  return files.map((f) => {
    const edits = fix.edits.filter((e) => e.file === f.path);
    return edits.length ? { path: f.path, text: applyEdits(f.text, edits) } : f;
  });
}

export function withDatasource(text: string): string {
  return /datasource\s+\w+\s*\{/.test(text) ? text : DATASOURCE + text;
}

export function sameSubject(a: Finding, b: Finding): boolean {
  return a.rule === b.rule && JSON.stringify(a.subject) === JSON.stringify(b.subject) && a.file === b.file;
}
