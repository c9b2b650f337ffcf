import { nowMs } from './clock';
import { parsePrismaSchema, type PrismaSchema } from './prisma/schema';
import { classifyMigration, dirOf, lockProvider, rollbackTarget, type MigrationFileInfo } from './sql/discovery';
import type { SqlPreParse } from './sql/preparse';
import type { ReplayOutcome } from './sql/replay';
import { buildMigrationProject, type MigrationProject } from './sql/project';
import type { Report, Rule } from './rule';
import { ALL_RULES, RULES_BY_ID } from './rules';
import { collectSuppressions, type Suppression } from './suppress';
import { LineIndex } from './text';
import {
  priorityOf,
  type AuditConfig,
  type Finding,
  type Severity,
  type SourceFile,
} from './types';

export interface AuditInput {
  /** All `.prisma` files of one schema (a single file or a multi-file schema folder). */
  prismaFiles: SourceFile[];
  /** Migration SQL files of the project (any order; the SQL module orders them by version). */
  sqlFiles?: SourceFile[];
  /**
   * The `migration_lock.toml` files of the Prisma Migrate sets among `sqlFiles` that exist (paths from
   * `migrationSetFiles`): the provider a set was written for, when no schema says it.
   */
  migrationLocks?: SourceFile[];
  /**
   * The `supabase/config.toml` files beside the Supabase migration sets among `sqlFiles` that exist
   * (paths from `migrationSetFiles`): the schemas their `[api]` exposes besides `public`.
   */
  supabaseConfigs?: SourceFile[];
  /**
   * The `metadata.toml` files of the Diesel migrations among `sqlFiles` (whether Diesel runs the
   * migration in a transaction) and the Drizzle Kit journals (`meta/_journal.json`) of their numbered
   * sets, those that exist (paths from `migrationSetFiles`).
   */
  migrationMetadata?: SourceFile[];
  /** TypeScript/JavaScript sources scanned for Prisma Client query patterns. */
  codeFiles?: SourceFile[];
  config?: AuditConfig;
  /** Facts the front end discovered (e.g. a `supabase/` folder exists). */
  hints?: { supabase?: boolean };
  /**
   * SQL file path → the parser's work on that file done ahead by the front end (e.g. on a worker
   * thread; see `sql/preparse.ts`). Optional: files without one are parsed in the audit. Findings are
   * the same either way.
   */
  sqlPreParsed?: ReadonlyMap<string, SqlPreParse | null>;
  /**
   * What replaying the migrations in an embedded PostgreSQL came to (a front end that can run one
   * did it, see `sql/replay.ts`); `migration-replay-error` reports its failure. Absent: no replay.
   */
  replay?: ReplayOutcome;
}

export interface AuditContext {
  readonly input: AuditInput;
  /** The parsed Prisma schema, or null when the project has no Prisma files. */
  readonly prisma: PrismaSchema | null;
  /** The ordered, parsed and replayed migrations, or null when there are none. Built on first use. */
  readonly sql: MigrationProject | null;
  /** Whether a rule is on in this audit (rules use it to avoid double-reporting, e.g. SQL vs Prisma). */
  isEnabled(ruleId: string): boolean;
  lineIndex(file: string): LineIndex | undefined;
}

export interface AuditResult {
  findings: Finding[];
  /** Rule id → error message, for rules that threw (a bug, never a reason to lose other findings). */
  ruleErrors: Record<string, string>;
  /** The schema and migration models the rules saw (for hovers, report inventories). */
  prisma: PrismaSchema | null;
  sql: MigrationProject | null;
  /**
   * Migration files left out of the audit: they were written for the schema's database, which is not
   * PostgreSQL, and the SQL rules read PostgreSQL only (`splitSqlFiles`).
   */
  notAudited: {
    /** The database(s) they were written for: `mysql`, or `mysql and sqlite` when sets differ. */
    provider: string;
    files: string[];
  } | null;
  timings: { parseMs: number; rulesMs: number };
}

/** Providers whose Prisma migrations are PostgreSQL (CockroachDB speaks its dialect). */
const POSTGRES_PROVIDERS = new Set(['postgresql', 'cockroachdb']);

/** Migration sets that are PostgreSQL whatever the schema's provider says (Supabase, graphile-migrate). */
const POSTGRES_TOOLS = new Set(['supabase', 'graphile']);

