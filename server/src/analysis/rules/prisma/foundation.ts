import type { Rule } from '../../rule';
import missingFkIndex from './missing-fk-index';
import missingPrimaryKey from './missing-primary-key';
import missingRelation from './missing-relation';
import redundantIndex from './redundant-index';

/** Index and relation rules (issue 2), in catalogue order. */
export const FOUNDATION_RULES: readonly Rule[] = [missingFkIndex, redundantIndex, missingRelation, missingPrimaryKey];
