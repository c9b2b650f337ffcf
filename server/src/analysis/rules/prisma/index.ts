import type { Rule } from '../../rule';

/** Prisma schema rules (RULES.md section A), in catalogue order. */
export const PRISMA_RULES: readonly Rule[] = [];
