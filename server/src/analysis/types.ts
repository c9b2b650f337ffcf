/**
 * Core data types of the analysis. The analysis is pure: it takes file contents and returns findings
 * with exact ranges and fixes as text edits. Nothing here does IO or knows about the LSP.
 *
 * Positions are 0-based line / UTF-16 character, as in LSP. Paths are opaque strings chosen by the
 * front end (the CLI uses root-relative POSIX paths, the language server uses URIs); the analysis only
 * ever splits them on '/', e.g. to name a sibling file.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type Priority = 'P1' | 'P2' | 'P3';
export type RuleSetting = Severity | 'off';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

/** A whole-file operation a fix needs besides text edits (generate a rollback script, rename a migration). */
export type FileOperation =
  | { kind: 'create'; file: string; content: string; overwrite?: boolean }
  | { kind: 'rename'; file: string; newFile: string };

export interface Fix {
  title: string;
  edits: TextEdit[];
  fileOperations?: FileOperation[];
  /** The fix a user most likely wants (`isPreferred` in LSP). */
  isPreferred?: boolean;
  /** Safe fixes are applied by "fix all"; unsafe ones change behaviour or need a data migration. */
  safe?: boolean;
}

/** What a finding is about, so tools can match findings across runs. Names exactly as written. */
export interface Subject {
  model?: string;
  field?: string;
  enum?: string;
  table?: string;
  column?: string;
  index?: string;
  policy?: string;
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  priority: Priority;
  message: string;
  file: string;
  range: Range;
  subject: Subject;
  fixes: Fix[];
  /** 'unnecessary' renders faded in editors (redundant-index). */
  tags?: Array<'unnecessary' | 'deprecated'>;
  /** SQL findings: file name of a plain SQL migration, folder name of a Prisma migration. */
  migration?: string;
  related?: RelatedLocation[];
  /** Concrete values of this finding, used to render the hover (e.g. { default: 'SetNull' }). */
  data?: Record<string, string>;
}

export interface SourceFile {
  path: string;
  text: string;
}

export interface AuditConfig {
  /** Rule id → severity or 'off'. */
  rules?: Record<string, RuleSetting>;
  /** Replay the migrations in an embedded PostgreSQL (`migration-replay-error`; front ends that can). */
  replay?: boolean;
}

export function priorityOf(severity: Severity): Priority {
  return severity === 'error' ? 'P1' : severity === 'warning' ? 'P2' : 'P3';
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
