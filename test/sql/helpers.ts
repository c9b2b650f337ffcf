import { audit, type AuditResult } from '../../server/src/analysis/engine';
import { ensureSqlParser, type ParsedSqlFile } from '../../server/src/analysis/sql/parse';
import { buildMigrationProject, type MigrationProject } from '../../server/src/analysis/sql/project';
import type { Finding, SourceFile } from '../../server/src/analysis/types';

export const ready = ensureSqlParser();

/** Files from `{ path: text }`. */
export function files(map: Record<string, string>): SourceFile[] {
  return Object.entries(map).map(([path, text]) => ({ path, text }));
}

export function project(map: Record<string, string>, supabase?: boolean): MigrationProject {
  return buildMigrationProject(files(map), { supabase });
}

export function auditSql(map: Record<string, string>, opts: { prisma?: Record<string, string>; supabase?: boolean } = {}): AuditResult {
  return audit({ prismaFiles: files(opts.prisma ?? {}), sqlFiles: files(map), hints: { supabase: opts.supabase } });
}

export function findingsOf(map: Record<string, string>, rule: string, opts: { prisma?: Record<string, string>; supabase?: boolean } = {}): Finding[] {
  const r = auditSql(map, opts);
  if (Object.keys(r.ruleErrors).length) throw new Error(`rule errors: ${JSON.stringify(r.ruleErrors)}`);
  return r.findings.filter((f) => f.rule === rule);
}

/** The text a range covers. */
export function textAt(text: string, f: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): string {
  const lines = text.split(/\r\n|\r|\n/);
  const { start, end } = f.range;
  if (start.line === end.line) return lines[start.line].slice(start.character, end.character);
  return [lines[start.line].slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.character)].join('\n');
}

/** A parsed file as plain data (its offset maps sampled), for comparing two parses of the same file. */
export function parsedSnapshot(f: ParsedSqlFile): unknown {
  const { offsetOf: _o, byteOf: _b, ...rest } = f;
  return JSON.parse(JSON.stringify({ ...rest, offsets: [0, 1, 7, f.text.length].map((n) => [f.byteOf(n), f.offsetOf(n)]) }));
}
