/**
 * SARIF 2.1.0: validated against the OASIS JSON schema (fixtures/sarif-2.1.0-rtm.5.json, draft-04,
 * checked with Ajv), plus the fields GitHub code scanning needs, and fingerprints that survive lines
 * moving.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { ruleDocUrl } from '../../server/src/analysis/docs';
import { ALL_RULES } from '../../server/src/analysis/rules';
import type { Finding } from '../../server/src/analysis/types';
import { renderReport, type ReportInput } from '../../server/src/report';
import { civitaiAudit, hostileInput, SHIFT, smallAudit, sqlFinding } from './fixture';

/** The draft-04 schema made readable by Ajv 8 (`id` → `$id`; no other draft-04-only keyword is used). */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  assert.ok(!JSON.stringify(schema).includes('exclusiveMinimum'), 'no draft-04 boolean exclusiveMinimum to convert');
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}
const validate = sarifValidator();

function assertValid(doc: unknown) {
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

type Sarif = ReturnType<typeof JSON.parse>;

function checkGithubFields(doc: Sarif, input: ReportInput) {
  assert.equal(doc.version, '2.1.0');
  assert.match(doc.$schema, /sarif-2\.1\.0/);
  assert.equal(doc.runs.length, 1);
  const run = doc.runs[0];
  assert.equal(run.columnKind, 'utf16CodeUnits');
  const driver = run.tool.driver;
  assert.equal(driver.name, 'schema-insight');
  assert.equal(driver.version, input.toolVersion);
  assert.match(driver.informationUri, /^https:\/\//);
  const ids = driver.rules.map((r: { id: string }) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids unique');
  for (const r of ALL_RULES) assert.ok(ids.includes(r.id), `rule ${r.id} described`);
  for (const r of driver.rules) {
    assert.equal(typeof r.name, 'string');
    assert.ok(r.shortDescription.text.length > 0);
    assert.ok(r.fullDescription.text.length > 0);
    assert.ok(r.help.text.length > 0 && r.help.markdown.length > 0);
    assert.equal(r.helpUri, ruleDocUrl(r.id));
    assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    assert.ok(Array.isArray(r.properties.tags) && r.properties.tags.includes(r.properties.category));
    const rule = ALL_RULES.find((x) => x.id === r.id);
    if (r.properties['security-severity'] !== undefined) {
      // GitHub ranks security alerts by this score (a number as a string) and shows the `security` tag.
      assert.match(r.properties['security-severity'], /^\d+\.\d$/, r.id);
      assert.ok(r.properties.tags.includes('security'), r.id);
      assert.ok(['Security', 'Row Level Security'].includes(r.properties.category), r.id);
    }
    if (['rls-disabled', 'plaintext-secret'].includes(r.id)) assert.ok(r.properties['security-severity'], `${r.id} is a security rule`);
    if (r.id === 'rls-initplan') assert.equal(r.properties['security-severity'], undefined, 'rls-initplan is about performance');
    assert.ok(['error', 'warning', 'recommendation'].includes(r.properties['problem.severity']), r.id);
    if (rule) {
      assert.equal(r.shortDescription.text, rule.title);
      assert.ok(r.help.markdown.includes(rule.docs.whyItMatters), `${r.id}: help.markdown carries the rule docs`);
      assert.ok(r.help.text.includes(rule.docs.whyItMatters));
    }
  }
  const findings = [...input.findings].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : 1),
  );
  assert.equal(run.results.length, findings.length);
  const prints = new Set<string>();
  run.results.forEach((res: Sarif, i: number) => {
    const f = findings[i];
    assert.equal(res.ruleId, f.rule);
    assert.equal(driver.rules[res.ruleIndex].id, f.rule, 'ruleIndex points at the rule');
    assert.equal(res.level, f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note');
    assert.equal(res.message.text, f.message);
    assert.equal(res.locations.length, 1);
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.equal(decodeURIComponent(loc.artifactLocation.uri), f.file);
    assert.ok(!/^[a-z]+:/i.test(loc.artifactLocation.uri) && !loc.artifactLocation.uri.startsWith('/'), 'relative uri');
    assert.deepEqual(loc.region, {
      startLine: f.range.start.line + 1,
      startColumn: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
    });
    const fp = Object.values(res.partialFingerprints) as string[];
    assert.equal(fp.length, 1);
    assert.ok(!prints.has(fp[0]), `fingerprint unique: ${fp[0]}`);
    prints.add(fp[0]);
    const withChanges = f.fixes.filter((x) => x.edits.length || x.fileOperations?.some((o) => o.kind === 'create'));
    assert.equal(res.fixes?.length ?? 0, withChanges.length);
    withChanges.forEach((fix, j) => {
      const sf = res.fixes[j];
      assert.ok(sf.description.text.startsWith(fix.title));
      const reps = sf.artifactChanges.flatMap((c: Sarif) => c.replacements.map((r: Sarif) => ({ uri: c.artifactLocation.uri, ...r })));
      for (const e of fix.edits) {
        assert.ok(
          reps.some(
            (r: Sarif) =>
              decodeURIComponent(r.uri) === e.file &&
              r.deletedRegion.startLine === e.range.start.line + 1 &&
              r.deletedRegion.startColumn === e.range.start.character + 1 &&
              r.deletedRegion.endLine === e.range.end.line + 1 &&
              r.deletedRegion.endColumn === e.range.end.character + 1 &&
              (r.insertedContent?.text ?? '') === e.newText,
          ),
          `edit of ${fix.title} present`,
        );
      }
    });
  });
}

/** Fingerprint per result, keyed by rule + subject + ordinal (what must match across runs). */
function fingerprints(doc: Sarif): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of doc.runs[0].results) {
    const key = `${r.ruleId} ${JSON.stringify(r.properties.subject)} ${Object.values(r.partialFingerprints)[0]}`;
    out.set(key, Object.values(r.partialFingerprints)[0] as string);
  }
  return out;
}

