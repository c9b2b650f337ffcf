#!/usr/bin/env node
/**
 * The `schema-insight` command line: a thin front end over the pure analysis, for CI and terminals.
 *   schema-insight audit [path …] [--format text|json|markdown|sarif|html] [--output FILE]
 *                        [--report FILE] [--fail-on error|warning|info|never] [--config FILE] [--no-color]
 *   schema-insight rules            list the rules
 *   schema-insight explain <rule>   print a rule's documentation
 */
// First: configures V8 before the SQL parser's WebAssembly module is compiled.
import './wasm-tiering';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { audit, compareFindings, effectiveSeverity, notAuditedNote } from '../analysis/engine';
import { renderRuleDocPage } from '../analysis/docs';
import { ALL_RULES, RULES_BY_ID } from '../analysis/rules';
import { nowMs } from '../analysis/clock';
import { ensureSqlParser, type SqlPreParse } from '../analysis/sql/parse';
import { migrationInventory, type MigrationProject } from '../analysis/sql/project';
import { replayPlan, type ReplayOutcome } from '../analysis/sql/replay';
import { SEVERITY_RANK, type AuditConfig, type Finding, type Severity } from '../analysis/types';
import { discoverProjects, loadConfigFile, projectForFiles, type ProjectLayout } from '../project/discover';
import { loadProject, type LoadedProject } from '../project/load';
import { DEFAULT_REPLAY_TIMEOUT_MS, replayMigrations } from '../project/replay';
import { preParseInParallel, SQL_WORKER_MIN_CHARS, type PreParseStats } from '../project/sql-pool';
import { renderReport, type ReportInput } from '../report';

const VERSION = process.env.SCHEMA_INSIGHT_VERSION ?? '0.0.0-dev';
const FORMATS = ['text', 'json', 'markdown', 'sarif', 'html'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'info', 'hint', 'never'] as const;

class UsageError extends Error {}

const HELP = `schema-insight ${VERSION} — audits Prisma schemas and PostgreSQL/Supabase migrations

Usage:
  schema-insight audit [path …] [options]   audit project folders or explicit .prisma/.sql files
  schema-insight rules                      list the rules with their default severity
  schema-insight explain <rule-id>          print a rule's documentation

A path is a project folder (its schema.prisma, prisma/schema/ folders, other .prisma schemas and
migration folders are found) or explicit files. Default: the current folder.

Options:
  --format text|json|markdown|sarif|html   output format (default: text)
  --output FILE                            write the output to FILE instead of standard output
  --report FILE                            also write a Markdown audit report to FILE
  --fail-on error|warning|info|never       exit 1 when a finding at or above this severity exists (default: error)
  --config FILE                            rule configuration (default: schema-insight.json in the project)
  --replay                                 also run the migrations in an embedded PostgreSQL (PGlite) and
                                           report the statement that fails (migration-replay-error)
  --replay-timeout SECONDS                 stop a replay after this long (default: 300)
  --no-color                               plain text output
  -h, --help, --version
Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error.
`;

