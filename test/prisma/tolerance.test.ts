/**
 * Parser tolerance: the Prisma parser and model never throw and never hang, whatever the input —
 * every prefix of real schemas, random garbage, binary bytes, CRLF, BOM, non-ASCII text, tabs, a 20 MB
 * file — and half-typed input still yields the models and fields that are there, with diagnostics at
 * sensible ranges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrisma } from '../../server/src/analysis/prisma/parser';
import { parsePrismaSchema, type PrismaSchema } from '../../server/src/analysis/prisma/schema';
import type { SchemaFileAst } from '../../server/src/analysis/prisma/ast';
import { LineIndex } from '../../server/src/analysis/text';
import { corpusAvailable, corpusSchema, corpusSchemas } from '../helpers/corpus';
import { prng } from '../helpers/random';
import { allSpans } from './ast-walk';

const skipCorpus = !corpusAvailable() && 'corpus not found';

/** Structural invariants every parse must satisfy. */
function checkAst(text: string, ast: SchemaFileAst, what: string): void {
  for (const { label, span } of allSpans(ast)) {
    if (!(span.start >= 0 && span.start <= span.end && span.end <= text.length)) {
      assert.fail(`${what}: bad span for ${label}: ${span.start}..${span.end} (length ${text.length})`);
    }
  }
  assert.ok(ast.diagnostics.length <= 1000, `${what}: ${ast.diagnostics.length} diagnostics`);
  for (let i = 1; i < ast.blocks.length; i++) {
    assert.ok(ast.blocks[i - 1].span.end <= ast.blocks[i].span.start, `${what}: blocks ${i - 1} and ${i} overlap`);
  }
  for (const b of ast.blocks) {
    for (const m of b.members) {
      assert.ok(m.span.start >= b.span.start && m.span.end <= Math.max(b.span.end, m.span.end), `${what}: member outside its block`);
    }
  }
}

function checkModel(schema: PrismaSchema, what: string): void {
  for (const m of schema.models) {
    for (const f of m.fields) {
      assert.equal(f.model, m, what);
      if (f.relation?.back) assert.equal(f.relation.back.relation?.back, f, `${what}: relation pairing not symmetric`);
    }
  }
  for (const d of schema.diagnostics) assert.ok(d.span.start <= d.span.end && d.span.end <= d.file.text.length, `${what}: diagnostic span`);
}

function parseBoth(text: string, what: string): { ast: SchemaFileAst; schema: PrismaSchema; ms: number } {
  const t0 = performance.now();
  const schema = parsePrismaSchema([{ path: 'schema.prisma', text }]);
  const ms = performance.now() - t0;
  const ast = schema.files[0].ast;
  checkAst(text, ast, what);
  checkModel(schema, what);
  return { ast, schema, ms };
}

// ---------------------------------------------------------------------------------------------

const TRUNCATED = [
  'civitai__civitai/packages/civitai-db-schema/prisma/schema.full.prisma',
  'triggerdotdev__trigger.dev/internal-packages/database/prisma/schema.prisma',
  'webstudio-is__webstudio/packages/prisma-client/prisma/schema.prisma',
  'Linen-dev__linen.dev/packages/database/prisma/schema.prisma',
];

