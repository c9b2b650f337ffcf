#!/usr/bin/env node
// Migration-audit benchmark: cold CLI wall time and peak RSS for auditing civitai's 400 and langfuse's
// 434 Prisma migrations with Schema Insight, side by side with Squawk (squawk-cli from npm) on the same
// files in the same run. Rounds are interleaved (ours, npx squawk, squawk binary, parse floor) so machine
// noise hits all tools alike; the table shows medians (wall) and maxima (RSS). The parse floor
// (scripts/bench-parse-floor.ts) starts Node.js, loads the same WebAssembly parser and parses the same
// files, nothing else: no audit built on that parser can run faster than it.
//   node scripts/bench-migrations.mjs [--rounds N] [--json]
// Needs dist/cli.js (npm run build) and the corpus at ../shared/corpus. Budget: ours ≤ 1.5× Squawk.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { median } from './median.mjs';
import corpusLocator from './corpus-root.cjs';

const { corpusRoot } = corpusLocator;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = corpusRoot(root);
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) > 0 && args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
const asJson = args.includes('--json');
const BUDGET = 1.5;

const sets = [
  { name: 'civitai (400 migrations)', dir: join(corpus, 'civitai__civitai/packages/civitai-db-schema/prisma/migrations') },
  { name: 'langfuse (434 migrations)', dir: join(corpus, 'langfuse__langfuse/packages/shared/prisma/migrations') },
];

const cli = join(root, 'dist/cli.js');
if (!existsSync(cli)) {
  console.error('dist/cli.js not found: run `node esbuild.mjs` (or `npm run bench`) first.');
  process.exit(2);
}
for (const s of sets) {
  if (!existsSync(s.dir)) {
    console.error(`corpus folder not found: ${s.dir}`);
    process.exit(2);
  }
  s.files = readdirSync(s.dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(s.dir, e.name, 'migration.sql')))
    .map((e) => join(s.dir, e.name, 'migration.sql'))
    .sort();
}

const squawkBin = join(root, 'node_modules/.bin/squawk');
const floor = join(root, 'dist/bench-parse-floor.js');
await esbuild.build({ entryPoints: [join(root, 'scripts/bench-parse-floor.ts')], bundle: true, platform: 'node', target: 'node20', outfile: floor, logLevel: 'error' });
const wasm = join(root, 'dist/libpg-query.wasm');
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const tmp = mkdtempSync(join(tmpdir(), 'si-bench-'));

/** Runs a command; returns wall time (ms), peak RSS (MB, when /usr/bin/time exists), exit status, stdout. */
function run(cmd, cmdArgs) {
  const rssFile = join(tmp, 'rss');
  const argv = timeBin ? ['-o', rssFile, '-f', '%M', cmd, ...cmdArgs] : cmdArgs;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(timeBin ?? cmd, argv, { cwd: root, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssMb = null;
  if (timeBin) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rssMb = Number.isFinite(kb) ? kb / 1024 : null;
  }
  if (r.error) throw r.error;
  return { ms, rssMb, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tools = [
  { name: 'schema-insight (node dist/cli.js audit --format json)', run: (s) => run(process.execPath, [cli, 'audit', s.dir, '--format', 'json', '--fail-on', 'never']) },
  { name: 'npx squawk', run: (s) => run('npx', ['--no-install', 'squawk', '--reporter', 'gcc', ...s.files]) },
  ...(existsSync(squawkBin) ? [{ name: 'squawk (node_modules/.bin)', run: (s) => run(squawkBin, ['--reporter', 'gcc', ...s.files]) }] : []),
  { name: 'parse floor (node + libpg-query parse only)', floor: true, run: (s) => run(process.execPath, [floor, wasm, ...s.files]) },
];

const results = [];
for (const s of sets) {
  const samples = tools.map(() => ({ ms: [], rss: [], findings: null }));
  for (let i = 0; i < rounds; i++) {
    tools.forEach((t, k) => {
      const r = t.run(s);
      if (k === 0) {
        if (r.status !== 0) throw new Error(`schema-insight failed (${r.status}): ${r.stderr}`);
        samples[k].findings = JSON.parse(r.stdout).findings.length;
      } else if (t.floor) {
        if (r.status !== 0) throw new Error(`the parse floor failed (${r.status}): ${r.stderr.slice(0, 500)}`);
      } else if (r.status !== 0 && r.status !== 1) {
        throw new Error(`${t.name} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
      } else if (samples[k].findings === null) {
        samples[k].findings = (r.stdout.match(/: (warning|error): /g) ?? []).length;
      }
      samples[k].ms.push(r.ms);
      if (r.rssMb !== null) samples[k].rss.push(r.rssMb);
    });
  }
  tools.forEach((t, k) => {
    results.push({
      set: s.name,
      files: s.files.length,
      tool: t.name,
      wallMs: Math.round(median(samples[k].ms)),
      minMs: Math.round(Math.min(...samples[k].ms)),
      peakRssMb: samples[k].rss.length ? Math.round(Math.max(...samples[k].rss)) : null,
      findings: samples[k].findings,
      ...(t.floor ? { floor: true } : {}),
    });
  });
}
rmSync(tmp, { recursive: true, force: true });

if (asJson) {
  console.log(JSON.stringify({ rounds, budget: BUDGET, results }, null, 2));
} else {
  console.log(`Migration audit benchmark — cold process per run, ${rounds} interleaved rounds, median wall time, max peak RSS`);
  const header = ['Migrations', 'Tool', 'Wall (median)', 'Wall (best)', 'Peak RSS', 'Findings'];
  const rows = results.map((r) => [r.set, r.tool, `${r.wallMs} ms`, `${r.minMs} ms`, r.peakRssMb === null ? 'n/a' : `${r.peakRssMb} MB`, r.floor ? '-' : String(r.findings)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const s of sets) {
    const ours = results.find((r) => r.set === s.name && r.tool.startsWith('schema-insight'));
    for (const other of results.filter((r) => r.set === s.name && !r.tool.startsWith('schema-insight') && !r.floor)) {
      const ratio = ours.wallMs / other.wallMs;
      console.log(`${s.name}: schema-insight / ${other.tool} = ${ratio.toFixed(2)}× ${ratio <= BUDGET ? '(within' : '(OVER'} the ${BUDGET}× budget)`);
    }
    const floorRow = results.find((r) => r.set === s.name && r.floor);
    const bin = results.find((r) => r.set === s.name && r.tool.startsWith('squawk ('));
    if (floorRow && bin) console.log(`${s.name}: the parse floor alone = ${(floorRow.wallMs / bin.wallMs).toFixed(2)}× squawk (node_modules/.bin); schema-insight = ${(ours.wallMs / floorRow.wallMs).toFixed(2)}× the floor`);
  }
}
