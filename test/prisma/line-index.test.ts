/**
 * `LineIndex.afterEdit` (the language server's per-keystroke line index update) must give exactly the
 * index a rebuild gives, for any edit: inserted and deleted line breaks, edits at the start and end,
 * empty texts, and CRLF/CR texts (which it rebuilds). `positionsStableFrom` (which lets the session reuse
 * a replayed report's ranges) must only claim positions that really did not move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, positionsStableFrom, Utf8OffsetMap } from '../../server/src/analysis/text';
import { textChange } from '../../server/src/analysis/prisma/parser';
import { prng } from '../helpers/random';

const PIECES = ['a', 'model X {', '\n', '\n\n', '  id Int', '}', ' ', '\r\n', '\r', 'é', '😀'];

function randomText(rnd: () => number, n: number, withCr: boolean): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const p = PIECES[Math.floor(rnd() * PIECES.length)];
    s += !withCr && p.includes('\r') ? '\n' : p;
  }
  return s;
}

test('LineIndex.afterEdit equals a rebuilt index after random edits', () => {
  const rnd = prng(11);
  let updated = 0;
  for (let round = 0; round < 400; round++) {
    const withCr = round % 5 === 0;
    let text = randomText(rnd, Math.floor(rnd() * 40), withCr);
    let index = new LineIndex(text);
    for (let step = 0; step < 10; step++) {
      const at = Math.floor(rnd() * (text.length + 1));
      const del = rnd() < 0.5 ? Math.floor(rnd() * 6) : 0;
      const next = text.slice(0, at) + randomText(rnd, Math.floor(rnd() * 3), withCr || rnd() < 0.1) + text.slice(Math.min(text.length, at + del));
      const updatedIndex = LineIndex.afterEdit(index, next, textChange(text, next));
      const rebuilt = new LineIndex(next);
      assert.deepEqual(updatedIndex.lineStarts, rebuilt.lineStarts, `${JSON.stringify(text)} -> ${JSON.stringify(next)}`);
      for (let o = 0; o <= next.length; o++) assert.deepEqual(updatedIndex.positionAt(o), rebuilt.positionAt(o));
      if (!next.includes('\r') && !text.includes('\r')) updated++;
      text = next;
      index = updatedIndex;
    }
  }
  assert.ok(updated > 2000, `only ${updated} LF-only edits`);
});

test('LineIndex.afterEdit with a change that is not of these texts rebuilds (never a wrong index)', () => {
  const prev = new LineIndex('a\nb\nc');
  const text = 'a\nbb\nc\nd';
  // A wrong length delta: the texts do not match the change.
  assert.deepEqual(LineIndex.afterEdit(prev, text, { start: 2, oldEnd: 3, delta: 1 }).lineStarts, new LineIndex(text).lineStarts);
});

test('Utf8OffsetMap.byteLength is the UTF-8 length (ASCII, 2-, 3- and 4-byte characters, a lone surrogate, BOM)', () => {
  const rnd = prng(7);
  const pieces = ['a', 'SELECT 1;', 'é', '日本', '😀', '\ud800', '\udc00x', '\ufeff', '\r\n'];
  const texts = ['', 'abc', 'é', '😀', '\ud800', ...Array.from({ length: 200 }, () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pieces[Math.floor(rnd() * pieces.length)]).join(''))];
  for (const t of texts) {
    const map = new Utf8OffsetMap(t);
    assert.equal(map.byteLength, Buffer.byteLength(t, 'utf8'), JSON.stringify(t));
    assert.equal(map.toUtf16(map.byteLength), t.length, JSON.stringify(t));
  }
});

test('positionsStableFrom: every offset from it has the position its offset had before the edit (random edits, CR/CRLF)', () => {
  const rnd = prng(23);
  let stable = 0;
  let moved = 0;
  for (let round = 0; round < 400; round++) {
    const withCr = round % 3 === 0;
    const text = randomText(rnd, 1 + Math.floor(rnd() * 40), withCr);
    const at = Math.floor(rnd() * (text.length + 1));
    const del = rnd() < 0.5 ? Math.floor(rnd() * 4) : 0;
    const next = text.slice(0, at) + randomText(rnd, Math.floor(rnd() * 3), withCr || rnd() < 0.2) + text.slice(Math.min(text.length, at + del));
    if (next === text) continue;
    const change = textChange(text, next);
    const before = new LineIndex(text);
    const after = new LineIndex(next);
    const from = positionsStableFrom(text, next, change, after);
    if (from < 0) {
      moved++;
      continue;
    }
    stable++;
    assert.ok(from >= change.oldEnd + change.delta, 'never inside the edit');
    for (let o = 0; o < change.start; o++) assert.deepEqual(after.positionAt(o), before.positionAt(o), `before the edit, at ${o}`);
    for (let o = from; o <= next.length; o++) {
      assert.deepEqual(after.positionAt(o), before.positionAt(o - change.delta), `${JSON.stringify(text)} -> ${JSON.stringify(next)} at ${o}`);
    }
  }
  assert.ok(stable > 100 && moved > 50, `stable ${stable}, moved ${moved}`);
});

test('positionsStableFrom: the line after an in-line edit; none when a line break (or a CR next to the edit) changes', () => {
  const text = 'model A {\n  id Int\n}\n';
  const typed = 'model A {\n  idx Int\n}\n';
  assert.equal(positionsStableFrom(text, typed, textChange(text, typed), new LineIndex(typed)), typed.indexOf('}'));
  const split = 'model A {\n  id\n Int\n}\n';
  assert.equal(positionsStableFrom(text, split, textChange(text, split), new LineIndex(split)), -1);
  // Typing between "\r" and "\n" turns one line break into two.
  const crlf = 'a\r\nb';
  const between = 'a\rx\nb';
  assert.equal(positionsStableFrom(crlf, between, textChange(crlf, between), new LineIndex(between)), -1);
});
