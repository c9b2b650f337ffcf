/**
 * Incremental audits (`PrismaSession`, what the language server keeps between edits): after any chain
 * of edits, the findings of an audit that reuses the session's parses and models must equal those of
 * an audit from scratch — messages, ranges, fixes and all — on every corpus schema. Edits are what a
 * user types (a character in a field, a `?`, a new attribute, renaming a model, deleting lines) and
 * random damage (braces, comments, pasted blocks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../server/src/analysis/engine';
import { PrismaSession, parsePrismaSchema, type SessionSourceFile } from '../../server/src/analysis/prisma/schema';
import type { SourceFile } from '../../server/src/analysis/types';
import { memoStats } from '../../server/src/analysis/prisma/memo';
import { corpusAvailable, corpusSchema, corpusSchemas } from '../helpers/corpus';
import { prng } from '../helpers/random';

const skipCorpus = !corpusAvailable() && 'corpus not found';

const SNIPPETS = ['x', '?', '[]', ' @unique', ' @default("a")', ' @id', '\n  extra String // a, b, c\n', '\n}\n', '{', '// c', '\n  @@index([id])\n', 'model Tmp {\n  id Int @id\n}\n', '\n'];

/** An edit a user might make: mostly inside field lines, sometimes anywhere. */
function edit(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const r = rnd();
  if (r < 0.6) {
    const fieldLines = lines.map((l, i) => (/^\s+\w+\s+\w/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (fieldLines.length) {
      const i = fieldLines[Math.floor(rnd() * fieldLines.length)];
      const l = lines[i];
      const col = rnd() < 0.5 ? l.search(/\S/) : Math.floor(rnd() * (l.length + 1));
      const k = rnd();
      if (k < 0.5) lines[i] = l.slice(0, col) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + l.slice(col);
      else if (k < 0.8) lines[i] = l.slice(0, col) + l.slice(col + 1 + Math.floor(rnd() * 5));
      else lines.splice(i, 1);
      return lines.join('\n');
    }
  }
  if (r < 0.7) {
    // Rename a model or enum (changes what other blocks resolve to).
    const decls = lines.map((l, i) => (/^(model|enum) \w+/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (decls.length) {
      const i = decls[Math.floor(rnd() * decls.length)];
      lines[i] = lines[i].replace(/^(model|enum) (\w+)/, (_m, k, n) => `${k} ${n}${rnd() < 0.5 ? 'X' : ''}`);
      return lines.join('\n');
    }
  }
  const at = Math.floor(rnd() * (text.length + 1));
  if (rnd() < 0.5) return text.slice(0, at) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + text.slice(at);
  return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rnd() * 60)));
}

function findingsJson(files: SourceFile[]): string {
  return JSON.stringify(audit({ prismaFiles: files }).findings);
}

test('audits with a session equal audits from scratch after chains of edits, on every corpus schema', { skip: skipCorpus }, () => {
  const rnd = prng(7);
  let audits = 0;
  const replayedBefore = memoStats.replayed;
  for (const schema of corpusSchemas()) {
    const session = new PrismaSession();
    let texts = schema.files.map((f) => f.text);
    for (let step = 0; step < 8; step++) {
      if (step > 0) {
        const k = Math.floor(rnd() * texts.length);
        texts = texts.map((t, i) => (i === k ? edit(t, rnd) : t));
      }
      const withSession: SessionSourceFile[] = schema.files.map((f, i) => ({ path: f.path, text: texts[i], prismaSession: session }));
      const plain: SourceFile[] = schema.files.map((f, i) => ({ path: f.path, text: texts[i] }));
      const got = findingsJson(withSession);
      const want = findingsJson(plain);
      assert.equal(got, want, `${schema.id} after ${step} edits: findings differ from a fresh audit`);
      audits++;
    }
  }
  assert.ok(audits > 200, `only ${audits} audits compared`);
  // The comparison is only meaningful if rule results were actually replayed.
  assert.ok(memoStats.replayed - replayedBefore > 1000, `only ${memoStats.replayed - replayedBefore} per-model results replayed`);
});

test('a session reuses the models of untouched blocks and rebuilds the edited one', { skip: skipCorpus }, () => {
  const schema = corpusSchema('civitai__civitai');
  const text = schema.files[0].text;
  const session = new PrismaSession();
  const first = parsePrismaSchema([{ path: 's.prisma', text, prismaSession: session } as SessionSourceFile]);
  const target = first.models[Math.floor(first.models.length / 2)];
  const firstModels = [...first.models];
  const at = target.fields[0].decl.span.start;
  const edited = text.slice(0, at) + 'x' + text.slice(at);
  const second = parsePrismaSchema([{ path: 's.prisma', text: edited, prismaSession: session } as SessionSourceFile]);
  const i = firstModels.indexOf(target);
  assert.notEqual(second.models[i], target, 'the edited model is rebuilt');
  assert.equal(second.models[i].fields[0].name, `x${target.fields[0].name}`);
  assert.equal(second.models[0], firstModels[0], 'a model before the edit is reused');
  assert.equal(second.models[i + 1], firstModels[i + 1], 'a model after the edit is reused (moved in place)');
  assert.equal(second.models[i + 1].nameSpan.start, edited.search(new RegExp(`^model ${second.models[i + 1].name} `, 'm')) + 'model '.length);
  assert.ok(first.enums.length > 10 && second.enums.every((e, k) => e === first.enums[k]), 'enums of untouched blocks are reused');
  const lastEnum = second.enums[second.enums.length - 1];
  assert.equal(lastEnum.nameSpan.start, edited.search(new RegExp(`^enum ${lastEnum.name} `, 'm')) + 'enum '.length);
  // Renaming a model changes what fields resolve to: nothing is reused.
  const renamed = edited.replace(new RegExp(`^model ${firstModels[0].name} `, 'm'), `model ${firstModels[0].name}Renamed `);
  assert.notEqual(renamed, edited);
  const third = parsePrismaSchema([{ path: 's.prisma', text: renamed, prismaSession: session } as SessionSourceFile]);
  assert.ok(third.models.every((m, k) => m !== second.models[k]));
});

/** Audits `steps` (each a list of file texts) with one session and from scratch; findings must agree. */
function compareSteps(paths: string[], steps: string[][], label: string): void {
  const session = new PrismaSession();
  steps.forEach((texts, k) => {
    const got = findingsJson(paths.map((path, i) => ({ path, text: texts[i], prismaSession: session }) as SessionSourceFile));
    const want = findingsJson(paths.map((path, i) => ({ path, text: texts[i] })));
    assert.equal(got, want, `${label}, step ${k}: findings differ from a fresh audit`);
  });
}

const DS = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';

test('session audits follow edits that change other models, cycles, enums and files', () => {
  // A relation cycle whose severity depends on one `?` (in another model than the one reported).
  const cycle = (optional: string) =>
    `${DS}\nmodel A {\n  id  Int @id\n  bId Int${optional}\n  b   B${optional} @relation("ab", fields: [bId], references: [id])\n  bs  B[] @relation("ba")\n}\n\nmodel Pad {\n  id Int @id\n}\n\nmodel B {\n  id  Int @id\n  aId Int\n  a   A   @relation("ba", fields: [aId], references: [id])\n  as  A[] @relation("ab")\n}\n`;
  compareSteps(['s.prisma'], [[cycle('?')], [cycle('?').replace('model Pad {\n  id Int @id', 'model Pad {\n  id Int @id\n  x Int')], [cycle('')], [cycle('?')]], 'cycle');

  // Two nearly equal enums, then one value changes; then a String field named like the enum.
  // (UserRole and MemberRole share the topic word "role": reported when they differ by one value.)
  const enums = (v: string, field: string) =>
    `${DS}\nenum UserRole {\n  OWNER\n  ADMIN\n  EDITOR\n  AUTHOR\n  VIEWER\n  GUEST\n  ${v}\n}\n\nmodel Order {\n  id Int @id\n  ${field}\n}\n\nenum MemberRole {\n  OWNER\n  ADMIN\n  EDITOR\n  AUTHOR\n  VIEWER\n  GUEST\n  BILLING\n}\n`;
  compareSteps(
    ['s.prisma'],
    [[enums('BILLING', 'note String')], [enums('SUPPORT', 'note String')], [enums('SUPPORT', 'userRole String // OWNER, ADMIN')], [enums('BILLING', 'userRole String // OWNER, ADMIN')]],
    'enums',
  );

  // missing-relation and missing-fk-index read the target model: change its primary key and fields.
  const target = (pk: string, extra: string) =>
    `${DS}\nmodel Post {\n  id       Int @id\n  authorId Int\n}\n\nmodel Author {\n  id ${pk} @id\n  ${extra}\n}\n\nmodel Comment {\n  id     Int    @id\n  postId Int\n  post   Post   @relation(fields: [postId], references: [id])\n}\n`;
  compareSteps(['s.prisma'], [[target('Int', 'name String')], [target('String', 'name String')], [target('Int', 'name String')], [target('Int', 'nick String')]], 'target');

  // Multi-file: a model moves from one file to the other.
  const a1 = `${DS}\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n`;
  const b1 = `model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\n\nmodel AuditLog {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\n`;
  const a2 = `${a1}\nmodel AuditLog {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\n`;
  const b2 = `model Post {\n  id     Int  @id\n  userId Int\n  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\n`;
  const users = a1.replace('posts Post[]', 'posts Post[]\n  logs  AuditLog[]');
  compareSteps(['a.prisma', 'b.prisma'], [[users, b1], [users.replace(a1, a2), b2], [users, b1]], 'multi-file');
});

test('a keystroke keeps the finding objects whose ranges it did not change (same objects, so front ends reuse what they derived)', { skip: skipCorpus }, () => {
  const schema = corpusSchema('civitai__civitai');
  const text = schema.files[0].text;
  const session = new PrismaSession();
  const run = (t: string) => audit({ prismaFiles: [{ path: 's.prisma', text: t, prismaSession: session } as SessionSourceFile] }).findings;
  const before = run(text);
  // Type one character at the start of a field line in the middle of the file: every later offset moves
  // by one, but only positions on that line change.
  const lines = text.split('\n');
  const line = lines.findIndex((l, i) => i > lines.length / 2 && /^\s+\w+\s+String/.test(l));
  const at = lines.slice(0, line).join('\n').length + 1 + lines[line].search(/\S/);
  const typed = text.slice(0, at) + 'x' + text.slice(at);
  const after = run(typed);
  assert.equal(JSON.stringify(after), JSON.stringify(audit({ prismaFiles: [{ path: 's.prisma', text: typed }] }).findings));
  const previous = new Map(before.map((f) => [JSON.stringify(f), f]));
  let kept = 0;
  let laterKept = 0;
  for (const f of after) {
    const same = previous.get(JSON.stringify(f));
    if (!same) continue;
    // Equal content on another line: must be the very same object, also after the edit point.
    if (f.range.start.line !== line && f.range.end.line !== line) {
      assert.equal(f, same, `${f.rule} at line ${f.range.start.line} was rebuilt though unchanged`);
      kept++;
      if (f.range.start.line > line) laterKept++;
    }
  }
  assert.ok(kept > 100 && laterKept > 20, `only ${kept} findings kept (${laterKept} after the edit)`);
});
