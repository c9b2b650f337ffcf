/**
 * SQL that re-creates what a migration dropped, for its rollback script: an index, a view or a
 * constraint is re-created from the statement that made it, as the replay knew it just before the
 * drop. Only when that statement still describes the object: an index or a constraint whose columns
 * were renamed since, a view renamed since, or a definition this cannot write back exactly gives
 * null (the rollback keeps its TODO). Pure.
 */
import { indexColumns, partsKey, rangeKey, sourceOrder, splitKey, type CheckConstraint, type Column, type ForeignKey, type FunctionDef, type Index, type KeyConstraint, type Policy, type SourceRef, type Table } from './catalog';
import { exprText, names, quoteIdent, quoteLiteral, typeKey, typeText } from './expr';
import { maskLexemes, skipTrivia } from './lexical';
import { isSqlParserLoaded, parseFragment, type PgNode, type SqlStatement } from './parse';
import { sameList } from '../lists';

/**
 * `CREATE INDEX …;` as the migration that made the index wrote it (under the name it has now, when
 * an ALTER INDEX … RENAME renamed it since), or null.
 */
export function indexRecreation(i: Index): string | null {
  const s = i.source.statement;
  if (s?.kind !== 'IndexStmt') return null;
  const n = s.node;
  // Named when made (an unnamed index gets a generated name, which need not come out the same), on
  // the same table, over the same columns: its table and columns not renamed since.
  if (!n.idxname || !sameList(indexColumns(n), i.columns)) return null;
  let text: string | null = s.text;
  // Its table renamed since (ALTER TABLE … RENAME TO): on the table's name now.
  if (rangeKey(n.relation) !== i.table) text = withRelation(s, n.relation, i.table);
  if (text && n.idxname !== i.name) text = withIndexName(text, n.idxname, i.name);
  return text && `${text};`;
}

const RELATION = /^(?:(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)\s*\.\s*)?(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)/;

/** The statement's text with the relation `rv` (a node of it) written as the table `key` instead, or null. */
function withRelation(s: SqlStatement, rv: PgNode, key: string): string | null {
  if (typeof rv?.location !== 'number') return null;
  const bytes = Buffer.from(s.text, 'utf8');
  const offset = s.byteBase + rv.location - s.byteStart;
  if (offset < 0 || offset > bytes.length) return null;
  const at = bytes.subarray(0, offset).toString('utf8').length;
  const written = RELATION.exec(s.text.slice(at));
  if (!written) return null;
  const [schema, name] = splitKey(key);
  const table = rv.schemaname || schema !== 'public' ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
  return `${s.text.slice(0, at)}${table}${s.text.slice(at + written[0].length)}`;
}

/**
 * `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] <from> ON …` with the name `to` instead, or
 * null when the name is not written where expected (comments between the words are read as spaces).
 */
