/**
 * Generates a rollback script for a migration: the reverse of each statement, in reverse order.
 * Statements that cannot be reversed (data changes, drops, enum value additions …) become commented
 * `-- TODO:` lines that say why — never silently skipped. The output is valid PostgreSQL.
 */
import { inputParams, partsKey, qualify, rangeKey, ROUTINE_OBJECTS, sourceOrder, splitKey, textReads, type ColumnState, type Index, type SourceRef, type StatementFacts } from './catalog';
import { computedUsing, exprText, names, quoteIdent, quoteLiteral, quoteQualified, typeText } from './expr';
import { plainDdlBlockSize, type PgNode, type SqlStatement } from './parse';
import type { Migration } from './project';
import { PLATFORM_SCHEMAS } from './replay';
import { dirOf } from './discovery';
import { maskLexemes } from './lexical';
import { columnDefaultSql, columnDefinition, columnTypeSql, constraintDefinition, functionRecreation, functionRestore, indexRecreation, policyRecreation, tableRecreation, viewRecreation } from './recreate';

function rel(rv: PgNode): string {
  if (!rv?.relname) return '?';
  return rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname);
}

function qualifiedNames(list: PgNode[] | undefined): string {
  return names(list).map(quoteIdent).join('.');
}

function commentOut(text: string, eol: string): string {
  return text
    .split(/\r?\n|\r/)
    .map((l) => `--   ${l}`.trimEnd())
    .join(eol);
}

/** Objects that hold no rows of their own (a DROP loses only their definition), by `DropStmt.removeType`. */
const HOLDS_NO_DATA: Record<string, string> = {
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view (and refresh it)',
  OBJECT_POLICY: 'policy',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'routine',
};

/** What to do by hand for a DROP none of the reverses could re-create. */
function byHandDrop(n: PgNode): string {
  const kind = HOLDS_NO_DATA[n.removeType];
  if (!kind) return 'recreate the object (and restore its data from a backup).';
  if (n.behavior === 'DROP_CASCADE') return `re-create the ${kind} and what CASCADE dropped with it by hand.`;
  return `re-create the ${kind} by hand${n.missing_ok ? ' if it existed' : ''} (no statement the replay read describes it as it was).`;
}

/** The reverse of ADD COLUMN (also what a rollback waits on when the column holds the only copy of values). */
function dropColumnSql(table: string, column: string): string {
  return `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${quoteIdent(column)};`;
}

function todo(reason: string, stmt: SqlStatement, eol: string): string {
  return `-- TODO: ${reason}${eol}${commentOut(stmt.text + ';', eol)}`;
}

/**
 * Reverse of one statement: SQL lines (possibly several), or a TODO block. `reads`, when given, gets
 * each line that re-creates a view with the tables and views its query reads.
 */
