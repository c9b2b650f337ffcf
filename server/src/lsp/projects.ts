/**
 * Project bookkeeping for the language server: which projects exist in the workspace folders, which
 * files belong to each, and the current text of every file (the editor's buffer when the file is
 * open, else the disk content, cached and invalidated by file-watch events).
 *
 * No analysis here: discovery comes from `project/discover`, reading from `project/source`.
 */
import { basename, dirname, sep } from 'node:path';
import { discoverProjects, inSkippedFolder, loadConfig, projectForFiles, slashPath, type ProjectLayout } from '../project/discover';
import { binaryProblem, MAX_SOURCE_BYTES, readSourceFile } from '../project/source';
import { RULES_BY_ID } from '../analysis/rules';
import type { AuditConfig, RuleSetting } from '../analysis/types';

export type FileText = { text: string; version: number | null } | { error: string; version: number | null };

export interface OpenDocument {
  path: string;
  text: string;
  version: number;
}

export interface Project {
  /** Stable key: the layout root plus the first schema file (several projects may share a root). */
  key: string;
  layout: ProjectLayout;
  /** A project made up on the fly for an open file outside every discovered project. */
  adhoc: boolean;
  /** Workspace folder the project was discovered in (null for ad-hoc projects). */
  folder: string | null;
  config: AuditConfig | null;
}

export function isPrismaPath(p: string): boolean {
  return p.toLowerCase().endsWith('.prisma');
}

export function isSqlPath(p: string): boolean {
  return p.toLowerCase().endsWith('.sql');
}

export function isConfigPath(p: string): boolean {
  return basename(p) === 'schema-insight.json';
}

function projectKey(layout: ProjectLayout): string {
  return `${layout.root}::${layout.schemaFiles[0] ?? layout.migrationFiles[0] ?? ''}`;
}

/** Both paths in the server's '/'-separated form (`slashPath`). */
function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : folder + '/');
}

/** A layout from discovery (native paths) with its paths in the server's form (`slashPath`). */
export function lspLayout(layout: ProjectLayout, separator: string = sep): ProjectLayout {
  if (separator === '/') return layout;
  const to = (p: string) => slashPath(p, separator);
  return {
    ...layout,
    root: to(layout.root),
    schemaFiles: layout.schemaFiles.map(to),
    migrationFiles: layout.migrationFiles.map(to),
    configFile: layout.configFile === null ? null : to(layout.configFile),
    ...(layout.codeFiles ? { codeFiles: layout.codeFiles.map(to) } : {}),
  };
}

export class ProjectSet {
  readonly folders: string[] = [];
  private projects: Project[] = [];
  private readonly byFile = new Map<string, Project>();
  /** Code file → the projects whose Prisma Client queries it holds (`query-index-missing`). */
  private readonly byCodeFile = new Map<string, Project[]>();
  private readonly open = new Map<string, OpenDocument>();
  private readonly disk = new Map<string, FileText>();
  /** Rule severities from the editor settings, merged over each project's schema-insight.json. */
  settingsRules: Record<string, RuleSetting> = {};

  constructor(private readonly log: (msg: string) => void) {}

  all(): readonly Project[] {
    return this.projects;
  }

  setFolders(folders: string[]): void {
    this.folders.splice(0, this.folders.length, ...folders);
  }

  /** Re-discovers every project of every workspace folder (keeps ad-hoc projects of open files). */
  discoverAll(): void {
    const projects: Project[] = [];
    for (const folder of this.folders) {
      let layouts: ProjectLayout[] = [];
      try {
        layouts = discoverProjects(folder).map((l) => lspLayout(l));
      } catch (e) {
        this.log(`project discovery failed in ${folder}: ${e instanceof Error ? e.stack : String(e)}`);
      }
      for (const layout of layouts) projects.push({ key: projectKey(layout), layout, adhoc: false, folder, config: null });
    }
    this.setProjects(projects);
    // Open files that belong to no discovered project keep an ad-hoc project.
    for (const doc of this.open.values()) this.projectOf(doc.path);
  }

  private setProjects(projects: Project[]): void {
    this.projects = projects;
    this.byFile.clear();
    this.byCodeFile.clear();
    for (const p of projects) {
      for (const f of [...p.layout.schemaFiles, ...p.layout.migrationFiles]) if (!this.byFile.has(f)) this.byFile.set(f, p);
      for (const f of p.layout.codeFiles ?? []) {
        const list = this.byCodeFile.get(f);
        if (list) list.push(p);
        else this.byCodeFile.set(f, [p]);
      }
    }
  }

