import { sqlChecks, type SharedIdCheck } from '../sql/shared-ids';

/** The SQL-migration check of a rule id shared by the Prisma and SQL sides, if the SQL module has one. */
export function sqlCheckFor(id: 'missing-fk-index' | 'redundant-index' | 'missing-primary-key'): SharedIdCheck | undefined {
  return sqlChecks[id];
}
