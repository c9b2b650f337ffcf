/**
 * `displayPath` (project/discover.ts): the root-relative path findings show. Its fast path (a
 * normalised path below a normalised root) and `path.relative`'s path must agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPath } from '../../server/src/project/discover';

describe('displayPath', () => {
  it('shows paths below the root relative to it, others absolute, whichever path computes it', () => {
    // Roots the fast path takes ('/r') and ones only path.relative handles ('/r/', '/q/../r').
    for (const root of ['/r', '/r/', '/q/../r']) {
      assert.equal(displayPath(root, '/r/prisma/schema.prisma'), 'prisma/schema.prisma', root);
      // A folder whose name starts with `..` is inside the root.
      assert.equal(displayPath(root, '/r/..migrations/001.sql'), '..migrations/001.sql', root);
      assert.equal(displayPath(root, '/elsewhere/x.sql'), '/elsewhere/x.sql', root);
      assert.equal(displayPath(root, '/r'), '/r', root);
    }
  });
});
