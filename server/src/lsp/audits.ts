/**
 * Debounced, cancellable re-audits and diagnostics publication.
 *
 * Every change marks the project of the changed file dirty and (re)starts its debounce timer; a burst
 * of keystrokes therefore runs one audit, against the texts current when the timer fires (never a
 * queued, stale snapshot). The audit itself is synchronous, so nothing can change while it runs; the
 * only await (the SQL parser's one-time initialisation) is followed by a re-read of the texts. A
 * request that needs fresh results (hover, code actions) flushes the pending audit first.
 */
import { audit, notAuditedNote, type AuditResult } from '../analysis/engine';
import { ruleDocUrl } from '../analysis/docs';
import { parsePrismaSchema, PrismaSession, type PrismaSchema, type SessionSourceFile } from '../analysis/prisma/schema';
import { migrationSetFiles } from '../analysis/sql/discovery';
import type { MigrationProject } from '../analysis/sql/project';
import type { Finding, Severity, SourceFile } from '../analysis/types';
import type { Diagnostic } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { sameRange } from '../analysis/text';
import { pathToUri, SOURCE, toDiagnostic } from './convert';
import type { FileText, Project, ProjectSet } from './projects';

export interface Snapshot {
  project: Project;
  /** Path → text and the document version it was read at (null: from disk). */
  files: Map<string, FileText>;
  findings: Finding[];
  byFile: Map<string, Finding[]>;
  ruleErrors: Record<string, string>;
  ms: number;
  prismaSources: SourceFile[];
  schema(): PrismaSchema | null;
  /** The replayed migrations the audit used (for the report's migration inventory). */
  sql: MigrationProject | null;
  /** Migration files left out of the audit (written for another database: `AuditResult.notAudited`). */
  notAudited: ReadonlySet<string>;
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
  total: number;
  files: number;
  projects: number;
}

export interface AuditHost {
  publish(uri: string, version: number | null, diagnostics: Diagnostic[]): void;
  counts(c: Counts): void;
  log(msg: string): void;
  /** Timings of one re-audit (only sent when the client asked for them). */
  timings?(t: { root: string; auditMs: number; parseMs: number; rulesMs: number; publishMs: number; findings: number }): void;
  /** Resolves once the SQL parser is ready (awaited before auditing migrations). */
  sqlReady(): Promise<void> | null;
}

/** A layout's migration file list → the files beside its migration sets (`migrationSetFiles`, computed once). */
const setFilesOf = new WeakMap<string[], ReturnType<typeof migrationSetFiles>>();

interface State {
  timer: Pending | null;
  dirty: boolean;
  running: Promise<void> | null;
  snapshot: Snapshot | null;
  /** Path → serialized diagnostics last published (to skip identical re-publications). */
  published: Map<string, string>;
  /** Closed file → the findings last published for it (a cheap first check before serializing). */
  publishedFindings: Map<string, Finding[]>;
  /**
   * The project's parses and models between audits: each audit reparses only the blocks an edit
   * touched and reuses the other models. The previous snapshot's schema is invalid once the next
   * audit ran; the snapshot is replaced in the same synchronous step.
   */
  prismaSession: PrismaSession;
  /** What the last audit said about migrations it left out (logged when it changes, not per keystroke). */
  notAudited?: string;
}

const NO_FINDINGS: Finding[] = [];

/** The diagnostic of each finding: a finding the engine reused (unchanged by an edit) keeps its diagnostic. */
const diagnostics = new WeakMap<Finding, Diagnostic>();
function diagnosticOf(f: Finding): Diagnostic {
  let d = diagnostics.get(f);
  if (!d) diagnostics.set(f, (d = toDiagnostic(f, ruleDocUrl)));
  return d;
}

/** Whether two finding lists would publish the same diagnostics (compared field by field, no serialization). */
function sameFindings(a: Finding[] | undefined, b: Finding[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x.rule !== y.rule || x.severity !== y.severity || x.message !== y.message || !sameRange(x.range, y.range)) return false;
    if (x.tags !== y.tags && JSON.stringify(x.tags) !== JSON.stringify(y.tags)) return false;
    if (x.related !== y.related && JSON.stringify(x.related) !== JSON.stringify(y.related)) return false;
  }
  return true;
}

/** A scheduled callback. */
interface Pending {
  cancel(): void;
}

/** Runs `fn` after `delay` ms; with no delay, right after the pending I/O (a timer waits at least 1 ms). */
function later(delay: number, fn: () => void): Pending {
  if (delay <= 0) {
    const h = setImmediate(fn);
    return { cancel: () => clearImmediate(h) };
  }
  const h = setTimeout(fn, delay);
  return { cancel: () => clearTimeout(h) };
}