for (const id of TRUNCATED) {
  test(`truncated at every line: ${id}`, { skip: skipCorpus }, () => {
    const text = corpusSchema(id).files[0].text;
    const full = parsePrisma(text);
    assert.deepEqual(full.diagnostics, []);
    const lines = new LineIndex(text);
    let worst = 0;
    // On civitai (7,642 lines) the model and the full span check run on every 100th cut (time);
    // every cut is parsed and checked for diagnostics/blocks in range and closed blocks intact.
    const every = text.length > 100_000 ? 100 : 1;
    for (let line = 0; line < lines.lineCount; line++) {
      // Cut at the end of the line, and (on a sample) in the middle of it.
      const cuts = [lines.lineEnd(line)];
      if (line % 7 === 3) cuts.push(lines.lineStarts[line] + ((lines.lineEnd(line) - lines.lineStarts[line]) >> 1));
      for (const cut of cuts) {
        const prefix = text.slice(0, cut);
        const t0 = performance.now();
        const full_ = line % every === 0;
        const ast = full_ ? parseBoth(prefix, `cut at ${cut}`).ast : parsePrisma(prefix);
        worst = Math.max(worst, performance.now() - t0);
        if (!full_) {
          // Cheap checks: diagnostics and block spans in range.
          for (const d of ast.diagnostics) assert.ok(d.span.start <= d.span.end && d.span.end <= prefix.length);
          for (const b of ast.blocks) assert.ok(b.span.end <= prefix.length);
        }
        // Every block that closed before the cut is read exactly as in the whole file.
        let j = 0;
        for (const b of full.blocks) {
          if (b.closeBrace === null || b.closeBrace >= cut) break;
          const t = ast.blocks[j++];
          assert.ok(t && t.span.start === b.span.start && t.closeBrace === b.closeBrace && t.members.length === b.members.length, `cut at line ${line}: block ${b.name?.name} differs`);
        }
      }
    }
    assert.ok(worst < 2000, `one parse took ${worst.toFixed(0)} ms`);
  });
}

test('random garbage (seeded) never throws and stays bounded', () => {
  const rnd = prng(20261122);
  const atoms = ['model', 'enum', 'view', 'type', 'datasource', 'generator', ' ', '  ', '\t', '\n', '\r\n', '\r', '{', '}', '(', ')', '[', ']', '@', '@@', '"', '\\', ':', ',', '=', '?', '.', '-', '//', '///', '/*', '*/', 'User', 'id', 'Int', 'String', '@id', '@relation(', 'fields: [', 'references: [id]', 'Unsupported("', '€', '😀', '\ud800', '\udc00', '\u0000', '\ufeff', '名前', 'é', '0', '1.5', '-3'];
  for (let round = 0; round < 400; round++) {
    const parts: string[] = [];
    const n = 1 + Math.floor(rnd() * 300);
    for (let i = 0; i < n; i++) parts.push(atoms[Math.floor(rnd() * atoms.length)]);
    const text = parts.join('');
    const { ms } = parseBoth(text, `round ${round}: ${JSON.stringify(text.slice(0, 80))}`);
    assert.ok(ms < 1000, `round ${round} took ${ms} ms`);
  }
});

test('random edits of a real schema never throw', { skip: skipCorpus }, () => {
  const rnd = prng(7);
  const base = corpusSchema('Linen-dev__linen.dev').files[0].text;
  const inserts = ['{', '}', '(', ')', '[', ']', '"', '@', '@@', '\n', '//', '/*', ':', ',', '?', '[]', 'model X {', '😀', '\r'];
  for (let round = 0; round < 300; round++) {
    let text = base;
    const edits = 1 + Math.floor(rnd() * 8);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * text.length);
      const r = rnd();
      if (r < 0.4) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 40));
      else if (r < 0.8) text = text.slice(0, at) + inserts[Math.floor(rnd() * inserts.length)] + text.slice(at);
      else text = text.slice(0, at) + text.slice(Math.floor(rnd() * text.length));
    }
    parseBoth(text, `edit round ${round}`);
  }
});

