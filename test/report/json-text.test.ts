/**
 * The JSON contract and the text (CLI default) format, on real audit() results: a small schema with a
 * migration written here, and civitai's schema from the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES_BY_ID } from '../../server/src/analysis/rules';
import type { Finding } from '../../server/src/analysis/types';
import { renderReport, type ReportInput } from '../../server/src/report';
import { civitaiAudit, smallAudit, sqlFinding } from './fixture';

const TOP_KEYS = ['tool', 'root', 'files', 'findings', 'summary'];
const FINDING_KEYS = ['rule', 'severity', 'priority', 'message', 'file', 'range', 'subject', 'fixes'];
const OPTIONAL_FINDING_KEYS = ['migration', 'tags', 'related', 'data'];
const SUBJECT_KEYS = ['model', 'field', 'enum', 'table', 'column', 'index', 'policy'];
const FIX_OPTIONAL_KEYS = ['fileOperations', 'isPreferred', 'safe'];

function assertPosition(p: unknown, where: string) {
  assert.deepEqual(Object.keys(p as object), ['line', 'character'], where);
  const { line, character } = p as { line: number; character: number };
  assert.ok(Number.isInteger(line) && line >= 0, `${where}: line ${line}`);
  assert.ok(Number.isInteger(character) && character >= 0, `${where}: character ${character}`);
}

function assertRange(r: unknown, where: string) {
  assert.deepEqual(Object.keys(r as object), ['start', 'end'], where);
  const range = r as { start: unknown; end: unknown };
  assertPosition(range.start, `${where}.start`);
  assertPosition(range.end, `${where}.end`);
}

function assertRelativePath(p: unknown, where: string) {
  assert.equal(typeof p, 'string', where);
  const s = p as string;
  assert.ok(!s.includes('\\'), `${where}: backslash in ${s}`);
  assert.ok(!s.startsWith('/') && !/^[A-Za-z]:/.test(s), `${where}: absolute path ${s}`);
}

/** Checks the whole JSON document against the contract and against the findings it was made from. */
function checkJsonContract(input: ReportInput) {
  const text = renderReport('json', input);
  assert.ok(text.startsWith('{\n  "tool": {\n    "name": "schema-insight",'), 'pretty-printed, tool first');
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc), TOP_KEYS);
  assert.deepEqual(doc.tool, { name: 'schema-insight', version: input.toolVersion });
  assert.equal(doc.root, input.root);
  assert.equal(doc.files.length, input.files.length);
  for (const f of doc.files) {
    assert.deepEqual(Object.keys(f), ['path', 'kind']);
    assertRelativePath(f.path, 'files[].path');
    assert.equal(typeof f.kind, 'string');
  }
  assert.deepEqual(
    doc.files.map((f: { path: string }) => f.path),
    input.files.map((f) => f.path).sort(),
    'files sorted by path',
  );

  assert.equal(doc.findings.length, input.findings.length);
  const summary = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const [i, f] of (doc.findings as Array<Record<string, unknown>>).entries()) {
    const where = `findings[${i}]`;
    const keys = Object.keys(f);
    assert.deepEqual(keys.slice(0, FINDING_KEYS.length), FINDING_KEYS, `${where} key order`);
    for (const k of keys.slice(FINDING_KEYS.length)) assert.ok(OPTIONAL_FINDING_KEYS.includes(k), `${where}: unexpected key ${k}`);
    assert.ok(RULES_BY_ID.has(f.rule as string) || f.rule === 'example-unregistered-rule', `${where}: unknown rule ${f.rule}`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity as string));
    assert.equal(f.priority, f.severity === 'error' ? 'P1' : f.severity === 'warning' ? 'P2' : 'P3', `${where}: priority`);
    summary[f.severity as keyof typeof summary]++;
    assert.equal(typeof f.message, 'string');
    assertRelativePath(f.file, `${where}.file`);
    assertRange(f.range, `${where}.range`);
    const subject = f.subject as Record<string, unknown>;
    const order = Object.keys(subject).map((k) => SUBJECT_KEYS.indexOf(k));
    assert.ok(order.every((x) => x >= 0), `${where}: subject keys ${Object.keys(subject)}`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `${where}: subject key order`);
    for (const v of Object.values(subject)) assert.equal(typeof v, 'string');
    for (const fix of f.fixes as Array<Record<string, unknown>>) {
      const fk = Object.keys(fix);
      assert.deepEqual(fk.slice(0, 2), ['title', 'edits']);
      const optional = fk.slice(2).map((k) => FIX_OPTIONAL_KEYS.indexOf(k));
      assert.ok(optional.every((x) => x >= 0), `${where}: fix keys ${fk}`);
      assert.deepEqual(optional, [...optional].sort((a, b) => a - b), `${where}: fix key order`);
      if ('isPreferred' in fix) assert.equal(typeof fix.isPreferred, 'boolean');
      if ('safe' in fix) assert.equal(typeof fix.safe, 'boolean');
      for (const e of fix.edits as Array<Record<string, unknown>>) {
        assert.deepEqual(Object.keys(e), ['file', 'range', 'newText']);
        assertRelativePath(e.file, `${where} edit file`);
        assertRange(e.range, `${where} edit range`);
        assert.equal(typeof e.newText, 'string');
      }
    }
    if ('migration' in f) assert.equal(typeof f.migration, 'string');
  }
  assert.deepEqual(doc.summary, summary);
  assert.deepEqual(Object.keys(doc.summary), ['error', 'warning', 'info', 'hint']);

  // Sorted by file / line / column / rule, and positions exactly those of the analysis (0-based UTF-16).
  const sorted = [...input.findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
  doc.findings.forEach((f: Finding, i: number) => {
    const o = sorted[i];
    assert.equal(f.rule, o.rule);
    assert.equal(f.file, o.file);
    assert.deepEqual(f.range, o.range);
    assert.equal(f.message, o.message);
    assert.deepEqual(f.fixes.map((x) => x.edits), o.fixes.map((x) => x.edits));
    assert.deepEqual(f.fixes.map((x) => [x.isPreferred, x.safe]), o.fixes.map((x) => [x.isPreferred, x.safe]), 'isPreferred and safe as the rule set them');
  });
  // Stable: the same input in another order renders byte-identical output.
  assert.equal(renderReport('json', { ...input, findings: [...input.findings].reverse(), files: [...input.files].reverse() }), text);
  return doc;
}

