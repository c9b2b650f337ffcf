/**
 * The VS Code side of Schema Insight: starts the language server (dist/server.js over stdio), and adds
 * the commands (Export Audit Report…, Show Audit Report, Re-run Audit, Explain Rule…) and the status
 * bar item with the finding counts.
 *
 * Prisma language contribution: package.json contributes the language id `prisma` (`.prisma`) with
 * `syntaxes/prisma.tmLanguage.json` (scope `source.prisma`) and `language-configuration.json`, so the
 * extension works alone. With the official Prisma extension installed nothing is duplicated: VS Code
 * merges contributions of the same language id into one language (extensions and aliases are a union,
 * the language configurations are merged), and a grammar is keyed by its scope name, so our
 * `source.prisma` and Prisma's `source.prisma` are one grammar entry (the later registration wins;
 * both highlight the same language). There is one "Prisma" in the language picker either way.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Counts } from '../../server/src/lsp/audits';
import serverNodeFlags from '../../server/node-flags.json';
import { reportWebviewHtml } from './webview';

type ReportFormat = 'markdown' | 'html' | 'json' | 'sarif';

interface RuleInfo {
  id: string;
  title: string;
  category: string;
  defaultSeverity: string;
  docUrl: string;
  markdown: string;
}

const FORMATS: Array<{ label: string; format: ReportFormat; ext: string; description: string }> = [
  { label: 'Markdown', format: 'markdown', ext: 'md', description: 'audit-report.md' },
  { label: 'HTML', format: 'html', ext: 'html', description: 'audit-report.html (self-contained)' },
  { label: 'JSON', format: 'json', ext: 'json', description: 'audit-report.json (machine-readable)' },
  { label: 'SARIF', format: 'sarif', ext: 'sarif', description: 'audit-report.sarif (GitHub code scanning)' },
];

const RULE_SCHEME = 'schema-insight-rule';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // stdio: the server then re-sends unchanged diagnostics as cached bytes (server/src/lsp/encoder.ts),
  // which Node's IPC channel (JSON.stringify of every message) cannot.
  // server/node-flags.json: V8 heap settings the server starts with (they cannot be set once it runs;
  // scripts/bench-lsp.mjs starts it the same way).
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: serverNodeFlags } },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...serverNodeFlags, '--nolazy', '--inspect=6019'] } },
  };
  const settings = vscode.workspace.getConfiguration('schemaInsight');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'prisma' },
      { scheme: 'file', language: 'sql' },
      { scheme: 'untitled', language: 'prisma' },
    ],
    initializationOptions: {
      enable: settings.get<boolean>('enable', true),
      rules: settings.get<Record<string, string>>('rules', {}),
      debounceMs: settings.get<number>('debounceMs', 150),
    },
    outputChannelName: 'Schema Insight',
  };
  client = new LanguageClient('schemaInsight', 'Schema Insight', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem('schemaInsight.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Schema Insight';
  status.command = 'schemaInsight.showReport';
  status.text = '$(loading~spin) Schema Insight';
  status.tooltip = 'Schema Insight: auditing…';
  status.show();
  context.subscriptions.push(status);

  const rulesDocs = new Map<string, string>();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, {
      provideTextDocumentContent: (uri) => rulesDocs.get(uri.path.replace(/^\//, '').replace(/\.md$/, '')) ?? '',
    }),
  );

  const requestReport = async (format: ReportFormat, extra: { cspNonce?: string; styleHref?: string } = {}): Promise<string> => {
    const c = await ready();
    const res = await c.sendRequest<{ content: string }>('schemaInsight/report', { format, ...extra });
    return res.content;
  };

  const ready = async (): Promise<LanguageClient> => {
    if (!client) throw new Error('Schema Insight is not running.');
    if (!client.isRunning()) await client.start();
    return client;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('schemaInsight.exportReport', async () => {
      const pick = await vscode.window.showQuickPick(
        FORMATS.map((f) => ({ ...f })),
        { title: 'Export Audit Report', placeHolder: 'Report format' },
      );
      if (!pick) return;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: 'Export Audit Report',
        defaultUri: folder ? vscode.Uri.joinPath(folder, `audit-report.${pick.ext}`) : undefined,
        filters: { [pick.label]: [pick.ext] },
        saveLabel: 'Export',
      });
      if (!target) return;
      const content = await requestReport(pick.format);
      await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
      const doc = await vscode.workspace.openTextDocument(target);
      await vscode.window.showTextDocument(doc, { preview: false });
      void vscode.window.showInformationMessage(`Schema Insight: audit report written to ${vscode.workspace.asRelativePath(target)}`);
    }),

    vscode.commands.registerCommand('schemaInsight.showReport', async () => {
      const panel = vscode.window.createWebviewPanel('schemaInsight.report', 'Schema Insight: Audit Report', vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')],
      });
      const nonce = makeNonce();
      const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'report.css'));
      // The report embeds its own stylesheet in a nonce-carrying <style>; media/report.css is linked after it.
      const html = await requestReport('html', { cspNonce: nonce });
      panel.webview.html = reportWebviewHtml(html, { cspSource: panel.webview.cspSource, cssHref: css.toString(), nonce });
    }),

    vscode.commands.registerCommand('schemaInsight.rerun', async () => {
      const c = await ready();
      const counts = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Schema Insight: re-running the audit' },
        () => c.sendRequest<Counts>('schemaInsight/rerun'),
      );
      showCounts(status, counts);
      return counts;
    }),

    vscode.commands.registerCommand('schemaInsight.explainRule', async (id?: string) => {
      const c = await ready();
      const rules = await c.sendRequest<RuleInfo[]>('schemaInsight/rules');
      for (const r of rules) rulesDocs.set(r.id, r.markdown);
      let ruleId = typeof id === 'string' ? id : undefined;
      if (!ruleId) {
        const pick = await vscode.window.showQuickPick(
          rules.map((r) => ({ label: r.id, description: r.category, detail: r.title })),
          { title: 'Explain Rule', placeHolder: 'Rule', matchOnDescription: true, matchOnDetail: true },
        );
        ruleId = pick?.label;
      }
      if (!ruleId || !rulesDocs.has(ruleId)) return;
      const uri = vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${ruleId}.md` });
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }),

    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('schemaInsight.enable')) {
        const enabled = vscode.workspace.getConfiguration('schemaInsight').get<boolean>('enable', true);
        if (!enabled) {
          status.text = '$(circle-slash) Schema Insight';
          status.tooltip = 'Schema Insight is disabled (schemaInsight.enable)';
        }
      }
    }),
  );

  // Registered before start so the counts of the startup audit are not missed; stopped in deactivate().
  context.subscriptions.push(client.onNotification('schemaInsight/counts', (c: Counts) => showCounts(status, c)));
  await client.start();
}

function showCounts(status: vscode.StatusBarItem, c: Counts): void {
  const enabled = vscode.workspace.getConfiguration('schemaInsight').get<boolean>('enable', true);
  if (!enabled) {
    status.text = '$(circle-slash) Schema Insight';
    status.tooltip = 'Schema Insight is disabled (schemaInsight.enable)';
    return;
  }
  status.text = `$(database) $(error) ${c.error} $(warning) ${c.warning} $(info) ${c.info + c.hint}`;
  status.tooltip = `Schema Insight: ${c.total} finding${c.total === 1 ? '' : 's'} (${c.error} errors, ${c.warning} warnings, ${c.info} info, ${c.hint} hints) in ${c.files} file${c.files === 1 ? '' : 's'}. Click to open the audit report.`;
  status.accessibilityInformation = { label: status.tooltip };
}

function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x');
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
