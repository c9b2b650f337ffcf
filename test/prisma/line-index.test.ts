/**
 * `LineIndex.afterEdit` (the language server's per-keystroke line index update) must give exactly the
 * index a rebuild gives, for any edit: inserted and deleted line breaks, edits at the start and end,
 * empty texts, and CRLF/CR texts (which it rebuilds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, Utf8OffsetMap } from '../../server/src/analysis/text';
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