interface Options {
  paths: string[];
  format: Format;
  output: string | null;
  report: string | null;
  failOn: (typeof FAIL_ON)[number];
  config: string | null;
  color: boolean;
  /** Print analysis timings and peak memory as JSON on standard error (used by `npm run bench`). */
  timings: boolean;
  /** Replay the migrations in an embedded PostgreSQL (also `"replay": true` in the configuration). */
  replay: boolean;
  replayTimeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { paths: [], format: 'text', output: null, report: null, failOn: 'error', config: null, color: !!process.stdout.isTTY && !process.env.NO_COLOR, timings: false, replay: false, replayTimeoutMs: DEFAULT_REPLAY_TIMEOUT_MS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const name = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '--format': {
        const v = value(name);
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
        o.format = v as Format;
        break;
      }
      case '--output':
      case '-o':
        o.output = value(name);
        break;
      case '--report':
        o.report = value(name);
        break;
      case '--fail-on': {
        const v = value(name);
        if (!(FAIL_ON as readonly string[]).includes(v)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
        o.failOn = v as Options['failOn'];
        break;
      }
      case '--config':
        o.config = value(name);
        break;
      case '--no-color':
        o.color = false;
        break;
      case '--color':
        o.color = true;
        break;
      case '--timings':
        o.timings = true;
        break;
      case '--replay':
        o.replay = true;
        break;
      case '--replay-timeout': {
        const v = Number(value(name));
        if (!(v > 0)) throw new UsageError('--replay-timeout must be a number of seconds above 0');
        o.replayTimeoutMs = v * 1000;
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.paths.push(a);
    }
  }
  return o;
}

function layoutsFor(paths: string[]): { root: string; layouts: ProjectLayout[] } {
  const targets = paths.length ? paths : ['.'];
  const folders: string[] = [];
  const files: string[] = [];
  for (const p of targets) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    if (st.isDirectory()) folders.push(resolve(p));
    else files.push(resolve(p));
  }
  const root = folders.length === 1 && !files.length ? folders[0] : process.cwd();
  const layouts: ProjectLayout[] = [];
  for (const f of folders) layouts.push(...discoverProjects(f).map((l) => ({ ...l, root })));
  if (files.length) {
    const bad = files.filter((f) => !/\.(prisma|sql)$/i.test(f));
    if (bad.length) throw new UsageError(`not a .prisma or .sql file: ${bad.join(', ')}`);
    layouts.push(projectForFiles(root, files));
  }
  return { root, layouts };
}

/**
 * `SCHEMA_INSIGHT_SQL_WORKER`: `0` parses SQL in the main thread only, `1` uses the parse worker
 * whatever the size; unset: the worker for projects with at least SQL_WORKER_MIN_CHARS of SQL.
 */
function sqlWorkerMinChars(): number | null {
  const v = process.env.SCHEMA_INSIGHT_SQL_WORKER;
  return v === '0' ? null : v === '1' ? 0 : SQL_WORKER_MIN_CHARS;
}