describe('json report', () => {
  it('matches the contract on a small audited schema (with a SQL finding carrying migration and file operations)', async () => {
    const { input } = await smallAudit();
    assert.ok(input.findings.some((f) => f.rule === 'missing-fk-index'), 'the small schema triggers missing-fk-index');
    const doc = checkJsonContract({ ...input, findings: [...input.findings, sqlFinding()] });
    const fk = doc.findings.find((f: Finding) => f.rule === 'missing-fk-index');
    assert.deepEqual(fk.subject, { model: 'Post', field: 'authorId' });
    // Line of `author User @relation(...)` in the small schema, 0-based.
    assert.equal(fk.range.start.line, 15);
    const sql = doc.findings.find((f: Finding) => f.rule === 'example-unregistered-rule');
    assert.equal(sql.migration, '20240101000000_init');
    assert.deepEqual(sql.fixes[0].fileOperations[0], {
      kind: 'create',
      file: 'prisma/migrations/20240101000000_init/down.sql',
      content: 'DROP TABLE "Post";\nDROP TABLE "User";\n',
    });
    assert.deepEqual(sql.fixes[0].fileOperations[1], { kind: 'rename', file: 'prisma/migrations/x.sql', newFile: 'prisma/migrations/y.sql' });
  });

  it('matches the contract on the civitai corpus schema', () => {
    const { input } = civitaiAudit();
    assert.ok(input.findings.length > 100, `civitai has hundreds of findings (got ${input.findings.length})`);
    const doc = checkJsonContract(input);
    assert.equal(doc.files[0].path, 'packages/civitai-db-schema/prisma/schema.full.prisma');
  });

  it('writes an empty findings list and zero summary when there is nothing to report', () => {
    const doc = JSON.parse(renderReport('json', { root: 'x', files: [], findings: [], toolVersion: '0' }));
    assert.deepEqual(doc, { tool: { name: 'schema-insight', version: '0' }, root: 'x', files: [], findings: [], summary: { error: 0, warning: 0, info: 0, hint: 0 } });
  });
});

