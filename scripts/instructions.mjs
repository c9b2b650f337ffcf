#!/usr/bin/env node
// Instruction count of one CLI run, for comparing two builds when wall times are too noisy to tell a
// few percent apart (a shared 2-core VM: the same run varies by ±20%). valgrind's callgrind counts the
// instructions executed; node runs with --single-threaded --predictable so V8's background compilers
// and GC threads do not make the count depend on timing (two runs of the same build agree within
// ~0.05%). Instructions are not time (memory stalls and GC pauses weigh differently), so confirm a
// real change with `npm run bench`; use this to see whether a change helps at all, and by how much.
// Compare builds in one invocation (`--dist A,B`, runs interleaved): the level itself can shift a few
// percent between invocations (environment, file system), the difference between builds does not.
//   node scripts/instructions.mjs [--runs N] [--dist DIR[,DIR…]] [-- <dist/cli.js arguments>]
// Default arguments: audit civitai's 400 migrations to JSON. About 30 s per run (valgrind).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCodeCache } from './code-cache.mjs';
import { median } from './median.mjs';
import corpusLocator from './corpus-root.cjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const own = sep < 0 ? argv : argv.slice(0, sep);
const option = (name, fallback) => (own.includes(name) ? own[own.indexOf(name) + 1] : fallback);
const runs = Number(option('--runs', '1'));
const dists = option('--dist', join(root, 'dist')).split(',').map((d) => resolve(d));
const cliArgs =
  sep >= 0
    ? argv.slice(sep + 1)
    : ['audit', join(corpusLocator.corpusRoot(root), 'civitai__civitai/packages/civitai-db-schema/prisma/migrations'), '--format', 'json', '--fail-on', 'never'];

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('instructions: valgrind not found (apt-get install valgrind)');
  process.exit(2);
}
for (const dist of dists) {
  if (!existsSync(join(dist, 'cli.js'))) {
    console.error(`instructions: ${join(dist, 'cli.js')} not found: run \`node esbuild.mjs\` first`);
    process.exit(2);
  }
}

// V8 accepts a code cache only under the flags it was made with, so the build's cache (made without
// --single-threaded --predictable) would be rejected here and every run would compile the bundle from
// source, unlike a real run. Each build is measured from a copy whose cache is made under these flags.
const NODE_FLAGS = ['--single-threaded', '--predictable'];
const copies = [];
function measuredCopy(dist) {
  if (!existsSync(join(dist, 'cli-main.js.cache'))) return dist;
  const copy = mkdtempSync(join(tmpdir(), 'si-instructions-'));
  copies.push(copy);
  cpSync(dist, copy, { recursive: true });
  const problem = writeCodeCache(root, copy, NODE_FLAGS);
  if (problem !== null) console.error(`instructions: no code cache for ${dist} (its runs compile the bundle)${problem && `: ${problem}`}`);
  return copy;
}
const measured = new Map(dists.map((d) => [d, measuredCopy(d)]));
process.on('exit', () => copies.forEach((c) => rmSync(c, { recursive: true, force: true })));

const counts = new Map(dists.map((d) => [d, []]));
for (let i = 0; i < runs; i++) {
  for (const dist of dists) {
    const r = spawnSync(
      'valgrind',
      ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...NODE_FLAGS, join(measured.get(dist), 'cli.js'), ...cliArgs],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
    if (!m || (r.status !== 0 && r.status !== 1)) {
      console.error(`instructions: run failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
      process.exit(1);
    }
    counts.get(dist).push(Number(m[1]));
    console.log(`${dist} run ${i + 1}: ${Number(m[1]).toLocaleString('en-US')} instructions`);
  }
}
const first = median(counts.get(dists[0]));
for (const dist of dists) {
  const med = median(counts.get(dist));
  const vs = dist === dists[0] ? '' : ` (${(((med - first) / first) * 100).toFixed(2)}% vs ${dists[0]})`;
  console.log(`median of ${runs}: ${med.toLocaleString('en-US')} instructions, ${dist}${vs}`);
}