/**
 * The SQL files the SQL rules audit, and those left out. A Prisma Migrate set is written in the
 * dialect its `migration_lock.toml` names, else the schema's datasource; any other set in the
 * schema's. When that is MySQL, SQLite, SQL Server … the set is left out (parsing it as PostgreSQL
 * would only report syntax errors), with its rollback scripts, except the tools that only speak
 * PostgreSQL (a Supabase folder next to the schema is audited whatever the provider).
 */
function splitSqlFiles(files: SourceFile[], prisma: PrismaSchema | null, locks: SourceFile[] = []): { audited: SourceFile[]; notAudited: AuditResult['notAudited'] } {
  const schemaProvider = prisma?.provider ?? null;
  const lockOf = new Map<string, string>();
  for (const l of locks) {
    const provider = lockProvider(l.text);
    if (provider) lockOf.set(dirOf(l.path), provider);
  }
  // Without a schema's provider, a set with no lock file is read for signs of another database.
  const sniff = !schemaProvider && files.some((f) => DIALECT_HINT.test(f.text));
  if (!files.length || (!sniff && (!schemaProvider || POSTGRES_PROVIDERS.has(schemaProvider)) && ![...lockOf.values()].some((p) => !POSTGRES_PROVIDERS.has(p)))) {
    return { audited: files, notAudited: null };
  }
  // The dialect of each folder holding migrations; rollback scripts follow their folder or its parent.
  const dialectOf = new Map<string, string | null>();
  const migrations: MigrationFileInfo[] = [];
  for (const f of files) if (rollbackTarget(f.path) === null) migrations.push(classifyMigration(f.path));
  const sniffed = sniff ? sniffDialects(files, migrations) : null;
  // Prisma sets first: their folders are decided by the set (its lock or the schema), whatever loose
  // file lies there.
  for (const info of migrations) {
    if (info.kind !== 'prisma') continue;
    const provider = lockOf.get(info.setDir) ?? schemaProvider ?? sniffed?.get(info.setDir) ?? null;
    dialectOf.set(dirOf(info.path), provider);
    dialectOf.set(info.setDir, provider);
  }
  for (const info of migrations) {
    const dir = dirOf(info.path);
    if (info.kind !== 'prisma' && !dialectOf.has(dir)) dialectOf.set(dir, POSTGRES_TOOLS.has(info.kind) ? 'postgresql' : (schemaProvider ?? sniffed?.get(dir) ?? null));
  }
  const providerOf = (f: SourceFile): string | null => {
    const dir = dirOf(f.path);
    return dialectOf.has(dir) ? dialectOf.get(dir)! : dialectOf.has(dirOf(dir)) ? dialectOf.get(dirOf(dir))! : schemaProvider;
  };
  const audited: SourceFile[] = [];
  const left: string[] = [];
  const providers = new Set<string>();
  for (const f of files) {
    const p = providerOf(f);
    if (!p || POSTGRES_PROVIDERS.has(p)) audited.push(f);
    else {
      left.push(f.path);
      providers.add(p);
    }
  }
  return { audited, notAudited: left.length ? { provider: [...providers].sort().join(' and '), files: left } : null };
}

/** Anything that may be a sign of a database other than PostgreSQL (checked before reading closer). */
const DIALECT_HINT = /`|\bpragma\b|\bautoincrement\b|\bxact_abort\b|\bbegin\s+try\b|\[dbo\]/i;

/** Statements only another database's migrations have (as Prisma Migrate and hand-written ones spell them). */
const DIALECT_SIGNS: Array<[provider: string, sign: RegExp]> = [
  ['mysql', /^[ \t]*(?:create|alter|drop)[ \t]+(?:table|(?:unique[ \t]+)?index)[ \t]+(?:if[ \t]+(?:not[ \t]+)?exists[ \t]+)?`|\bengine[ \t]*=[ \t]*innodb\b/im],
  ['sqlite', /^[ \t]*pragma[ \t]+\w|\bprimary[ \t]+key[ \t]+autoincrement\b/im],
  ['sqlserver', /^[ \t]*begin[ \t]+try\b|^[ \t]*set[ \t]+xact_abort[ \t]+on\b|\[dbo\]\./im],
];

/**
 * The database each migration set (a Prisma set's folder, another set's folder) is written for, read
 * from the SQL itself: for sets with neither a lock file nor a schema. A set is another database's
 * when at least half of its migrations show that database's statements (MySQL's backquoted names,
 * SQLite's PRAGMA, SQL Server's BEGIN TRY …): a stray word in a comment of one file does not count.
 */
