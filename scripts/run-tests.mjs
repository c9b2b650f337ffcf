// Runs every test file with Node's own test runner (TypeScript through tsx), so CI reads the real
// pass/fail counts from node:test's summary. Usage: node scripts/run-tests.mjs [filter…]
// A filter keeps only test files whose path contains it. SCHEMA_INSIGHT_SKIP_E2E=1 skips test/e2e.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const skipE2e = process.env.SCHEMA_INSIGHT_SKIP_E2E === '1';

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.test\.(ts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

let files = walk(join(root, 'test')).map((f) => relative(root, f)).sort();
if (skipE2e) files = files.filter((f) => !f.startsWith('test/e2e/'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