export async function runAudit(o: Options, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const tStart = nowMs();
  // Since the process started (--timings).
  const startMs = process.uptime() * 1000;
  const { root, layouts } = layoutsFor(o.paths);
  const discoverMs = nowMs() - tStart;
  let configOverride: AuditConfig | undefined;
  if (o.config) {
    const c = loadConfigFile(resolve(o.config), (id) => RULES_BY_ID.has(id));
    const fatal = c.problems.filter((p) => !p.startsWith('unknown rule id'));
    if (fatal.length) throw new UsageError(`${o.config}: ${fatal.join('; ')}`);
    for (const p of c.problems) err(`warning: ${o.config}: ${p}`);
    configOverride = c.config;
  }
  if (!layouts.length) err(`warning: no Prisma schema or migration folder found under ${o.paths.join(' ') || '.'}`);
  // Started now, awaited once the files are read: the parser compiles on V8's background threads meanwhile.
  const sqlParser = layouts.some((l) => l.migrationFiles.length) ? ensureSqlParser() : null;
  // Its failure surfaces where it is awaited.
  sqlParser?.catch(() => {});

  const findings: Finding[] = [];
  const files: ReportInput['files'] = [];
  const inventory: NonNullable<ReportInput['inventory']> = [];
  const ruleErrors: Record<string, string> = {};
  const timing: Record<string, number | string> & { preParseMs: number; parseMs: number; rulesMs: number; bytes: number } = { startMs, discoverMs, loadMs: 0, sqlLoadMs: 0, preParseMs: 0, parseMs: 0, rulesMs: 0, renderMs: 0, bytes: 0 };
  const tRead = nowMs();
  const projects: LoadedProject[] = [];
  for (const layout of layouts) {
    const project = loadProject(layout, configOverride);
    for (const p of project.configProblems) err(`warning: ${p}`);
    projects.push(project);
  }
  timing.loadMs = nowMs() - tRead;
  const tLoad = nowMs();
  await sqlParser;
  timing.sqlLoadMs = nowMs() - tLoad;
  const tPre = nowMs();
  const minChars = sqlWorkerMinChars();
  const preParse = minChars === null ? null : await preParseProjects(projects, minChars);
  timing.preParseMs = nowMs() - tPre;
  if (preParse) {
    Object.assign(timing, { sqlFiles: preParse.files, byWorker: preParse.byWorker, inThread: preParse.inThread });
    if (preParse.worker) Object.assign(timing, { workerReadyMs: preParse.worker.readyMs, workerStartMs: preParse.worker.startMs, workerEndMs: preParse.worker.endMs });
    if (preParse.workerProblem) timing.workerProblem = preParse.workerProblem;
  }
  let replayed = false;
  for (const project of projects) {
    let result = audit(project.input);
    const replayRule = RULES_BY_ID.get('migration-replay-error');
    if ((o.replay || project.input.config?.replay) && result.sql?.migrations.length && replayRule && effectiveSeverity(replayRule, project.input.config) !== 'off') {
      const outcome = await replayMigrations(replayPlan(result.sql), { timeoutMs: o.replayTimeoutMs });
      project.input.replay = outcome;
      replayed = true;
      // The migration project is reused (same files): only the rules run again, now with the outcome.
      result = audit(project.input);
      err(`note: ${replayNote(outcome, result.sql)}`);
    }
    // Files left out (another database's dialect) are named in a note, not counted as audited.
    const left = new Set(result.notAudited?.files);
    files.push(...project.files.filter((f) => !left.has(f.path)));
    if (result.notAudited) err(`note: ${project.input.prismaFiles[0]?.path ?? displayRoot(root)}: ${notAuditedNote(result.notAudited)}`);
    timing.parseMs += result.timings.parseMs;
    timing.rulesMs += result.timings.rulesMs;
    if (o.timings) for (const f of [...project.input.prismaFiles, ...(project.input.sqlFiles ?? [])]) timing.bytes += Buffer.byteLength(f.text);
    findings.push(...project.unreadable, ...result.findings);
    Object.assign(ruleErrors, result.ruleErrors);
    if (result.sql) inventory.push(...migrationInventory(result.sql));
  }
  findings.sort(compareFindings);
  for (const [id, e] of Object.entries(ruleErrors)) err(`internal error in rule ${id} (other rules ran normally): ${e.split('\n')[0]}`);

  const shownRoot = displayRoot(root);
  const input: ReportInput = { root: shownRoot, files, findings, toolVersion: VERSION, ...(inventory.length ? { inventory } : {}), ruleErrors, ...(replayed ? { replayed } : {}) };
  // Text lines are `file:line:col`: prefix the audited root so they open from the current folder.
  const pathPrefix = o.format === 'text' && shownRoot !== '.' ? `${shownRoot.replace(/\/+$/, '')}/` : '';
  const tRender = nowMs();
  const rendered = renderReport(o.format, input, { color: o.color && !o.output, pathPrefix });
  timing.renderMs = nowMs() - tRender;
  if (o.output) {
    writeOut(o.output, rendered);
    err(`wrote ${o.format} output to ${o.output}`);
  } else out(rendered.endsWith('\n') ? rendered : rendered + '\n');
  if (o.report) {
    writeOut(o.report, renderReport('markdown', input));
    err(`wrote the audit report to ${o.report}`);
  }
  if (o.timings) {
    err(JSON.stringify({ ...timing, analysisMs: timing.preParseMs + timing.parseMs + timing.rulesMs, totalMs: process.uptime() * 1000, maxRssKb: process.resourceUsage().maxRSS, findings: findings.length }));
  }
  if (o.failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[o.failOn as Severity];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

/**
 * Parses the projects' migration files on the parse worker and this thread together (large projects
 * only) and hands the results to each project's audit input. Stats for --timings.
 */
async function preParseProjects(projects: LoadedProject[], minChars: number): Promise<PreParseStats | null> {
  const sqlFiles = projects.flatMap((p) => p.input.sqlFiles ?? []);
  const outcome = await preParseInParallel(sqlFiles.map((f) => f.text), { minChars });
  if (!outcome) return null;
  let k = 0;
  for (const p of projects) {
    const map = new Map<string, SqlPreParse>();
    for (const f of p.input.sqlFiles ?? []) {
      const r = outcome.results[k++];
      if (r) map.set(f.path, r);
    }
    p.input.sqlPreParsed = map;
  }
  return outcome.stats;
}

/** One line on a replay: how far it got, in what, and why it stopped short. */
function replayNote(o: ReplayOutcome, sql: MigrationProject | null): string {
  const where = (path: string, statement?: number): string => {
    const file = sql?.parsed.get(path);
    const s = statement === undefined ? undefined : file?.statements[statement];
    return s ? `${path}:${s.range.start.line + 1}` : path;
  };
  const head = `replayed ${o.applied} of ${o.total} migration${o.total === 1 ? '' : 's'} in ${o.engine}${o.ms !== undefined ? ` (${(o.ms / 1000).toFixed(1)} s)` : ''}`;
  if (o.failure) return `${head}; it fails at ${where(o.failure.path, o.failure.statement)} (migration-replay-error)`;
  if (o.stopped) return `${head}; stopped at ${where(o.stopped.path, o.stopped.statement)}: ${o.stopped.reason}. This is a limit of the embedded replay, not a finding; the later migrations were not checked.`;
  return head;
}

function displayRoot(root: string): string {
  const cwd = process.cwd();
  if (root === cwd) return '.';
  return root.startsWith(cwd + '/') ? root.slice(cwd.length + 1) : root;
}

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text.endsWith('\n') ? text : text + '\n');
}