function sniffDialects(files: SourceFile[], migrations: MigrationFileInfo[]): Map<string, string> {
  const textOf = new Map(files.map((f) => [f.path, f.text]));
  const bySet = new Map<string, { total: number; signs: Map<string, number> }>();
  for (const info of migrations) {
    const set = info.kind === 'prisma' ? info.setDir : dirOf(info.path);
    let s = bySet.get(set);
    if (!s) bySet.set(set, (s = { total: 0, signs: new Map() }));
    s.total++;
    const text = textOf.get(info.path) ?? '';
    if (!DIALECT_HINT.test(text)) continue;
    for (const [provider, sign] of DIALECT_SIGNS) if (sign.test(text)) s.signs.set(provider, (s.signs.get(provider) ?? 0) + 1);
  }
  const out = new Map<string, string>();
  for (const [set, s] of bySet) {
    const [provider, n] = [...s.signs].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (provider && n! * 2 >= s.total) out.set(set, provider);
  }
  return out;
}

class Context implements AuditContext {
  private sqlProject: MigrationProject | null | undefined;
  private readonly indexes = new Map<string, LineIndex>();
  private readonly texts = new Map<string, string>();

  constructor(
    readonly input: AuditInput,
    readonly prisma: PrismaSchema | null,
    private readonly enabled: (id: string) => boolean,
    /** The SQL files the SQL rules audit (`splitSqlFiles`). */
    private readonly sqlFiles: SourceFile[],
  ) {
    for (const f of input.prismaFiles) this.texts.set(f.path, f.text);
    for (const f of sqlFiles) this.texts.set(f.path, f.text);
  }

  get sql(): MigrationProject | null {
    if (this.sqlProject === undefined) {
      const files = this.sqlFiles;
      this.sqlProject = files.length ? buildMigrationProject(files, { supabase: this.input.hints?.supabase, preParsed: this.input.sqlPreParsed, supabaseConfigs: this.input.supabaseConfigs, migrationMetadata: this.input.migrationMetadata }) : null;
    }
    return this.sqlProject;
  }

  /** The migration project if a rule asked for it, else null (never builds it just for the result). */
  builtSql(): MigrationProject | null {
    return this.sqlProject ?? null;
  }

  /** Text of an input file (Prisma or SQL) by path. */
  textOf(file: string): string | undefined {
    return this.texts.get(file);
  }

  isEnabled(id: string): boolean {
    return this.enabled(id);
  }

  lineIndex(file: string): LineIndex | undefined {
    let idx = this.indexes.get(file);
    if (!idx) {
      const fromSchema = this.prisma?.files.find((f) => f.path === file)?.lines;
      if (fromSchema) idx = fromSchema;
      else {
        const text = this.texts.get(file);
        if (text === undefined) return undefined;
        idx = new LineIndex(text);
      }
      this.indexes.set(file, idx);
    }
    return idx;
  }
}

/** One line for front ends to show about `AuditResult.notAudited`. */
export function notAuditedNote(n: NonNullable<AuditResult['notAudited']>): string {
  const count = n.files.length;
  return `${count} migration file${count === 1 ? ' is' : 's are'} not audited: ${count === 1 ? 'it is' : 'they are'} written for ${n.provider}, and the SQL rules read PostgreSQL migrations only.`;
}

export function effectiveSeverity(rule: Rule, config: AuditConfig | undefined): Severity | 'off' {
  return config?.rules?.[rule.id] ?? rule.defaultSeverity;
}

