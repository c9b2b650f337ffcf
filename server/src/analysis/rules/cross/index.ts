import type { Rule } from '../../rule';
import schemaDrift from './schema-drift';

/** Cross-file rules (RULES.md section C: schema.prisma ↔ migrations), in catalogue order. */
export const CROSS_RULES: readonly Rule[] = [schemaDrift];
