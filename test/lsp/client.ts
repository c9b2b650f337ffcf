/**
 * A small LSP test client: spawns `dist/server.js --stdio` and speaks JSON-RPC to it with
 * vscode-jsonrpc (the transport vscode-languageserver itself uses). Collects publishDiagnostics and
 * lets tests wait for a publication that satisfies a predicate (never a fixed sleep).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  Hover,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

export const REPO = resolve(__dirname, '../..');
export const SERVER = join(REPO, 'dist', 'server.js');

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

export interface Publication {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

export interface StartOptions {
  folders?: string[];
  initializationOptions?: Record<string, unknown>;
  /** Client capabilities: default a VS Code-like client (documentChanges, resource operations, progress). */
  capabilities?: Record<string, unknown>;
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly publications: Publication[] = [];
  readonly latest = new Map<string, Publication>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly progress: unknown[] = [];
  stderr = '';
  private waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  exited: number | null = null;

  constructor() {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`node esbuild.mjs\` first`);
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d.toString()));
    this.proc.on('exit', (code) => {
      this.exited = code ?? -1;
      this.wake();
    });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const pub = { uri: p.uri, version: p.version, diagnostics: p.diagnostics, at: performance.now() };
      this.publications.push(pub);
      this.latest.set(p.uri, pub);
      this.wake();
    });
    this.conn.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.wake();
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
      this.wake();
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.conn.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `check()` returns a value (re-checked on every message), or rejects after `ms`. */
  waitFor<T>(what: string, check: () => T | undefined | null | false, ms = 10000): Promise<T> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\nserver stderr:\n${this.stderr}`)), ms);
      const tryIt = () => {
        let v: T | undefined | null | false;
        try {
          v = check();
        } catch (e) {
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (v) {
          clearTimeout(timer);
          resolvePromise(v);
        } else if (this.exited !== null) {
          clearTimeout(timer);
          reject(new Error(`server exited (${this.exited}) while waiting for ${what}\n${this.stderr}`));
        } else this.waiters.push(tryIt);
      };
      tryIt();
    });
  }

  async initialize(opts: StartOptions = {}): Promise<InitializeResult> {
    const folders = opts.folders ?? [];
    const res = (await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? uriOf(folders[0]) : null,
      workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: f.split('/').pop() })),
      initializationOptions: opts.initializationOptions ?? {},
      capabilities: opts.capabilities ?? {
        workspace: {
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          didChangeWatchedFiles: { dynamicRegistration: true },
          configuration: false,
          workspaceFolders: true,
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    })) as InitializeResult;
    await this.conn.sendNotification('initialized', {});
    return res;
  }

  open(path: string, text: string, languageId = path.endsWith('.sql') ? 'sql' : 'prisma'): void {
    this.versions.set(uriOf(path), 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId, version: 1, text } });
  }

  /** Full-text change; returns the new version. */
  change(path: string, text: string): number {
    const uri = uriOf(path);
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return v;
  }

  /** Incremental change; returns the new version. */
  changeRange(path: string, range: Range, text: string): number {
    const uri = uriOf(path);
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range, text }] });
    return v;
  }

  version(path: string): number {
    return this.versions.get(uriOf(path)) ?? 0;
  }

  close(path: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(path) } });
  }

  /** Waits for a publication for `path` (newer than `after`, a count of earlier publications) matching `pred`. */
  waitForDiagnostics(path: string, pred: (d: Diagnostic[], p: Publication) => boolean = () => true, after = 0, ms = 10000): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    return this.waitFor(`diagnostics for ${path}`, () => {
      for (let i = this.publications.length - 1; i >= after; i--) {
        const p = this.publications[i];
        if (p.uri !== uri) continue;
        return pred(p.diagnostics, p) ? p.diagnostics : undefined;
      }
      return undefined;
    }, ms);
  }

  codeActions(path: string, range: Range, only?: string[], diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
    return this.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(path) },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    }) as Promise<CodeAction[]>;
  }

  hover(path: string, line: number, character: number): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: { line, character } }) as Promise<Hover | null>;
  }

  async shutdown(): Promise<void> {
    if (this.exited === null) {
      try {
        await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        void this.conn.sendNotification('exit');
      } catch {
        // already gone
      }
    }
    await new Promise<void>((r) => {
      if (this.exited !== null) return r();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        r();
      }, 3000);
      this.proc.on('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    this.conn.dispose();
  }
}

/** Applies LSP text edits to a text (offsets computed on the original text, applied back to front). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (p.line >= starts.length ? text.length : Math.min(starts[p.line] + p.character, text.length));
  const sorted = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const x of sorted) out = out.slice(0, x.s) + x.t + out.slice(x.e);
  return out;
}

/** The text edits of a WorkspaceEdit for one URI (documentChanges or changes), with the versions they target. */
export function editsFor(edit: WorkspaceEdit, uri: string): { edits: TextEdit[]; versions: Array<number | null> } {
  const edits: TextEdit[] = [];
  const versions: Array<number | null> = [];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) {
      edits.push(...(dc.edits as TextEdit[]));
      versions.push(dc.textDocument.version);
    }
  }
  for (const e of edit.changes?.[uri] ?? []) edits.push(e);
  return { edits, versions };
}