export function reverseStatement(stmt: SqlStatement, eol = '\n', facts?: StatementFacts, createdHere: (key: string) => boolean = () => false, reads?: Map<string, string[]>): string[] {
  const n = stmt.node;
  const T = (reason: string) => [todo(reason, stmt, eol)];
  // A CREATE … IF NOT EXISTS of an object that was there already did nothing (its DROP would drop the older one).
  if (facts?.noop) return [];
  switch (stmt.kind) {
    // A temporary table is gone when the migration's session ends: nothing to reverse (and a DROP by
    // its name in the rollback's session would drop a permanent table of that name).
    case 'CreateStmt':
      return n.relation?.relpersistence === 't' ? [] : [`DROP TABLE IF EXISTS ${rel(n.relation)};`];
    case 'CreateTableAsStmt':
      return n.into?.rel?.relpersistence === 't' ? [] : [`DROP ${n.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} IF EXISTS ${rel(n.into?.rel)};`];
    case 'ViewStmt': {
      if (!n.replace || createdHere(relKey(n.view))) return [`DROP VIEW IF EXISTS ${rel(n.view)};`];
      // No earlier migration made it (nor an earlier statement of this one): the migration made it.
      if (facts && facts.replacedView === undefined && !platformSchema(n.view?.schemaname)) return [`${madeOutsideNote(rel(n.view), eol)}DROP VIEW IF EXISTS ${rel(n.view)};`];
      // The definition it replaced, when the replay read it: dropped and made again, as a view cannot
      // lose columns in place (a view that reads this one would make the DROP fail: a TODO then).
      const previous = facts?.replacedView && viewRecreation(rangeKey(n.view), facts.replacedView);
      if (!previous) return T('CREATE OR REPLACE VIEW: restore the previous definition of the view by hand.');
      const readers = facts?.viewReaders ?? [];
      if (readers.length) {
        const shown = readers.map((k) => splitKey(k).map(quoteIdent).join('.')).join(', ');
        return T(`CREATE OR REPLACE VIEW: ${shown} ${readers.length === 1 ? 'reads' : 'read'} this view, so it cannot be dropped and made again as it was: restore its previous definition by hand (drop and re-create ${readers.length === 1 ? 'that view' : 'those views'} around it).`);
      }
      const line = `-- Restores ${rel(n.view)} as migration ${facts!.replacedView!.migration} defined it; privileges granted on it since are not restored.${eol}${previous}`;
      reads?.set(line, viewReads(facts!.replacedView!));
      return [`DROP VIEW IF EXISTS ${rel(n.view)};`, line];
    }
    case 'IndexStmt': {
      if (!n.idxname) return T('the index has no explicit name; drop it by its generated name.');
      const name = n.relation?.schemaname ? `${quoteIdent(n.relation.schemaname)}.${quoteIdent(n.idxname)}` : quoteIdent(n.idxname);
      return [`DROP INDEX${n.concurrent ? ' CONCURRENTLY' : ''} IF EXISTS ${name};`];
    }
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
      return [`DROP TYPE IF EXISTS ${stmt.kind === 'CreateEnumStmt' ? qualifiedNames(n.typeName) : rel(n.typevar)};`];
    case 'CreateDomainStmt':
      return [`DROP DOMAIN IF EXISTS ${qualifiedNames(n.domainname)};`];
    case 'CreateSchemaStmt':
      return n.schemaname ? [`DROP SCHEMA IF EXISTS ${quoteIdent(n.schemaname)};`] : T('unnamed schema.');
    case 'CreateExtensionStmt':
      // IF NOT EXISTS: it may have been there before (an earlier migration, the platform: Supabase ships pgcrypto, uuid-ossp …).
      if (n.if_not_exists) return T('CREATE EXTENSION IF NOT EXISTS: the extension may have been installed before this migration (by an earlier one, by the platform or by hand): drop it only if this migration installed it.');
      return [`DROP EXTENSION IF EXISTS ${quoteIdent(n.extname)};`];
    case 'CreateSeqStmt':
      return [`DROP SEQUENCE IF EXISTS ${rel(n.sequence)};`];
    case 'CreatePolicyStmt':
      return [`DROP POLICY IF EXISTS ${quoteIdent(n.policy_name)} ON ${rel(n.table)};`];
    case 'CreateTrigStmt':
      // Made by no earlier migration (on a table the replay knows): the migration made it.
      if (n.replace && !createdHere(relKey(n.relation)) && facts?.replacedTrigger === false && !platformSchema(n.relation?.schemaname))
        return [`${madeOutsideNote(`trigger ${quoteIdent(n.trigname)}`, eol)}DROP TRIGGER IF EXISTS ${quoteIdent(n.trigname)} ON ${rel(n.relation)};`];
      // OR REPLACE can only have replaced a trigger of a table that existed before this migration.
      if (n.replace && !createdHere(relKey(n.relation))) return T('CREATE OR REPLACE TRIGGER: restore the previous trigger by hand.');
      return [`DROP TRIGGER IF EXISTS ${quoteIdent(n.trigname)} ON ${rel(n.relation)};`];
    case 'CreateFunctionStmt': {
      if (n.replace && !createdHere(routineKey(n.funcname))) {
        // The definition it replaced, when the replay read it.
        const restore = facts?.replacedFunction && functionRestore(facts.replacedFunction, n);
        if (restore) return [`-- Restores ${qualifiedNames(n.funcname)} as migration ${facts!.replacedFunction!.createdBy.migration} defined it; privileges and settings given to it since are not restored.${eol}${restore.dropFirst ? `${dropRoutine(n)}${eol}` : ''}${restore.create}`];
        const fname = names(n.funcname);
        if (facts && !facts.replacedFunction && !platformSchema(fname.length > 1 ? fname[0] : undefined)) return [`${madeOutsideNote(qualifiedNames(n.funcname), eol)}${dropRoutine(n)}`];
        return T('CREATE OR REPLACE FUNCTION: the previous definition (if any) must be restored by hand; drop the function only if this migration introduced it.');
      }
      return [dropRoutine(n)];
    }
    case 'CommentStmt': {
      // On an object the migration made, the rollback drops it (and its comment).
      if (commentedKeys(n).some(createdHere)) return [];
      const head = facts?.previousComment !== undefined ? commentHead(stmt.text) : null;
      if (head === null) return T('COMMENT ON: the previous comment is not known.');
      return [`${head}IS ${facts!.previousComment === null ? 'NULL' : quoteLiteral(facts!.previousComment!)};`];
    }
    case 'AlterEnumStmt':
      if (n.oldVal) return [`ALTER TYPE ${qualifiedNames(n.typeName)} RENAME VALUE ${quoteLiteral(n.newVal)} TO ${quoteLiteral(n.oldVal)};`];
      return T(`PostgreSQL cannot remove the enum value ${quoteLiteral(n.newVal ?? '')}: recreate the type without it (and rewrite rows that use it).`);
    case 'RenameStmt':
      return reverseRename(n, stmt, eol);
    case 'AlterTableStmt':
      return reverseAlterTable(n, stmt, eol, facts);
    case 'DropStmt':
      return (
        reverseDropEnums(n, facts) ??
        reverseDropTables(n, stmt, eol, facts) ??
        reverseDropDefinitions(n, stmt, eol, facts, reads) ??
        T(`a DROP cannot be reversed automatically: ${byHandDrop(n)}`)
      );
    case 'TruncateStmt':
      return T('TRUNCATE deleted rows: restore them from a backup.');
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      // Rows of a table this migration created go with the table, which the rollback drops.
      if (n.relation && facts?.tables.get(rangeKey(n.relation)) === 'new') return [];
      return T('data change: write the inverse data migration by hand.');
    case 'GrantStmt':
      return reverseGrant(n, stmt, eol, createdHere);
    case 'DoStmt':
      return T('DO block: reverse its effects by hand.');
    case 'SelectStmt':
      // SELECT … INTO new_table creates a table; a plain SELECT changes nothing.
      return n.intoClause?.rel && n.intoClause.rel.relpersistence !== 't' ? [`DROP TABLE IF EXISTS ${rel(n.intoClause.rel)};`] : [];
    case 'VariableSetStmt':
    case 'TransactionStmt':
    // Nothing that lasts past the migration: a lock (held to the commit), notifications, statistics,
    // a rebuilt index, a recomputed materialized view.
    case 'LockStmt':
    case 'NotifyStmt':
    case 'ListenStmt':
    case 'UnlistenStmt':
    case 'VacuumStmt':
    case 'CheckPointStmt':
    case 'ReindexStmt':
    case 'ClusterStmt':
    case 'RefreshMatViewStmt':
    case 'DiscardStmt':
      return [];
    case 'CreatePublicationStmt':
      return [`DROP PUBLICATION IF EXISTS ${quoteIdent(n.pubname)};`];
    case 'AlterPublicationStmt': {
      // ADD TABLE a, b → DROP TABLE a, b (adding a table already there fails, so each was not there).
      const objects: PgNode[] = n.pubobjects ?? [];
      const tables = objects.map((o) => o.PublicationObjSpec).filter((o) => o?.pubobjtype === 'PUBLICATIONOBJ_TABLE' && o.pubtable?.relation);
      if (n.action === 'AP_AddObjects' && tables.length && tables.length === objects.length) return [`ALTER PUBLICATION ${quoteIdent(n.pubname)} DROP TABLE ${tables.map((o) => rel(o.pubtable.relation)).join(', ')};`];
      return T('ALTER PUBLICATION: restore its previous tables by hand.');
    }
    default:
      return T(`no automatic reverse for this statement (${stmt.kind}).`);
  }
}

/**
 * DROP TYPE of enums the replay knew: a type holds no data, so the reverse re-creates each with the
 * values it had (Prisma's enum-recreate migrations drop the old type last, and their rollback renames
 * it back). Null (a TODO) for anything else, or with CASCADE (the columns it dropped are not restored).
 */
function reverseDropEnums(n: PgNode, facts: StatementFacts | undefined): string[] | null {
  const dropped = facts?.droppedEnums;
  const objects: PgNode[] = n.objects ?? [];
  if (n.removeType !== 'OBJECT_TYPE' || n.behavior === 'DROP_CASCADE' || !dropped || dropped.size !== objects.length) return null;
  return [...dropped.values()].map((e) => `CREATE TYPE ${quoteQualified(e.schema, e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`);
}

/** `DROP FUNCTION / PROCEDURE … IF EXISTS` of what a CREATE FUNCTION node makes (its input parameter types). */
function dropRoutine(n: PgNode): string {
  const args = inputParams(n.parameters).map((p: PgNode) => typeText(p.argType));
  return `DROP ${n.is_procedure ? 'PROCEDURE' : 'FUNCTION'} IF EXISTS ${qualifiedNames(n.funcname)}(${args.join(', ')});`;
}

/**
 * DROP INDEX / VIEW / MATERIALIZED VIEW / FUNCTION: objects that hold no data of their own (a
 * materialized view is refreshed when re-created), re-created from the statements that made them
 * (`recreate.ts`), in the order they were made (a view may read an earlier one). Objects the replay
 * cannot re-create become a TODO. Null (the whole statement a TODO) for other drops, with CASCADE (the dependent
 * objects it dropped are not known), or when nothing can be re-created.
 */
