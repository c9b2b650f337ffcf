/** The analysis → LSP conversions: diagnostics and workspace edits (file operations, versions). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editsToWorkspaceEdit, pathToUri, rangesIntersect, toDiagnostic, uriToPath, type EditTarget } from '../../server/src/lsp/convert';
import type { Finding } from '../../server/src/analysis/types';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const target = (docChanges: boolean, resources: boolean): EditTarget => ({
  versionOf: (p) => (p === '/w/a.sql' ? 7 : null),
  supportsDocumentChanges: docChanges,
  supportsResourceOperations: resources,
});

test('file operations become CreateFile (+ content) and RenameFile, text edits are versioned', () => {
  const we = editsToWorkspaceEdit(
    [{ file: '/w/a.sql', range: r(0, 0, 0, 0), newText: '-- x\n' }],
    [
      { kind: 'create', file: '/w/rollback/a.sql', content: 'DROP TABLE t;\n' },
      { kind: 'rename', file: '/w/004_b.sql', newFile: '/w/005_b.sql' },
    ],
    target(true, true),
  )!;
  const dc = we.documentChanges!;
  assert.deepEqual(dc[0], { textDocument: { uri: 'file:///w/a.sql', version: 7 }, edits: [{ range: r(0, 0, 0, 0), newText: '-- x\n' }] });
  assert.deepEqual(dc[1], { kind: 'create', uri: 'file:///w/rollback/a.sql', options: { ignoreIfExists: false } });
  assert.deepEqual(dc[2], { textDocument: { uri: 'file:///w/rollback/a.sql', version: null }, edits: [{ range: r(0, 0, 0, 0), newText: 'DROP TABLE t;\n' }] });
  assert.deepEqual(dc[3], { kind: 'rename', oldUri: 'file:///w/004_b.sql', newUri: 'file:///w/005_b.sql', options: { overwrite: false } });
});

test('without resource operations a fix that needs them is not offered; without documentChanges plain changes', () => {
  assert.equal(editsToWorkspaceEdit([], [{ kind: 'create', file: '/w/x.sql', content: '' }], target(true, false)), null);
  const we = editsToWorkspaceEdit([{ file: '/w/a.sql', range: r(1, 0, 1, 2), newText: '' }], [], target(false, false))!;
  assert.deepEqual(we, { changes: { 'file:///w/a.sql': [{ range: r(1, 0, 1, 2), newText: '' }] } });
});

test('diagnostic shape: code, href, source, severity, Unnecessary tag, related information', () => {
  const f: Finding = {
    rule: 'redundant-index',
    severity: 'hint',
    priority: 'P3',
    message: 'm',
    file: '/w/s.prisma',
    range: r(3, 2, 3, 20),
    subject: {},
    fixes: [],
    tags: ['unnecessary'],
    related: [{ file: '/w/s.prisma', range: r(1, 0, 1, 4), message: 'covering index' }],
  };
  const d = toDiagnostic(f, (id) => `https://x/${id}.md`);
  assert.equal(d.code, 'redundant-index');
  assert.equal(d.codeDescription?.href, 'https://x/redundant-index.md');
  assert.equal(d.source, 'schema-insight');
  assert.equal(d.severity, 4);
  assert.deepEqual(d.tags, [1]);
  assert.equal(d.relatedInformation?.[0].location.uri, 'file:///w/s.prisma');
});

test('URIs round-trip, including the exact spelling a client used', () => {
  const uri = 'file:///w/My%20Project/schema.prisma';
  assert.equal(uriToPath(uri), '/w/My Project/schema.prisma');
  assert.equal(pathToUri('/w/My Project/schema.prisma'), uri);
  assert.equal(uriToPath('untitled:Untitled-1'), null);
  assert.ok(rangesIntersect(r(1, 0, 1, 5), r(1, 5, 1, 5)), 'a cursor at the end of a finding is on it');
  assert.ok(!rangesIntersect(r(1, 0, 1, 5), r(1, 6, 1, 6)));
});