/** Runs every enabled rule over the project and returns findings with suppressions applied. */
export function audit(input: AuditInput, rules: readonly Rule[] = ALL_RULES): AuditResult {
  const t0 = nowMs();
  const prisma = input.prismaFiles.length ? parsePrismaSchema(input.prismaFiles) : null;
  const t1 = nowMs();
  const config = input.config;
  const enabledIds = new Set(rules.filter((r) => effectiveSeverity(r, config) !== 'off').map((r) => r.id));
  const enabled = (id: string) => enabledIds.has(id);
  const { audited: sqlFiles, notAudited } = splitSqlFiles(input.sqlFiles ?? [], prisma, input.migrationLocks);
  const ctx = new Context(input, prisma, enabled, sqlFiles);
  const raw: Array<{ rule: Rule; report: Report }> = [];
  const ruleErrors: Record<string, string> = {};
  for (const rule of rules) {
    if (rule.id === UNUSED_IGNORE || !enabled(rule.id)) continue;
    try {
      rule.check(ctx, (report) => raw.push({ rule, report }));
    } catch (e) {
      ruleErrors[rule.id] = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    }
  }

  // Suppressions.
  const suppressions = new Map<string, Suppression[]>();
  const suppressionsOf = (file: string): Suppression[] => {
    let s = suppressions.get(file);
    if (!s) {
      const text = ctx.textOf(file);
      if (text === undefined || withoutSuppressions.get(file) === text) s = [];
      else {
        s = collectSuppressions(text, () => ctx.lineIndex(file)!, file.toLowerCase().endsWith('.prisma') ? 'prisma' : 'sql');
        if (!s.length) {
          if (withoutSuppressions.size >= 4096) withoutSuppressions.clear();
          withoutSuppressions.set(file, text);
        }
      }
      suppressions.set(file, s);
    }
    return s;
  };
  for (const f of [...input.prismaFiles, ...sqlFiles]) suppressionsOf(f.path);

  const findings: Finding[] = [];
  for (const { rule, report } of raw) {
    const list = suppressionsOf(report.file);
    const anchor = report.anchorLine ?? report.range.start.line;
    const hit = list.find(
      (s) => s.ruleIds.includes(rule.id) && (s.scope === 'file' || s.line === anchor - 1 || s.line === report.range.start.line - 1),
    );
    if (hit) {
      hit.used = true;
      continue;
    }
    const configured = effectiveSeverity(rule, config);
    const severity: Severity =
      configured !== rule.defaultSeverity && configured !== 'off' ? configured : (report.severity ?? rule.defaultSeverity);
    // A report replayed from a previous audit (prisma/memo.ts) is the same object: so is its finding.
    const known = findingOf.get(report);
    if (known && known.severity === severity && known.rule === rule.id) {
      findings.push(known);
      continue;
    }
    const finding: Finding = {
      rule: rule.id,
      severity,
      priority: priorityOf(severity),
      message: report.message,
      file: report.file,
      range: report.range,
      subject: report.subject,
      fixes: report.fixes ?? [],
      ...(rule.tags?.includes('unnecessary') ? { tags: ['unnecessary' as const] } : {}),
      ...(report.migration !== undefined ? { migration: report.migration } : {}),
      ...(report.related?.length ? { related: report.related } : {}),
      ...(report.data ? { data: report.data } : {}),
    };
    findingOf.set(report, finding);
    findings.push(finding);
  }

  // unused-ignore: an ignore comment that suppressed nothing (only for rules that ran).
  const unusedRule = RULES_BY_ID.get(UNUSED_IGNORE);
  if (unusedRule && enabled(UNUSED_IGNORE)) {
    const severity = effectiveSeverity(unusedRule, config) as Severity;
    for (const [file, list] of suppressions) {
      for (const s of list) {
        if (s.used) continue;
        const unknown = s.ruleIds.filter((id) => !RULES_BY_ID.has(id));
        const ran = s.ruleIds.filter((id) => RULES_BY_ID.has(id) && enabled(id));
        if (!unknown.length && !ran.length) continue; // suppresses only rules that are off: not our business
        const edit = { file, range: s.commentRange, newText: '' };
        findings.push({
          rule: UNUSED_IGNORE,
          severity,
          priority: priorityOf(severity),
          message: unknown.length
            ? `Unknown rule id ${unknown.map((u) => `\`${u}\``).join(', ')} in ignore comment.`
            : `This ignore comment suppresses nothing: no \`${ran.join('`, `')}\` finding ${s.scope === 'file' ? 'in this file' : 'on the next line'}.`,
          file,
          range: s.range,
          subject: {},
          fixes: [{ title: 'Remove the unused ignore comment', edits: [edit], isPreferred: true, safe: true }],
          tags: ['unnecessary'],
        });
      }
    }
  }

  findings.sort(compareFindings);
  const t2 = nowMs();
  return { findings, ruleErrors, prisma, sql: ctx.builtSql(), notAudited, timings: { parseMs: t1 - t0, rulesMs: t2 - t1 } };
}

/**
 * The last text of each path that had no suppressions (they depend on the text and the path alone): a
 * front end auditing again (the language server, on every keystroke) passes the same string for each
 * unchanged migration, and comparing it with itself costs nothing.
 */
const withoutSuppressions = new Map<string, string>();

/** The finding made from each report (reports and findings are read-only once made). */
const findingOf = new WeakMap<Report, Finding>();

export const UNUSED_IGNORE = 'unused-ignore';

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
