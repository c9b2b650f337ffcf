import type { Rule } from '../../rule';
import { AUDIT_RULES } from './audit';
import { FOUNDATION_RULES } from './foundation';

/** Prisma schema rules (RULES.md section A), in catalogue order. */
export const PRISMA_RULES: readonly Rule[] = [...FOUNDATION_RULES, ...AUDIT_RULES];
