import type { Rule } from '../../rule';

/** SQL migration rules (RULES.md section B). */
export const SQL_RULES: readonly Rule[] = [];
