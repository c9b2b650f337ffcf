/** ProjectSet.read: an open editor buffer gets the same binary guard as a file read from disk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectSet } from '../../server/src/lsp/projects';
import { binaryProblem } from '../../server/src/project/source';

const model = 'model A {\n  id Int @id\n}\n';

function readOpen(text: string) {
  const set = new ProjectSet(() => {});
  set.openDocument({ path: '/w/schema.prisma', text, version: 3 });
  return set.read('/w/schema.prisma');
}

test('open buffers: a NUL in the first 64 KiB is reported as binary; later ones, as on disk, are not', () => {
  const early = readOpen(`${model}\u0000${model}`);
  assert.ok('error' in early && /NUL bytes/.test(early.error), JSON.stringify(early));
  assert.equal(early.version, 3);

  // ASCII: the 64 KiB the disk check reads are the first 65,536 characters.
  const pad = '/'.repeat(65536 - model.length - 1);
  const lastInHead = readOpen(`${model}${pad}\u0000`);
  assert.ok('error' in lastInHead, 'a NUL as the 65,536th character is inside the checked head');
  const pastHead = readOpen(`${model}${pad}/\u0000${model}`);
  assert.ok('text' in pastHead, 'a NUL past the first 64 KiB is not a binary file');

  // Multi-byte text: 30,000 'é' are 60,000 bytes, so a NUL at character 40,000 is past byte 64 KiB.
  const wide = `${'é'.repeat(30000)}${'/'.repeat(10000)}\u0000`;
  assert.ok('text' in readOpen(wide));
  // The same verdicts as the disk check on the file's bytes.
  for (const t of [`${model}\u0000`, `${model}${pad}/\u0000`, wide]) {
    assert.equal('error' in readOpen(t), binaryProblem(Buffer.from(t, 'utf8')) !== null, t.length.toString());
  }
});
