/**
 * The language server: wires LSP requests and notifications to the project bookkeeping, the
 * debounced auditor, code actions and hovers. Translation only; the analysis lives in analysis/.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureSqlParser } from '../analysis/sql/parse';
import { migrationSetFiles } from '../analysis/sql/discovery';
import { ALL_RULES, RULES_BY_ID } from '../analysis/rules';
import { renderRuleMarkdown, ruleDocUrl } from '../analysis/docs';
import type { Finding, RuleSetting } from '../analysis/types';
import { renderReport, type ReportInput } from '../report';
import { migrationInventory } from '../analysis/sql/project';
import { displayPath } from '../project/discover';
import { isCodePath } from '../analysis/code/paths';
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Auditor, type Counts } from './audits';
import { codeActions, FIX_ALL_KIND } from './codeActions';
import { uriToPath, type EditTarget } from './convert';
import { hover } from './hover';
import { isConfigPath, isPrismaPath, isSqlPath, ProjectSet, type Project } from './projects';

export const REPORT_REQUEST = 'schemaInsight/report';
export const RERUN_REQUEST = 'schemaInsight/rerun';
export const RULES_REQUEST = 'schemaInsight/rules';
export const COUNTS_NOTIFICATION = 'schemaInsight/counts';
/** Per-audit timings, sent only with initializationOptions.reportTimings (benchmarks). */
export const TIMINGS_NOTIFICATION = 'schemaInsight/timings';

export type ReportFormat = 'markdown' | 'html' | 'json' | 'sarif';

export interface ReportParams {
  format?: ReportFormat;
  /** Only the project of this document (default: every project of the workspace). */
  uri?: string;
  /** HTML: nonce for inline styles and a stylesheet to link (the webview's strict CSP). */
  cspNonce?: string;
  styleHref?: string;
}

/** A finding with every path made root-relative ('/'-separated), as reports show them. */
function relativeFinding(f: Finding, rel: (abs: string) => string): Finding {
  return {
    ...f,
    file: rel(f.file),
    fixes: f.fixes.map((x) => ({
      ...x,
      edits: x.edits.map((e) => ({ ...e, file: rel(e.file) })),
      ...(x.fileOperations
        ? { fileOperations: x.fileOperations.map((o) => (o.kind === 'create' ? { ...o, file: rel(o.file) } : { ...o, file: rel(o.file), newFile: rel(o.newFile) })) }
        : {}),
    })),
    ...(f.related ? { related: f.related.map((r) => ({ ...r, file: rel(r.file) })) } : {}),
  };
}

export interface ServerSettings {
  enable?: boolean;
  rules?: Record<string, RuleSetting>;
  /** Debounce of re-audits after an edit, in ms (0 for benchmarks). */
  debounceMs?: number;
}

const VALID_SETTINGS = new Set(['error', 'warning', 'info', 'hint', 'off']);

function sanitizeRules(rules: unknown): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  if (!rules || typeof rules !== 'object') return out;
  for (const [id, v] of Object.entries(rules as Record<string, unknown>)) {
    if (typeof v === 'string' && VALID_SETTINGS.has(v) && RULES_BY_ID.has(id)) out[id] = v as RuleSetting;
  }
  return out;
}