function withIndexName(text: string, from: string, to: string): string | null {
  const head = /^\s*create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?/i.exec(maskLexemes(text, true));
  if (!head) return null;
  const at = head[0].length;
  // Quoted as is, or bare in any case (PostgreSQL folds it to lower case).
  const quoted = `"${from.replace(/"/g, '""')}"`;
  const bare = /^[a-z_][a-z0-9_$]*$/.test(from) && text.slice(at, at + from.length).toLowerCase() === from;
  const length = text.startsWith(quoted, at) ? quoted.length : bare ? from.length : 0;
  if (!length || /[\w$"]/.test(text[at + length] ?? '')) return null;
  return `${text.slice(0, at)}${quoteIdent(to)}${text.slice(at + length)}`;
}

/** `CREATE [OR REPLACE] [MATERIALIZED] VIEW …;` as the statement that gave the view `key` its definition wrote it, or null. */
export function viewRecreation(key: string, ref: SourceRef | undefined): string | null {
  const s = ref?.statement;
  if (s?.kind === 'ViewStmt' && rangeKey(s.node.view) === key) return `${s.text};`;
  if (s?.kind === 'CreateTableAsStmt' && s.node.objtype === 'OBJECT_MATVIEW' && rangeKey(s.node.into?.rel) === key) return `${s.text};`;
  return null;
}

/** `CREATE [OR REPLACE] FUNCTION …;` as the statement that made the function wrote it, or null. */
export function functionRecreation(def: FunctionDef): string | null {
  const s = def.createdBy.statement;
  if (s?.kind !== 'CreateFunctionStmt' || partsKey(names(s.node.funcname)) !== def.key) return null;
  return `${s.text};`;
}

/**
 * The statement that puts back the function `previous` defined, over the one `current` (a CREATE OR
 * REPLACE FUNCTION node) made of it, or null. PostgreSQL replaces a function in place only when its
 * result and parameters (names, modes, defaults) stay as they are: otherwise (`dropFirst`) the newer
 * one must be dropped first.
 */
export function functionRestore(previous: FunctionDef, current: PgNode): { create: string; dropFirst: boolean } | null {
  const sql = functionRecreation(previous);
  const before = previous.createdBy.statement?.node;
  if (!sql || !before) return null;
  const shape = (n: PgNode) =>
    JSON.stringify([
      n.returnType ? typeText(n.returnType) : null,
      (n.parameters ?? []).map((p: PgNode) => {
        const fp = p.FunctionParameter ?? {};
        return [fp.name ?? null, fp.mode ?? null, typeText(fp.argType), fp.defexpr ? exprText(fp.defexpr) : null];
      }),
    ]);
  if (shape(before) === shape(current)) return { create: /^create\s+or\s+replace\b/i.test(sql) ? sql : sql.replace(/^create\b/i, 'CREATE OR REPLACE'), dropFirst: false };
  return { create: sql, dropFirst: true };
}

/** A dropped table put back from the replay's catalog, as `tableRecreation` writes it. */
export interface TableRecreation {
  /** `CREATE TABLE` with its columns, primary key, unique and check constraints. */
  create: string;
  /** `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …`: to run once every table they reference is back. */
  foreignKeys: string[];
  /** Its indexes, row-level security, policies and comments. */
  rest: string[];
  /** What could not be written back (`constraint x`, `index y`, `policy z`), for a TODO. */
  byHand: string[];
}

/** Serial pseudo-types: a column of one is written as such (its sequence, dropped with the table, comes back with it). */
const SERIALS = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** The fields of parse tree nodes that hold byte offsets into the source text. */
const POSITIONS = new Set(['location', 'name_location', 'list_start', 'list_end', 'stmt_location', 'stmt_len']);

/** A parse tree without its source positions, to compare the trees of two texts. */
function withoutPositions(node: PgNode): string {
  return JSON.stringify(node, (k, v) => (POSITIONS.has(k) ? undefined : v));
}

/** What the parser makes of each text `exactly` asked about, as `withoutPositions` writes it (types and defaults repeat: `text`, `now()`). */
const readBack = new Map<string, string | null>();

/** `text`, when the parser reads it back as `node` (a type name or a value expression); else null. */
function exactly(kind: 'type' | 'expr', node: PgNode | undefined, text: string): string | null {
  if (!node) return null;
  const key = `${kind}\u0000${text}`;
  let back = readBack.get(key);
  if (back === undefined) {
    const tree = parseFragment(kind, text);
    back = tree ? withoutPositions(tree) : null;
    if (readBack.size >= 4096) readBack.clear();
    // Not before the parser is loaded (every answer is null then).
    if (isSqlParserLoaded()) readBack.set(key, back);
  }
  return back !== null && back === withoutPositions(node) ? text : null;
}

/**
 * The type of a column as SQL that means exactly it, or null: written from its parse tree and checked
 * to read back as the same tree. A serial column's is the integer type PostgreSQL gave it (`type`).
 * Without a tree (a column the replay did not see defined), `type` as the catalog has it.
 */
export function columnTypeSql(c: { type: string; typeNode?: PgNode }): string | null {
  if (!c.typeNode) return c.type;
  const written = typeText(c.typeNode);
  if (SERIALS.has(written)) return c.type;
  // A tree that no longer names the column's type (renamed since in a way the catalog did not follow) is no use.
  return written === c.type ? exactly('type', c.typeNode, written) : null;
}

/** The default of a column as SQL that means exactly it (see `columnTypeSql`), or null (also for a serial's sequence default). */
export function columnDefaultSql(c: { default?: string; defaultNode?: PgNode }): string | null {
  return c.default === undefined || !c.defaultNode ? null : exactly('expr', c.defaultNode, exprText(c.defaultNode));
}

/**
 * SQL that re-creates the table `t` (named `name`) as the replay knew it just before a DROP TABLE,
 * with `indexes`, the indexes that went with it: its columns as they were then (types and defaults
 * written from their parse trees, each checked to read back as the same tree), its constraints,
 * indexes, row-level security, policies and comments. Its rows, privileges and triggers are not
 * known. Null when the table cannot be written back: not made by a plain CREATE TABLE (`AS`, `LIKE`,
 * `INHERITS`, `PARTITION`, options, a tablespace, UNLOGGED, TEMPORARY), or a column this cannot write
 * exactly (identity, generated, a collation, a type or default that does not read back the same).
 */
export function tableRecreation(t: Table, name: string, indexes: Index[], eol = '\n'): TableRecreation | null {
  const made = t.createdBy.statement;
  if (t.temporary || !t.columnsComplete || t.partitioned || t.partitionOf || made?.kind !== 'CreateStmt') return null;
  const n = made.node;
  if (n.relation?.relpersistence !== 'p' || n.options?.length || n.tablespacename || n.accessMethod || n.inhRelations?.length || n.ofTypename || n.partbound || n.partspec) return null;
  const elements: string[] = [];
  for (const c of t.columns.values()) {
    const column = columnDefinition(c);
    if (!column) return null;
    elements.push(column.notNull ? `${column.sql} NOT NULL${column.default}` : `${column.sql}${column.default}`);
  }
  if (!elements.length) return null;
  const byHand: string[] = [];
  const constraint = (c: KeyConstraint | ForeignKey | CheckConstraint): string | null => {
    const definition = constraintDefinition(c);
    if (!definition) byHand.push(`constraint ${quoteIdent(c.name)}`);
    return definition && `CONSTRAINT ${quoteIdent(c.name)} ${definition}`;
  };
  for (const c of [...(t.primaryKey ? [t.primaryKey] : []), ...t.uniques, ...t.checks]) {
    const sql = constraint(c);
    if (sql) elements.push(sql);
  }
  const foreignKeys: string[] = [];
  for (const fk of t.foreignKeys) {
    const sql = constraint(fk);
    if (sql) foreignKeys.push(`ALTER TABLE ${name} ADD ${sql};`);
  }
  const rest: string[] = [];
  for (const i of [...indexes].sort((a, b) => sourceOrder(a.source, b.source))) {
    const sql = indexRecreation(i);
    if (sql) rest.push(sql);
    else byHand.push(`index ${quoteIdent(i.name)}`);
  }
  if (t.rls) rest.push(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
  if (t.rlsForced) rest.push(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`);
  for (const p of t.policies.values()) {
    const sql = policyRecreation(p);
    if (sql) rest.push(sql);
    else byHand.push(`policy ${quoteIdent(p.name)}`);
  }
  if (t.comment !== undefined) rest.push(`COMMENT ON TABLE ${name} IS ${quoteLiteral(t.comment)};`);
  for (const c of t.columns.values()) if (c.comment !== undefined) rest.push(`COMMENT ON COLUMN ${name}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)};`);
  return { create: `CREATE TABLE ${name} (${eol}${elements.map((e) => `  ${e}`).join(`,${eol}`)}${eol});`, foreignKeys, rest, byHand };
}

/**
 * A column as ADD COLUMN / CREATE TABLE write it back: `sql` is its name and type, then `notNull`
 * and `default` (` DEFAULT …`, or empty; a serial makes its own NOT NULL and sequence default, so
 * neither is written for one). Null when the column cannot be written exactly: identity, generated,
 * a collation, a type or default that does not read back as the same tree, a type renamed since in
 * a way the replay did not follow.
 */
export function columnDefinition(c: Column): { sql: string; notNull: boolean; default: string } | null {
  if (c.identity || c.generated || c.collated || !c.typeNode) return null;
  const type = exactly('type', c.typeNode, typeText(c.typeNode));
  // The tree names the type the column has now (not one renamed since: the catalog follows enum renames).
  if (!type || (!SERIALS.has(type) && typeKey(c.typeNode) !== c.typeKey)) return null;
  const sql = `${quoteIdent(c.name)} ${type}`;
  // The sequence default a serial makes, as it made it.
  if (SERIALS.has(type)) return c.default === 'nextval(…)' && c.notNull ? { sql, notNull: false, default: '' } : null;
  if (c.default === undefined) return { sql, notNull: c.notNull, default: '' };
  const value = columnDefaultSql(c);
  return value ? { sql, notNull: c.notNull, default: ` DEFAULT ${value}` } : null;
}

/**
 * A policy as the CREATE POLICY that made it wrote it, or null when that statement no longer describes
 * it: an ALTER POLICY changed it since, or the policy or its table was renamed.
 */
export function policyRecreation(p: Policy): string | null {
  const s = p.statement;
  return s.kind === 'CreatePolicyStmt' && s.node.policy_name === p.name && rangeKey(s.node.table) === p.table ? `${s.text};` : null;
}

/** PostgreSQL's referential action codes (`fk_del_action`, `fk_upd_action`). */
const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

const columnList = (cols: string[]): string => `(${cols.map(quoteIdent).join(', ')})`;

/**
 * The definition of a constraint as `ALTER TABLE … ADD CONSTRAINT name <definition>` takes it
 * (`FOREIGN KEY (…) REFERENCES …`, `UNIQUE (…)`, `CHECK (…)`), written from the `Constraint` node
 * that made it, or null: not made by a statement the replay read, columns or referenced table
 * renamed since, or options this does not write (storage parameters, a tablespace, an exclusion).
 */
export function constraintDefinition(c: KeyConstraint | ForeignKey | CheckConstraint): string | null {
  const con: PgNode = c.definition;
  // NOT ENFORCED (PostgreSQL 18) is not written back.
  if (!con || con.attributesApart || con.is_enforced === false) return null;
  const deferral = con.deferrable ? ` DEFERRABLE${con.initdeferred ? ' INITIALLY DEFERRED' : ''}` : '';
  switch (con.contype) {
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      if (con.options?.length || con.indexspace) return null;
      // USING INDEX: the index's columns, which the replay recorded (PostgreSQL takes only plain ones).
      const cols = con.indexname ? c.columns : names(con.keys);
      if (!sameList(cols, c.columns)) return null;
      const including = names(con.including);
      const head = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : `UNIQUE${con.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''}`;
      return `${head} ${columnList(cols)}${including.length ? ` INCLUDE ${columnList(including)}` : ''}${deferral}`;
    }
    case 'CONSTR_FOREIGN': {
      const fk = c as ForeignKey;
      const refCols = names(con.pk_attrs);
      if (!sameList(names(con.fk_attrs), fk.columns) || rangeKey(con.pktable) !== fk.refTable || (refCols.length && !sameList(refCols, fk.refColumns))) return null;
      const pktable = con.pktable;
      const target = pktable?.schemaname ? `${quoteIdent(pktable.schemaname)}.${quoteIdent(pktable.relname)}` : quoteIdent(pktable?.relname ?? '?');
      const match = con.fk_matchtype === 'f' ? ' MATCH FULL' : con.fk_matchtype === 'p' ? ' MATCH PARTIAL' : '';
      const setCols = names(con.fk_del_set_cols);
      const onDelete = ACTIONS[con.fk_del_action] ? ` ON DELETE ${ACTIONS[con.fk_del_action]}${setCols.length ? ` ${columnList(setCols)}` : ''}` : '';
      const onUpdate = ACTIONS[con.fk_upd_action] ? ` ON UPDATE ${ACTIONS[con.fk_upd_action]}` : '';
      return `FOREIGN KEY ${columnList(fk.columns)} REFERENCES ${target}${refCols.length ? ` ${columnList(refCols)}` : ''}${match}${onDelete}${onUpdate}${deferral}${con.skip_validation ? ' NOT VALID' : ''}`;
    }
    case 'CONSTR_CHECK': {
      const check = checkText(c.source.statement, con);
      return check && `${check}${con.is_no_inherit ? ' NO INHERIT' : ''}${deferral}${con.skip_validation ? ' NOT VALID' : ''}`;
    }
    default:
      return null;
  }
}

/** `CHECK (…)` as written in `stmt` for the check constraint `con` (its parenthesised expression, balanced), or null. */
function checkText(stmt: SqlStatement | undefined, con: PgNode): string | null {
  if (!stmt || typeof con.location !== 'number') return null;
  const bytes = Buffer.from(stmt.text, 'utf8');
  const at = stmt.byteBase + con.location - stmt.byteStart;
  if (at < 0 || at >= bytes.length) return null;
  const text = bytes.subarray(at).toString('utf8');
  // Strings and comments blanked, so parentheses and keywords inside them do not count.
  const masked = maskLexemes(text, true);
  let i = 0;
  const named = /^constraint\s+/i.exec(masked);
  if (named) {
    i = skipTrivia(text, named[0].length);
    const quoted = text[i] === '"';
    const m = (quoted ? /^"(?:[^"]|"")*"/ : /^[^\s(]+/).exec(masked.slice(i));
    if (!m) return null;
    i = skipTrivia(text, i + m[0].length);
  }
  const head = /^check\s*\(/i.exec(masked.slice(i));
  if (!head) return null;
  let depth = 0;
  for (let j = i + head[0].length - 1; j < masked.length; j++) {
    const ch = masked.charCodeAt(j);
    if (ch === 40) depth++;
    else if (ch === 41 && --depth === 0) return `CHECK ${text.slice(i + head[0].length - 1, j + 1)}`;
  }
  return null;
}
