import type { Rule } from '../rule';
import { CORE_RULES } from './core';
import { CROSS_RULES } from './cross';
import { PRISMA_RULES } from './prisma';
import { SQL_RULES } from './sql';

/** Every rule, in catalogue order. */
export const ALL_RULES: readonly Rule[] = [...PRISMA_RULES, ...SQL_RULES, ...CROSS_RULES, ...CORE_RULES];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((r) => [r.id, r]));
