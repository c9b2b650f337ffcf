/**
 * SARIF 2.1.0 for GitHub code scanning. One run; `tool.driver.rules` lists every registered rule (plus
 * any unknown rule id a finding carries), with help text from the rule docs; results carry 1-based
 * regions in UTF-16 code units (`columnKind: "utf16CodeUnits"`), relative URIs under `%SRCROOT%`,
 * fixes as artifact changes, and a partial fingerprint that depends on rule + file + subject (plus an
 * ordinal among equal keys), never on line numbers, so results match across runs when lines move.
 */
import { renderRuleMarkdown } from '../analysis/docs';
import { ALL_RULES } from '../analysis/rules';
import type { Finding, Fix, Range, Severity } from '../analysis/types';
import { jsonSubject, TOOL_NAME } from './json';
import { docUrl, firstLine, ruleInfo, sortFindings, type ReportInput, type RuleInfo } from './model';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/schema-insight/schema-insight';
export const FINGERPRINT_KEY = 'schemaInsightSubjectHash/v1';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** GitHub's `problem.severity` property: error / warning / recommendation. */
function problemSeverity(s: Severity): string {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'recommendation';
}

const SECURITY_CATEGORIES = new Set(['Security', 'Row Level Security']);
/** Rules of those categories that are about performance, not access: not security alerts on GitHub. */
const PERFORMANCE_ONLY = new Set(['rls-initplan', 'rls-multiple-permissive']);
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.5', info: '3.0', hint: '1.0' };

/** A relative path as a URI reference: each segment percent-encoded, '/' kept. */
export function toUriReference(path: string): string {
  return path
    .split(/[\\/]/)
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** SARIF region: 1-based lines and columns, endColumn exclusive. */
export function sarifRegion(r: Range) {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

function artifactLocation(file: string) {
  return { uri: toUriReference(file), uriBaseId: '%SRCROOT%' };
}

function helpText(info: RuleInfo): string {
  if (!info.docs) return info.title;
  return [
    info.docs.whatItDoes,
    `Why it matters: ${info.docs.whyItMatters}`,
    `Fix safety: ${info.docs.fixSafety}`,
    `Documentation: ${docUrl(info.id)}`,
  ].join('\n\n');
}

function ruleDescriptor(info: RuleInfo) {
  const tags = [info.category, info.language === 'sql' ? 'sql' : info.language === 'prisma' ? 'prisma' : 'prisma+sql'];
  const security = SECURITY_CATEGORIES.has(info.category) && !PERFORMANCE_ONLY.has(info.id);
  if (security) tags.push('security');
  const properties: Record<string, unknown> = {
    category: info.category,
    tags,
    'problem.severity': problemSeverity(info.defaultSeverity),
  };
  if (security) properties['security-severity'] = SECURITY_SEVERITY[info.defaultSeverity];
  return {
    id: info.id,
    name: pascal(info.id),
    shortDescription: { text: info.title },
    fullDescription: { text: info.docs?.whatItDoes ?? info.title },
    help: {
      text: helpText(info),
      markdown: info.rule ? renderRuleMarkdown(info.rule, undefined, { headingLevel: 2, omitTitle: true }) : info.title,
    },
    helpUri: docUrl(info.id),
    defaultConfiguration: { level: sarifLevel(info.defaultSeverity) },
    properties,
  };
}

function fingerprintKey(f: Finding): string {
  return JSON.stringify([f.rule, f.file, jsonSubject(f.subject)]);
}

/** node:crypto, loaded on first use: it costs a few ms of start-up that only SARIF output needs. */
let crypto: typeof import('node:crypto') | undefined;

function sha(s: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(s).digest('hex').slice(0, 32);
}

function sarifFix(fix: Fix) {
  const byFile = new Map<string, Array<{ deletedRegion: ReturnType<typeof sarifRegion>; insertedContent?: { text: string } }>>();
  const add = (file: string, rep: { deletedRegion: ReturnType<typeof sarifRegion>; insertedContent?: { text: string } }) => {
    const list = byFile.get(file) ?? [];
    list.push(rep);
    byFile.set(file, list);
  };
  for (const e of fix.edits) add(e.file, { deletedRegion: sarifRegion(e.range), ...(e.newText ? { insertedContent: { text: e.newText } } : {}) });
  const notes: string[] = [];
  for (const op of fix.fileOperations ?? []) {
    // A new file: insert its content at the start of an (empty) artifact.
    if (op.kind === 'create') add(op.file, { deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text: op.content } });
    else notes.push(`rename ${op.file} to ${op.newFile}`);
  }
  if (!byFile.size) return null; // SARIF cannot express a pure rename (artifactChanges needs ≥ 1 change)
  return {
    description: { text: notes.length ? `${fix.title} (also: ${notes.join('; ')})` : fix.title },
    artifactChanges: [...byFile.entries()].map(([file, replacements]) => ({ artifactLocation: artifactLocation(file), replacements })),
  };
}

export function buildSarif(input: ReportInput) {
  const findings = sortFindings(input.findings);
  const infos: RuleInfo[] = ALL_RULES.map((r) => ruleInfo(r.id));
  const index = new Map(infos.map((r, i) => [r.id, i]));
  for (const f of findings) {
    if (!index.has(f.rule)) {
      index.set(f.rule, infos.length);
      infos.push(ruleInfo(f.rule, f.severity));
    }
  }
  const ordinals = new Map<string, number>();
  const results = findings.map((f) => {
    const key = fingerprintKey(f);
    const n = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, n);
    const properties: Record<string, unknown> = { priority: f.priority, severity: f.severity, subject: jsonSubject(f.subject) };
    if (f.migration !== undefined) properties.migration = f.migration;
    if (f.tags?.length) properties.tags = [...f.tags];
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule)!,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.file), region: sarifRegion(f.range) } }],
      partialFingerprints: { [FINGERPRINT_KEY]: `${sha(key)}:${n}` },
      properties,
    };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: artifactLocation(r.file), region: sarifRegion(r.range) },
        message: { text: r.message },
      }));
    }
    const fixes = f.fixes.map(sarifFix).filter((x) => x !== null);
    if (fixes.length) result.fixes = fixes;
    return result;
  });
  const ruleErrors = Object.entries(input.ruleErrors ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: input.toolVersion,
            semanticVersion: /^\d+\.\d+\.\d+/.test(input.toolVersion) ? input.toolVersion : undefined,
            informationUri: INFORMATION_URI,
            rules: infos.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: ruleErrors.length === 0,
            ...(ruleErrors.length
              ? {
                  toolExecutionNotifications: ruleErrors.map(([rule, msg]) => ({
                    level: 'error',
                    message: { text: `Rule ${rule} failed: ${firstLine(msg)}` },
                    descriptor: { id: rule },
                  })),
                }
              : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        artifacts: [...input.files]
          .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
          .map((f) => ({ location: artifactLocation(f.path), roles: ['analysisTarget'], properties: { kind: f.kind } })),
        results,
        properties: { root: input.root },
      },
    ],
  };
}

export function renderSarif(input: ReportInput): string {
  return JSON.stringify(buildSarif(input), null, 2) + '\n';
}
