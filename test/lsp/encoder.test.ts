import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { diagnosticsEncoder } from '../../server/src/lsp/encoder';

const opts = { charset: 'utf-8' as const };

async function bytes(enc: ReturnType<typeof diagnosticsEncoder>, msg: unknown): Promise<string> {
  return Buffer.from(await enc.encode(msg as Message, opts)).toString('utf8');
}

function diag(i: number, extra: Record<string, unknown> = {}) {
  return {
    range: { start: { line: i, character: 2 }, end: { line: i, character: 9 } },
    severity: 2,
    code: 'missing-fk-index',
    codeDescription: { href: 'https://example.test/rules/missing-fk-index' },
    source: 'schema-insight',
    message: `Model \`Café${i}\` → \`User\`: "quoted" \\ back\tslash\n2nd line \u2028 ✓ 😀`,
    data: { rule: 'missing-fk-index' },
    ...extra,
  };
}

test('publishDiagnostics is encoded byte for byte as JSON.stringify would, other messages unchanged', async () => {
  const enc = diagnosticsEncoder();
  const diagnostics = [diag(0), diag(1, { tags: [1], relatedInformation: [{ location: { uri: 'file:///a%20b.prisma', range: diag(3).range }, message: 'x' }] }), diag(2, { skipped: undefined })];
  const messages: unknown[] = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/sch%C3%A9ma.prisma', version: 7, diagnostics } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/a.sql', diagnostics: [] } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/a.sql', version: undefined, diagnostics: [diag(5), undefined] } },
    // params not last, extra fields: still the same bytes
    { params: { diagnostics: [diag(6)], uri: 'file:///x' }, method: 'textDocument/publishDiagnostics', jsonrpc: '2.0' },
    { jsonrpc: '2.0', id: 3, result: { contents: { kind: 'markdown', value: 'é → ✓' } } },
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'hello' } },
  ];
  for (const m of messages) assert.equal(await bytes(enc, m), JSON.stringify(m), JSON.stringify(m).slice(0, 80));
});

test('an unchanged diagnostic object is serialized once, then re-sent from cache', async () => {
  const enc = diagnosticsEncoder();
  const diagnostics = Array.from({ length: 50 }, (_, i) => diag(i));
  const msg = (list: unknown[]) => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///s.prisma', version: 1, diagnostics: list } });
  assert.equal(await bytes(enc, msg(diagnostics)), JSON.stringify(msg(diagnostics)));
  assert.equal(enc.serialized, 50);
  // One finding changed (a new object), one removed: only the new one is serialized.
  const next = [...diagnostics.slice(0, 10), diag(99), ...diagnostics.slice(12)];
  assert.equal(await bytes(enc, msg(next)), JSON.stringify(msg(next)));
  assert.equal(enc.serialized, 51);
  // A cached item moves to the front of the array, and the front one further back (the comma is not part of it).
  const moved = [diagnostics[20], diagnostics[0], diagnostics[21]];
  assert.equal(await bytes(enc, msg(moved)), JSON.stringify(msg(moved)));
  assert.equal(await bytes(enc, msg([diagnostics[20]])), JSON.stringify(msg([diagnostics[20]])));
  assert.equal(enc.serialized, 51);
});
