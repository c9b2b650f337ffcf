import type { AuditInput } from '../analysis/engine';
import { migrationSetFiles } from '../analysis/sql/discovery';
import { RULES_BY_ID } from '../analysis/rules';
import type { AuditConfig, Finding, SourceFile } from '../analysis/types';
import { displayPath, loadConfigFile, slashPath, type ProjectLayout } from './discover';
import { readSourceFile } from './source';
import { MAX_CODE_FILE_CHARS } from '../analysis/code/prisma-calls';

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
  /** Reads `abs` (shown as `rel`); an unreadable file becomes a finding of `rule`. */
  const read = (abs: string, rel: string, rule: string): SourceFile | null => {
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
    const rel = displayPath(layout.root, f);
    files.push({ path: rel, kind: 'prisma' });
    const s = read(f, rel, 'prisma-syntax-error');
    if (s) prismaFiles.push(s);
  }
  const sqlFiles: SourceFile[] = [];
  for (const f of layout.migrationFiles) {
    const rel = displayPath(layout.root, f);
    files.push({ path: rel, kind: 'migration' });
    const s = read(f, rel, 'sql-syntax-error');
    if (s) sqlFiles.push(s);
  }
  // The Prisma Migrate sets' migration_lock.toml (the dialect they were written in), Supabase's
  // config.toml (the schemas its API exposes) and Diesel's metadata.toml (whether a migration runs in
  // a transaction). A set without a lock file reads as an error here, like any unreadable file; one
  // without a config or metadata is no problem.
  const setFiles = migrationSetFiles(layout.migrationFiles.map((f) => slashPath(f)));
  const readAll = (paths: string[]): SourceFile[] => {
    const out: SourceFile[] = [];
    for (const path of paths) {
      const r = readSourceFile(path);
      if ('text' in r) out.push({ path: displayPath(layout.root, path), text: r.text });
    }
    return out;
  };
  const migrationLocks = readAll(setFiles.locks);
  const supabaseConfigs = readAll(setFiles.supabaseConfigs);
  const migrationMetadata = readAll(setFiles.migrationMetadata);
  // Code read for Prisma Client queries: not audited itself, so a file that cannot be read is skipped.
  const codeFiles: SourceFile[] = [];
  if (prismaFiles.length) {
    for (const f of layout.codeFiles ?? []) {
      // Larger files (bundles, generated clients) are not scanned.
      const r = readSourceFile(f, MAX_CODE_FILE_CHARS);
      if ('text' in r) codeFiles.push({ path: displayPath(layout.root, f), text: r.text });
    }
  }
  let config: AuditConfig = configOverride ?? {};
  let configProblems: string[] = [];
  if (!configOverride && layout.configFile) {
    const rel = displayPath(layout.root, layout.configFile);
    files.push({ path: rel, kind: 'config' });
    const c = loadConfigFile(layout.configFile, (id) => RULES_BY_ID.has(id));
    config = c.config;
    configProblems = c.problems.map((p) => `${rel}: ${p}`);
  }
  return {
    layout,
    input: { prismaFiles, sqlFiles, config, hints: { supabase: layout.supabase }, ...(migrationLocks.length ? { migrationLocks } : {}), ...(supabaseConfigs.length ? { supabaseConfigs } : {}), ...(migrationMetadata.length ? { migrationMetadata } : {}), ...(codeFiles.length ? { codeFiles } : {}) },
    files,
    unreadable,
    configProblems,
  };
}
