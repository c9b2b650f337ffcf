import type { Rule } from '../../rule';
import migrationReplayError from './migration-replay-error';
import schemaDrift from './schema-drift';

/** Cross-file rules (RULES.md section C: schema.prisma ↔ migrations), in catalogue order. */
export const CROSS_RULES: readonly Rule[] = [schemaDrift, migrationReplayError];
