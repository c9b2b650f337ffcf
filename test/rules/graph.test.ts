import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stronglyConnectedComponents } from '../../server/src/analysis/graph';

test('strongly connected components: cycles, self-loops, chains, nodes reached only through edges', () => {
  const edges: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: ['d'], e: ['f'], f: [], x: ['y'], y: ['x'] };
  const comps = stronglyConnectedComponents(['a', 'e', 'x'], (v) => edges[v] ?? []);
  const sorted = comps.map((c) => [...c].sort().join('')).sort();
  assert.deepEqual(sorted, ['abc', 'd', 'e', 'f', 'xy']);
  // Emitted when the root finishes: d (reached from c) before {a, b, c}.
  assert.ok(comps.findIndex((c) => c.includes('d')) < comps.findIndex((c) => c.includes('a')));
  assert.deepEqual(stronglyConnectedComponents([], () => []), []);
});
