import type { AuditContext } from './engine';
import type { Fix, Range, RelatedLocation, Severity, Subject } from './types';

export type RuleCategory =
  | 'Indexes'
  | 'Relations'
  | 'Data types'
  | 'Enums'
  | 'Timestamps'
  | 'Security'
  | 'Syntax'
  | 'Migration history'
  | 'Migration safety'
  | 'Row Level Security'
  | 'Schema drift'
  | 'Suppressions';

/**
 * Rule documentation, written once in the rule's own file and rendered in the hover, the report and
 * docs/rules/<id>.md. `example` must trigger the rule and `useInstead` must not (both run as tests).
 *
 * Multi-file samples (SQL migrations, multi-file schemas) separate files with marker lines
 * `-- file: <path>` (SQL) or `// file: <path>` (Prisma); without markers the sample is one file named
 * `schema.prisma` or `migrations/0001_example.sql` (see docs.ts `sampleFiles`). Prisma samples without
 * a datasource get `datasource db { provider = "postgresql" }` prepended when run.
 */
export interface RuleDocs {
  whatItDoes: string;
  whyItMatters: string;
  example: string;
  useInstead: string;
  fixSafety: string;
}

export interface RuleMeta {
  id: string;
  /** One line, shown in quick picks and report tables. */
  title: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  /** Which input the rule reads. */
  language: 'prisma' | 'sql' | 'cross';
  /** "Applies to" in the documentation, when the language alone does not say it. */
  appliesTo?: string;
  tags?: Array<'unnecessary'>;
  /** 'replay': reports only what a front end's embedded replay found (`AuditInput.replay`). */
  requires?: 'replay';
  docs: RuleDocs;
}

/** What a rule reports; the engine adds severity (config), priority, and applies suppressions. */
export interface Report {
  file: string;
  range: Range;
  message: string;
  subject: Subject;
  fixes?: Fix[];
  /** Overrides the default severity for this finding (e.g. `info` for an optional relation cycle). */
  severity?: Severity;
  /** Line whose preceding line may hold an ignore comment, if not `range.start.line` (SQL statements). */
  anchorLine?: number;
  migration?: string;
  related?: RelatedLocation[];
  data?: Record<string, string>;
}

export interface Rule extends RuleMeta {
  check(ctx: AuditContext, report: (r: Report) => void): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
