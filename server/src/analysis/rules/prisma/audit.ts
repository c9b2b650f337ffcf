import type { Rule } from '../../rule';

/** Referential-action, enum, type and secret rules (issue 3). */
export const AUDIT_RULES: readonly Rule[] = [];