function reverseDropDefinitions(n: PgNode, stmt: SqlStatement, eol: string, facts: StatementFacts | undefined, reads?: Map<string, string[]>): string[] | null {
  const type: string = n.removeType;
  const routine = ROUTINE_OBJECTS.has(type);
  if ((type !== 'OBJECT_INDEX' && type !== 'OBJECT_VIEW' && type !== 'OBJECT_MATVIEW' && type !== 'OBJECT_POLICY' && !routine) || n.behavior === 'DROP_CASCADE' || !facts) return null;
  const made: Array<{ order: SourceRef; lines: string[] }> = [];
  const byHand: string[] = [];
  if (routine) {
    // The overloads the replay saw dropped; a function named that it did not know is one to re-create by hand.
    const dropped = facts.droppedFunctions ?? [];
    for (const d of dropped) {
      const sql = functionRecreation(d);
      if (sql) made.push({ order: d.createdBy, lines: [`-- Re-creates ${quoteQualified(d.schema, d.name)} as migration ${d.createdBy.migration} defined it; privileges and settings given to it since are not restored.${eol}${sql}`] });
      else byHand.push(`function ${quoteQualified(d.schema, d.name)}`);
    }
    for (const o of n.objects ?? []) {
      const key = partsKey(names(o.ObjectWithArgs?.objname));
      if (!dropped.some((d) => d.key === key)) byHand.push(`function ${names(o.ObjectWithArgs?.objname).map(quoteIdent).join('.')}`);
    }
  }
  for (const o of routine ? [] : (n.objects ?? [])) {
    const parts = names(o.List?.items);
    const key = partsKey(parts);
    const shown = parts.map(quoteIdent).join('.');
    if (type === 'OBJECT_POLICY') {
      const table = partsKey(parts.slice(0, -1));
      const name = parts[parts.length - 1];
      const p = facts.droppedPolicies?.find((x) => x.table === table && x.name === name);
      const sql = p && policyRecreation(p);
      if (sql) made.push({ order: p.source, lines: [`-- Re-creates policy ${quoteIdent(name)} as migration ${p.source.migration} defined it.${eol}${sql}`] });
      else byHand.push(`policy ${quoteIdent(name)} on ${parts.slice(0, -1).map(quoteIdent).join('.')}`);
      continue;
    }
    if (type === 'OBJECT_INDEX') {
      const i = facts.droppedIndexes?.find((x) => x.key === key);
      const sql = i && indexRecreation(i);
      if (sql) made.push({ order: i.source, lines: [sql] });
      else byHand.push(`index ${shown}`);
      continue;
    }
    const ref = facts.droppedViews?.get(key);
    const sql = viewRecreation(key, ref);
    if (!ref || !sql) {
      byHand.push(`${type === 'OBJECT_VIEW' ? 'view' : 'materialized view'} ${shown}`);
      continue;
    }
    const lines = [`-- Re-creates ${shown} as migration ${ref.migration} defined it; privileges granted on it since are not restored.${eol}${sql}`];
    reads?.set(lines[0], viewReads(ref));
    // A materialized view's indexes went with it.
    for (const i of facts.droppedIndexes ?? []) {
      if (i.table !== key) continue;
      const index = indexRecreation(i);
      if (index) lines.push(index);
      else byHand.push(`index ${quoteIdent(i.name)} of ${shown}`);
    }
    made.push({ order: ref, lines });
  }
  if (!made.length) return null;
  made.sort((a, b) => sourceOrder(a.order, b.order));
  const out = made.flatMap((m) => m.lines);
  if (byHand.length) out.push(todo(`${byHand.join(', ')}: not made by a statement the replay read (or renamed since); re-create it by hand if it existed.`, stmt, eol));
  return out;
}

/**
 * DROP TABLE: each table re-created as the replay knew it just before (`tableRecreation`), in the
 * order they were made, then their foreign keys (a table may reference another the statement
 * dropped). Its rows are gone: the script says so. Tables it cannot write back become a TODO. Null
 * (the whole statement a TODO) with CASCADE (what else it dropped is not known) or when no table
 * can be re-created.
 */
function reverseDropTables(n: PgNode, stmt: SqlStatement, eol: string, facts: StatementFacts | undefined): string[] | null {
  if (n.removeType !== 'OBJECT_TABLE' || n.behavior === 'DROP_CASCADE' || !facts?.droppedTables) return null;
  const made: Array<{ order: SourceRef; create: string[]; foreignKeys: string[] }> = [];
  const byHand: string[] = [];
  for (const o of n.objects ?? []) {
    const parts = names(o.List?.items);
    const shown = parts.map(quoteIdent).join('.');
    const dropped = facts.droppedTables.find((d) => d.table.key === partsKey(parts));
    const sql = dropped && tableRecreation(dropped.table, shown, dropped.indexes, eol);
    if (!sql) {
      // Not there (IF EXISTS), or not written back.
      if (dropped) byHand.push(`table ${shown}`);
      continue;
    }
    const head = `-- Re-creates ${shown} as it was before this migration, empty: its rows were dropped with it (restore them from a backup); privileges and triggers on it are not restored.`;
    const create = [`${head}${eol}${sql.create}`, ...sql.rest];
    if (sql.byHand.length) create.push(`-- TODO: ${sql.byHand.join(', ')} of ${shown}: not made by a statement the replay read (or renamed since); re-create it by hand.`);
    made.push({ order: dropped.table.createdBy, create, foreignKeys: sql.foreignKeys });
  }
  if (!made.length) return null;
  made.sort((a, b) => sourceOrder(a.order, b.order));
  const out = [...made.flatMap((m) => m.create), ...made.flatMap((m) => m.foreignKeys)];
  if (byHand.length) out.push(todo(`${byHand.join(', ')}: a DROP cannot be reversed automatically here (a column or option this cannot write back): recreate the table (and restore its data from a backup).`, stmt, eol));
  return out;
}

/** A schema the hosting platform or an extension provides (`auth`, `storage`, `extensions` …): its objects were there before any migration. */
function platformSchema(schema: string | undefined): boolean {
  return !!schema && (PLATFORM_SCHEMAS.has(schema.toLowerCase()) || schema.toLowerCase() === 'pg_catalog');
}

/**
 * The comment before the DROP that reverses a CREATE OR REPLACE of an object no earlier migration
 * made: the replay takes it that this migration did, and says what to do if it was made otherwise.
 */
function madeOutsideNote(name: string, eol: string): string {
  return `-- No earlier migration makes ${name}: dropped. If it existed before this migration (made outside the migrations), restore its definition instead.${eol}`;
}

