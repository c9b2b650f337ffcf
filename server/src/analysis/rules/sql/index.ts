import type { Report, Rule } from '../../rule';
import type { MigrationProject } from '../../sql/project';
import addRequiredColumn from './add-required-column';
import columnTypeChange from './column-type-change';
import constraintNotValid from './constraint-not-valid';
import destructiveChange from './destructive-change';
import duplicateMigrationVersion from './duplicate-migration-version';
import fkCycle from './fk-cycle';
import indexNotConcurrent from './index-not-concurrent';
import migrationOrder from './migration-order';
import missingRollback from './missing-rollback';
import renameBreaksClients from './rename-breaks-clients';
import rlsDisabled from './rls-disabled';
import rlsInitplan from './rls-initplan';
import rlsMultiplePermissive from './rls-multiple-permissive';
import rlsPolicyAlwaysTrue from './rls-policy-always-true';
import rlsPolicyNoOwnership from './rls-policy-no-ownership';
import rlsPolicyWithoutRls from './rls-policy-without-rls';
import sqlSyntaxError from './sql-syntax-error';

/**
 * SQL migration rules (RULES.md section B), in catalogue order. `missing-fk-index`, `redundant-index`
 * and `missing-primary-key` share their ids with the Prisma rules: their SQL checks are in
 * `shared-ids.ts` and run from the Prisma rule files.
 */
export const SQL_RULES: readonly Rule[] = ([
  sqlSyntaxError,
  duplicateMigrationVersion,
  migrationOrder,
  missingRollback,
  fkCycle,
  rlsDisabled,
  rlsPolicyWithoutRls,
  rlsPolicyAlwaysTrue,
  rlsPolicyNoOwnership,
  rlsInitplan,
  rlsMultiplePermissive,
  indexNotConcurrent,
  addRequiredColumn,
  destructiveChange,
  columnTypeChange,
  constraintNotValid,
  renameBreaksClients,
] as Rule[]).map(memoizedPerProject);

/**
 * The migration rules read nothing but the migration project (`ctx.sql`), and the engine reuses a
 * project while the migration files are unchanged, so their reports are computed once per project:
 * an editor re-audits on every keystroke in the schema without re-checking hundreds of migrations.
 * (Configuration and suppressions are applied by the engine afterwards, on every audit.)
 */
function memoizedPerProject(rule: Rule): Rule {
  if (rule.language !== 'sql') return rule;
  const cache = new WeakMap<MigrationProject, Report[]>();
  return {
    ...rule,
    check(ctx, report) {
      const project = ctx.sql;
      if (!project) return rule.check(ctx, report);
      let reports = cache.get(project);
      if (!reports) {
        const collected: Report[] = [];
        rule.check(ctx, (r) => collected.push(r));
        cache.set(project, (reports = collected));
      }
      for (const r of reports) report(r);
    },
  };
}
