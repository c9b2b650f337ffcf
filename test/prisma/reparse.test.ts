/**
 * Incremental parsing (`reparsePrisma`): after any edit, the tree built by reusing the untouched blocks
 * of the previous parse must equal a full parse of the new text — blocks, members, every span,
 * comments, diagnostics and the resume boundaries. Checked with chains of random edits (typing, deleting, pasting braces, comments, keywords, line
 * breaks, CRLF) on every corpus schema and on hand-written edge cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrismaTracked, reparsePrisma, type PrismaParse } from '../../server/src/analysis/prisma/parser';
import { corpusAvailable, corpusSchema, corpusSchemas } from '../helpers/corpus';
import { prng } from '../helpers/random';

const skipCorpus = !corpusAvailable() && 'corpus not found';

const SNIPPETS = ['x', ' ', '\n', '\r\n', '}', '{', '\n}\n', '// c', '/// doc\n', '/* b */', '@', '@@index([a])', '"', '(', '[', '?', 'model M {\n  id Int @id\n}\n', 'enum E {\n A\n}', '\n\n', 'String', '@relation(fields: [a], references: [id])'];

function randomEdit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const r = rnd();
  if (r < 0.45) return text.slice(0, at) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + text.slice(at);
  if (r < 0.8) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rnd() * 40)));
  // Replace a range with a snippet.
  return text.slice(0, at) + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + text.slice(Math.min(text.length, at + Math.floor(rnd() * 200)));
}

/** Reparses `text` from `prev` (which this consumes) and checks the result against a full parse. */
function check(prev: PrismaParse, text: string, label: string): PrismaParse {
  const inc = reparsePrisma(prev, text);
  const full = parsePrismaTracked(text);
  assert.deepStrictEqual(inc.ast, full.ast, `${label}: tree differs from a full parse`);
  assert.deepStrictEqual(inc.boundaries, full.boundaries, `${label}: boundaries differ`);
  return inc;
}

test('reparse equals a full parse after chains of random edits on every corpus schema', { skip: skipCorpus }, () => {
  const rnd = prng(42);
  let checked = 0;
  for (const schema of corpusSchemas()) {
    for (const file of schema.files) {
      let prev = parsePrismaTracked(file.text);
      let text = file.text;
      for (let i = 0; i < 12; i++) {
        text = randomEdit(text, rnd);
        prev = check(prev, text, `${file.path} edit ${i}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `only ${checked} edits checked`);
});

test('typing a character inside a model reuses the other blocks (shared before, moved after)', { skip: skipCorpus }, () => {
  const schema = corpusSchema('civitai__civitai');
  const text = schema.files[0].text;
  const prev = parsePrismaTracked(text);
  const blocks = [...prev.ast.blocks];
  const i = Math.floor(blocks.length / 2);
  const at = blocks[i].members[0].span.start;
  const afterStart = blocks[i + 1].span.start;
  const next = check(prev, text.slice(0, at) + 'x' + text.slice(at), 'type x');
  // Blocks before the edited one are the very same objects, the edited one is parsed again, and the
  // blocks after it are the same objects too, moved one character further.
  assert.equal(next.ast.blocks[0], blocks[0]);
  assert.equal(next.ast.blocks[i - 1], blocks[i - 1]);
  assert.notEqual(next.ast.blocks[i], blocks[i]);
  assert.equal(next.ast.blocks[i + 1], blocks[i + 1]);
  assert.equal(blocks[i + 1].span.start, afterStart + 1);
  // An unchanged text returns the previous parse itself.
  assert.equal(reparsePrisma(next, next.text), next);
});

test('reparse handles edits that open, close, merge and split blocks', () => {
  const base = [
    '// header',
    'datasource db {',
    '  provider = "postgresql"',
    '}',
    '',
    '/// A user',
    'model User {',
    '  id    Int    @id // trailing',
    '  posts Post[]',
    '}',
    'model Post {',
    '  id       Int  @id',
    '  authorId Int',
    '  author   User @relation(fields: [authorId], references: [id])',
    '  @@index([authorId])',
    '} // end',
    '',
    'enum Role {',
    '  A',
    '  B',
    '}',
    '',
  ].join('\n');
  let prev = parsePrismaTracked(base);
  const cases: Array<(t: string) => string> = [
    (t) => t.replace('}\nmodel Post', 'model Post'), // unclose User: Post becomes "not closed" territory
    (t) => t.replace('model Post {', 'model Post {\n  x Int\n}\nmodel Q {'),
    (t) => t.replace('/// A user\n', ''),
    (t) => t.replace('enum Role {', '// enum Role {'),
    (t) => t + 'model Z {\n  id Int @id\n',
    (t) => t.replace(/\n/g, '\r\n'),
    (t) => t.slice(0, 10),
    (t) => '',
    () => base,
    (t) => t.replace('} // end', '}} // end'),
    (t) => t.replace('@@index([authorId])', '@@index([authorId'),
    (t) => `\uFEFF${t}`,
  ];
  let text = base;
  cases.forEach((edit, k) => {
    text = edit(text);
    prev = check(prev, text, `case ${k}`);
  });
});

test('a parse at the diagnostics cap is redone whole, not spliced', () => {
  const garbage = Array.from({ length: 1200 }, (_, i) => `model M${i} {\n  ???\n}`).join('\n');
  let prev = parsePrismaTracked(garbage);
  assert.equal(prev.ast.diagnostics.length, 1000);
  prev = check(prev, `x${garbage}`, 'capped');
  check(prev, garbage.replace('model M5 {', 'model M5 { y'), 'capped edit');
});