const LINE = /^(.+):(\d+):(\d+): (error|warning|info|hint) (\S+) (.+)$/;

describe('text report', () => {
  it('prints one gcc-style line per finding with 1-based positions, then the summary', async () => {
    const { input } = await smallAudit();
    const out = renderReport('text', input);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, input.findings.length + 1);
    const sorted = [...input.findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : 1));
    lines.slice(0, -1).forEach((l, i) => {
      const m = LINE.exec(l);
      assert.ok(m, `not gcc-style: ${l}`);
      const f = sorted[i];
      assert.equal(m[1], f.file);
      assert.equal(Number(m[2]), f.range.start.line + 1);
      assert.equal(Number(m[3]), f.range.start.character + 1);
      assert.equal(m[4], f.severity);
      assert.equal(m[5], f.rule);
      assert.equal(m[6], f.message.replace(/\n/g, ' '));
    });
    const n = (s: string) => input.findings.filter((f) => f.severity === s).length;
    const p = (s: string) => input.findings.filter((f) => f.priority === s).length;
    const total = input.findings.length;
    assert.equal(
      lines.at(-1),
      `${total} finding${total === 1 ? '' : 's'}: ${n('error')} error${n('error') === 1 ? '' : 's'}, ${n('warning')} warning${n('warning') === 1 ? '' : 's'}, ${n('info')} info, ${n('hint')} hint${n('hint') === 1 ? '' : 's'} (P1: ${p('P1')}, P2: ${p('P2')}, P3: ${p('P3')})`,
    );
    assert.ok(!out.includes('\u001b['), 'no colour unless asked');
  });

  it('summary counts on civitai match the findings, and colour is ANSI only when asked', () => {
    const { input } = civitaiAudit();
    const plain = renderReport('text', input);
    const summary = plain.trimEnd().split('\n').at(-1)!;
    const m = /^(\d+) findings: (\d+) errors?, (\d+) warnings?, (\d+) info, (\d+) hints? \(P1: (\d+), P2: (\d+), P3: (\d+)\)$/.exec(summary);
    assert.ok(m, summary);
    const count = (pred: (f: Finding) => boolean) => input.findings.filter(pred).length;
    assert.deepEqual(m.slice(1).map(Number), [
      input.findings.length,
      count((f) => f.severity === 'error'),
      count((f) => f.severity === 'warning'),
      count((f) => f.severity === 'info'),
      count((f) => f.severity === 'hint'),
      count((f) => f.priority === 'P1'),
      count((f) => f.priority === 'P2'),
      count((f) => f.priority === 'P3'),
    ]);
    const colored = renderReport('text', input, { color: true });
    assert.ok(colored.includes('\u001b[33mwarning\u001b[0m'));
    // eslint-disable-next-line no-control-regex
    assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), plain);
  });

  it('says "No findings" when there are none, and uses the singular for one finding', async () => {
    const none = renderReport('text', { root: 'x', files: [{ path: 'schema.prisma', kind: 'prisma' }], findings: [], toolVersion: '0' });
    assert.match(none, /^No findings \(1 Prisma schema file audited\)\.\n$/);
    const { input } = await smallAudit();
    const one = renderReport('text', { ...input, findings: input.findings.slice(0, 1) });
    assert.match(one.trimEnd().split('\n').at(-1)!, /^1 finding: /);
  });

  it('prefixes paths when asked and keeps each finding on one line', async () => {
    const { input } = await smallAudit();
    const f = { ...input.findings[0], message: 'two\nlines' };
    const out = renderReport('text', { ...input, findings: [f] }, { pathPrefix: 'examples/acme/' });
    assert.equal(out.split('\n')[0], `examples/acme/${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule} two lines`);
  });
});