export async function main(argv: string[], out = (s: string) => process.stdout.write(s), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '-h' || command === '--help' || command === 'help') {
      out(HELP);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      out(`${VERSION}\n`);
      return 0;
    }
    if (command === 'rules') {
      const width = Math.max(...ALL_RULES.map((r) => r.id.length));
      for (const r of ALL_RULES) out(`${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${r.category.padEnd(18)}  ${r.title}\n`);
      return 0;
    }
    if (command === 'explain') {
      const rule = RULES_BY_ID.get(rest[0] ?? '');
      if (!rule) throw new UsageError(`unknown rule ${rest[0] ?? '(none)'}; see \`schema-insight rules\``);
      out(renderRuleDocPage(rule));
      return 0;
    }
    if (command === 'audit') return await runAudit(parseArgs(rest), out, err);
    // `schema-insight path` is shorthand for `schema-insight audit path`.
    if (!command.startsWith('-')) {
      try {
        statSync(command);
        return await runAudit(parseArgs(argv), out, err);
      } catch (e) {
        if (e instanceof UsageError) throw e;
      }
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`schema-insight: ${e.message}\nRun \`schema-insight --help\` for usage.`);
      return 2;
    }
    err(`schema-insight: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 3;
  }
}

/**
 * Exits once standard output and error are flushed, without tearing the heap down piece by piece (a
 * natural exit frees every object of the audit first: ~20 ms for civitai's 400 migrations).
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  // A write's callback runs once everything written before it is out. On a write error (a closed
  // pipe), the stream's 'error' listener ends the process (see below).
  process.stdout.write('', (e) => {
    if (!e) process.stderr.write('', (e2) => e2 || process.exit(code));
  });
}

if (require.main === module) {
  // A reader that stops early (`… | head`, also `2>&1 | head`) closes the pipe: end quietly with the
  // audit's exit code (`process.exitCode`, 0 if not set yet), as command-line tools do, instead of an
  // unhandled EPIPE error and its stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit();
    });
  }
  main(process.argv.slice(2)).then(exitWhenFlushed, (e) => {
    process.stderr.write(`schema-insight: ${String(e)}\n`);
    exitWhenFlushed(3);
  });
}
