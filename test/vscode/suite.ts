/**
 * The in-extension-host suite (@vscode/test-electron): runs inside a real VS Code with the extension
 * under development loaded, against the workspace the runner opens (a copy of a small schema).
 * Bundled by scripts/test-vscode.mjs to out/test-vscode/suite.js; no mocha: a tiny sequential runner.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const tests: Array<{ name: string; fn: () => Promise<void> }> = [];
const it = (name: string, fn: () => Promise<void>) => tests.push({ name, fn });

async function until<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function schemaUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'prisma', 'schema.prisma');
}

it('activates on a Prisma file and publishes diagnostics with rule ids', async () => {
  const doc = await vscode.workspace.openTextDocument(schemaUri());
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'prisma');
  const diags = await until('diagnostics', () => {
    const d = vscode.languages.getDiagnostics(doc.uri);
    return d.some((x) => x.source === 'schema-insight') ? d : null;
  });
  const codes = diags.map((d) => (typeof d.code === 'object' ? d.code.value : d.code));
  assert.ok(codes.includes('missing-fk-index'), codes.join(','));
});

it('offers the Add @@index quick fix and applying it removes the finding', async () => {
  const doc = await vscode.workspace.openTextDocument(schemaUri());
  const fk = vscode.languages.getDiagnostics(doc.uri).find((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'missing-fk-index');
  assert.ok(fk);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, fk.range);
  const add = actions.find((a) => a.title.startsWith('Add @@index'));
  assert.ok(add?.edit, actions.map((a) => a.title).join('\n'));
  assert.ok(await vscode.workspace.applyEdit(add.edit));
  assert.match(doc.getText(), /@@index\(\[authorId\]\)/);
  await until('the finding to disappear', () =>
    !vscode.languages.getDiagnostics(doc.uri).some((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'missing-fk-index'),
  );
});

it('hovers show the model card', async () => {
  const doc = await vscode.workspace.openTextDocument(schemaUri());
  const line = doc.getText().split('\n').findIndex((l) => l.startsWith('model User'));
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 7));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /Primary key/);
});

it('contributes the Schema Insight commands', async () => {
  const all = await vscode.commands.getCommands(true);
  for (const c of ['schemaInsight.exportReport', 'schemaInsight.showReport', 'schemaInsight.rerun', 'schemaInsight.explainRule']) assert.ok(all.includes(c), c);
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const t of tests) {
    try {
      await t.fn();
      console.log(`ok - ${t.name}`);
    } catch (e) {
      failures.push(t.name);
      console.error(`not ok - ${t.name}\n${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  if (failures.length) throw new Error(`${failures.length} of ${tests.length} tests failed`);
}
