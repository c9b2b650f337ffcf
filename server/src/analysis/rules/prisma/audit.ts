import type { Rule } from '../../rule';
import implicitReferentialAction from './implicit-referential-action';
import cascadeDeletesHistory from './cascade-deletes-history';
import setNullOnRequired from './set-null-on-required';
import requiredRelationCycle from './required-relation-cycle';
import stringEnumCandidate from './string-enum-candidate';
import enumDrift from './enum-drift';
import floatForMoney from './float-for-money';
import missingUpdatedAt from './missing-updated-at';
import plaintextSecret from './plaintext-secret';
import queryIndexMissing from './query-index-missing';

/** Referential-action, enum, type and secret rules (issue 3), in catalogue order. */
export const AUDIT_RULES: readonly Rule[] = [
  implicitReferentialAction,
  cascadeDeletesHistory,
  setNullOnRequired,
  requiredRelationCycle,
  stringEnumCandidate,
  enumDrift,
  floatForMoney,
  missingUpdatedAt,
  plaintextSecret,
  queryIndexMissing,
];