test('binary-ish input: random bytes, NULs, replacement characters', () => {
  const rnd = prng(99);
  for (let round = 0; round < 50; round++) {
    const bytes = Buffer.alloc(2000 + Math.floor(rnd() * 20000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    parseBoth(bytes.toString('latin1'), `latin1 round ${round}`);
    parseBoth(bytes.toString('utf8'), `utf8 round ${round}`);
  }
  const { ast } = parseBoth('\u0000'.repeat(100_000), 'NULs');
  assert.equal(ast.blocks.length, 0);
  assert.ok(ast.diagnostics.length >= 1);
  // A PNG header glued to a schema: the schema after it is still read.
  const png = '\x89PNG\r\n\x1a\n\u0000\u0000\u0000\rIHDR\n';
  const { schema } = parseBoth(`${png}model User {\n  id Int @id\n}\n`, 'png');
  assert.deepEqual(schema.models.map((m) => m.name), ['User']);
});

test('CRLF: every node has the same line/character range as with LF', { skip: skipCorpus }, () => {
  for (const s of corpusSchemas()) {
    for (const f of s.files) {
      const lf = f.text.replace(/\r\n/g, '\n');
      const crlf = lf.replace(/\n/g, '\r\n');
      const a = parsePrisma(lf);
      const b = parsePrisma(crlf);
      const la = new LineIndex(lf);
      const lb = new LineIndex(crlf);
      const sa = allSpans(a).map((x) => `${x.label} ${JSON.stringify(la.range(x.span.start, x.span.end))}`);
      const sb = allSpans(b).map((x) => `${x.label} ${JSON.stringify(lb.range(x.span.start, x.span.end))}`);
      assert.deepEqual(sb, sa, f.path);
      // Line comments keep no `\r`.
      assert.ok(b.comments.every((c) => c.block || !c.text.includes('\r')), f.path);
    }
  }
});

test('CRLF: the semantic model is the same', { skip: skipCorpus }, () => {
  const text = corpusSchema('civitai__civitai').files[0].text;
  const a = parsePrismaSchema([{ path: 'a', text }]);
  const b = parsePrismaSchema([{ path: 'a', text: text.replace(/\n/g, '\r\n') }]);
  const sig = (s: PrismaSchema) => s.models.map((m) => `${m.name}:${m.fields.map((f) => `${f.name}/${f.type}/${f.documentation}/${f.relation?.effectiveOnDelete}`).join(',')}`);
  assert.deepEqual(sig(b), sig(a));
  assert.deepEqual(b.diagnostics, []);
});

test('a BOM does not disturb parsing (front ends strip it; the parser tolerates it)', () => {
  const body = 'model User {\n  id    Int    @id\n  email String @unique\n}\n';
  const withBom = parseBoth(`\ufeff${body}`, 'bom');
  const without = parseBoth(body, 'no bom');
  assert.deepEqual(withBom.ast.diagnostics, []);
  assert.deepEqual(withBom.schema.models.map((m) => m.fields.map((f) => f.name)), [['id', 'email']]);
  // Offsets move by exactly one code unit.
  assert.deepEqual(
    allSpans(withBom.ast).map((x) => [x.label, x.span.start - 1, x.span.end - 1]),
    allSpans(without.ast).map((x) => [x.label, x.span.start, x.span.end]),
  );
});

test('non-ASCII: identifiers, strings and comments keep exact UTF-16 positions', () => {
  const text = [
    'model Café {', // line 0
    '  id     Int    @id',
    '  // 😀 an emoji in a comment before a field',
    '  名前   String @default("😀 été") @map("na_me")',
    '  naïve  Int?   @unique /* 🎉 */',
    '  𝒳      Int    // astral-plane letter as a name',
    '}',
    '',
  ].join('\n');
  const { ast, schema } = parseBoth(text, 'non-ascii');
  assert.deepEqual(ast.diagnostics, []);
  const lines = new LineIndex(text);
  const model = schema.modelByName.get('Café')!;
  assert.deepEqual(model.fields.map((f) => f.name), ['id', '名前', 'naïve', '𝒳']);
  const pos = (o: number) => lines.positionAt(o);
  const field = model.fieldByName.get('名前')!;
  assert.deepEqual(pos(field.decl.name.span.start), { line: 3, character: 2 });
  assert.deepEqual(pos(field.decl.name.span.end), { line: 3, character: 4 });
  const map = field.attr('map')!;
  // "  名前   String @default("😀 été") " — the emoji counts two UTF-16 code units.
  assert.equal(lines.lineText(3).indexOf('@map'), 33);
  assert.deepEqual(pos(map.span.start), { line: 3, character: 33 });
  assert.equal(field.default?.literal, '😀 été');
  const naive = model.fieldByName.get('naïve')!;
  assert.ok(naive.isUnique);
  assert.deepEqual(pos(naive.attr('unique')!.span.start), { line: 4, character: lines.lineText(4).indexOf('@unique') });
  const astral = model.fieldByName.get('𝒳')!;
  assert.equal(astral.decl.name.span.end - astral.decl.name.span.start, 2);
  assert.deepEqual(pos(astral.decl.type!.span.start), { line: 5, character: lines.lineText(5).indexOf('Int') });
  assert.deepEqual(model.fieldByName.get('名前')!.decl.leadingComments.map((c) => c.text), [' 😀 an emoji in a comment before a field']);
  assert.equal(pos(ast.comments[0].span.end).character, lines.lineText(2).length);
});

test('tabs count as one character', () => {
  const text = 'model A {\n\tid\tInt\t@id\n\tname\tString?\t@map("n")\n}\n';
  const { schema } = parseBoth(text, 'tabs');
  const lines = new LineIndex(text);
  const name = schema.models[0].fieldByName.get('name')!;
  assert.deepEqual(lines.positionAt(name.decl.name.span.start), { line: 2, character: 1 });
  assert.deepEqual(lines.positionAt(name.attr('map')!.span.start), { line: 2, character: 14 });
  assert.equal(name.mapName, 'n');
});

test('a 20 MB generated schema parses in bounded time, without catastrophic backtracking', (t) => {
  const parts: string[] = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'];
  let i = 0;
  let size = 0;
  while (size < 20_000_000) {
    const chunk = `/// Model ${i} ünïcödé 😀\nmodel M${i} {\n  id        Int      @id @default(autoincrement())\n  name      String   @db.VarChar(255) // ${'x'.repeat(40)}\n  createdAt DateTime @default(now())\n  parentId  Int?\n  parent    M${Math.max(0, i - 1)}? @relation("R${i}", fields: [parentId], references: [id], onDelete: Cascade)\n  children  M${i + 1}[] @relation("R${i + 1}")\n\n  @@index([parentId, createdAt(sort: Desc)], map: "m${i}_parent_idx")\n  @@unique([name])\n}\n\n`;
    parts.push(chunk);
    size += chunk.length;
    i++;
  }
  const text = parts.join('');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const schema = parsePrismaSchema([{ path: 'big.prisma', text }]);
  const cpu = process.cpuUsage(c0);
  // CPU time of this process: what the parser costs, whatever else the machine is running.
  const ms = (cpu.user + cpu.system) / 1000;
  t.diagnostic(`${(text.length / 1e6).toFixed(1)} MB, ${i} models: parse + model ${(performance.now() - t0).toFixed(0)} ms wall, ${ms.toFixed(0)} ms cpu`);
  assert.equal(schema.models.length, i);
  // One relation dangles at the end (M{last+1} does not exist); nothing else is reported.
  assert.equal(schema.diagnostics.length, 1, schema.diagnostics.slice(0, 3).map((d) => d.message).join('; '));
  // Measured 3-4 s wall, 4-5.5 s cpu (GC threads included) on the 2-core dev machine; anything
  // super-linear would take minutes.
  assert.ok(ms < 10_000, `20 MB took ${ms.toFixed(0)} ms`);
  // Pathological lines: one 2 MB line of `(`, of `[`, of quotes, of `@`, of `/*`.
  for (const ch of ['(', '[', '"', '@', '/*', 'a-', '\\']) {
    const line = `model A {\n  x Int @default(${ch.repeat(1_000_000 / ch.length)}\n}\n`;
    const t1 = performance.now();
    parseBoth(line, `pathological ${ch}`);
    assert.ok(performance.now() - t1 < 3000, `pathological ${ch}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Half-typed input.

function diagAt(schema: PrismaSchema, text: string): Array<{ message: string; line: number; from: string }> {
  const lines = new LineIndex(text);
  return schema.diagnostics.map((d) => ({ message: d.message, line: lines.positionAt(d.span.start).line, from: text.slice(d.span.start, d.span.end) }));
}

test('half-typed: a field type being typed at the end of the file', () => {
  const text = 'model User {\n  id Int @id\n  email Str';
  const { schema } = parseBoth(text, 'half');
  const user = schema.modelByName.get('User')!;
  assert.deepEqual(user.fields.map((f) => [f.name, f.type]), [['id', 'Int'], ['email', 'Str']]);
  assert.equal(user.primaryKey?.fields[0].name, 'id');
  const d = diagAt(schema, text);
  assert.ok(d.some((x) => /not closed/.test(x.message) && x.line === 0 && x.from === 'model User'), JSON.stringify(d));
  assert.ok(d.some((x) => /Str/.test(x.message) && x.line === 2 && x.from === 'Str'), JSON.stringify(d));
});

test('half-typed: a field name without a type', () => {
  const text = 'model User {\n  id Int @id\n  email\n  name String\n}\n';
  const { schema } = parseBoth(text, 'half');
  assert.deepEqual(schema.models[0].fields.map((f) => f.name), ['id', 'name']);
  const d = diagAt(schema, text);
  assert.deepEqual(d, [{ message: 'Field `email` has no type.', line: 2, from: 'email' }]);
});

test('half-typed: an unclosed @relation( does not swallow the following lines', () => {
  const text = [
    'model Post {',
    '  id       Int  @id',
    '  authorId Int',
    '  author   User @relation(fields: [a',
    '  title    String',
    '  @@index([authorId])',
    '}',
    '',
    'model User {',
    '  id    Int    @id',
    '  posts Post[]',
    '}',
    '',
  ].join('\n');
  const { schema } = parseBoth(text, 'half relation');
  const post = schema.modelByName.get('Post')!;
  assert.deepEqual(post.fields.map((f) => f.name), ['id', 'authorId', 'author', 'title']);
  assert.deepEqual(post.indexes.map((i) => i.fields.map((f) => f.name)), [['authorId']]);
  assert.deepEqual(post.fieldByName.get('author')!.relation!.fields, ['a']);
  assert.equal(schema.modelByName.get('User')!.fields.length, 2);
  const d = diagAt(schema, text);
  assert.ok(d.length >= 1 && d.every((x) => x.line === 3), JSON.stringify(d));
  assert.ok(d.some((x) => /Unclosed `\[`/.test(x.message) && x.from === '['));
  assert.ok(d.some((x) => /Unclosed `\(`/.test(x.message) && x.from === '('));
});

test('half-typed: an unclosed block followed by another model', () => {
  const text = 'model A {\n  id Int @id\n  name String\n\nmodel B {\n  id Int @id\n  a  A?  @relation(fields: [aId], references: [id])\n  aId Int?\n}\n';
  const { schema } = parseBoth(text, 'unclosed');
  assert.deepEqual(schema.models.map((m) => [m.name, m.fields.map((f) => f.name)]), [['A', ['id', 'name']], ['B', ['id', 'a', 'aId']]]);
  const d = diagAt(schema, text);
  assert.ok(d.some((x) => /model `A` is not closed/.test(x.message) && x.line === 0 && x.from === 'model A'), JSON.stringify(d));
  assert.equal(schema.modelByName.get('A')!.block.span.end, text.indexOf('name String') + 'name String'.length);
  // The relation on B resolves (A exists), so only the missing brace is reported.
  assert.equal(d.length, 1, JSON.stringify(d));
});

test('half-typed: a stray character and a lone `@` keep the rest of the model', () => {
  const text = 'model A {\n  id Int @id\n  #\n  x Int @\n  y String @default("a") @\n  z Int\n}\n';
  const { schema } = parseBoth(text, 'stray');
  assert.deepEqual(schema.models[0].fields.map((f) => f.name), ['id', 'x', 'y', 'z']);
  const d = diagAt(schema, text);
  assert.deepEqual(d.map((x) => x.line), [2, 3, 4]);
  assert.equal(schema.models[0].fieldByName.get('y')!.default?.literal, 'a');
});

test('half-typed: a keyword alone, and a block name without `{`', () => {
  for (const text of ['model', 'model ', 'model User', 'enum', 'datasource db', 'model User {', 'model {\n}\n']) {
    const { ast } = parseBoth(text, JSON.stringify(text));
    assert.ok(ast.diagnostics.length >= 1, JSON.stringify(text));
  }
});

test('a field attribute alone on a line is reported, not read as a block attribute', () => {
  const text = 'model A {\n  id Int\n  @id\n  @unique([id])\n}\n';
  const { schema } = parseBoth(text, 'lone @id');
  const a = schema.models[0];
  assert.equal(a.primaryKey, null);
  assert.equal(a.uniques.length, 0);
  assert.deepEqual(diagAt(schema, text).map((d) => d.line), [2, 3]);
});
