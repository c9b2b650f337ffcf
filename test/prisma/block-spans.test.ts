/**
 * `Block.spans` is what an incremental reparse moves when a block shifts (parser.ts `moveBlock`): every
 * span object reachable from the block must be listed (a missing one would keep a stale position after
 * an edit above it) and none twice (it would move twice). Comments' spans are not listed: the file's
 * comment list moves them. Checked on every corpus schema and on malformed input that takes the
 * parser's recovery paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrismaTracked } from '../../server/src/analysis/prisma/parser';
import type { Block, Span } from '../../server/src/analysis/prisma/ast';
import { corpusAvailable, corpusSchemas } from '../helpers/corpus';

/** Span objects reachable from `b` (any object with exactly `start` and `end` numbers), comments excluded. */
function reachableSpans(b: Block): Set<Span> {
  const found = new Set<Span>();
  const seen = new Set<object>();
  const walk = (o: unknown): void => {
    if (!o || typeof o !== 'object' || seen.has(o)) return;
    seen.add(o);
    const keys = Object.keys(o);
    const r = o as Record<string, unknown>;
    if (keys.length === 2 && typeof r.start === 'number' && typeof r.end === 'number') {
      found.add(o as Span);
      return;
    }
    for (const k of keys) if (k !== 'spans' && k !== 'docs' && k !== 'leadingComments' && k !== 'trailingComment') walk(r[k]);
  };
  walk(b);
  return found;
}

function problems(text: string, label: string): string[] {
  const out: string[] = [];
  for (const b of parsePrismaTracked(text).ast.blocks) {
    const listed = new Set(b.spans);
    const name = `${label} ${b.kind} ${b.name?.name ?? '?'}`;
    if (listed.size !== b.spans.length) out.push(`${name}: a span is listed twice`);
    for (const s of reachableSpans(b)) if (!listed.has(s)) out.push(`${name}: ${JSON.stringify(text.slice(s.start, s.end))} at ${s.start} is not listed`);
  }
  return out;
}

const MALFORMED = [
  'model A {\n  id Int @id @default(autoincrement())\n  x Unsupported("tsvector")?\n  @id\n  y String @db.VarChar(3) @default(dbgenerated("x"), map: )\n  z Int @relation(fields: [a, b], references: [id], onDelete: !!!)\n}\n',
  `datasource db {\n  provider = "postgresql"\n  url = env("X")\n  extensions = [a, b(x: 1), ${'['.repeat(40)}${']'.repeat(3)}\n}\n`,
  'enum E {\n  A @map("a")\n  B\n  @@map("e")\n}\nmodel M\n{\n  @@ \n  x\n  1bad\n}\nmodel N {',
  'model P {\n  id Int @id(map: "p", sort: Desc\n  a String @default("unclosed\n  b Int[] @default([1, 2,\n  @@index([a(ops: raw("x")), b], type: Gin)\n  @@unique(fields: [a], name: )\n}\n',
  'generator g {\n  provider = "prisma-client-js"\n  previewFeatures = ["a", "b"\n}\ntype T {\n  a String @map("x")\n}\nview V {\n  id Int @unique\n}\n',
];

test('every span reachable from a block is in Block.spans, once (malformed input)', () => {
  assert.deepEqual(MALFORMED.flatMap((t, i) => problems(t, `case ${i}`)), []);
});

test('every span reachable from a block is in Block.spans, once (every corpus schema)', { skip: !corpusAvailable() && 'corpus not found' }, () => {
  const out: string[] = [];
  let blocks = 0;
  for (const schema of corpusSchemas()) {
    for (const f of schema.files) {
      out.push(...problems(f.text, f.path));
      blocks += parsePrismaTracked(f.text).ast.blocks.length;
    }
  }
  assert.ok(blocks > 1000, `only ${blocks} blocks`);
  assert.deepEqual(out.slice(0, 10), []);
});
