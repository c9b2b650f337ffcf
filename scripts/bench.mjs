// `npm run bench`: measured numbers, printed as tables.
//  1. Analysis (in process, warm): median audit() time of every corpus schema, MB/s; budget: civitai's
//     302-model schema ≤ 30 ms (parse + model + rules, excluding process start).
//  2. Scaling: generated schemas of 1k–10k models, parser alone and full audit (linear growth).
//  3. CLI (cold process): wall time and peak RSS of `dist/cli.js audit <schema> --format json`.
//  4. LSP latency (scripts/bench-lsp.mjs) and the migration audit vs squawk (scripts/bench-migrations.mjs).
// Results also go to bench-results/latest.json. Usage: node scripts/bench.mjs [--quick] [--only analysis|cli|lsp|migrations]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { median } from './median.mjs';
import corpusLocator from './corpus-root.cjs';

const { corpusRoot } = corpusLocator;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = corpusRoot(root);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const want = (part) => !only || only === part;
const results = { date: new Date().toISOString(), node: process.version };

if (!existsSync(corpus)) {
  console.error(`bench: corpus not found at ${corpus}`);
  process.exit(2);
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  console.log(line(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(columns.map((c) => r[c] ?? '')));
}

if (want('analysis')) {
  const out = join(root, 'dist', 'bench-analysis.js');
  await esbuild.build({ entryPoints: [join(root, 'scripts/bench-analysis.ts')], bundle: true, platform: 'node', target: 'node20', outfile: out, logLevel: 'error' });
  const r = spawnSync(process.execPath, [out, corpus], { encoding: 'utf8', env: { ...process.env, BENCH_RUNS: quick ? '5' : '15' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  const { rows, scaling } = JSON.parse(r.stdout);
  results.analysis = rows;
  results.scaling = scaling;
  console.log('\n## Analysis per corpus schema (in process, warm; median of runs: parse + model + all rules)\n');
  table(rows, ['schema', 'models', 'kb', 'ms', 'mbPerS', 'findings']);
  const civitai = rows.find((x) => String(x.schema).includes('civitai'));
  if (civitai) console.log(`\ncivitai (${civitai.models} models): ${civitai.ms} ms — budget 30 ms: ${civitai.ms <= 30 ? 'within' : 'OVER'}`);
  console.log('\n## Scaling on generated schemas\n');
  table(scaling, ['models', 'mb', 'parseMs', 'auditMs', 'usPerModel']);
}

if (want('cli')) {
  const cli = join(root, 'dist', 'cli.js');
  const schemas = [];
  for (const p of readdirSync(corpus).sort()) {
    const dir = join(corpus, p);
    if (!statSync(dir).isDirectory()) continue;
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = join(d, e.name);
        if (e.isDirectory() && e.name !== 'migrations' && e.name !== 'node_modules') walk(f);
        else if (e.isFile() && e.name.endsWith('.prisma')) schemas.push(f);
      }
    };
    walk(dir);
  }
  // Multi-file schemas are audited as their folder's files together.
  const groups = new Map();
  for (const s of schemas) {
    const key = /\/schema\/[^/]+\.prisma$/.test(s) ? dirname(s) : s;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  const runs = quick ? 3 : 5;
  const rows = [];
  for (const [key, files] of groups) {
    const walls = [];
    let info = null;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [cli, 'audit', ...files, '--format', 'json', '--timings', '--fail-on', 'never', '--output', '/dev/null'], { encoding: 'utf8' });
      walls.push(performance.now() - t);
      const line = r.stderr.split('\n').find((l) => l.startsWith('{'));
      if (line) info = JSON.parse(line);
    }
    const bytes = info?.bytes ?? 0;
    rows.push({
      schema: relative(corpus, key),
      kb: Math.round(bytes / 1024),
      wallMs: Number(median(walls).toFixed(0)),
      analysisMs: info ? Number(info.analysisMs.toFixed(1)) : '',
      peakRssMb: info ? Number((info.maxRssKb / 1024).toFixed(0)) : '',
      findings: info?.findings ?? '',
    });
  }
  results.cli = rows;
  console.log(`\n## CLI, cold process per schema (median of ${runs} runs; analysisMs = parse + model + rules in that cold process)\n`);
  table(rows, ['schema', 'kb', 'wallMs', 'analysisMs', 'peakRssMb', 'findings']);
}

function runScript(name, extra = []) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', name), ...extra], { stdio: 'inherit' });
  return r.status ?? 1;
}

if (want('lsp') && existsSync(join(root, 'scripts/bench-lsp.mjs'))) {
  console.log('\n## Language server latency (didChange → publishDiagnostics)\n');
  results.lspExit = runScript('bench-lsp.mjs');
}
if (want('migrations') && existsSync(join(root, 'scripts/bench-migrations.mjs'))) {
  console.log('\n## Migration audit vs squawk\n');
  results.migrationsExit = runScript('bench-migrations.mjs', quick ? ['--rounds', '3'] : []);
}

mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'latest.json'), JSON.stringify(results, null, 2));
console.log('\nwrote bench-results/latest.json');
