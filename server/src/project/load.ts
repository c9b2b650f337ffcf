import type { AuditInput } from '../analysis/engine';
import { RULES_BY_ID } from '../analysis/rules';
import type { AuditConfig, Finding, SourceFile } from '../analysis/types';
import { displayPath, loadConfigFile, type ProjectLayout } from './discover';
import { readSourceFile } from './source';

export interface LoadedProject {
  layout: ProjectLayout;
  input: AuditInput;
  /** Files as the report lists them (root-relative paths). */
  files: Array<{ path: string; kind: 'prisma' | 'migration' | 'config' }>;
  /** Files that could not be analysed (binary, too large, unreadable), as error findings. */
  unreadable: Finding[];
  configProblems: string[];
}

/**
 * Reads a discovered project from disk into the pure analysis input. Paths become root-relative with
 * '/' separators. `configOverride` (a `--config` file) replaces the project's schema-insight.json.
 */
export function loadProject(layout: ProjectLayout, configOverride?: AuditConfig): LoadedProject {
  const files: LoadedProject['files'] = [];
  const unreadable: Finding[] = [];
  const read = (abs: string, rule: string): SourceFile | null => {
    const rel = displayPath(layout.root, abs);
    const r = readSourceFile(abs);
    if ('error' in r) {
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      unreadable.push({ rule, severity: 'error', priority: 'P1', message: `${rel}: ${r.error}.`, file: rel, range, subject: {}, fixes: [] });
      return null;
    }
    return { path: rel, text: r.text };
  };
  const prismaFiles: SourceFile[] = [];
  for (const f of layout.schemaFiles) {
    files.push({ path: displayPath(layout.root, f), kind: 'prisma' });
    const s = read(f, 'prisma-syntax-error');
    if (s) prismaFiles.push(s);
  }
  const sqlFiles: SourceFile[] = [];
  for (const f of layout.migrationFiles) {
    files.push({ path: displayPath(layout.root, f), kind: 'migration' });
    const s = read(f, 'sql-syntax-error');
    if (s) sqlFiles.push(s);
  }
  let config: AuditConfig = configOverride ?? {};
  let configProblems: string[] = [];
  if (!configOverride && layout.configFile) {
    files.push({ path: displayPath(layout.root, layout.configFile), kind: 'config' });
    const c = loadConfigFile(layout.configFile, (id) => RULES_BY_ID.has(id));
    config = c.config;
    configProblems = c.problems.map((p) => `${displayPath(layout.root, layout.configFile!)}: ${p}`);
  }
  return {
    layout,
    input: { prismaFiles, sqlFiles, config, hints: { supabase: layout.supabase } },
    files,
    unreadable,
    configProblems,
  };
}