function reverseRename(n: PgNode, stmt: SqlStatement, eol: string): string[] {
  const newRel = (rv: PgNode) => (rv?.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(n.newname)}` : quoteIdent(n.newname));
  switch (n.renameType) {
    case 'OBJECT_TABLE':
      return [`ALTER TABLE ${newRel(n.relation)} RENAME TO ${quoteIdent(n.relation.relname)};`];
    case 'OBJECT_VIEW':
      return [`ALTER VIEW ${newRel(n.relation)} RENAME TO ${quoteIdent(n.relation.relname)};`];
    case 'OBJECT_INDEX':
      return [`ALTER INDEX ${newRel(n.relation)} RENAME TO ${quoteIdent(n.relation.relname)};`];
    case 'OBJECT_COLUMN':
      return [`ALTER TABLE ${rel(n.relation)} RENAME COLUMN ${quoteIdent(n.newname)} TO ${quoteIdent(n.subname)};`];
    case 'OBJECT_TABCONSTRAINT':
      return [`ALTER TABLE ${rel(n.relation)} RENAME CONSTRAINT ${quoteIdent(n.newname)} TO ${quoteIdent(n.subname)};`];
    case 'OBJECT_POLICY':
      return [`ALTER POLICY ${quoteIdent(n.newname)} ON ${rel(n.relation)} RENAME TO ${quoteIdent(n.subname)};`];
    case 'OBJECT_TYPE': {
      const parts = names(n.object?.List?.items);
      const schema = parts.length > 1 ? `${quoteIdent(parts[0])}.` : '';
      return [`ALTER TYPE ${schema}${quoteIdent(n.newname)} RENAME TO ${quoteIdent(parts[parts.length - 1])};`];
    }
    default:
      return [todo('rename of this kind of object: rename it back by hand.', stmt, eol)];
  }
}

function reverseGrant(n: PgNode, stmt: SqlStatement, eol: string, createdHere: (key: string) => boolean): string[] {
  // Turning GRANT into REVOKE (and back) keeps the same privilege/object/grantee clauses.
  const text = stmt.text;
  const objects: PgNode[] = n.objects ?? [];
  // Named objects, all created by this migration (so the rollback drops them).
  const ownObjects = n.targtype === 'ACL_TARGET_OBJECT' && objects.length > 0 && objects.every((o) => createdHere(objectKey(n.objtype, o)));
  if (n.is_grant) {
    // A REVOKE would also take what the grantees held before this migration: safe only on objects it created.
    if (n.targtype !== 'ACL_TARGET_OBJECT') return [todo('GRANT … ON ALL … IN SCHEMA also covers objects of earlier migrations: revoke by hand only what this migration added.', stmt, eol)];
    if (!ownObjects) {
      return [todo('the grantees may have held these privileges before this migration (an earlier migration, the platform\'s defaults): revoke by hand only what this migration added.', stmt, eol)];
    }
    const m = /^\s*GRANT\b([\s\S]*?)\bTO\b([\s\S]*)$/i.exec(text);
    if (m && !/\bWITH\s+GRANT\s+OPTION\b/i.test(m[2])) return [`REVOKE${m[1]}FROM${m[2].replace(/\s+$/, '')};`];
  } else {
    // Objects this migration created (and the rollback drops) need nothing given back.
    if (ownObjects) return [];
    // A REVOKE of named privileges on named objects took what the grantees held (one revokes what was
    // granted). REVOKE ALL, or ON ALL … IN SCHEMA, took only part of what it names: a GRANT of all of
    // it would give them more than they had (REVOKE ALL ON SCHEMA public FROM anon, then GRANT ALL).
    if (!n.privileges?.length || n.targtype !== 'ACL_TARGET_OBJECT') {
      return [todo('REVOKE ALL / ON ALL … IN SCHEMA: re-grant by hand only the privileges the grantees held before this migration (from an earlier migration or the platform\'s defaults); granting everything it names would give them more than they had.', stmt, eol)];
    }
    const m = /^\s*REVOKE\b([\s\S]*?)\bFROM\b([\s\S]*)$/i.exec(text);
    if (m && !/\bGRANT\s+OPTION\s+FOR\b/i.test(m[1])) return [`GRANT${m[1]}TO${m[2].replace(/\s+(CASCADE|RESTRICT)\s*$/i, '')};`];
  }
  return [todo('privilege change: restore the previous privileges by hand.', stmt, eol)];
}

function reverseAlterTable(n: PgNode, stmt: SqlStatement, eol: string, facts?: StatementFacts): string[] {
  if (n.objtype && n.objtype !== 'OBJECT_TABLE') return [todo(`ALTER of a ${String(n.objtype).replace('OBJECT_', '').toLowerCase()}: reverse it by hand.`, stmt, eol)];
  const t = rel(n.relation);
  const tableKey = rangeKey(n.relation);
  const out: string[] = [];
  const cmds: PgNode[] = (n.cmds ?? []).map((c: PgNode) => c.AlterTableCmd).filter(Boolean);
  const { before, nothingToUndo } = columnsBeforeEachCommand(cmds, facts);
  // Indexes dropped with the statement's columns, each named once.
  const reAdded = new Set<Index>();
  for (const cmd of [...cmds].reverse()) {
    if (nothingToUndo.has(cmd)) continue;
    const col = cmd.name ? quoteIdent(cmd.name) : '';
    const prev = before.get(cmd);
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        out.push(dropColumnSql(t, cmd.def?.ColumnDef?.colname ?? '?'));
        break;
      }
      case 'AT_DropColumn': {
        const back = cmd.behavior === 'DROP_CASCADE' ? null : columnReAdd(t, tableKey, cmd.name, facts, reAdded, eol);
        if (back) {
          out.push(...back);
          break;
        }
        out.push(
          `-- TODO: column ${cmd.name} was dropped with its data: re-add it${prev ? ` (was: ${prev.type}${prev.notNull ? ' NOT NULL' : ''}${prev.default ? ` DEFAULT ${prev.default}` : ''})` : ''} and restore the data from a backup.`,
        );
        // Its indexes went with it: they can come back only after it.
        for (const i of indexesDroppedWith(facts, tableKey, cmd.name, reAdded)) {
          const sql = indexRecreation(i);
          out.push(sql ? `-- TODO: then re-create the index ${quoteIdent(i.name)} that was dropped with it:${eol}${commentOut(sql, eol)}` : `-- TODO: then re-create the index ${quoteIdent(i.name)} that was dropped with it, by hand.`);
        }
        break;
      }
      case 'AT_AlterColumnType': {
        const using = cmd.def?.ColumnDef?.raw_default;
        const zone = zoneConversion(using, cmd.name);
        const type = prev && columnTypeSql(prev);
        const previousDefault = prev && columnDefaultSql(prev);
        // An enum takes a value back only from text (no cast from another enum or to it from text).
        if (prev?.enum) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${prev.type} USING ${col}::text::${prev.type};`);
        // From a string type back to another kind there is no automatic cast: the explicit one parses the text (and fails on bad values).
        else if (prev && isStringType(typeText(cmd.def?.ColumnDef?.typeName)) && !isStringType(prev.type)) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${prev.type} USING ${col}::${prev.type};`);
        // `timestamp` ↔ `timestamptz` read in a time zone (`USING timezone('UTC', col)`, `col AT TIME ZONE 'UTC'`): the same
        // conversion, in the same zone, gives the old values back.
        else if (prev && zone && type && /^timestamp(tz)?\b/.test(prev.type)) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${type} USING ${zone};`);
        // A USING that computed the new values (formbricks: `TYPE boolean USING (email_verified IS NOT NULL)`): the
        // old values are not in the column any more, and there may be no cast back at all.
        else if (prev && computedUsing(using, cmd.name))
          out.push(`-- TODO: column ${cmd.name} was converted with USING (${exprText(using)}): convert it back to ${prev.type} by hand (ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${prev.type} USING …), from a copy of the old values if the migration kept one.`);
        else if (type) out.push(`-- Restores the previous type; a USING clause may be needed.${eol}ALTER TABLE ${t} ALTER COLUMN ${col} TYPE ${type};`);
        else if (prev) out.push(`-- TODO: column ${cmd.name} changed type; change it back to ${prev.type} by hand (as its migration wrote it: this cannot write that type exactly).`);
        else out.push(`-- TODO: column ${cmd.name} changed type; its previous type is not known from the migrations: change it back by hand.`);
        // The default it had with that type, set again: one the rollback restored before the type (the reverse
        // of a later SET DEFAULT) was read as a value of the newer type (langfuse: '{}' became '{}'::json).
        if (previousDefault && !out[out.length - 1].startsWith('-- TODO:')) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${previousDefault};`);
        break;
      }
      case 'AT_ColumnDefault': {
        const previousDefault = prev && columnDefaultSql(prev);
        if (prev && prev.default === undefined) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT;`);
        else if (previousDefault) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${previousDefault};`);
        else out.push(`-- TODO: restore the previous default of ${cmd.name}${prev?.default ? ` (was: ${prev.default})` : ' (unknown)'}.`);
        break;
      }
      // Nothing to undo where the column already was as the statement leaves it.
      case 'AT_SetNotNull':
        if (!prev?.notNull) out.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP NOT NULL;`);
        break;
      case 'AT_DropNotNull':
        if (!prev || prev.notNull) out.push(`-- Fails if NULLs were written meanwhile.${eol}ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;`);
        break;
      case 'AT_AddConstraint': {
        const con = cmd.def?.Constraint;
        const generated = con && facts?.constraintNames?.get(con);
        if (con?.conname || generated) out.push(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(con.conname || generated)};`);
        else {
          out.push(`-- TODO: an unnamed ${String(con?.contype ?? '').replace('CONSTR_', '').toLowerCase()} constraint was added: drop it by its generated name.`);
          break;
        }
        // A constraint made USING INDEX took the index over: dropping the constraint drops it.
        if (con.indexname) {
          const key = qualify(n.relation?.schemaname, con.indexname);
          const i = facts?.droppedIndexes?.find((x) => x.key === key);
          const sql = i && indexRecreation(i);
          out.push(sql ?? `-- TODO: the index ${quoteIdent(con.indexname)} became this constraint's index and was dropped with it: re-create it by hand.`);
        }
        // Adding the primary key made its columns NOT NULL; those that were nullable become so again.
        if (con.contype === 'CONSTR_PRIMARY') {
          for (const k of con.keys ?? []) {
            const name: string | undefined = k.String?.sval;
            const before = name ? facts?.previousColumns?.get(name) : undefined;
            if (name && before && !before.notNull) out.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(name)} DROP NOT NULL;`);
          }
        }
        break;
      }
      case 'AT_ValidateConstraint':
        break; // nothing to undo
      case 'AT_DropConstraint': {
        const dropped = cmd.behavior === 'DROP_CASCADE' ? undefined : facts?.droppedConstraints?.find((d) => d.table === tableKey && d.constraint.name === cmd.name);
        const definition = dropped && constraintDefinition(dropped.constraint);
        if (definition) out.push(`-- Fails if rows written meanwhile violate it.${eol}ALTER TABLE ${t} ADD CONSTRAINT ${col} ${definition};`);
        else out.push(`-- TODO: constraint ${cmd.name} was dropped: re-create it by hand (rows written meanwhile may violate it).`);
        break;
      }
      case 'AT_EnableRowSecurity':
        out.push(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`);
        break;
      case 'AT_DisableRowSecurity':
        out.push(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`);
        break;
      case 'AT_ForceRowSecurity':
        out.push(`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY;`);
        break;
      case 'AT_NoForceRowSecurity':
        out.push(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`);
        break;
      default:
        out.push(`-- TODO: ${String(cmd.subtype).replace(/^AT_/, '')} on ${n.relation?.relname}: no automatic reverse; undo it by hand.`);
    }
  }
  return out;
}

