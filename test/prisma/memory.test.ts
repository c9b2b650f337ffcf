import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

// Regression: names and comments sliced from the document pinned the whole text version they were
// parsed from (V8 slices are views), and the incremental session keeps blocks across edits, so the
// language server grew by a document per edited block (~0.1 MB per keystroke on civitai's schema).
// Syntax errors too: their messages quote the document and are kept with the blocks.
for (const errors of [false, true]) {
  test(`a session does not keep old versions of the document alive${errors ? ' (every model with a syntax error)' : ''}`, () => {
    const args = ['--expose-gc', '--import', 'tsx', join(__dirname, 'retain-child.ts'), '50', ...(errors ? ['errors'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: join(__dirname, '../..') });
    assert.equal(r.status, 0, r.stderr);
    const { growthMb, textMb } = JSON.parse(r.stdout) as { growthMb: number; textMb: number };
    assert.ok(textMb > 1, `document is ${textMb} MB`);
    // 50 edits of different blocks: a leak would keep ~50 documents (50+ MB); allow a few for caches.
    assert.ok(growthMb < 8 * textMb, `heap grew by ${growthMb.toFixed(1)} MB over 50 edits of a ${textMb.toFixed(1)} MB document`);
  });
}
