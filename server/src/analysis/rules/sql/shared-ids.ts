import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';

export type SharedIdCheck = (ctx: AuditContext, report: (r: Report) => void) => void;

/**
 * SQL-side checks of the rules that exist for both Prisma schemas and SQL migrations (one rule id,
 * two checks). The Prisma rule file of the same id calls these.
 */
export const sqlChecks: Partial<Record<'missing-fk-index' | 'redundant-index' | 'missing-primary-key', SharedIdCheck>> = {};