/** The indexes of the table that went with its column `name` (each only once in a statement: `reAdded`). */
function indexesDroppedWith(facts: StatementFacts | undefined, tableKey: string, name: string, reAdded: Set<Index>): Index[] {
  const out: Index[] = [];
  for (const i of facts?.droppedIndexes ?? []) {
    if (i.table !== tableKey || !(i.columns.includes(name) || i.include.includes(name)) || reAdded.has(i)) continue;
    reAdded.add(i);
    out.push(i);
  }
  return out;
}

/**
 * The reverse of `ALTER TABLE t DROP COLUMN name` as SQL: the column added back as it was just before
 * (type, default, NOT NULL) but empty, then the constraints and indexes that went with it. Its values
 * are not restored (a comment says so). A NOT NULL column without a default comes back nullable: a
 * TODO says to restore its values before setting NOT NULL again (and adding a primary key on it).
 * Null when the column cannot be written back exactly (`columnDefinition`) or the replay does not
 * know it.
 */
function columnReAdd(t: string, tableKey: string, name: string, facts: StatementFacts | undefined, reAdded: Set<Index>, eol: string): string[] | null {
  const dropped = facts?.droppedColumns?.find((d) => d.table === tableKey && d.column.name === name);
  const def = dropped && columnDefinition(dropped.column);
  if (!dropped || !def) return null;
  const col = quoteIdent(name);
  // Rows that exist get NULL (or the default): NOT NULL holds for them only with a default. On a table
  // this migration created there is nothing to restore: the rollback drops the table further down.
  const newTable = facts?.tables.get(tableKey) === 'new';
  const empty = def.notNull && !def.default;
  const later = empty && !newTable;
  const out = [
    newTable ? `-- Re-adds column ${name} (its table is new in this migration).` : `-- Re-adds column ${name}, dropped with its values by this migration: the values are not restored.`,
    `ALTER TABLE ${t} ADD COLUMN ${def.sql}${def.notNull && !empty && !newTable ? ' NOT NULL' : ''}${def.default};`,
  ];
  const afterNotNull: string[] = [];
  for (const c of dropped.constraints) {
    const definition = constraintDefinition(c);
    const sql = definition && `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(c.name)} ${definition};`;
    if (!sql) out.push(`-- TODO: re-create the constraint ${quoteIdent(c.name)} that was dropped with it, by hand.`);
    // A primary key on the empty column waits for its values (on a new table: never, the table goes).
    else if (empty && definition.startsWith('PRIMARY KEY')) {
      if (later) afterNotNull.push(sql);
    } else out.push(sql);
  }
  if (dropped.column.comment !== undefined) out.push(`COMMENT ON COLUMN ${t}.${col} IS ${quoteLiteral(dropped.column.comment)};`);
  // Its indexes went with it.
  for (const i of indexesDroppedWith(facts, tableKey, name, reAdded)) out.push(indexRecreation(i) ?? `-- TODO: re-create the index ${quoteIdent(i.name)} that was dropped with it, by hand.`);
  if (later) {
    out.push(`-- TODO: restore the values of ${name} from a backup, then make it NOT NULL again:${eol}${commentOut([`ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;`, ...afterNotNull].join(eol), eol)}`);
  }
  return out;
}

/**
 * The state of the column each command of one ALTER TABLE changes, just before that command: the
 * statement's commands run one after the other, so `DROP DEFAULT, TYPE …, SET DEFAULT …` on one column
 * reverses the SET DEFAULT to no default (not to the default the column had before the statement).
 * `nothingToUndo`: an ADD COLUMN IF NOT EXISTS of a column that was there (it did nothing), and the
 * commands on a column an earlier command of the statement added (the rollback drops it).
 */