describe('sarif report', () => {
  it('is valid SARIF 2.1.0 with everything GitHub code scanning reads (small schema + SQL finding)', async () => {
    const { input } = await smallAudit();
    const full = { ...input, findings: [...input.findings, sqlFinding()] };
    const doc = JSON.parse(renderReport('sarif', full));
    assertValid(doc);
    checkGithubFields(doc, full);
    // unknown rule ids (not registered yet) get a descriptor too
    const sql = doc.runs[0].results.find((r: Sarif) => r.ruleId === 'example-unregistered-rule');
    assert.equal(doc.runs[0].tool.driver.rules[sql.ruleIndex].id, 'example-unregistered-rule');
    assert.equal(sql.properties.migration, '20240101000000_init');
    // the generated rollback script is a change that creates the file
    assert.equal(sql.fixes[0].artifactChanges[0].artifactLocation.uri, 'prisma/migrations/20240101000000_init/down.sql');
    assert.equal(sql.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, 'DROP TABLE "Post";\nDROP TABLE "User";\n');
  });

  it('is valid on civitai (hundreds of results) and on hostile strings / odd paths', () => {
    const { input } = civitaiAudit();
    const doc = JSON.parse(renderReport('sarif', input));
    assertValid(doc);
    checkGithubFields(doc, input);
    const hostile = hostileInput();
    const hdoc = JSON.parse(renderReport('sarif', hostile));
    assertValid(hdoc);
    const uri = hdoc.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri as string;
    assert.ok(!/[\s<>"]/.test(uri), `uri is percent-encoded: ${uri}`);
    assert.equal(decodeURIComponent(uri), hostile.findings[0].file);
    assert.equal(hdoc.runs[0].invocations[0].executionSuccessful, false, 'a failing rule is reported as a notification');
    assert.equal(hdoc.runs[0].results[0].level, 'note', 'hint → note');
  });

  it('maps every severity to a SARIF level', async () => {
    const { input } = await smallAudit();
    const base = input.findings[0];
    const findings: Finding[] = (['error', 'warning', 'info', 'hint'] as const).map((severity, i) => ({
      ...base,
      severity,
      priority: severity === 'error' ? 'P1' : severity === 'warning' ? 'P2' : 'P3',
      range: { start: { line: i, character: 0 }, end: { line: i, character: 1 } },
    }));
    const doc = JSON.parse(renderReport('sarif', { ...input, findings }));
    assertValid(doc);
    assert.deepEqual(
      doc.runs[0].results.map((r: Sarif) => r.level),
      ['error', 'warning', 'note', 'note'],
    );
  });

  it('keeps fingerprints stable when lines shift, and independent of line numbers', async () => {
    const a = JSON.parse(renderReport('sarif', (await smallAudit()).input));
    const b = JSON.parse(renderReport('sarif', (await smallAudit(SHIFT)).input));
    const shift = SHIFT.split('\n').length - 1;
    assert.ok(a.runs[0].results.filter((r: Sarif) => r.locations[0].physicalLocation.artifactLocation.uri.endsWith('.prisma')).length >= 3);
    assert.equal(a.runs[0].results.length, b.runs[0].results.length);
    a.runs[0].results.forEach((ra: Sarif, i: number) => {
      const rb = b.runs[0].results[i];
      assert.equal(rb.ruleId, ra.ruleId);
      const moved = ra.locations[0].physicalLocation.artifactLocation.uri.endsWith('.prisma') ? shift : 0; // only the schema was shifted
      assert.equal(rb.locations[0].physicalLocation.region.startLine, ra.locations[0].physicalLocation.region.startLine + moved, 'lines moved');
      assert.deepEqual(rb.partialFingerprints, ra.partialFingerprints, `${ra.ruleId}: fingerprint survives the shift`);
    });
    assert.deepEqual([...fingerprints(a).values()].sort(), [...fingerprints(b).values()].sort());
    // and a different subject gives a different fingerprint
    const fk = a.runs[0].results.filter((r: Sarif) => r.ruleId === 'missing-fk-index');
    assert.ok(fk.length >= 2);
    assert.notDeepEqual(fk[0].partialFingerprints, fk[1].partialFingerprints);
  });
});