/** `State.published` value of an open document: published with every audit, never compared. */
const OPEN = '\u0000open';

export class Auditor {
  debounceMs = 150;
  enabled = true;
  private readonly states = new Map<string, State>();

  constructor(
    private readonly projects: ProjectSet,
    private readonly host: AuditHost,
  ) {}

  private state(p: Project): State {
    let s = this.states.get(p.key);
    if (!s) this.states.set(p.key, (s = { timer: null, dirty: true, running: null, snapshot: null, published: new Map(), publishedFindings: new Map(), prismaSession: new PrismaSession() }));
    return s;
  }

  snapshot(p: Project): Snapshot | null {
    return this.states.get(p.key)?.snapshot ?? null;
  }

  /** Marks a project dirty and (re)starts its debounce timer; earlier pending work is dropped. */
  schedule(p: Project, delay = this.debounceMs): void {
    const s = this.state(p);
    s.dirty = true;
    if (s.timer) s.timer.cancel();
    s.timer = later(delay, () => {
      s.timer = null;
      void this.run(p);
    });
  }

  /** Runs the project's audit now if it is dirty (or never ran); resolves when results are current. */
  async flush(p: Project): Promise<Snapshot | null> {
    const s = this.state(p);
    if (s.timer) {
      s.timer.cancel();
      s.timer = null;
    }
    if (s.running) await s.running;
    if (s.dirty || !s.snapshot) await this.run(p);
    return s.snapshot;
  }

  private run(p: Project): Promise<void> {
    const s = this.state(p);
    if (s.running) {
      // An audit is waiting for the SQL parser; it re-reads texts when it resumes, so just keep it dirty.
      return s.running;
    }
    const job = (async () => {
      const needsSql = p.layout.migrationFiles.length > 0;
      const ready = needsSql ? this.host.sqlReady() : null;
      if (ready) await ready;
      if (s.timer) return; // a newer change arrived while waiting: its timer will run the audit
      this.runNow(p, s);
    })()
      .catch((e) => this.host.log(`audit of ${p.layout.root} failed: ${e instanceof Error ? e.stack : String(e)}`))
      .finally(() => {
        s.running = null;
      });
    s.running = job;
    return job;
  }

  private runNow(p: Project, s: State): void {
    s.dirty = false;
    const files = new Map<string, FileText>();
    const prismaFiles: SourceFile[] = [];
    const sqlFiles: SourceFile[] = [];
    for (const path of p.layout.schemaFiles) {
      const t = this.projects.read(path);
      files.set(path, t);
      if ('text' in t) prismaFiles.push({ path, text: t.text });
    }
    for (const path of p.layout.migrationFiles) {
      const t = this.projects.read(path);
      files.set(path, t);
      if ('text' in t) sqlFiles.push({ path, text: t.text });
    }
    // Code is read for Prisma Client queries only: it is not audited, so it is not in `files`.
    const codeFiles: SourceFile[] = [];
    if (prismaFiles.length) {
      for (const path of p.layout.codeFiles ?? []) {
        const t = this.projects.read(path);
        if ('text' in t) codeFiles.push({ path, text: t.text });
      }
    }
    let setFiles = setFilesOf.get(p.layout.migrationFiles);
    if (!setFiles) setFilesOf.set(p.layout.migrationFiles, (setFiles = migrationSetFiles(p.layout.migrationFiles)));
    const readAll = (paths: string[]): SourceFile[] => {
      const out: SourceFile[] = [];
      for (const path of paths) {
        const t = this.projects.read(path);
        if ('text' in t) out.push({ path, text: t.text });
      }
      return out;
    };
    const migrationLocks = readAll(setFiles.locks);
    const supabaseConfigs = readAll(setFiles.supabaseConfigs);
    const migrationMetadata = readAll(setFiles.migrationMetadata);
    const t0 = performance.now();
    let result: AuditResult;
    if (!this.enabled) {
      result = { findings: [], ruleErrors: {}, prisma: null, sql: null, notAudited: null, timings: { parseMs: 0, rulesMs: 0 } };
    } else {
      try {
        result = audit({
          prismaFiles: prismaFiles.map((f): SessionSourceFile => ({ path: f.path, text: f.text, prismaSession: s.prismaSession })),
          sqlFiles,
          migrationLocks,
          supabaseConfigs,
          migrationMetadata,
          codeFiles,
          config: this.projects.configOf(p),
          hints: { supabase: p.layout.supabase },
        });
      } catch (e) {
        // The engine isolates rules; a throw here is a parser bug. Keep the previous diagnostics.
        this.host.log(`audit threw for ${p.layout.root}: ${e instanceof Error ? e.stack : String(e)}`);
        // The session may be half-updated: start the next audit from scratch.
        s.prismaSession = new PrismaSession();
        return;
      }
    }
    for (const [id, err] of Object.entries(result.ruleErrors)) this.host.log(`rule ${id} failed: ${err}`);
    const note = result.notAudited ? notAuditedNote(result.notAudited) : '';
    if (note !== (s.notAudited ?? '')) {
      if (note) this.host.log(`${p.layout.root}: ${note}`);
      s.notAudited = note;
    }
    const byFile = new Map<string, Finding[]>();
    for (const f of result.findings) {
      let list = byFile.get(f.file);
      if (!list) byFile.set(f.file, (list = []));
      list.push(f);
    }
    // The engine hands back the schema model it built; parse ourselves only when it was disabled.
    let schema: PrismaSchema | null | undefined = this.enabled ? result.prisma : undefined;
    s.snapshot = {
      project: p,
      files,
      findings: result.findings,
      byFile,
      ruleErrors: result.ruleErrors,
      ms: performance.now() - t0,
      prismaSources: prismaFiles,
      schema: () => (schema === undefined ? (schema = prismaFiles.length ? parsePrismaSchema(prismaFiles) : null) : schema),
      sql: result.sql,
      notAudited: new Set(result.notAudited?.files),
    };
    const auditMs = performance.now() - t0;
    this.publish(s, files, byFile);
    this.host.counts(this.counts());
    this.host.timings?.({
      root: p.layout.root,
      auditMs,
      parseMs: result.timings.parseMs,
      rulesMs: result.timings.rulesMs,
      publishMs: performance.now() - t0 - auditMs,
      findings: result.findings.length,
    });
  }