function columnsBeforeEachCommand(cmds: PgNode[], facts?: StatementFacts): { before: Map<PgNode, ColumnState | undefined>; nothingToUndo: Set<PgNode> } {
  const out = new Map<PgNode, ColumnState | undefined>();
  const added = new Set<string>();
  const nothingToUndo = new Set<PgNode>();
  const now = new Map<string, ColumnState | undefined>();
  const stateOf = (name: string) => (now.has(name) ? now.get(name) : facts?.previousColumns?.get(name));
  for (const cmd of cmds) {
    if (cmd.subtype === 'AT_AddColumn') {
      const colname: string | undefined = cmd.def?.ColumnDef?.colname;
      if (colname && cmd.missing_ok && stateOf(colname)) nothingToUndo.add(cmd);
      else if (colname) added.add(colname);
      continue;
    }
    const name: string | undefined = cmd.name;
    if (!name) continue;
    if (added.has(name)) {
      nothingToUndo.add(cmd);
      if (cmd.subtype === 'AT_DropColumn') added.delete(name);
      continue;
    }
    const b = stateOf(name);
    // DROP COLUMN IF EXISTS of a column that is not there (the table never had it, or an earlier
    // command of the statement dropped it): a no-op.
    if (cmd.subtype === 'AT_DropColumn' && cmd.missing_ok && !b && (now.has(name) || facts?.absentColumnDrops?.has(cmd))) {
      nothingToUndo.add(cmd);
      continue;
    }
    out.set(cmd, b);
    if (cmd.subtype === 'AT_DropColumn') now.set(name, undefined);
    if (!b) continue;
    if (cmd.subtype === 'AT_ColumnDefault') now.set(name, { ...b, default: cmd.def ? exprText(cmd.def) : undefined, defaultNode: cmd.def ?? undefined });
    else if (cmd.subtype === 'AT_AlterColumnType') {
      const { enum: _wasEnum, ...rest } = b;
      now.set(name, { ...rest, type: typeText(cmd.def?.ColumnDef?.typeName), typeNode: cmd.def?.ColumnDef?.typeName });
    } else if (cmd.subtype === 'AT_SetNotNull') now.set(name, { ...b, notNull: true });
    else if (cmd.subtype === 'AT_DropNotNull') now.set(name, { ...b, notNull: false });
  }
  return { before: out, nothingToUndo };
}

/** `timezone(<constant zone>, <the column>)` (how `col AT TIME ZONE 'UTC'` parses too) as SQL, or null. */
function zoneConversion(expr: PgNode | undefined, column: string): string | null {
  const call = expr?.FuncCall;
  if (!call || !/^(pg_catalog\.)?timezone$/.test(names(call.funcname).join('.')) || call.args?.length !== 2) return null;
  const zone = call.args[0]?.A_Const?.sval?.sval;
  const fields = call.args[1]?.ColumnRef?.fields;
  if (typeof zone !== 'string' || fields?.length !== 1 || fields[0].String?.sval !== column) return null;
  return `timezone(${quoteLiteral(zone)}, ${quoteIdent(column)})`;
}

/** A character string type as `typeText` writes it (`text`, `varchar(20)`, `character(2)[]` …). */
function isStringType(t: string): boolean {
  return /^(?:text|varchar|character varying|character|char|bpchar|citext)(?:\(\d+\))?(?:\[\])*$/i.test(t);
}

/** The key `createdBy` gives an object a GRANT names (`objtype`: the GRANT's object type). */
function objectKey(objtype: string, o: PgNode): string {
  if (o.RangeVar) return relKey(o.RangeVar);
  if (objtype === 'OBJECT_SCHEMA' && o.String) return schemaKey(o.String.sval);
  if (o.ObjectWithArgs) return routineKey(o.ObjectWithArgs.objname);
  return '?';
}

/** Keys of a table, view or sequence (RangeVar), a function (its name list) and a schema, unqualified names in `public`. */
function relKey(rv: PgNode): string {
  return `rel:${rangeKey(rv)}`;
}

/** `relKey` of a relation a DROP names (its name list). */
function listKey(list: PgNode[] | undefined): string {
  return `rel:${partsKey(names(list))}`;
}

function routineKey(list: PgNode[] | undefined): string {
  const parts = names(list);
  return `routine:${parts.length === 1 ? 'public.' : ''}${parts.join('.')}`;
}

function schemaKey(name: string): string {
  return `schema:${name}`;
}

/**
 * The keys (`objectKey`) of what a statement creates, for the statements after it in the same
 * migration. `CREATE OR REPLACE` creates its function or view when the schema is one the migration
 * made, or the migration dropped the function or view before (`createdBefore`): nothing of that name
 * can exist then.
 */
function createdBy(stmt: SqlStatement, createdBefore: (key: string) => boolean): string[] {
  const n = stmt.node;
  switch (stmt.kind) {
    case 'CreateStmt':
      return [relKey(n.relation)];
    case 'CreateTableAsStmt':
      return [relKey(n.into?.rel)];
    case 'ViewStmt':
      return n.replace && !createdBefore(schemaKey(n.view?.schemaname ?? 'public')) && !createdBefore(relKey(n.view)) ? [] : [relKey(n.view)];
    case 'CreateSeqStmt':
      return [relKey(n.sequence)];
    case 'IndexStmt':
      return n.idxname ? [relKey({ schemaname: n.relation?.schemaname, relname: n.idxname })] : [];
    case 'AlterTableStmt':
      return (n.cmds ?? [])
        .map((c: PgNode) => c.AlterTableCmd)
        .filter((c: PgNode) => c?.subtype === 'AT_AddColumn' && c.def?.ColumnDef?.colname)
        .map((c: PgNode) => columnKey(rangeKey(n.relation), c.def.ColumnDef.colname));
    case 'CreateSchemaStmt':
      return n.schemaname ? [schemaKey(n.schemaname)] : [];
    case 'CreateFunctionStmt': {
      const parts = names(n.funcname);
      return n.replace && !createdBefore(schemaKey(parts.length > 1 ? parts[0] : 'public')) && !createdBefore(routineKey(n.funcname)) ? [] : [routineKey(n.funcname)];
    }
    default:
      return [];
  }
}

/** Names of the tables and views the query of a view's defining statement reads (`textReads`: its query is not parsed for this). */
function viewReads(ref: SourceRef): string[] {
  return textReads(ref.statement?.text ?? '').map((rv) => rv.relname);
}

/**
 * The tables whose rows the statements write (UPDATE, INSERT, MERGE), as the script names them, or
 * 'any' when a statement may write to any table (a DO block, CALL, a SELECT that calls functions).
 */
function writtenTables(stmts: SqlStatement[]): Set<string> | 'any' {
  const out = new Set<string>();
  for (const s of stmts) {
    if (s.kind === 'UpdateStmt' || s.kind === 'InsertStmt' || s.kind === 'MergeStmt') {
      if (s.node.relation) out.add(rel(s.node.relation));
    } else if (s.kind === 'DoStmt' || s.kind === 'CallStmt' || (s.kind === 'SelectStmt' && !s.node.intoClause)) return 'any';
  }
  return out;
}

/**
 * Whether `line` drops a type (`DROP TYPE IF EXISTS "X";`, the reverse of CREATE TYPE) that a column
 * still has because its DROP COLUMN / DROP TABLE waits (`kept`): a column the migration added with
 * that type, or changed to it (formbricks: the enum of a column whose copy-and-swap is a TODO).
 */
