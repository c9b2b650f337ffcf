import type { Rule } from '../../rule';
import prismaSyntaxError from './prisma-syntax-error';
import unusedIgnore from './unused-ignore';

/** Rules about the input itself rather than the database design. */
export const CORE_RULES: readonly Rule[] = [prismaSyntaxError, unusedIgnore];