  private publish(s: State, files: Map<string, FileText>, byFile: Map<string, Finding[]>): void {
    const seen = new Set<string>();
    const send = (path: string, version: number | null, diagnostics: Diagnostic[]) => {
      seen.add(path);
      // An open document always gets a publication (carrying its version), so its diagnostics are not
      // serialized for comparison (a keystroke's latency); closed files are published only on change.
      if (version !== null) {
        s.published.set(path, OPEN);
        this.host.publish(pathToUri(path), version, diagnostics);
        return;
      }
      const key = JSON.stringify(diagnostics);
      if (s.published.get(path) === key) return;
      s.published.set(path, key);
      this.host.publish(pathToUri(path), version, diagnostics);
    };
    const lastFindings = s.publishedFindings;
    s.publishedFindings = new Map();
    for (const [path, t] of files) {
      const list = byFile.get(path) ?? NO_FINDINGS;
      // A closed file whose findings are the same as when it was last published closed (most migrations
      // on a keystroke in the schema): nothing to convert or compare. Only such files are recorded.
      const closed = t.version === null && !('error' in t);
      if (closed) s.publishedFindings.set(path, list);
      if (closed && sameFindings(lastFindings.get(path), list)) {
        seen.add(path);
        continue;
      }
      const diagnostics: Diagnostic[] = [];
      if ('error' in t) {
        diagnostics.push({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Error,
          source: SOURCE,
          message: `Schema Insight could not read this file: ${t.error}`,
        });
      }
      for (const f of list) diagnostics.push(diagnosticOf(f));
      send(path, t.version, diagnostics);
    }
    // Findings in files outside the project's file list (e.g. a fix target) still get shown.
    for (const [path, list] of byFile) {
      if (!seen.has(path)) send(path, null, list.map(diagnosticOf));
    }
    // Files that are no longer part of the project: clear what we published for them.
    for (const path of [...s.published.keys()]) {
      if (!seen.has(path)) {
        s.published.delete(path);
        this.host.publish(pathToUri(path), null, []);
      }
    }
  }

  /** Clears every diagnostic of a project that disappeared (file deleted, rediscovery). */
  forget(key: string): void {
    const s = this.states.get(key);
    if (!s) return;
    if (s.timer) s.timer.cancel();
    for (const path of s.published.keys()) this.host.publish(pathToUri(path), null, []);
    this.states.delete(key);
  }

  /** Drops states of projects that no longer exist. */
  prune(): void {
    const live = new Set(this.projects.all().map((p) => p.key));
    for (const key of [...this.states.keys()]) if (!live.has(key)) this.forget(key);
  }

  counts(): Counts {
    const c: Counts = { error: 0, warning: 0, info: 0, hint: 0, total: 0, files: 0, projects: 0 };
    const files = new Set<string>();
    for (const p of this.projects.all()) {
      const snap = this.states.get(p.key)?.snapshot;
      if (!snap) continue;
      c.projects++;
      for (const f of snap.findings) {
        c[f.severity as Severity]++;
        c.total++;
        files.add(f.file);
      }
    }
    c.files = files.size;
    return c;
  }
}