function keptTypeUse(line: string, m: Migration, kept: string[]): boolean {
  const drop = /^DROP TYPE IF EXISTS (.+);$/.exec(line);
  if (!drop || !kept.length) return false;
  const type = drop[1].replace(/^.*\./, '').replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
  const ofType = (tn: PgNode) => names(tn?.names).pop() === type;
  for (const st of m.file.statements) {
    const n = st.node;
    const uses: Array<[table: string, column?: string]> = [];
    if (st.kind === 'CreateStmt') {
      for (const el of n.tableElts ?? []) if (el.ColumnDef && ofType(el.ColumnDef.typeName)) uses.push([n.relation?.relname]);
    } else if (st.kind === 'AlterTableStmt') {
      for (const c of n.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        const def = cmd?.def?.ColumnDef;
        if (cmd?.subtype === 'AT_AddColumn' && def && ofType(def.typeName)) uses.push([n.relation?.relname, def.colname]);
        if (cmd?.subtype === 'AT_AlterColumnType' && def && ofType(def.typeName)) uses.push([n.relation?.relname, cmd.name]);
      }
    }
    for (const [table, column] of uses) {
      if (!table) continue;
      const t = mentions(table);
      const c = column === undefined ? null : mentions(column);
      if (kept.some((k) => t.test(k) && (c ? /\bDROP COLUMN\b/i.test(k) && c.test(k) : /^DROP TABLE\b/i.test(k)))) return true;
    }
  }
  return false;
}

/** The columns an ALTER TABLE statement's `subtype` commands name (drops: the column; adds: the new one); none for other statements. */
function columnsOf(s: SqlStatement, subtype: 'AT_DropColumn' | 'AT_AddColumn'): string[] {
  if (s.kind !== 'AlterTableStmt' || !s.node.relation?.relname) return [];
  const out: string[] = [];
  for (const c of s.node.cmds ?? []) {
    const cmd = c.AlterTableCmd;
    const name: string | undefined = cmd?.subtype !== subtype ? undefined : subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef?.colname : cmd.name;
    if (name) out.push(name);
  }
  return out;
}

/** The SQL lines of a reverse (its comment lines left out). */
function sqlOf(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .filter((l) => !l.startsWith('--'))
    .join('\n');
}

/**
 * A pattern for where SQL can name the table `name`: quoted exactly, or, for a name an unquoted
 * identifier can spell, unquoted in any case. (It can also match a column of that name: such a line
 * then waits too, which is the safe side.)
 */
function mentions(name: string): RegExp {
  const quoted = `"${name.replace(/"/g, '""')}"`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bare = /^[a-z_][a-z0-9_$]*$/.test(name) ? `|(?<![\\w$"])${name.replace(/\$/g, '\\$')}(?![\\w$"])` : '';
  return new RegExp(`${quoted}${bare}`, 'i');
}

/** `COMMENT ON … ` of a COMMENT statement's text, up to its last top-level `IS` (strings and comments skipped), or null. */
function commentHead(text: string): string | null {
  const masked = maskLexemes(text, true);
  let at = -1;
  for (const m of masked.matchAll(/\bis\b/gi)) at = m.index;
  return at > 0 ? text.slice(0, at) : null;
}

/** The `createdBy` keys of what a COMMENT names (a column: its table's, and the column's when it was added). */
function commentedKeys(n: PgNode): string[] {
  const items: PgNode[] | undefined = n.object?.List?.items;
  const parts = names(items);
  switch (n.objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_INDEX':
    case 'OBJECT_SEQUENCE':
      return [listKey(items)];
    case 'OBJECT_COLUMN':
      return parts.length > 1 ? [listKey(items!.slice(0, -1)), columnKey(partsKey(parts.slice(0, -1)), parts[parts.length - 1])] : [];
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE':
      return [routineKey(n.object?.ObjectWithArgs?.objname)];
    default:
      return [];
  }
}

/** `createdBy` key of a column (`tableKey`: the catalog's key of its table). */
function columnKey(tableKey: string, column: string): string {
  return `column:${tableKey}.${column}`;
}

/** Where the rollback script of a migration goes, following the tool's conventions. */
export function rollbackPath(m: Migration): string {
  if (m.info.kind === 'prisma' || m.info.kind === 'diesel') return `${dirOf(m.path)}/down.sql`;
  const dir = m.path.slice(0, m.path.lastIndexOf('/'));
  const at = dir ? `${dir}/` : '';
  // The tool's own pair: golang-migrate/sqlx `<version>_<title>.down.sql`; Flyway's undo file
  // `U<version>__<description>.sql` (a `rollback/V…` copy would be scanned as a second `V<version>`).
  if (m.info.kind === 'numbered' && /\.up\.sql$/i.test(m.label)) return `${at}${m.label.slice(0, -'.up.sql'.length)}.down.sql`;
  if (m.info.kind === 'flyway') return `${at}U${m.label.slice(1)}`;
  return `${at}rollback/${m.label}`;
}

/**
 * The rollback script of a migration. Previous column types/defaults come from the replay facts of
 * each statement (what the catalog held just before it); unknown ones become TODOs.
 */