export function startServer(connection: Connection): void {
  // SCHEMA_INSIGHT_LOG=<file> also appends the server's log to a file (end-to-end test diagnostics).
  const logFile = process.env.SCHEMA_INSIGHT_LOG;
  const log = (msg: string) => {
    connection.console.log(msg);
    if (logFile) {
      try {
        appendFileSync(logFile, `${new Date().toISOString()} ${msg}\n`);
      } catch {
        // logging must never break the server
      }
    }
  };
  const projects = new ProjectSet(log);
  let sqlReady: Promise<void> | null = null;
  let lastCounts: Counts | null = null;
  const auditor = new Auditor(projects, {
    publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics }),
    counts: (c) => {
      if (lastCounts && JSON.stringify(lastCounts) === JSON.stringify(c)) return;
      lastCounts = c;
      void connection.sendNotification(COUNTS_NOTIFICATION, c);
    },
    log,
    sqlReady: () => sqlReady,
    timings: (t) => {
      if (reportTimings) void connection.sendNotification(TIMINGS_NOTIFICATION, t);
    },
  });
  let reportTimings = false;
  const documents = new TextDocuments(TextDocument);

  let caps = {
    configuration: false,
    watchedFilesDynamic: false,
    documentChanges: false,
    resourceOperations: false,
    workspaceFolders: false,
  };

  const target: EditTarget = {
    versionOf: (path) => projects.openVersion(path),
    get supportsDocumentChanges() {
      return caps.documentChanges;
    },
    get supportsResourceOperations() {
      return caps.resourceOperations;
    },
  };

  function applySettings(s: ServerSettings | null | undefined): void {
    if (!s || typeof s !== 'object') return;
    if (typeof s.enable === 'boolean') auditor.enabled = s.enable;
    if (typeof s.debounceMs === 'number' && s.debounceMs >= 0) auditor.debounceMs = s.debounceMs;
    if (s.rules !== undefined) projects.settingsRules = sanitizeRules(s.rules);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    const we = c.workspace?.workspaceEdit;
    caps = {
      configuration: !!c.workspace?.configuration,
      watchedFilesDynamic: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      documentChanges: !!we?.documentChanges,
      resourceOperations: !!we?.resourceOperations?.includes('create') && !!we?.resourceOperations?.includes('rename'),
      workspaceFolders: !!c.workspace?.workspaceFolders,
    };
    const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (!folders.length && params.rootUri) {
      const p = uriToPath(params.rootUri);
      if (p) folders.push(p);
    }
    if (!folders.length && params.rootPath) folders.push(params.rootPath);
    projects.setFolders(folders);
    applySettings(params.initializationOptions as ServerSettings | undefined);
    reportTimings = !!(params.initializationOptions as { reportTimings?: boolean } | undefined)?.reportTimings;
    sqlReady = ensureSqlParser().catch((e) => log(`SQL parser failed to load: ${e instanceof Error ? e.message : String(e)}`));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        workspace: caps.workspaceFolders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
      },
      serverInfo: { name: 'schema-insight', version: process.env.SCHEMA_INSIGHT_VERSION ?? 'dev' },
    };
  });

  async function pullSettings(): Promise<void> {
    if (!caps.configuration) return;
    try {
      const s = (await connection.workspace.getConfiguration('schemaInsight')) as ServerSettings | null;
      applySettings(s);
    } catch (e) {
      log(`could not read settings: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Audits every project of every folder, reporting progress. */
  async function auditWorkspace(title: string, force: boolean): Promise<Counts> {
    const progress = await connection.window.createWorkDoneProgress().catch(() => null);
    try {
      progress?.begin(title, 0, 'discovering projects', false);
      projects.discoverAll();
      auditor.prune();
      const list = projects.all();
      for (let i = 0; i < list.length; i++) {
        const p = list[i];
        progress?.report(Math.round((i / Math.max(1, list.length)) * 100), `${p.layout.root} (${i + 1}/${list.length})`);
        // A project an open document already had audited is current: only `force` (re-run) redoes it.
        if (force) auditor.schedule(p, 0);
        await auditor.flush(p);
      }
    } finally {
      progress?.done();
    }
    return auditor.counts();
  }

  connection.onInitialized(async () => {
    if (caps.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'schemaInsight' });
    if (caps.watchedFilesDynamic) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.prisma' },
          { globPattern: '**/*.sql' },
          { globPattern: '**/schema-insight.json' },
          { globPattern: '**/migration_lock.toml' },
          { globPattern: '**/supabase/config.toml' },
          { globPattern: '**/metadata.toml' },
          // Prisma Client queries (query-index-missing).
          { globPattern: '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}' },
        ],
      });
    }
    if (caps.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        const folders = projects.folders.filter((f) => !removed.has(f));
        for (const f of e.added) {
          const p = uriToPath(f.uri);
          if (p) folders.push(p);
        }
        projects.setFolders(folders);
        void auditWorkspace('Schema Insight: auditing', false);
      });
    }
    await pullSettings();
    await auditWorkspace('Schema Insight: auditing the workspace', false);
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (caps.configuration) await pullSettings();
    else applySettings((change.settings as { schemaInsight?: ServerSettings } | null)?.schemaInsight);
    projects.invalidateConfig();
    for (const p of projects.all()) auditor.schedule(p, 0);
  });

  /** The project of a document (no discovery: requests must stay cheap). */
  const projectForUri = (uri: string): { path: string; project: Project } | null => {
    const path = uriToPath(uri);
    if (!path) return null;
    const project = projects.projectOf(path);
    return project ? { path, project } : null;
  };

  documents.onDidOpen((e) => {
    const path = uriToPath(e.document.uri);
    if (!path) return;
    projects.openDocument({ path, text: e.document.getText(), version: e.document.version });
    if (!projects.isDiscovered(path) && projects.inWorkspace(path) && (isPrismaPath(path) || isSqlPath(path))) {
      // A file discovery has not seen (created in the editor, or in a skipped folder): discover again;
      // if it is still in no project it gets an ad-hoc one of its own.
      const adhoc = projects.removeAdhoc(path);
      projects.discoverAll();
      if (adhoc) auditor.forget(adhoc.key);
      auditor.prune();
      for (const p of projects.all()) if (!p.adhoc) auditor.schedule(p);
    }
    const hit = projectForUri(e.document.uri);
    if (hit) auditor.schedule(hit.project, 0);
    // TextDocument builds its line index on first use, which is the first keystroke's update: build it now.
    e.document.positionAt(0);
  });

  documents.onDidChangeContent((e) => {
    const path = uriToPath(e.document.uri);
    // TextDocuments also fires this right after onDidOpen, for the same version: nothing new then.
    if (!path || !projects.isOpen(path) || projects.openVersion(path) === e.document.version) return;
    projects.openDocument({ path, text: e.document.getText(), version: e.document.version });
    const p = projects.projectOf(path);
    if (p) auditor.schedule(p);
  });

  documents.onDidClose((e) => {
    const path = uriToPath(e.document.uri);
    if (!path) return;
    projects.closeDocument(path);
    projects.invalidate(path);
    const adhoc = projects.removeAdhoc(path);
    if (adhoc) auditor.forget(adhoc.key);
    else {
      const p = projects.projectOf(path);
      if (p) auditor.schedule(p); // back to the disk content
    }
  });

  connection.onDidChangeWatchedFiles((e) => {
    let structural = false;
    const touched = new Set<Project>();
    for (const ch of e.changes) {
      const path = uriToPath(ch.uri);
      if (!path) continue;
      projects.invalidate(path);
      // A Prisma migration lock decides which migrations are audited, Supabase's config.toml which
      // schemas are exposed, a Diesel metadata.toml whether a migration runs in a transaction (rare:
      // re-audit everything).
      if (isConfigPath(path) || path.endsWith('/migration_lock.toml') || path.endsWith('/supabase/config.toml') || path.endsWith('/metadata.toml')) {
        structural = true;
        continue;
      }
      if (isCodePath(path)) {
        // A query changed: re-audit the projects that read it. A new or deleted file (outside the
        // folders discovery skips) changes which files are read: discover again.
        if (ch.type === FileChangeType.Changed) for (const p of projects.projectsOfCode(path)) touched.add(p);
        else if (projects.discoverable(path)) structural = true;
        continue;
      }
      if (ch.type !== FileChangeType.Changed) structural = true;
      const p = projects.projectOf(path);
      if (p) touched.add(p);
    }
    if (structural) {
      projects.invalidateConfig();
      projects.discoverAll();
      auditor.prune();
      for (const p of projects.all()) auditor.schedule(p);
    } else {
      for (const p of touched) auditor.schedule(p);
    }
  });

  connection.onCodeAction(async (params) => {
    const hit = projectForUri(params.textDocument.uri);
    if (!hit) {
      if (logFile) log(`codeAction: no project for ${params.textDocument.uri}`);
      return [];
    }
    const snap = await auditor.flush(hit.project);
    if (!snap) return [];
    try {
      const actions = codeActions(snap, hit.path, params, target);
      if (logFile) {
        log(`codeAction ${hit.path} ${JSON.stringify(params.range)} only=${JSON.stringify(params.context.only)} findings=${snap.byFile.get(hit.path)?.length ?? 0} → ${actions.length}`);
      }
      return actions;
    } catch (e) {
      log(`codeAction failed: ${e instanceof Error ? e.stack : String(e)}`);
      return [];
    }
  });

  connection.onHover(async (params) => {
    const hit = projectForUri(params.textDocument.uri);
    if (!hit) return null;
    const snap = await auditor.flush(hit.project);
    if (!snap) return null;
    return hover(snap, hit.path, params.position);
  });

  connection.onRequest(RERUN_REQUEST, async () => {
    projects.invalidateConfig();
    for (const p of projects.all()) {
      if (p.adhoc) continue;
      const { locks, supabaseConfigs, migrationMetadata } = migrationSetFiles(p.layout.migrationFiles);
      for (const f of [...p.layout.schemaFiles, ...p.layout.migrationFiles, ...locks, ...supabaseConfigs, ...migrationMetadata]) projects.invalidate(f);
    }
    return auditWorkspace('Schema Insight: re-running the audit', true);
  });

  connection.onRequest(RULES_REQUEST, () =>
    ALL_RULES.map((r) => ({
      id: r.id,
      title: r.title,
      category: r.category,
      defaultSeverity: r.defaultSeverity,
      docUrl: ruleDocUrl(r.id),
      markdown: renderRuleMarkdown(r),
    })),
  );

  connection.onRequest(REPORT_REQUEST, async (params: ReportParams | null) => {
    const format: ReportFormat = params?.format && ['markdown', 'html', 'json', 'sarif'].includes(params.format) ? params.format : 'markdown';
    let list: Project[];
    if (params?.uri) {
      const hit = projectForUri(params.uri);
      list = hit ? [hit.project] : [];
    } else list = projects.all().filter((p) => !p.adhoc);
    if (!list.length) list = [...projects.all()];
    const root = list.length === 1 ? list[0].layout.root : (projects.folders[0] ?? list[0]?.layout.root ?? process.cwd());
    const rel = (abs: string) => displayPath(root, abs);
    const findings: Finding[] = [];
    const files: Array<{ path: string; kind: string }> = [];
    const ruleErrors: Record<string, string> = {};
    const inventory: NonNullable<ReportInput['inventory']> = [];
    for (const p of list) {
      const snap = await auditor.flush(p);
      if (!snap) continue;
      Object.assign(ruleErrors, snap.ruleErrors);
      if (snap.sql) for (const row of migrationInventory(snap.sql)) inventory.push({ ...row, file: rel(row.file) });
      for (const f of snap.findings) findings.push(relativeFinding(f, rel));
      for (const f of p.layout.schemaFiles) files.push({ path: rel(f), kind: 'prisma' });
      // Left-out files (another database's dialect) are not listed as audited.
      for (const f of p.layout.migrationFiles) if (!snap.notAudited.has(f)) files.push({ path: rel(f), kind: 'migration' });
      if (p.layout.configFile) files.push({ path: rel(p.layout.configFile), kind: 'config' });
    }
    const content = renderReport(
      format,
      { root: basename(root) || root, files, findings, toolVersion: process.env.SCHEMA_INSIGHT_VERSION ?? 'dev', ruleErrors, ...(inventory.length ? { inventory } : {}) },
      { cspNonce: params?.cspNonce, styleHref: params?.styleHref },
    );
    return { format, content, counts: auditor.counts() };
  });

  documents.listen(connection);
  connection.listen();
}