  /** The projects that read this TypeScript/JavaScript file for Prisma Client queries. */
  projectsOfCode(path: string): readonly Project[] {
    return this.byCodeFile.get(path) ?? [];
  }

  /**
   * The project a file belongs to. A `.prisma`/`.sql` file that is open but in no discovered project
   * gets a one-file ad-hoc project (e.g. a file opened from outside the workspace).
   */
  projectOf(path: string): Project | null {
    const known = this.byFile.get(path);
    if (known) return known;
    if (!this.open.has(path) || !(isPrismaPath(path) || isSqlPath(path))) return null;
    let layout: ProjectLayout;
    try {
      layout = lspLayout(projectForFiles(dirname(path), [path]));
    } catch {
      layout = { root: dirname(path), schemaFiles: isPrismaPath(path) ? [path] : [], migrationFiles: isSqlPath(path) ? [path] : [], configFile: null, supabase: false };
    }
    const p: Project = { key: `adhoc::${path}`, layout, adhoc: true, folder: null, config: null };
    this.projects.push(p);
    this.byFile.set(path, p);
    return p;
  }

  /** Whether the file belongs to a discovered (not ad-hoc) project. */
  isDiscovered(path: string): boolean {
    const p = this.byFile.get(path);
    return !!p && !p.adhoc;
  }

  /** Whether a new file (created on disk or opened) would be picked up by re-running discovery. */
  inWorkspace(path: string): boolean {
    return this.folders.some((f) => isInside(path, f));
  }

  /** Whether discovery reads this file: inside a workspace folder, not below a folder it skips (node_modules, build output). */
  discoverable(path: string): boolean {
    return this.folders.some((f) => isInside(path, f) && !inSkippedFolder(path.slice(f.length)));
  }

  removeAdhoc(path: string): Project | null {
    const p = this.byFile.get(path);
    if (!p?.adhoc) return null;
    this.byFile.delete(path);
    this.projects = this.projects.filter((x) => x !== p);
    return p;
  }

  openDocument(doc: OpenDocument): void {
    this.open.set(doc.path, doc);
  }

  closeDocument(path: string): void {
    this.open.delete(path);
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  openVersion(path: string): number | null {
    return this.open.get(path)?.version ?? null;
  }

  /** The disk content changed (or the file was deleted): forget the cached copy. */
  invalidate(path: string): void {
    this.disk.delete(path);
  }

  invalidateConfig(): void {
    for (const p of this.projects) p.config = null;
  }

  read(path: string): FileText {
    const doc = this.open.get(path);
    if (doc) {
      // The editor's buffer gets the same guards as a file read from disk.
      if (doc.text.length > MAX_SOURCE_BYTES) {
        return { error: `file is over the ${(MAX_SOURCE_BYTES / 1024 / 1024).toFixed(0)} MB limit for analysis; skipped`, version: doc.version };
      }
      // binaryProblem reads the first 64 KiB of UTF-8, which come from at most the first 65,536 characters:
      // a NUL past those cannot make it report, so the rest of the buffer is not searched on every keystroke.
      const head = doc.text.slice(0, 65536);
      const problem = head.includes('\0') ? binaryProblem(Buffer.from(head, 'utf8')) : null;
      if (problem) return { error: problem, version: doc.version };
      return { text: doc.text, version: doc.version };
    }
    let cached = this.disk.get(path);
    if (!cached) {
      let r: { text: string } | { error: string };
      try {
        r = readSourceFile(path);
      } catch (e) {
        r = { error: e instanceof Error ? e.message : String(e) };
      }
      cached = 'text' in r ? { text: r.text, version: null } : { error: r.error, version: null };
      this.disk.set(path, cached);
    }
    return cached;
  }

  configOf(p: Project): AuditConfig {
    if (!p.config) {
      let fileConfig: AuditConfig = {};
      {
        try {
          fileConfig = loadConfig(p.layout, (id) => RULES_BY_ID.has(id));
        } catch (e) {
          this.log(`could not load the configuration of ${p.layout.root}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      p.config = fileConfig;
    }
    return { ...p.config, rules: { ...(p.config.rules ?? {}), ...this.settingsRules } };
  }
}