export function generateRollback(m: Migration, eol = '\n'): string {
  const lines: string[] = [
    `-- Rollback of ${m.label}, generated by Schema Insight.`,
    '-- Reverses each statement in reverse order; review every TODO before running it.',
    '',
  ];
  const facts = new Map(m.statements.map((r) => [r.stmt, r.facts]));
  // A DO block that only runs static DDL (Drizzle Kit wraps each foreign key and enum in one, to
  // swallow "already exists") is reversed through the statements it runs.
  const ordered = m.file.statements.flatMap((s) => {
    if (s.kind !== 'DoStmt') return [s];
    const inner = m.statements.filter((r) => r.inDoBlock && r.stmt.start >= s.start && r.stmt.end <= s.end).map((r) => r.stmt);
    return inner.length && inner.length === plainDdlBlockSize(s) ? inner : [s];
  });
  const stmts = [...ordered].reverse();
  if (!stmts.length) lines.push('-- The migration has no statements: nothing to roll back.');
  // Once a reverse is only a TODO to re-add a dropped column, a later DROP of a column (or the whole)
  // of that table could delete the only copy of the data left (the copy-and-swap pattern: the copy
  // column is dropped after the TODO to re-add the original): those wait, commented out.
  const lost = new Set<string>(); // tables (as the script names them) that lost a column, or a column's values (a computed USING)
  // Tables the migration writes rows of (as the script names them; 'any' when a DO block, CALL or
  // SELECT may write anywhere): only there can a column it added hold a copy of lost values.
  const written = writtenTables(ordered);
  const emptyColumns: Array<[table: RegExp, column: RegExp]> = []; // re-added without their values: a primary key or NOT NULL on them waits
  const keyless: string[] = []; // tables (as the script names them) whose primary key waits: foreign keys to them wait too
  const gone: Array<{ re: RegExp; what: string }> = []; // mentions of tables (indexes, types, constraints) dropped by a statement whose reverse is a TODO
  const goneColumns: Array<[table: RegExp, column: RegExp]> = []; // and of dropped columns, with their table's
  const keptColumns: Array<[table: RegExp, column: RegExp]> = []; // columns whose DROP waits (a rename onto one would collide)
  // A view re-created after a TODO about a table it reads (a column to re-add, a type to change
  // back) would read that table as the TODO leaves it: it waits too.
  const viewReadsOf = new Map<string, string[]>();
  const pending: string[] = []; // the TODO blocks so far
  const kept: string[] = []; // the lines commented out to wait for a TODO
  // What the migration created up to each statement (GRANTs on those are safe to revoke; an OR REPLACE
  // of those replaced nothing).
  const firstCreated = new Map<string, number>();
  // Views and functions the migration dropped: a CREATE OR REPLACE of one after its DROP creates it.
  const dropped = new Set<string>();
  for (const s of ordered) {
    for (const k of createdBy(s, (key) => firstCreated.has(key) || dropped.has(key))) if (!firstCreated.has(k)) firstCreated.set(k, s.index);
    if (s.kind === 'DropStmt' && s.node.removeType === 'OBJECT_VIEW') for (const o of s.node.objects ?? []) dropped.add(listKey(o.List?.items));
    if (s.kind === 'DropStmt' && ROUTINE_OBJECTS.has(s.node.removeType)) for (const o of s.node.objects ?? []) dropped.add(routineKey(o.ObjectWithArgs?.objname));
  }
  for (const s of stmts) {
    const createdHere = (k: string) => (firstCreated.get(k) ?? Infinity) <= s.index;
    const rev = reverseStatement(s, eol, facts.get(s), createdHere, viewReadsOf);
    // Columns the statement drops: once the rollback only says to re-add one, what it re-creates on
    // the column (a constraint, an index), from this statement's earlier commands on, waits too.
    const dropsColumns = columnsOf(s, 'AT_DropColumn');
    // Columns it adds: when dropping one waits, what the rollback does next to that column waits too.
    const addsColumns = columnsOf(s, 'AT_AddColumn');
    for (const line of rev) {
      for (const c of dropsColumns) {
        if (line.startsWith(`-- TODO: column ${c} was dropped with its data`)) goneColumns.push([mentions(s.node.relation.relname), mentions(c)]);
        if (line.startsWith(`-- TODO: restore the values of ${c} from a backup`)) emptyColumns.push([mentions(s.node.relation.relname), mentions(c)]);
      }
      let sql: string | undefined;
      const namesColumnOf = (pairs: Array<[table: RegExp, column: RegExp]>) => pairs.some(([t, c]) => t.test((sql ??= sqlOf(line))) && c.test(sql));
      const waits = [...lost].some((r) => (line.startsWith(`ALTER TABLE ${r} `) && /\bDROP COLUMN\b/.test(line)) || line === `DROP TABLE IF EXISTS ${r};`);
      const missing = !waits && gone.length ? gone.find((g) => g.re.test((sql ??= sqlOf(line)))) : undefined;
      if (waits) {
        lines.push(`-- TODO: run only once the TODO above is done (this would delete data that is not restored yet): ${line}`);
        for (const c of addsColumns) if (line === dropColumnSql(rel(s.node.relation), c)) keptColumns.push([mentions(s.node.relation.relname), mentions(c)]);
      } else if (missing) lines.push(`-- TODO: run only once the ${missing.what} the TODO above re-creates is back:${eol}${commentOut(line, eol)}`);
      else if (keptTypeUse(line, m, kept)) lines.push(`-- TODO: run only once the columns of this type the TODOs above keep are gone:${eol}${commentOut(line, eol)}`);
      else if (namesColumnOf(goneColumns)) lines.push(`-- TODO: run only once the column the TODO above re-adds is back:${eol}${commentOut(line, eol)}`);
      else if (/\bPRIMARY KEY\b|\bSET NOT NULL\b/.test(line) && namesColumnOf(emptyColumns)) {
        lines.push(`-- TODO: run only once the values the TODO above restores are back (the column is empty until then):${eol}${commentOut(line, eol)}`);
        const keyOf = /^ALTER TABLE (.+?) ADD CONSTRAINT .* PRIMARY KEY /m.exec(line);
        if (keyOf) keyless.push(keyOf[1]);
      } else if (/\bFOREIGN KEY\b/.test(line) && keyless.some((t) => line.includes(`REFERENCES ${t} (`) || line.includes(`REFERENCES ${t}(`)))
        lines.push(`-- TODO: run only once the primary key the TODO above holds back is back (a foreign key needs it):${eol}${commentOut(line, eol)}`);
      else if (viewReadsOf.get(line)?.some((table) => pending.some((p) => mentions(table).test(p)))) lines.push(`-- TODO: run only once the TODOs above about what the view reads are done:${eol}${commentOut(line, eol)}`);
      else if (namesColumnOf(keptColumns)) lines.push(`-- TODO: run only once the TODO above is done (the column it keeps is still there):${eol}${commentOut(line, eol)}`);
      else lines.push(line);
      const last = lines[lines.length - 1];
      if (last.startsWith('-- TODO:')) {
        pending.push(last);
        // What it keeps in place: a DROP COLUMN / DROP TABLE that waits.
        if (last !== line) kept.push(line);
      }
    }
    // A table or an index whose DROP is only a TODO is not there for what the rollback does next (a
    // foreign key to the table, its indexes, a view reading it, renaming the index back): those wait,
    // commented out. Not the ones its reverse re-created (a DROP of several is a TODO for some only).
    const removes: string | undefined = s.kind === 'DropStmt' ? s.node.removeType : undefined;
    const goneKind = removes === 'OBJECT_INDEX' ? 'index' : removes === 'OBJECT_TABLE' || removes === 'OBJECT_FOREIGN_TABLE' ? 'table' : removes === 'OBJECT_TYPE' || removes === 'OBJECT_DOMAIN' ? 'type' : null;
    if (goneKind && rev.some((l) => l.startsWith('-- TODO:'))) {
      for (const o of s.node.objects ?? []) {
        const parts = names(o.List?.items ?? o.TypeName?.names);
        const name = parts[parts.length - 1];
        if (!name) continue;
        const table = `${eol}CREATE TABLE ${parts.map(quoteIdent).join('.')} (${eol}`;
        const back = (l: string) =>
          goneKind === 'table' ? l.includes(table) : (goneKind === 'index' ? /^create\s+(?:unique\s+)?index\b/i : /^create\s+(?:type|domain)\b/i).test(l) && mentions(name).test(l);
        if (!rev.some(back)) gone.push({ re: mentions(name), what: goneKind });
      }
    }
    // Likewise a constraint whose re-creation is only a TODO (renaming it back, say, waits for it).
    if (s.kind === 'AlterTableStmt') {
      for (const c of s.node.cmds ?? []) {
        const name: string | undefined = c.AlterTableCmd?.subtype === 'AT_DropConstraint' ? c.AlterTableCmd.name : undefined;
        if (name && rev.some((l) => l.startsWith(`-- TODO: constraint ${name} was dropped`))) gone.push({ re: mentions(name), what: 'constraint' });
      }
    }
    // A column dropped, or converted with a USING that computed new values: a copy of the old values
    // (a column this migration added) may be all that is left of them, so dropping it waits.
    const losesValues = (c: PgNode) => {
      const cmd = c.AlterTableCmd;
      const using = cmd?.def?.ColumnDef?.raw_default;
      return cmd?.subtype === 'AT_DropColumn' || (cmd?.subtype === 'AT_AlterColumnType' && computedUsing(using, cmd.name) && !zoneConversion(using, cmd.name));
    };
    // Not on a table the migration created: nothing of it predates the migration, and the rollback drops it.
    const newTable = s.kind === 'AlterTableStmt' && facts.get(s)?.tables.get(rangeKey(s.node.relation)) === 'new';
    if (s.kind === 'AlterTableStmt' && !newTable && (s.node.cmds ?? []).some(losesValues) && (written === 'any' || written.has(rel(s.node.relation)))) lost.add(rel(s.node.relation));
  }
  if (m.file.errors.some((e) => e.kind !== 'plpgsql')) lines.push('-- TODO: the migration has syntax errors; statements that did not parse are not reversed.');
  return lines.join(eol) + eol;
}
