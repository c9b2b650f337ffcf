/**
 * Static catalog replay: walks the statements of all migrations in order and maintains the schema
 * they produce (tables, columns, constraints, indexes, enums, RLS, policies, functions, views).
 * Every object remembers the statement that created it and the statements that changed it.
 *
 * This is the base of the migration rules and of the cross-file rules (schema ↔ migration drift).
 * Names are stored as PostgreSQL stores them (unquoted identifiers folded to lower case by the parser);
 * keys are `schema.name`, with `public` for unqualified names.
 */
import { sameList } from '../lists';
import type { Range } from '../types';
import { escapeRegExp } from '../text';
import { checkValueList, exprText, names, typeKey, typeText, walk } from './expr';
import { choosePgName, clipUtf8, isIdentCont, isIdentStart, lexemeEnd, maskLexemes, pgNameAddition } from './lexical';
import type { PgNode, SqlStatement } from './parse';

export interface SourceRef {
  file: string;
  /** Migration label (Prisma folder name or file name). */
  migration: string;
  migrationIndex: number;
  statementIndex: number;
  range: Range;
  /** The statement itself (for DDL inside a `DO` block: the inner statement, located in the file). */
  statement?: SqlStatement;
}

export interface Column {
  name: string;
  /** SQL text of the type, e.g. `varchar(20)`, `"Role"`. */
  type: string;
  /** `schema.name` of the type (for enum lookups). */
  typeKey: string;
  notNull: boolean;
  /** Default expression text, if any. */
  default?: string;
  /** The parse trees `type` and `default` were written from (for rollbacks: `recreate.ts` checks they write back exactly). */
  typeNode?: PgNode;
  defaultNode?: PgNode;
  /** Given a `COLLATE` (not kept: a rollback does not re-create the column from the catalog). */
  collated?: true;
  identity?: boolean;
  generated?: boolean;
  /** Set by COMMENT ON COLUMN. */
  comment?: string;
  createdBy: SourceRef;
  changedBy: SourceRef[];
}

export interface KeyConstraint {
  /** The name given, or the one PostgreSQL generated when the constraint was made (`pgObjectName`). */
  name: string;
  columns: string[];
  source: SourceRef;
  /** The `Constraint` node that made it (a column constraint in table form, see `addConstraint`), for rollbacks. */
  definition?: PgNode;
}

export interface CheckConstraint {
  /** The name given, or the one PostgreSQL generated when the constraint was made. */
  name: string;
  expr: string;
  /** `col IN ('a','b')` / `col = ANY (ARRAY[...])`: the column and its allowed values. */
  column?: string;
  values?: string[];
  /** The columns the expression references (dropping one drops the check, as in PostgreSQL). */
  columns: string[];
  source: SourceRef;
  /** The `Constraint` node that made it, for rollbacks. */
  definition?: PgNode;
}

export type ReferentialAction = 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKey {
  /** The name given, or the one PostgreSQL generated when the constraint was made. */
  name: string;
  columns: string[];
  /** Key (`schema.name`) of the referenced table. */
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  /** `ON DELETE SET NULL (a, …)` / `SET DEFAULT (a, …)` (PostgreSQL 15+): the only columns the action sets. */
  onDeleteColumns?: string[];
  onUpdate: ReferentialAction;
  notValid: boolean;
  source: SourceRef;
  /** The `Constraint` node that made it (a column constraint in table form), for rollbacks. */
  definition?: PgNode;
}

export interface Index {
  schema: string;
  name: string;
  key: string;
  /** Key of the indexed table. */
  table: string;
  /** Column names; expressions as `(expr)`. */
  columns: string[];
  /** `INCLUDE (…)` columns (stored, not searchable; dropping one drops the index). */
  include: string[];
  /** Sort/opclass signature per column, to compare indexes of the same shape. */
  signature: string[];
  unique: boolean;
  partial: boolean;
  where?: string;
  /**
   * A partial index whose predicate only says columns are not null (`WHERE user_id IS NOT NULL`):
   * those columns. An equality lookup on all of them implies the predicate, so it can use the index.
   */
  notNullOnly?: string[];
  method: string;
  concurrently: boolean;
  source: SourceRef;
}

export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

export interface Policy {
  name: string;
  /** Key of the table. */
  table: string;
  command: PolicyCommand;
  permissive: boolean;
  roles: string[];
  using: PgNode | null;
  withCheck: PgNode | null;
  usingText?: string;
  withCheckText?: string;
  source: SourceRef;
  /** The CREATE/ALTER POLICY statement that last set the policy. */
  statement: SqlStatement;
  /** Statements that set `using` / `withCheck` (node locations are relative to their byteBase). */
  usingFrom?: { stmt: SqlStatement; ref: SourceRef };
  withCheckFrom?: { stmt: SqlStatement; ref: SourceRef };
  changedBy: SourceRef[];
}

export interface Table {
  schema: string;
  name: string;
  key: string;
  columns: Map<string, Column>;
  /** False when the column list is not known exactly (`CREATE TABLE … AS`, `LIKE`, `INHERITS`). */
  columnsComplete: boolean;
  primaryKey?: KeyConstraint;
  uniques: KeyConstraint[];
  checks: CheckConstraint[];
  foreignKeys: ForeignKey[];
  rls: boolean;
  rlsForced: boolean;
  rlsSource?: SourceRef;
  policies: Map<string, Policy>;
  partitioned: boolean;
  partitionOf?: string;
  /** `CREATE TEMP TABLE`: gone when the session that ran the migration ends (a migration's scratch table). */
  temporary: boolean;
  /** The statement that gave the table its current name, when it was renamed (or moved to another schema). */
  renamedBy?: SourceRef;
  /** Set by COMMENT ON TABLE. */
  comment?: string;
  createdBy: SourceRef;
  changedBy: SourceRef[];
}

export interface EnumType {
  schema: string;
  name: string;
  key: string;
  values: string[];
  createdBy: SourceRef;
  changedBy: SourceRef[];
}

export interface FunctionDef {
  schema: string;
  name: string;
  key: string;
  /** The input argument types (`uuid,int4[]`): with the name, what identifies an overload. */
  signature: string;
  language: string;
  body: string;
  securityDefiner: boolean;
  /**
   * The input parameters in order (IN, INOUT, VARIADIC: what a call passes): name and the text of
   * the default, if any (`uid uuid DEFAULT auth.uid()`: a call without that argument checks the caller).
   */
  inputs: Array<{ name: string | null; defaultText: string | null }>;
  /** Set by COMMENT ON FUNCTION (kept by CREATE OR REPLACE). */
  comment?: string;
  createdBy: SourceRef;
}

export type TableState = 'new' | 'existing' | 'unknown';

/** A column's type, default and nullability at one point of the replay; `enum`: its type was an enum the catalog knew. */
export interface ColumnState {
  type: string;
  default?: string;
  /** The parse trees of `type` and `default` (see `Column`). */
  typeNode?: PgNode;
  defaultNode?: PgNode;
  notNull: boolean;
  enum?: true;
}

/** What the replay learnt about one statement, as of just before it ran. */
export interface StatementFacts {
  /** State of each table the statement touches: created earlier in this migration, before it, or unknown. */
  tables: Map<string, TableState>;
  /** Index key → table key, for DROP INDEX. */
  indexTables: Map<string, string>;
  /** The keys of `tables` that were views or materialized views at this point. */
  views?: Set<string>;
  /** Objects referenced but absent from the catalog at this point. */
  missing: Array<{
    kind: 'table' | 'type' | 'column' | 'function';
    key: string;
    column?: string;
    byteLocation?: number;
    /**
     * Read by a view's query or a policy's condition: PostgreSQL resolves those names when the
     * statement runs, but an unqualified one may name a system or extension relation the catalog does
     * not know, so only a table a later migration creates is certain to be missing.
     */
    laterOnly?: true;
    /** A type only an enum can be (`ALTER TYPE … ADD VALUE`), so not one an extension provides. */
    enumOnly?: true;
    /** A column a WHERE or SET expression reads: in a DO block the name may be a PL/pgSQL variable. */
    readByExpression?: true;
  }>;
  /**
   * Objects the statement creates that already exist at this point (a CREATE without IF NOT EXISTS
   * that PostgreSQL refuses: `relation "…" already exists`), with the migration that created them.
   */
  existing?: Array<{
    /** `constraint`: a constraint name the table already has (`name`), or a second primary key (no `name`). */
    kind: 'table' | 'type' | 'constraint';
    key: string;
    createdIn: number;
    renamed?: boolean;
    byteLocation?: number;
    name?: string;
    /** A constraint with an index of its name (primary key, unique, exclusion): PostgreSQL reports the name as a relation. */
    indexBacked?: boolean;
  }>;
  /** The statement does nothing: a CREATE … IF NOT EXISTS of an object that exists at this point. */
  noop?: true;
  /**
   * Columns as they were before an ALTER TABLE changed them (for rollbacks), including one an `ADD COLUMN
   * IF NOT EXISTS` found there already.
   */
  previousColumns?: Map<string, ColumnState>;
  /** The names PostgreSQL gave the statement's unnamed constraints (by their `Constraint` node), for rollbacks. */
  constraintNames?: Map<PgNode, string>;
  /** Enum types a DROP TYPE removed, with their values at that point (for rollbacks), by type key. */
  droppedEnums?: Map<string, { schema: string; name: string; values: string[] }>;
  /**
   * Indexes the statement removed (for rollbacks): dropped by name, with a dropped column or
   * materialized view, or taken over by a `PRIMARY KEY / UNIQUE USING INDEX` constraint.
   */
  droppedIndexes?: Index[];
  /** The definition a CREATE OR REPLACE VIEW replaced; null when its statement no longer describes it (`stillDescribes`). */
  replacedView?: SourceRef | null;
  /** Views (keys) that read the view a CREATE OR REPLACE VIEW replaced: it cannot be dropped while they are there (for rollbacks). */
  viewReaders?: string[];
  /** Views and materialized views a DROP removed, by key: the statement that gave each its definition (undefined: not known to the replay). */
  droppedViews?: Map<string, SourceRef | undefined>;
  /** A COMMENT ON's object had this comment before (null: none); unset when the replay does not know the object. */
  previousComment?: string | null;
  /** Functions a DROP FUNCTION removed, and the one a CREATE OR REPLACE replaced (for rollbacks). */
  droppedFunctions?: FunctionDef[];
  replacedFunction?: FunctionDef;
  /** Tables a DROP TABLE removed, as they were just before, with the indexes that went with them (for rollbacks). */
  droppedTables?: Array<{ table: Table; indexes: Index[] }>;
  /** A CREATE OR REPLACE TRIGGER on a table the replay knows: whether a trigger of that name was there (for rollbacks). */
  replacedTrigger?: boolean;
  /** Constraints an ALTER TABLE … DROP CONSTRAINT removed, as they were just before (for rollbacks). */
  droppedConstraints?: Array<{ table: string; constraint: KeyConstraint | ForeignKey | CheckConstraint }>;
  /**
   * Columns an ALTER TABLE … DROP COLUMN removed, as they were just before, with the constraints of
   * their table that went with them (its indexes are in `droppedIndexes`) (for rollbacks).
   */
  droppedColumns?: Array<{ table: string; column: Column; constraints: Array<KeyConstraint | ForeignKey | CheckConstraint> }>;
  /** Policies a DROP POLICY removed, as they were just before (for rollbacks). */
  droppedPolicies?: Policy[];
  /**
   * The `DROP COLUMN IF EXISTS` commands (AlterTableCmd nodes) of a column that the table, whose
   * columns the replay knows exactly, did not have at that point: no-ops (nothing deleted, nothing to undo).
   */
  absentColumnDrops?: Set<PgNode>;
}

/** An index-like structure of a table (`Catalog.indexLikes`). */
export interface IndexLike {
  kind: 'primary' | 'unique' | 'index';
  name?: string;
  columns: string[];
  unique: boolean;
  partial: boolean;
  method: string;
  source: SourceRef;
  index?: Index;
}

/** Orders two statements as the replay ran them (migration, then statement). */
export function sourceOrder(a: SourceRef, b: SourceRef): number {
  return a.migrationIndex - b.migrationIndex || a.statementIndex - b.statementIndex;
}

/** A type name node naming the type by its new name (and schema, when it moved), the rest as it was. */
function renamedType(node: PgNode, name: string, schema?: string): PgNode {
  const parts: PgNode[] = node.names ?? [];
  const head = schema !== undefined ? [{ String: { sval: schema } }] : parts.slice(0, -1);
  return { ...node, names: [...head, { String: { sval: name } }] };
}

/** The object types of functions and procedures (`DROP FUNCTION`, `COMMENT ON PROCEDURE` …). */
export const ROUTINE_OBJECTS: ReadonlySet<string> = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE']);

/** Serial pseudo-types → the integer type PostgreSQL gives the column (type name, as `typeText` writes it). */
const SERIAL_INTEGERS: Record<string, [key: string, text: string]> = {
  serial: ['int4', 'integer'],
  serial4: ['int4', 'integer'],
  bigserial: ['int8', 'bigint'],
  serial8: ['int8', 'bigint'],
  smallserial: ['int2', 'smallint'],
  serial2: ['int2', 'smallint'],
};

export class Catalog {
  readonly tables = new Map<string, Table>();
  /** The names of the triggers made on each table (by the table, so renames keep them and a DROP TABLE ends them). */
  private readonly triggers = new WeakMap<Table, Set<string>>();
  /**
   * Constraint name → tables that had a constraint of that name at the end of some statement (kept by
   * `indexConstraintNames`; a table may since have lost it, been dropped or moved: callers check).
   * Generated names are looked up here instead of scanning every table (a schema dump of thousands of
   * tables with unnamed constraints made that quadratic: seconds).
   */
  private readonly constraintOwners = new Map<string, Set<Table>>();
  /** The statement being applied: the tables it touches may hold names not indexed yet. */
  private current: { facts: StatementFacts; renamed: Set<Table> } | null = null;
  /**
   * Tables the migrations never create but give policies to (Supabase's `storage.objects`, a table
   * made in the dashboard): only their policies are known, so only the policy rules read them
   * (`policyTables`).
   */
  readonly foreignTables = new Map<string, Table>();
  readonly indexes = new Map<string, Index>();
  readonly enums = new Map<string, EnumType>();
  /** Other user-defined types (composite, domain, range). */
  readonly types = new Map<string, SourceRef>();
  readonly views = new Map<string, SourceRef>();
  readonly functions = new Map<string, FunctionDef[]>();
  readonly schemas = new Set<string>(['public']);
  /** Every key ever created (table/view/type) → first migration index that created it. */
  readonly everCreated = new Map<string, number>();
  /** Types renamed during the current migration (old key), e.g. Prisma's enum recreate pattern. */
  readonly renamedInMigration = new Map<number, Set<string>>();
  /** Migration index in which each table key was (last) created. */
  private readonly createdIn = new Map<string, number>();
  /**
   * Table key → the indexes on it: finds them without a pass over every index (`indexes` keeps the
   * catalog order; these sets only say which). Kept in step by `putIndex`, `removeIndex` and the
   * renames and drops below.
   */
  private readonly indexesOn = new Map<string, Set<Index>>();
  /**
   * Table key → the tables that got a foreign key to it: a superset (a table may have dropped that
   * key since, or left the catalog), so users check `referencers`' result again.
   */
  private readonly referencing = new Map<string, Set<Table>>();

  table(schema: string | undefined, name: string): Table | undefined {
    return this.tables.get(qualify(schema, name));
  }

  /** All index-like structures of a table: PK, unique constraints, indexes (`indexesOfTable`: from `indexesByTable()`). */
  indexLikes(tableKey: string, indexesOfTable: ReadonlyMap<string, Index[]>): IndexLike[] {
    const t = this.tables.get(tableKey);
    const out: IndexLike[] = [];
    if (!t) return out;
    if (t.primaryKey) out.push({ kind: 'primary', name: t.primaryKey.name, columns: t.primaryKey.columns, unique: true, partial: false, method: 'btree', source: t.primaryKey.source });
    for (const u of t.uniques) out.push({ kind: 'unique', name: u.name, columns: u.columns, unique: true, partial: false, method: 'btree', source: u.source });
    for (const i of indexesOfTable.get(tableKey) ?? []) {
      out.push({ kind: 'index', name: i.name, columns: i.columns, unique: i.unique, partial: i.partial, method: i.method, source: i.source, index: i });
    }
    return out;
  }

  /**
   * Table key → its indexes in catalog order (for `indexLikes` over many tables: one pass over the
   * indexes instead of one per table). A snapshot: build it after the replay.
   */
  indexesByTable(): Map<string, Index[]> {
    const out = new Map<string, Index[]>();
    for (const i of this.indexes.values()) {
      const list = out.get(i.table);
      if (list) list.push(i);
      else out.set(i.table, [i]);
    }
    return out;
  }

  /** Adds (or replaces, in place) the index under its key. */
  private putIndex(i: Index): void {
    const old = this.indexes.get(i.key);
    if (old) this.indexesOn.get(old.table)?.delete(old);
    this.indexes.set(i.key, i);
    addTo(this.indexesOn, i.table, i);
  }

  private removeIndex(i: Index): void {
    this.indexes.delete(i.key);
    this.indexesOn.get(i.table)?.delete(i);
  }

  /**
   * Whether the statement `ref` that defined a view still describes it: the relations its query reads
   * are there under the names it uses (none renamed or dropped since, as far as the migrations tell),
   * and none of their columns was renamed after it (none of them changed at all, for a query with a
   * `*`). PostgreSQL follows renames inside a view and keeps the columns a `*` stood for; its text
   * does neither.
   */
  private stillDescribes(ref: SourceRef): boolean {
    const s = ref.statement;
    if (!s || (s.kind !== 'ViewStmt' && s.kind !== 'CreateTableAsStmt')) return false;
    const later = (r: SourceRef) => r.migrationIndex > ref.migrationIndex || (r.migrationIndex === ref.migrationIndex && r.statementIndex > ref.statementIndex);
    // From the text: the query of a long view is parsed only when read (`elide.ts`), which would cost
    // more than the whole replay here. A `*` is expanded when the view is made: made again, it takes
    // the columns the tables have then.
    const masked = maskLexemes(s.text, true);
    const star = /(?:\.|\bselect|,)\s*\*\s*(?:,|\bfrom\b|$)/i.test(masked);
    for (const rv of textReads(s.text, masked)) {
      const key = rangeKey(rv);
      const t = this.tables.get(key);
      if (t) {
        if (t.changedBy.some((r) => later(r) && (star || renamesRead(r.statement, masked)))) return false;
      } else if (!this.views.has(key) && !this.foreignTables.has(key) && this.everCreated.has(key)) return false;
    }
    return true;
  }

  /** Each view definition's text in lower case, and the relations it reads (`textReads`, read when first needed), by its statement. */
  private readonly viewReadsCache = new WeakMap<SourceRef, { lower: string; reads?: Set<string> }>();

  /** Other views (and materialized views) whose definitions read the view `key`. */
  private viewsReading(key: string): string[] {
    const out: string[] = [];
    const name = splitKey(key)[1].toLowerCase();
    for (const [k, ref] of this.views) {
      if (k === key) continue;
      const text = ref.statement?.text ?? '';
      let c = this.viewReadsCache.get(ref);
      if (!c) this.viewReadsCache.set(ref, (c = { lower: text.toLowerCase() }));
      // Only a text that names it can read it (reading the FROM clauses of every view costs more).
      if (!c.lower.includes(name)) continue;
      c.reads ??= new Set(textReads(text).map(rangeKey));
      if (c.reads.has(key)) out.push(k);
    }
    return out;
  }

  /** Drops every index on a table key; returns them. */
  private dropIndexesOn(tableKey: string): Index[] {
    const on = this.indexesOn.get(tableKey);
    if (!on) return [];
    for (const i of on) this.indexes.delete(i.key);
    this.indexesOn.delete(tableKey);
    return [...on];
  }

  /** The tables in the catalog with a foreign key to `key` (a few without, see `referencing`). */
  private referencers(key: string): Table[] {
    const out: Table[] = [];
    const maybe = this.referencing.get(key);
    if (maybe) for (const t of maybe) if (this.tables.get(t.key) === t) out.push(t);
    return out;
  }

  stateOf(key: string, migrationIndex: number): TableState {
    if (!this.tables.has(key) && !this.views.has(key)) return 'unknown';
    return this.createdIn.get(key) === migrationIndex ? 'new' : 'existing';
  }

  /** Applies one statement. Never throws on unexpected shapes (it ignores what it does not model). */
  apply(stmt: SqlStatement, ref: SourceRef): StatementFacts {
    const facts: StatementFacts = { tables: new Map(), indexTables: new Map(), missing: [] };
    const current = (this.current = { facts, renamed: new Set<Table>() });
    try {
      this.applyTo(stmt, ref, facts);
    } finally {
      this.current = null;
      this.indexConstraintNames(facts, current.renamed);
    }
    return facts;
  }

  /** Records the constraint names of the tables a statement touched (see `constraintOwners`). */
  private indexConstraintNames(facts: StatementFacts, renamed: Set<Table>): void {
    const add = (t: Table | undefined) => {
      if (!t) return;
      for (const c of constraintsOf(t)) {
        let owners = this.constraintOwners.get(c.name);
        if (!owners) this.constraintOwners.set(c.name, (owners = new Set()));
        owners.add(t);
      }
    };
    for (const key of facts.tables.keys()) add(this.tables.get(key));
    for (const t of renamed) add(t);
  }

  /** Whether a live table of `schema` has a constraint called `name` that `matches`. */
  private someConstraintNamed(schema: string, name: string, matches: (t: Table) => boolean): boolean {
    const live = (t: Table) => t.schema === schema && this.tables.get(t.key) === t && matches(t);
    for (const t of this.constraintOwners.get(name) ?? []) if (live(t)) return true;
    if (this.current) {
      for (const key of this.current.facts.tables.keys()) {
        const t = this.tables.get(key);
        if (t && live(t)) return true;
      }
      for (const t of this.current.renamed) if (live(t)) return true;
    }
    return false;
  }

  /**
   * Functions an expression calls (a policy condition, a column default) that the migrations have not
   * created yet: PostgreSQL resolves them when the statement runs. Built-ins and extension functions
   * are never created here, so only a function a later migration creates ends up reported.
   */
  private needCalls(node: PgNode, facts: StatementFacts): void {
    if (!node) return;
    walk(node, (kind, v) => {
      if (kind !== 'FuncCall') return;
      const parts = names(v.funcname);
      if (!parts.length) return;
      const key = partsKey(parts);
      if (this.functions.has(key) || facts.missing.some((x) => x.kind === 'function' && x.key === key)) return;
      facts.missing.push({ kind: 'function', key, byteLocation: v.location });
    });
  }

  /**
   * Records the relations a policy's condition reads (its subqueries) that do not exist at this point,
   * as `laterOnly` misses. (A view's query is checked by migration-order itself, only when its text
   * names a table created later: decoding every view's tree here would cost more than the replay.)
   */
  private needRead(node: PgNode, facts: StatementFacts): void {
    if (!node) return;
    for (const rv of readRelations(node)) {
      const key = rangeKey(rv);
      if (this.tables.has(key) || this.views.has(key) || this.foreignTables.has(key)) continue;
      if (facts.missing.some((x) => x.kind === 'table' && x.key === key)) continue;
      facts.missing.push({ kind: 'table', key, byteLocation: rv.location, laterOnly: true });
    }
  }

  private applyTo(stmt: SqlStatement, ref: SourceRef, facts: StatementFacts): void {
    const n = stmt.node;
    const mi = ref.migrationIndex;
    const touch = (key: string) => {
      if (facts.tables.has(key)) return;
      facts.tables.set(key, this.stateOf(key, mi));
      if (this.views.has(key) && !this.tables.has(key)) (facts.views ??= new Set()).add(key);
    };
    const need = (key: string, byteLocation?: number) => {
      touch(key);
      if (!this.tables.has(key) && !this.views.has(key)) facts.missing.push({ kind: 'table', key, byteLocation });
    };
    switch (stmt.kind) {
      case 'CreateStmt':
        this.createTable(n, ref, facts, need, touch);
        break;
      case 'CreateTableAsStmt':
      case 'SelectStmt': {
        // CREATE TABLE … AS, CREATE MATERIALIZED VIEW, and SELECT … INTO new_table (a table too).
        const into = stmt.kind === 'SelectStmt' ? n.intoClause?.rel : n.into?.rel;
        if (into) {
          const key = rangeKey(into);
          if (n.objtype === 'OBJECT_MATVIEW') this.created(key, mi, () => this.views.set(key, ref));
          else {
            touch(key);
            const t = newTable(into, ref);
            t.columnsComplete = false;
            this.tables.set(key, t);
            this.created(key, mi);
          }
        }
        break;
      }
      case 'ViewStmt': {
        const key = rangeKey(n.view);
        const before = this.views.get(key);
        if (n.replace && before) {
          facts.replacedView = this.stillDescribes(before) ? before : null;
          const readers = facts.replacedView ? this.viewsReading(key) : [];
          if (readers.length) facts.viewReaders = readers;
        }
        this.created(key, mi, () => this.views.set(key, ref));
        break;
      }
      case 'AlterTableStmt':
        if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_FOREIGN_TABLE' || n.objtype === undefined) this.alterTable(n, ref, facts, need, touch);
        break;
      case 'RenameStmt':
        this.rename(n, ref, facts, need, touch);
        break;
      case 'CommentStmt': {
        // The object keeps its comment (a CREATE OR REPLACE FUNCTION too); it goes with the object.
        const holder = this.commented(n);
        if (holder) {
          facts.previousComment = holder.comment ?? null;
          holder.comment = typeof n.comment === 'string' ? n.comment : undefined;
        }
        break;
      }
      case 'IndexStmt': {
        const tkey = rangeKey(n.relation);
        need(tkey, n.relation?.location);
        this.createIndex(n, ref, facts);
        break;
      }
      case 'DropStmt':
        this.drop(n, ref, facts, touch);
        break;
      case 'TruncateStmt':
        for (const r of n.relations ?? []) need(rangeKey(r.RangeVar), r.RangeVar?.location);
        break;
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'MergeStmt':
        this.dataChange(n, facts, need);
        break;
      case 'CreateEnumStmt': {
        const key = typeKey({ names: n.typeName });
        this.typeExists(key, facts);
        const [schema, name] = splitKey(key);
        this.enums.set(key, { schema, name, key, values: (n.vals ?? []).map((v: PgNode) => v.String?.sval ?? ''), createdBy: ref, changedBy: [] });
        this.created(key, mi);
        break;
      }
      case 'CompositeTypeStmt': {
        const key = rangeKey(n.typevar);
        this.typeExists(key, facts);
        this.types.set(key, ref);
        this.created(key, mi);
        break;
      }
      case 'CreateDomainStmt':
      case 'CreateRangeStmt': {
        const key = typeKey({ names: n.domainname ?? n.typeName });
        this.typeExists(key, facts);
        this.types.set(key, ref);
        this.created(key, mi);
        break;
      }
      case 'AlterEnumStmt': {
        const key = typeKey({ names: n.typeName });
        const e = this.enums.get(key);
        if (!e) {
          facts.missing.push({ kind: 'type', key, enumOnly: true });
          break;
        }
        e.changedBy.push(ref);
        if (n.oldVal) {
          const i = e.values.indexOf(n.oldVal);
          if (i >= 0) e.values[i] = n.newVal;
        } else if (n.newVal && !e.values.includes(n.newVal)) {
          const at = n.newValNeighbor ? e.values.indexOf(n.newValNeighbor) : -1;
          if (at < 0) e.values.push(n.newVal);
          else e.values.splice(n.newValIsAfter ? at + 1 : at, 0, n.newVal);
        }
        break;
      }
      case 'CreatePolicyStmt': {
        const tkey = rangeKey(n.table);
        need(tkey, n.table?.location);
        this.needRead([n.qual, n.with_check], facts);
        this.needCalls([n.qual, n.with_check], facts);
        let t = this.policyTable(tkey);
        if (!t) {
          t = newTable(n.table, ref);
          t.columnsComplete = false;
          this.foreignTables.set(tkey, t);
        }
        const p: Policy = {
          name: n.policy_name,
          table: tkey,
          command: (n.cmd_name ?? 'all') as PolicyCommand,
          permissive: n.permissive === true,
          roles: roleNames(n.roles),
          using: n.qual ?? null,
          withCheck: n.with_check ?? null,
          usingText: n.qual ? exprText(n.qual) : undefined,
          withCheckText: n.with_check ? exprText(n.with_check) : undefined,
          source: ref,
          statement: stmt,
          usingFrom: n.qual ? { stmt, ref } : undefined,
          withCheckFrom: n.with_check ? { stmt, ref } : undefined,
          changedBy: [],
        };
        t.policies.set(p.name, p);
        t.changedBy.push(ref);
        break;
      }
      case 'AlterPolicyStmt': {
        const tkey = rangeKey(n.table);
        need(tkey, n.table?.location);
        this.needRead([n.qual, n.with_check], facts);
        const p = this.policyTable(tkey)?.policies.get(n.policy_name);
        if (!p) break;
        if (n.roles) p.roles = roleNames(n.roles);
        if (n.qual) {
          p.using = n.qual;
          p.usingText = exprText(n.qual);
          p.usingFrom = { stmt, ref };
        }
        if (n.with_check) {
          p.withCheck = n.with_check;
          p.withCheckText = exprText(n.with_check);
          p.withCheckFrom = { stmt, ref };
        }
        p.statement = stmt;
        p.source = ref;
        p.changedBy.push(ref);
        break;
      }
      case 'CreateFunctionStmt': {
        const key = partsKey(names(n.funcname));
        const [schema, name] = splitKey(key);
        const opt = (d: string) => (n.options ?? []).find((o: PgNode) => o.DefElem?.defname === d)?.DefElem?.arg;
        const body = opt('as');
        const bodyText = body?.List ? names(body.List.items).join('\n') : (body?.String?.sval ?? '');
        const params = inputParams(n.parameters);
        const def: FunctionDef = {
          schema,
          name,
          key,
          signature: argSignature(params.map((fp: PgNode) => fp.argType)),
          language: String(opt('language')?.String?.sval ?? 'sql').toLowerCase(),
          // A SQL-standard body (`RETURN …`, `BEGIN ATOMIC … END`) is part of the statement's text.
          body: n.sql_body ? sqlStandardBody(ref.statement?.text ?? '') : bodyText,
          securityDefiner: !!opt('security')?.Boolean?.boolval,
          inputs: params.map((fp: PgNode) => ({ name: fp.name ?? null, defaultText: fp.defexpr ? exprText(fp.defexpr) : null })),
          createdBy: ref,
        };
        const list = this.functions.get(key) ?? [];
        const same = list.findIndex((d) => d.signature === def.signature);
        // CREATE OR REPLACE replaces the body of the function with these argument types (an overload
        // with other types is another function); a plain CREATE of an existing one fails.
        if (same < 0) list.push(def);
        else if (n.replace) {
          facts.replacedFunction = list[same];
          if (list[same].comment !== undefined) def.comment = list[same].comment;
          list[same] = def;
        }
        this.functions.set(key, list);
        break;
      }
      case 'CreateTrigStmt': {
        // The table, and the trigger function (`EXECUTE FUNCTION f()`), must exist already.
        if (n.relation?.relname) need(rangeKey(n.relation), n.relation.location);
        const table = n.relation?.relname ? this.tables.get(rangeKey(n.relation)) : undefined;
        if (table && n.trigname) {
          let set = this.triggers.get(table);
          if (!set) this.triggers.set(table, (set = new Set()));
          if (n.replace) facts.replacedTrigger = set.has(n.trigname);
          set.add(n.trigname);
        }
        const fname = names(n.funcname);
        const key = fname.length ? partsKey(fname) : null;
        if (key && !this.functions.has(key)) facts.missing.push({ kind: 'function', key });
        break;
      }
      case 'CreateSchemaStmt':
        if (n.schemaname) this.schemas.add(n.schemaname);
        break;
      case 'AlterObjectSchemaStmt': {
        if (!n.newschema) break;
        if (n.objectType === 'OBJECT_TABLE' && n.relation) {
          const key = rangeKey(n.relation);
          touch(key);
          const t = this.tables.get(key);
          if (t) this.renameTable(t, n.newschema, t.name, ref);
        } else if ((n.objectType === 'OBJECT_VIEW' || n.objectType === 'OBJECT_MATVIEW') && n.relation) {
          this.moveView(rangeKey(n.relation), qualify(n.newschema, n.relation.relname), ref);
        } else if (n.objectType === 'OBJECT_TYPE' || n.objectType === 'OBJECT_DOMAIN') {
          const parts = names(n.object?.List?.items);
          if (parts.length) this.moveType(partsKey(parts), qualify(n.newschema, parts[parts.length - 1]), ref);
        }
        break;
      }
      case 'DoStmt':
        // Static DDL inside the block is replayed on its own (doBlockStatements); what it runs through
        // EXECUTE is not.
        if (/\bexecute\b/i.test(stmt.text)) this.enableRlsNamedIn(stmt.text, ref);
        break;
      default:
        break;
    }
    // A function of the migrations run by a SELECT or CALL (`select public.secure_tables()`): its body's
    // statements are not replayed.
    // (The calls of its select list only: reading the whole tree would decode what the replay skips.)
    const calls: PgNode[] = stmt.kind === 'CallStmt' ? [n.funccall] : stmt.kind === 'SelectStmt' && !n.fromClause ? (n.targetList ?? []).map((t: PgNode) => t.ResTarget?.val?.FuncCall) : [];
    for (const call of calls) {
      if (!call?.funcname) continue;
      const parts = names(call.funcname);
      for (const f of this.functions.get(parts.length > 1 ? parts.join('.') : `public.${parts[0]}`) ?? []) this.enableRlsNamedIn(f.body, ref);
    }
  }

  /**
   * Row level security enabled where the replay cannot follow (a DO block's EXECUTE, a function body
   * run by a call): when `text` says `ENABLE ROW LEVEL SECURITY`, the tables it names (in SQL or in a
   * string: `foreach t in array array['a','b'] loop execute format('alter table %I enable …', t)`) get
   * RLS; when it reads the catalog's table list (pg_tables, information_schema.tables, pg_class), every
   * table of the schemas it names as strings ('public'), or of all schemas, does.
   */
  private enableRlsNamedIn(text: string, ref: SourceRef): void {
    if (!/\benable\s+row\s+level\s+security\b/i.test(text)) return;
    const listed = /\b(?:pg_tables|pg_class|information_schema\s*\.\s*tables)\b/i.test(text);
    const tableSchemas = new Set([...this.tables.values()].map((t) => t.schema));
    const schemas = new Set([...text.matchAll(/'([A-Za-z_][\w$]*)'/g)].map((x) => x[1].toLowerCase()).filter((x) => tableSchemas.has(x)));
    for (const t of this.tables.values()) {
      if (t.rls || t.temporary) continue;
      const named = new RegExp(`(^|[^\\w$"])(?:"${escapeRegExp(t.name)}"|${escapeRegExp(t.name)})(?![\\w$])`, t.name === t.name.toLowerCase() ? 'i' : '').test(text);
      if (named || (listed && (!schemas.size || schemas.has(t.schema)))) {
        t.rls = true;
        t.rlsSource = ref;
      }
    }
  }

  /** First migration index that created a function of this key (`schema.name`, any arguments). */
  functionCreatedIn(key: string): number | undefined {
    let first: number | undefined;
    for (const f of this.functions.get(key) ?? []) if (first === undefined || f.createdBy.migrationIndex < first) first = f.createdBy.migrationIndex;
    return first;
  }

  /** First migration index that created `table.column` under this name. */
  columnCreatedIn(tableKey: string, column: string): number | undefined {
    return this.everCreated.get(`${tableKey}#${column}`);
  }

  private markColumn(tableKey: string, column: string, mi: number): void {
    const k = `${tableKey}#${column}`;
    if (!this.everCreated.has(k)) this.everCreated.set(k, mi);
  }

  private created(key: string, mi: number, also?: () => void): void {
    also?.();
    if (!this.everCreated.has(key)) this.everCreated.set(key, mi);
    this.createdIn.set(key, mi);
  }

  /** Records in `facts` that a CREATE TYPE / DOMAIN (which has no IF NOT EXISTS) names a type that exists. */
  private typeExists(key: string, facts: StatementFacts): void {
    const before = this.enums.get(key)?.createdBy ?? this.types.get(key);
    if (before) (facts.existing ??= []).push({ kind: 'type', key, createdIn: before.migrationIndex });
  }

  private createTable(n: PgNode, ref: SourceRef, facts: StatementFacts, need: (k: string, loc?: number) => void, touch: (k: string) => void): void {
    const key = rangeKey(n.relation);
    touch(key);
    const prev = this.tables.get(key);
    const before = prev ? (prev.renamedBy ?? prev.createdBy) : this.views.get(key);
    if (before) {
      if (n.if_not_exists) {
        facts.noop = true;
        return;
      }
      // A temporary table lives in the session's own schema: no clash with a permanent one, nor with
      // one of an earlier migration (another session).
      const temp = n.relation?.relpersistence === 't';
      if (!!prev?.temporary === temp && (!temp || before.migrationIndex === ref.migrationIndex)) {
        (facts.existing ??= []).push({ kind: 'table', key, createdIn: before.migrationIndex, renamed: !!prev?.renamedBy, byteLocation: n.relation?.location });
      }
    }
    const t = newTable(n.relation, ref);
    if (n.inhRelations?.length) {
      t.columnsComplete = false;
      if (n.partbound) t.partitionOf = rangeKey(n.inhRelations[0]?.RangeVar);
    }
    if (n.partspec) t.partitioned = true;
    this.tables.set(key, t);
    this.created(key, ref.migrationIndex);
    for (const el of n.tableElts ?? []) {
      if (el.ColumnDef) this.addColumn(t, el.ColumnDef, ref, facts, need);
      else if (el.Constraint) this.addConstraint(t, el.Constraint, ref, facts, need);
      else if (el.TableLikeClause) t.columnsComplete = false;
    }
    // Partitions inherit the parent's columns.
    if (t.partitionOf) {
      const parent = this.tables.get(t.partitionOf);
      if (parent) for (const [k, c] of parent.columns) if (!t.columns.has(k)) t.columns.set(k, { ...c, changedBy: [] });
    }
  }

  private addColumn(t: Table, def: PgNode, ref: SourceRef, facts: StatementFacts, need: (k: string, loc?: number) => void): Column {
    const tn = def.typeName;
    const tname = names(tn?.names);
    // `serial` is not a type: PostgreSQL makes an integer column with a sequence default.
    const serial = tname.length === 1 && !tn.arrayBounds?.length ? SERIAL_INTEGERS[tname[0]] : undefined;
    const col: Column = {
      name: def.colname,
      type: serial ? serial[1] : typeText(tn),
      typeKey: serial ? `pg_catalog.${serial[0]}` : typeKey(tn),
      notNull: !!serial || !!def.is_not_null,
      typeNode: tn,
      ...(def.collClause ? { collated: true as const } : {}),
      createdBy: ref,
      changedBy: [],
    };
    if (serial) col.default = `nextval(…)`;
    t.columns.set(col.name, col);
    this.markColumn(t.key, col.name, ref.migrationIndex);
    // `DEFERRABLE` / `INITIALLY …` after a column constraint are constraints of their own, which
    // PostgreSQL applies to the one before: the table form made of that one alone would miss them.
    const attributes = (def.constraints ?? []).some((c: PgNode) => /^CONSTR_ATTR_/.test(c.Constraint?.contype ?? ''));
    const tableForm = (con: PgNode, columns: 'keys' | 'fk_attrs'): PgNode => ({ ...con, [columns]: [{ String: { sval: col.name } }], ...(attributes ? { attributesApart: true } : {}) });
    for (const c of def.constraints ?? []) {
      const con = c.Constraint;
      if (!con) continue;
      switch (con.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_NULL':
          col.notNull = false;
          break;
        case 'CONSTR_DEFAULT':
          col.default = exprText(con.raw_expr);
          col.defaultNode = con.raw_expr;
          this.needCalls(con.raw_expr, facts);
          break;
        case 'CONSTR_IDENTITY':
          col.identity = true;
          col.notNull = true;
          break;
        case 'CONSTR_GENERATED':
          col.generated = true;
          break;
        case 'CONSTR_PRIMARY':
          col.notNull = true;
          this.addConstraint(t, tableForm(con, 'keys'), ref, facts, need);
          break;
        case 'CONSTR_UNIQUE':
          this.addConstraint(t, tableForm(con, 'keys'), ref, facts, need);
          break;
        case 'CONSTR_FOREIGN':
          this.addConstraint(t, tableForm(con, 'fk_attrs'), ref, facts, need);
          break;
        case 'CONSTR_CHECK':
          this.addConstraint(t, attributes ? { ...con, attributesApart: true } : con, ref, facts, need);
          break;
        default:
          break;
      }
    }
    // Type references: an enum/type created only later is a migration-order problem.
    const tk = col.typeKey;
    if (tname.length && tname[0] !== 'pg_catalog' && !this.enums.has(tk) && !this.types.has(tk) && !this.tables.has(tk)) {
      facts.missing.push({ kind: 'type', key: tk, byteLocation: tn?.location });
    }
    return col;
  }

  private addConstraint(t: Table, con: PgNode, ref: SourceRef, facts: StatementFacts, need: (k: string, loc?: number) => void): void {
    const name: string | undefined = con.conname || undefined;
    // PostgreSQL refuses a second constraint of the same name on a table (a schema dump replayed
    // over an earlier one): the statement changes nothing, so the table keeps the one it has.
    const taken = name ? constraintsOf(t).find((c) => c.name === name) : undefined;
    if (taken) {
      const indexBacked = con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_EXCLUSION';
      (facts.existing ??= []).push({ kind: 'constraint', key: t.key, name, createdIn: taken.source.migrationIndex, byteLocation: con.location, ...(indexBacked ? { indexBacked } : {}) });
      return;
    }
    const cols = (list: PgNode[] | undefined) => names(list);
    const checkCols = (list: string[]) => {
      if (!t.columnsComplete) return;
      for (const c of list) if (!t.columns.has(c)) facts.missing.push({ kind: 'column', key: t.key, column: c, byteLocation: con.location });
    };
    let made: string | undefined;
    switch (con.contype) {
      case 'CONSTR_PRIMARY': {
        // "multiple primary keys for table … are not allowed": the table keeps the key it has (this
        // is also what a DO block's `IF NOT EXISTS (…) THEN ALTER TABLE … ADD PRIMARY KEY` amounts to).
        if (t.primaryKey) {
          (facts.existing ??= []).push({ kind: 'constraint', key: t.key, createdIn: t.primaryKey.source.migrationIndex, byteLocation: con.location });
          break;
        }
        const columns = con.indexname ? this.adoptIndex(t, con.indexname, facts) : cols(con.keys);
        checkCols(columns);
        // PostgreSQL merges a key written twice in one statement (`a int UNIQUE PRIMARY KEY`): the primary key stays.
        t.uniques = t.uniques.filter((u) => !(u.source === ref && sameList(u.columns, columns)));
        t.primaryKey = { name: name ?? con.indexname ?? this.generatedName(t, null, 'pkey', true), columns, source: ref, definition: con };
        made = t.primaryKey.name;
        for (const c of columns) {
          const col = t.columns.get(c);
          if (col) col.notNull = true;
        }
        break;
      }
      case 'CONSTR_UNIQUE': {
        const columns = con.indexname ? this.adoptIndex(t, con.indexname, facts) : cols(con.keys);
        checkCols(columns);
        const same = (k: KeyConstraint | undefined) => !!k && k.source === ref && sameList(k.columns, columns);
        if (same(t.primaryKey) || t.uniques.some(same)) break; // written twice in one statement: one key
        // INCLUDE columns are part of the generated name.
        const named = [...columns, ...cols(con.including)];
        const unique: string = name ?? con.indexname ?? this.generatedName(t, pgNameAddition(named), 'key', true);
        made = unique;
        t.uniques.push({ name: unique, columns, source: ref, definition: con });
        break;
      }
      case 'CONSTR_CHECK': {
        const list = checkValueList(con.raw_expr);
        // PostgreSQL names a check on exactly one column `table_column_check`, any other `table_check`.
        const referenced = new Set<string>();
        walk(con.raw_expr, (kind, v) => {
          if (kind === 'ColumnRef') referenced.add(names(v.fields).pop() ?? '');
        });
        const only = referenced.size === 1 ? [...referenced][0] : null;
        const check: string = name ?? this.generatedName(t, only, 'check', false);
        made = check;
        t.checks.push({ name: check, expr: exprText(con.raw_expr), column: list?.column, values: list?.values, columns: [...referenced], source: ref, definition: con });
        break;
      }
      case 'CONSTR_FOREIGN': {
        const refKey = rangeKey(con.pktable);
        need(refKey, con.pktable?.location);
        const columns = cols(con.fk_attrs);
        checkCols(columns);
        let refColumns = cols(con.pk_attrs);
        if (!refColumns.length) refColumns = this.tables.get(refKey)?.primaryKey?.columns ?? [];
        addTo(this.referencing, refKey, t);
        const fkey: string = name ?? this.generatedName(t, pgNameAddition(columns), 'fkey', false);
        made = fkey;
        t.foreignKeys.push({
          name: fkey,
          columns,
          refTable: refKey,
          refColumns,
          onDelete: action(con.fk_del_action),
          ...(con.fk_del_set_cols?.length ? { onDeleteColumns: cols(con.fk_del_set_cols) } : {}),
          onUpdate: action(con.fk_upd_action),
          notValid: !!con.skip_validation,
          source: ref,
          definition: con,
        });
        break;
      }
      default:
        break;
    }
    if (made && !name && !con.indexname) (facts.constraintNames ??= new Map()).set(con, made);
  }

  /**
   * The name PostgreSQL gives an unnamed constraint of `t` (`choosePgName`): for a primary key or unique
   * constraint (`relation`) one no table, view or index of the schema has, for any a name no other
   * constraint of the schema has. Given once, when the constraint is made: renaming the table or a
   * column later does not rename it.
   */
  private generatedName(t: Table, columns: string | null, label: string, relation: boolean): string {
    return choosePgName(t.name, columns, label, (n) => (relation && this.relationNameTaken(t.schema, n)) || this.constraintNameTaken(t.schema, n));
  }

  /** Whether a table, view, index or primary key / unique constraint (an index too) of `schema` is called `name`. */
  private relationNameTaken(schema: string, name: string): boolean {
    const key = qualify(schema, name);
    if (this.tables.has(key) || this.indexes.has(key) || this.views.has(key)) return true;
    return this.someConstraintNamed(schema, name, (t) => t.primaryKey?.name === name || t.uniques.some((u) => u.name === name));
  }

  /** Whether a constraint of a table of `schema` is called `name`. */
  private constraintNameTaken(schema: string, name: string): boolean {
    return this.someConstraintNamed(schema, name, (t) => constraintsOf(t).some((c) => c.name === name));
  }

  /** `ADD CONSTRAINT … PRIMARY KEY/UNIQUE USING INDEX i`: the index becomes the constraint's index. */
  private adoptIndex(t: Table, indexName: string, facts: StatementFacts): string[] {
    const key = qualify(t.schema, indexName);
    const i = this.indexes.get(key);
    if (!i) return [];
    this.removeIndex(i);
    (facts.droppedIndexes ??= []).push(i);
    return i.columns;
  }

  /**
   * INSERT / UPDATE / DELETE / MERGE (a data migration): the target table must exist, and so must the
   * columns an INSERT lists or an UPDATE sets (when the table's columns are all known). Only the
   * target: tables the statement reads may be CTE names, and are not changed.
   */
  private dataChange(n: PgNode, facts: StatementFacts, need: (k: string, loc?: number) => void): void {
    const rv = n.relation;
    if (!rv?.relname) return;
    const key = rangeKey(rv);
    need(key, rv.location);
    const t = this.tables.get(key);
    if (!t?.columnsComplete) return;
    const targets: PgNode[] = n.cols ?? n.targetList ?? [];
    for (const item of targets) {
      const c = item.ResTarget?.name;
      if (c && !t.columns.has(c)) facts.missing.push({ kind: 'column', key, column: c, byteLocation: item.ResTarget.location });
    }
    // The columns an UPDATE's values and WHERE, or a DELETE's WHERE, read — when the table is the only
    // relation in scope (no FROM/USING, no WITH, nothing read through a subquery).
    if ((n.fromClause?.length ?? 0) || (n.usingClause?.length ?? 0) || n.withClause) return;
    const qualifiers = new Set([rv.relname, ...(rv.alias?.aliasname ? [rv.alias.aliasname] : [])]);
    const exprs: PgNode[] = [n.whereClause, ...(n.targetList ?? []).map((x: PgNode) => x.ResTarget?.val)];
    const seen = new Set<string>();
    for (const e of exprs) {
      walk(e, (kind, v, parents) => {
        if (kind !== 'ColumnRef' || parents.includes('SubLink')) return;
        const parts: PgNode[] = v.fields ?? [];
        if (parts.some((f) => !f.String)) return; // `t.*`
        const ns = names(parts);
        // `WHERE t IS NULL` names the whole row; `other.col` another relation's column.
        if (ns.length > 2 || (ns.length === 2 && !qualifiers.has(ns[0])) || (ns.length === 1 && qualifiers.has(ns[0]))) return;
        const c = ns[ns.length - 1];
        if (t.columns.has(c) || SYSTEM_COLUMNS.has(c) || seen.has(c)) return;
        seen.add(c);
        facts.missing.push({ kind: 'column', key, column: c, byteLocation: v.location, readByExpression: true });
      });
    }
  }

  /** A column as `StatementFacts.previousColumns` records it. */
  private columnState(col: Column): ColumnState {
    return { type: col.type, default: col.default, typeNode: col.typeNode, defaultNode: col.defaultNode, notNull: col.notNull, ...(this.enums.has(col.typeKey) ? { enum: true as const } : {}) };
  }

  private alterTable(n: PgNode, ref: SourceRef, facts: StatementFacts, need: (k: string, loc?: number) => void, touch: (k: string) => void): void {
    const key = rangeKey(n.relation);
    if (n.missing_ok) touch(key);
    else need(key, n.relation?.location);
    const t = this.tables.get(key);
    if (!t) return;
    t.changedBy.push(ref);
    const colMissing = (c: string | undefined) => {
      if (c && t.columnsComplete && !t.columns.has(c)) facts.missing.push({ kind: 'column', key, column: c, byteLocation: n.relation?.location });
    };
    /** Columns this statement adds (a primary key it adds on them has no previous state to keep). */
    const addedHere = new Set<string>();
    for (const item of n.cmds ?? []) {
      const cmd = item.AlterTableCmd;
      if (!cmd) continue;
      const col = cmd.name ? t.columns.get(cmd.name) : undefined;
      if (col) {
        if (!facts.previousColumns) facts.previousColumns = new Map();
        if (!facts.previousColumns.has(col.name)) facts.previousColumns.set(col.name, this.columnState(col));
      }
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const def = cmd.def?.ColumnDef;
          const had = def && cmd.missing_ok ? t.columns.get(def.colname) : undefined;
          if (had) (facts.previousColumns ??= new Map()).set(had.name, this.columnState(had));
          else if (def) {
            this.addColumn(t, def, ref, facts, need);
            addedHere.add(def.colname);
          }
          break;
        }
        case 'AT_DropColumn':
          if (!cmd.missing_ok) colMissing(cmd.name);
          else if (cmd.name && t.columnsComplete && !t.columns.has(cmd.name)) (facts.absentColumnDrops ??= new Set()).add(cmd);
          if (cmd.name) this.dropColumn(t, cmd.name, facts);
          break;
        case 'AT_AlterColumnType': {
          colMissing(cmd.name);
          const def = cmd.def?.ColumnDef;
          if (col && def?.typeName) {
            col.type = typeText(def.typeName);
            col.typeKey = typeKey(def.typeName);
            col.typeNode = def.typeName;
            if (def.collClause) col.collated = true;
            else delete col.collated;
            col.changedBy.push(ref);
          }
          break;
        }
        case 'AT_ColumnDefault':
          colMissing(cmd.name);
          if (col) {
            col.default = cmd.def ? exprText(cmd.def) : undefined;
            col.defaultNode = cmd.def ?? undefined;
            col.changedBy.push(ref);
          }
          this.needCalls(cmd.def, facts);
          break;
        case 'AT_AddIdentity':
        case 'AT_DropIdentity':
          colMissing(cmd.name);
          if (col) {
            col.identity = cmd.subtype === 'AT_AddIdentity';
            col.changedBy.push(ref);
          }
          break;
        case 'AT_SetNotNull':
        case 'AT_DropNotNull':
          colMissing(cmd.name);
          if (col) {
            col.notNull = cmd.subtype === 'AT_SetNotNull';
            col.changedBy.push(ref);
          }
          break;
        case 'AT_AddConstraint': {
          const con = cmd.def?.Constraint;
          if (!con) break;
          // A primary key makes its columns NOT NULL: what they were before is kept for the rollback.
          if (con.contype === 'CONSTR_PRIMARY') {
            for (const k of con.keys ?? []) {
              const c = t.columns.get(k.String?.sval ?? '');
              if (c && !addedHere.has(c.name) && !facts.previousColumns?.has(c.name)) (facts.previousColumns ??= new Map()).set(c.name, this.columnState(c));
            }
          }
          this.addConstraint(t, con, ref, facts, need);
          break;
        }
        case 'AT_DropConstraint':
          if (cmd.name) this.dropConstraint(t, cmd.name, facts);
          break;
        case 'AT_EnableRowSecurity':
          t.rls = true;
          t.rlsSource = ref;
          break;
        case 'AT_DisableRowSecurity':
          t.rls = false;
          t.rlsSource = ref;
          break;
        case 'AT_ForceRowSecurity':
          t.rlsForced = true;
          break;
        case 'AT_NoForceRowSecurity':
          t.rlsForced = false;
          break;
        default:
          break;
      }
    }
  }

  private dropColumn(t: Table, name: string, facts: StatementFacts): void {
    const column = t.columns.get(name);
    t.columns.delete(name);
    // Every constraint over the column goes with it.
    const constraints = constraintsOf(t).filter((c) => c.columns.includes(name) || ('column' in c && c.column === name));
    if (column) (facts.droppedColumns ??= []).push({ table: t.key, column, constraints });
    removeConstraints(t, constraints);
    const on = this.indexesOn.get(t.key);
    if (on)
      for (const i of on)
        if (i.columns.includes(name) || i.include.includes(name)) {
          this.removeIndex(i);
          (facts.droppedIndexes ??= []).push(i);
        }
  }

  private dropConstraint(t: Table, name: string, facts: StatementFacts): void {
    const named = constraintsOf(t).filter((c) => c.name === name);
    for (const c of named) (facts.droppedConstraints ??= []).push({ table: t.key, constraint: c });
    removeConstraints(t, named);
  }

  /** The table a policy statement is about: one the migrations created, else one they only give policies to. */
  private policyTable(key: string): Table | undefined {
    return this.tables.get(key) ?? this.foreignTables.get(key);
  }

  /** Every table with policies to check: the migrations' own, then `foreignTables`. */
  *policyTables(): IterableIterator<Table> {
    yield* this.tables.values();
    yield* this.foreignTables.values();
  }

  private createIndex(n: PgNode, ref: SourceRef, facts: StatementFacts): void {
    const tkey = rangeKey(n.relation);
    const t = this.tables.get(tkey);
    const schema = n.relation?.schemaname ?? 'public';
    const columns = indexColumns(n);
    const signature: string[] = [];
    for (const p of n.indexParams ?? []) {
      const e = p.IndexElem;
      if (!e) continue;
      signature.push(`${e.ordering ?? ''}|${e.nulls_ordering ?? ''}|${names(e.opclass).join('.')}|${names(e.collation).join('.')}`);
      if (e.name && t && t.columnsComplete && !t.columns.has(e.name)) facts.missing.push({ kind: 'column', key: tkey, column: e.name, byteLocation: n.relation?.location });
    }
    // The generated name lists the INCLUDE columns too.
    const included: string[] = (n.indexIncludingParams ?? []).map((p: PgNode) => p.IndexElem?.name ?? 'expr');
    const name = n.idxname ?? choosePgName(n.relation?.relname ?? 'x', pgNameAddition(indexColumnNames([...columns, ...included])), 'idx', (x) => this.relationNameTaken(schema, x));
    const key = qualify(schema, name);
    if (n.if_not_exists && this.indexes.has(key)) {
      facts.noop = true;
      return;
    }
    const notNullOnly = n.whereClause ? notNullColumns(n.whereClause) : null;
    this.putIndex({
      schema,
      name,
      key,
      table: tkey,
      columns,
      include: included,
      signature,
      unique: !!n.unique,
      partial: !!n.whereClause,
      where: n.whereClause ? exprText(n.whereClause) : undefined,
      ...(notNullOnly ? { notNullOnly } : {}),
      method: n.accessMethod ?? 'btree',
      concurrently: !!n.concurrent,
      source: ref,
    });
    if (t) t.changedBy.push(ref);
  }

  private rename(n: PgNode, ref: SourceRef, facts: StatementFacts, need: (k: string, loc?: number) => void, touch: (k: string) => void): void {
    switch (n.renameType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_FOREIGN_TABLE': {
        const key = rangeKey(n.relation);
        if (n.missing_ok) touch(key);
        else need(key, n.relation?.location);
        const t = this.tables.get(key);
        if (t) this.renameTable(t, t.schema, n.newname, ref);
        // PostgreSQL renames a view through ALTER TABLE too.
        else this.moveView(key, qualify(n.relation?.schemaname, n.newname), ref);
        break;
      }
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        this.moveView(rangeKey(n.relation), qualify(n.relation?.schemaname, n.newname), ref);
        break;
      case 'OBJECT_COLUMN': {
        const key = rangeKey(n.relation);
        if (n.missing_ok) touch(key);
        else need(key, n.relation?.location);
        const t = this.tables.get(key);
        if (!t) break;
        const col = t.columns.get(n.subname);
        if (!col) {
          if (t.columnsComplete) facts.missing.push({ kind: 'column', key, column: n.subname, byteLocation: n.relation?.location });
          break;
        }
        const from = n.subname as string;
        const to = n.newname as string;
        t.columns.delete(from);
        col.name = to;
        col.changedBy.push(ref);
        t.columns.set(to, col);
        this.markColumn(key, to, ref.migrationIndex);
        const ren = (cols: string[]) => cols.map((c) => (c === from ? to : c));
        if (t.primaryKey) t.primaryKey.columns = ren(t.primaryKey.columns);
        for (const u of t.uniques) u.columns = ren(u.columns);
        for (const f of t.foreignKeys) {
          f.columns = ren(f.columns);
          if (f.onDeleteColumns) f.onDeleteColumns = ren(f.onDeleteColumns);
        }
        for (const c of t.checks) if (c.column === from) c.column = to;
        for (const i of this.indexesOn.get(key) ?? []) i.columns = ren(i.columns);
        for (const other of this.referencers(key)) for (const f of other.foreignKeys) if (f.refTable === key) f.refColumns = ren(f.refColumns);
        t.changedBy.push(ref);
        break;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const t = this.tables.get(rangeKey(n.relation));
        if (!t) break;
        const from = n.subname;
        for (const c of constraintsOf(t)) if (c.name === from) c.name = n.newname;
        this.current?.renamed.add(t);
        break;
      }
      case 'OBJECT_INDEX': {
        const schema = n.relation?.schemaname ?? 'public';
        const key = qualify(schema, n.relation?.relname);
        const i = this.indexes.get(key);
        if (i) {
          this.removeIndex(i);
          i.name = n.newname;
          i.key = qualify(schema, n.newname);
          this.putIndex(i);
        } else {
          // ALTER INDEX renames the index behind a PK/unique constraint too.
          for (const t of this.tables.values()) {
            if (t.schema !== schema) continue;
            if (t.primaryKey && t.primaryKey.name === n.relation?.relname) {
              t.primaryKey.name = n.newname;
              this.current?.renamed.add(t);
            }
            for (const u of t.uniques) {
              if (u.name !== n.relation?.relname) continue;
              u.name = n.newname;
              this.current?.renamed.add(t);
            }
          }
        }
        break;
      }
      case 'OBJECT_DOMAIN': {
        const parts = names(n.object?.List?.items);
        if (!parts.length) break;
        const key = partsKey(parts);
        this.moveType(key, qualify(splitKey(key)[0], n.newname), ref);
        break;
      }
      case 'OBJECT_TYPE': {
        const parts = names(n.object?.List?.items);
        const key = parts.length > 1 ? parts.join('.') : `public.${parts[0]}`;
        const [schema] = splitKey(key);
        const newKey = qualify(schema, n.newname);
        const e = this.enums.get(key);
        if (e) {
          this.enums.delete(key);
          e.name = n.newname;
          e.key = newKey;
          e.changedBy.push(ref);
          this.enums.set(newKey, e);
          for (const t of this.tables.values())
            for (const c of t.columns.values())
              if (c.typeKey === key) {
                c.typeKey = newKey;
                c.type = c.type.replace(/[^.\[]+(?=(\[\])*$)/, (m) => (m.startsWith('"') || /[A-Z]/.test(n.newname) ? `"${n.newname}"` : n.newname));
                if (c.typeNode) c.typeNode = renamedType(c.typeNode, n.newname);
              }
        } else if (this.types.has(key)) {
          this.types.set(newKey, this.types.get(key)!);
          this.types.delete(key);
        }
        let set = this.renamedInMigration.get(ref.migrationIndex);
        if (!set) this.renamedInMigration.set(ref.migrationIndex, (set = new Set()));
        set.add(newKey);
        this.created(newKey, ref.migrationIndex);
        break;
      }
      case 'OBJECT_POLICY': {
        const t = this.policyTable(rangeKey(n.relation));
        const p = t?.policies.get(n.subname);
        if (t && p) {
          t.policies.delete(n.subname);
          p.name = n.newname;
          p.changedBy.push(ref);
          t.policies.set(p.name, p);
        }
        break;
      }
      case 'OBJECT_SCHEMA':
        if (n.subname && n.newname) {
          this.schemas.add(n.newname);
          for (const t of [...this.tables.values()]) if (t.schema === n.subname) this.renameTable(t, n.newname, t.name, ref);
        }
        break;
      default:
        break;
    }
  }

  /** A view renamed or moved to another schema (its name now taken by `ref`). */
  private moveView(from: string, to: string, ref: SourceRef): void {
    if (!this.views.has(from) || from === to) return;
    this.views.delete(from);
    this.views.set(to, ref);
    this.created(to, ref.migrationIndex);
  }

  /** A composite type, domain or enum moved to another schema or a domain renamed (the name now taken by `ref`). */
  private moveType(from: string, to: string, ref: SourceRef): void {
    if (from === to) return;
    const e = this.enums.get(from);
    if (e) {
      this.enums.delete(from);
      const [schema, name] = splitKey(to);
      e.schema = schema;
      e.name = name;
      e.key = to;
      e.changedBy.push(ref);
      this.enums.set(to, e);
      for (const t of this.tables.values())
        for (const c of t.columns.values())
          if (c.typeKey === from) {
            c.typeKey = to;
            if (c.typeNode) c.typeNode = renamedType(c.typeNode, name, schema);
          }
    } else if (this.types.has(from)) {
      this.types.delete(from);
      this.types.set(to, ref);
    } else return;
    this.created(to, ref.migrationIndex);
  }

  private renameTable(t: Table, schema: string, name: string, ref: SourceRef): void {
    const oldKey = t.key;
    const newKey = qualify(schema, name);
    this.tables.delete(oldKey);
    t.schema = schema;
    t.name = name;
    t.key = newKey;
    t.changedBy.push(ref);
    if (oldKey !== newKey) t.renamedBy = ref;
    this.tables.set(newKey, t);
    this.createdIn.set(newKey, this.createdIn.get(oldKey) ?? ref.migrationIndex);
    if (!this.everCreated.has(newKey)) this.everCreated.set(newKey, ref.migrationIndex);
    for (const p of t.policies.values()) p.table = newKey;
    if (oldKey === newKey) return;
    for (const i of moveSet(this.indexesOn, oldKey, newKey) ?? []) i.table = newKey;
    for (const other of this.referencers(oldKey)) for (const f of other.foreignKeys) if (f.refTable === oldKey) f.refTable = newKey;
    moveSet(this.referencing, oldKey, newKey);
  }

  /** `DROP FUNCTION f(uuid)` drops that overload; `DROP FUNCTION f` (no list) the only one. */
  private dropFunction(o: PgNode | undefined, facts: StatementFacts): void {
    const parts = names(o?.objname);
    if (!parts.length) return;
    const key = partsKey(parts);
    const list = this.functions.get(key);
    if (!list) return;
    const signature = objectSignature(o);
    const rest = signature === null ? [] : list.filter((d) => d.signature !== signature);
    (facts.droppedFunctions ??= []).push(...list.filter((d) => !rest.includes(d)));
    if (rest.length) this.functions.set(key, rest);
    else this.functions.delete(key);
  }

  /** What a COMMENT ON names, when the replay knows it: a table, a column, a function. */
  private commented(n: PgNode): { comment?: string } | undefined {
    const parts = n.object?.List ? names(n.object.List.items) : [];
    switch (n.objtype) {
      case 'OBJECT_TABLE':
        return parts.length ? this.tables.get(partsKey(parts)) : undefined;
      case 'OBJECT_COLUMN':
        return parts.length > 1 ? this.tables.get(partsKey(parts.slice(0, -1)))?.columns.get(parts[parts.length - 1]) : undefined;
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE': {
        const o = n.object?.ObjectWithArgs;
        const list = this.functions.get(partsKey(names(o?.objname)));
        const signature = objectSignature(o);
        if (!list) return undefined;
        return signature === null ? (list.length === 1 ? list[0] : undefined) : list.find((d) => d.signature === signature);
      }
      default:
        return undefined;
    }
  }

  private drop(n: PgNode, ref: SourceRef, facts: StatementFacts, touch: (k: string) => void): void {
    const objects: PgNode[] = n.objects ?? [];
    if (ROUTINE_OBJECTS.has(n.removeType)) {
      for (const o of objects) this.dropFunction(o.ObjectWithArgs, facts);
      return;
    }
    // The foreign keys of the tables one DROP TABLE names, before dropping the first takes the keys
    // to it off the others (for rollbacks, which re-create them).
    const foreignKeys =
      n.removeType === 'OBJECT_TABLE'
        ? new Map(
            objects.map((o) => {
              const key = partsKey(names(o.List?.items));
              return [key, this.tables.get(key)?.foreignKeys];
            }),
          )
        : null;
    for (const o of objects) {
      const parts = o.List ? names(o.List.items) : o.TypeName ? names(o.TypeName.names) : o.String ? [o.String.sval] : [];
      if (!parts.length) continue;
      switch (n.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE': {
          const key = partsKey(parts);
          touch(key);
          // Without IF EXISTS, dropping a table that is not there fails.
          if (!n.missing_ok && !this.tables.has(key) && !this.foreignTables.has(key)) facts.missing.push({ kind: 'table', key });
          // Indexes go with the relation, even one the replay did not see created (DDL in a DO block).
          const indexes = this.dropIndexesOn(key);
          this.foreignTables.delete(key);
          const t = this.tables.get(key);
          if (!t) break;
          (facts.droppedTables ??= []).push({ table: { ...t, foreignKeys: foreignKeys?.get(key) ?? t.foreignKeys }, indexes });
          this.tables.delete(key);
          for (const other of this.referencers(key)) other.foreignKeys = other.foreignKeys.filter((f) => f.refTable !== key);
          break;
        }
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW': {
          const key = partsKey(parts);
          const made = this.views.get(key);
          (facts.droppedViews ??= new Map()).set(key, made && this.stillDescribes(made) ? made : undefined);
          this.views.delete(key);
          const indexes = this.dropIndexesOn(key);
          if (indexes.length) (facts.droppedIndexes ??= []).push(...indexes);
          break;
        }
        case 'OBJECT_INDEX': {
          const key = partsKey(parts);
          const i = this.indexes.get(key);
          if (i) {
            facts.indexTables.set(key, i.table);
            touch(i.table);
            this.removeIndex(i);
            (facts.droppedIndexes ??= []).push(i);
          }
          break;
        }
        case 'OBJECT_TYPE':
        case 'OBJECT_DOMAIN': {
          const key = partsKey(parts);
          if (!n.missing_ok && !this.enums.has(key) && !this.types.has(key)) facts.missing.push({ kind: 'type', key });
          const e = this.enums.get(key);
          if (e) (facts.droppedEnums ??= new Map()).set(key, { schema: e.schema, name: e.name, values: [...e.values] });
          this.enums.delete(key);
          this.types.delete(key);
          break;
        }
        case 'OBJECT_POLICY': {
          const pname = parts[parts.length - 1];
          const key = partsKey(parts.slice(0, -1));
          touch(key);
          const table = this.policyTable(key);
          const policy = table?.policies.get(pname);
          if (policy) (facts.droppedPolicies ??= []).push(policy);
          table?.policies.delete(pname);
          break;
        }
        case 'OBJECT_TRIGGER': {
          const t = this.tables.get(partsKey(parts.slice(0, -1)));
          if (t) this.triggers.get(t)?.delete(parts[parts.length - 1]);
          break;
        }
        case 'OBJECT_SCHEMA': {
          const schema = parts[0];
          this.schemas.delete(schema);
          for (const [k, t] of this.tables) if (t.schema === schema) this.tables.delete(k);
          for (const i of [...this.indexes.values()]) if (i.schema === schema) this.removeIndex(i);
          for (const [k, e] of this.enums) if (e.schema === schema) this.enums.delete(k);
          for (const k of [...this.types.keys()]) if (splitKey(k)[0] === schema) this.types.delete(k);
          for (const k of [...this.views.keys()]) if (splitKey(k)[0] === schema) this.views.delete(k);
          break;
        }
        default:
          break;
      }
    }
  }
}

/** The indexed columns of a CREATE INDEX (`IndexStmt`) as the catalog records them: names, expressions as `(expr)`. */
export function indexColumns(n: PgNode): string[] {
  const columns: string[] = [];
  for (const p of n.indexParams ?? []) {
    const e = p.IndexElem;
    if (e) columns.push(e.name ?? `(${exprText(e.expr)})`);
  }
  return columns;
}

/** A quoted or unquoted identifier, as a regular expression's source (no groups). */
export const IDENTIFIER = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;

/** Words that end a FROM clause (at its own parenthesis depth). */
const CLAUSE_END = 'where|group|having|window|order|limit|offset|fetch|union|intersect|except|for|returning|with|select|values|into|set|on|using';

/**
 * The relations a statement's text names in its FROM clauses: the item after FROM, after each JOIN,
 * and after each comma at the clause's own depth (`FROM a JOIN b USING (id), c`), `ONLY` / `LATERAL`
 * skipped, through parenthesised joins (`FROM (a JOIN b ON …)`); functions (`unnest(x)`) and
 * subqueries are not relations (a subquery is read by its own FROM). What a view reads, without its
 * query's parse tree. A superset is harmless to the callers (a name that is not a relation is not in
 * the catalog either); a relation named otherwise is missed. `masked`: `text` through
 * `maskLexemes(text, true)` (same length: offsets are shared).
 */
export function textReads(text: string, masked = maskLexemes(text, true)): Array<{ schemaname?: string; relname: string }> {
  const out: Array<{ schemaname?: string; relname: string }> = [];
  const seen = new Set<string>();
  const ident = (t: string) => (t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t.toLowerCase());
  // Where a relation may follow: a name (possibly `schema.name`), and what comes right after it.
  const item = new RegExp(String.raw`\s*(?:(?:only|lateral)\s+)*(${IDENTIFIER})(?:\s*\.\s*(${IDENTIFIER}))?\s*(\(?)`, 'iy');
  // Between relations only these count: parentheses, commas, the statement's end, JOIN and the
  // words that end the clause (quoted names are stepped over whole).
  const stop = new RegExp(String.raw`"(?:[^"]|"")*"|[(),;]|\b(join|${CLAUSE_END})\b`, 'gi');
  const subquery = /\s*(?:select|with|values|\()\b/iy;
  const clauseWord = new RegExp(`^(?:${CLAUSE_END}|join)$`, 'i');
  // JOINs a FROM's scan already read at its own level.
  const done = new Set<number>();
  for (const w of masked.matchAll(/\b(?:from|join)\b/gi)) {
    if (done.has(w.index!)) continue;
    let at = w.index! + w[0].length;
    // Parentheses skipped (a subquery, a call, a condition), and those of a parenthesised join, read through.
    let depth = 0;
    let joins = 0;
    let expect = true;
    for (;;) {
      if (expect && depth === 0) {
        expect = false;
        // `(` of a parenthesised join: read on; of a subquery: skipped.
        const open = /\s*\(/y;
        open.lastIndex = at;
        if (open.exec(masked)) {
          subquery.lastIndex = open.lastIndex;
          if (subquery.exec(masked)) depth++;
          else {
            joins++;
            expect = true;
          }
          at = open.lastIndex;
          continue;
        }
        item.lastIndex = at;
        const m = item.exec(masked);
        // Names are as written in `masked` too (it blanks only strings and comments).
        if (m) {
          if (clauseWord.test(m[1])) {
            at = m.index + m[0].indexOf(m[1]);
          } else {
            at = item.lastIndex;
            if (m[3]) depth++; // a call: its arguments are skipped
            else {
              const rv = m[2] !== undefined ? { schemaname: ident(m[1]), relname: ident(m[2]) } : { relname: ident(m[1]) };
              const key = `${rv.schemaname ?? ''}.${rv.relname}`;
              if (!seen.has(key)) {
                seen.add(key);
                out.push(rv);
              }
            }
          }
        }
      }
      stop.lastIndex = at;
      const s = stop.exec(masked);
      if (!s) break;
      at = stop.lastIndex;
      const t = s[0];
      if (t === '(') depth++;
      else if (t === ')') {
        if (depth === 0 && joins > 0) joins--;
        else if (--depth < 0) break;
      } else if (depth > 0 || t.startsWith('"')) continue;
      else if (t === ';') break;
      else if (t === ',') expect = true;
      else if (s[1].toLowerCase() === 'join') {
        done.add(s.index);
        expect = true;
      } else if (s[1].toLowerCase() !== 'on' && s[1].toLowerCase() !== 'using') break;
    }
  }
  return out;
}

/** Adds `value` to the set under `key`, made when missing. */
function addTo<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/** Moves the set under `from` to `to`, merged into the set already there if any; returns the moved values. */
function moveSet<T>(map: Map<string, Set<T>>, from: string, to: string): Set<T> | undefined {
  const moved = map.get(from);
  if (!moved) return undefined;
  map.delete(from);
  const into = map.get(to);
  if (into) for (const v of moved) into.add(v);
  else map.set(to, moved);
  return moved;
}

export function qualify(schema: string | undefined | null, name: string): string {
  return `${schema || 'public'}.${name}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('.');
  return i < 0 ? ['public', key] : [key.slice(0, i), key.slice(i + 1)];
}

/**
 * The relations a query or expression reads (`FROM`, `JOIN`, subqueries), as RangeVar nodes: not the
 * names of its own WITH queries, nor unqualified `pg_…` names (system catalogs).
 */
export function readRelations(node: PgNode): PgNode[] {
  const ctes = new Set<string>();
  const reads: PgNode[] = [];
  walk(node, (kind, v) => {
    if (kind === 'CommonTableExpr' && v.ctename) ctes.add(v.ctename);
    else if (kind === 'RangeVar' && v.relname) reads.push(v);
  });
  return reads.filter((rv) => rv.schemaname || !(ctes.has(rv.relname) || rv.relname.startsWith('pg_')));
}

export function rangeKey(rv: PgNode): string {
  return qualify(rv?.schemaname, rv?.relname ?? '?');
}

/** Removes `gone` (constraints of `t`, from `constraintsOf`) from the table. */
function removeConstraints(t: Table, gone: ReadonlyArray<KeyConstraint | ForeignKey | CheckConstraint>): void {
  if (!gone.length) return;
  if (t.primaryKey && gone.includes(t.primaryKey)) t.primaryKey = undefined;
  t.uniques = t.uniques.filter((u) => !gone.includes(u));
  t.foreignKeys = t.foreignKeys.filter((f) => !gone.includes(f));
  t.checks = t.checks.filter((c) => !gone.includes(c));
}

/** Every constraint of a table: its primary key, unique constraints, foreign keys and checks. */
function constraintsOf(t: Table): Array<KeyConstraint | ForeignKey | CheckConstraint> {
  return t.primaryKey ? [t.primaryKey, ...t.uniques, ...t.foreignKeys, ...t.checks] : [...t.uniques, ...t.foreignKeys, ...t.checks];
}

/** The parameters a call passes (IN, INOUT, VARIADIC): `FunctionParameter`s without OUT and TABLE ones. */
export function inputParams(list: PgNode[] | undefined): PgNode[] {
  return (list ?? []).map((x: PgNode) => x.FunctionParameter).filter((fp: PgNode) => fp && fp.mode !== 'FUNC_PARAM_OUT' && fp.mode !== 'FUNC_PARAM_TABLE');
}

/**
 * Whether a statement that changed a table a view reads renames something the view's text (`masked`,
 * strings and comments blanked) may name: a column it mentions, or anything but a column, constraint,
 * index or trigger (the table itself, say). Renaming a column the view never names leaves it as made.
 */
function renamesRead(s: SqlStatement | undefined, masked: string): boolean {
  if (s?.kind !== 'RenameStmt') return false;
  const n = s.node;
  if (n.renameType === 'OBJECT_TABCONSTRAINT' || n.renameType === 'OBJECT_INDEX' || n.renameType === 'OBJECT_TRIGGER') return false;
  if (n.renameType !== 'OBJECT_COLUMN' || typeof n.subname !== 'string') return true;
  const name: string = n.subname;
  // As a quoted identifier, or bare (in any case) when it is one PostgreSQL would fold to.
  const quoted = masked.includes(`"${name.replace(/"/g, '""')}"`);
  return quoted || (/^[a-z_][a-z0-9_$]*$/.test(name) && new RegExp(`(?<![\\w$"])${name.replace(/\$/g, '\\$')}(?![\\w$"])`, 'i').test(masked));
}

/** The argument signature (`argSignature`) an `ObjectWithArgs` names; null without an argument list (`DROP FUNCTION f`). */
function objectSignature(o: PgNode): string | null {
  if (!o || o.args_unspecified) return null;
  return argSignature(o.objfuncargs ? inputParams(o.objfuncargs).map((fp) => fp.argType) : (o.objargs ?? []).map((x: PgNode) => x.TypeName));
}

/**
 * Argument types as PostgreSQL tells overloads apart: the type's own name, normalised by the parser
 * (`integer` and `int` are `int4`), with its array dimensions.
 */
function argSignature(types: Array<PgNode | undefined>): string {
  return types
    .map((t) => {
      const n = names(t?.names);
      return (n[n.length - 1] ?? '?').toLowerCase() + '[]'.repeat(t?.arrayBounds?.length ?? 0);
    })
    .join(',');
}

/**
 * The body of a function written with a SQL-standard body: the statement's text from its top-level
 * `RETURN` or `BEGIN ATOMIC` on (strings, quoted names and comments before it are skipped whole).
 */
export function sqlStandardBody(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34 || c === 36 || (c === 45 && text.charCodeAt(i + 1) === 45) || (c === 47 && text.charCodeAt(i + 1) === 42)) {
      const e = lexemeEnd(text, i);
      if (e < 0) return '';
      i = Math.max(e, i + 1);
    } else if (c === 40) {
      depth++;
      i++;
    } else if (c === 41) {
      depth--;
      i++;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentCont(text.charCodeAt(j))) j++;
      const word = text.slice(i, j).toLowerCase();
      if (depth === 0 && (word === 'return' || (word === 'begin' && /^\s+atomic\b/i.test(text.slice(j, j + 40))))) return text.slice(i);
      i = j;
    } else i++;
  }
  return '';
}

/** The columns of a predicate that is only `col IS NOT NULL` tests joined by AND, or null. */
function notNullColumns(e: PgNode): string[] | null {
  if (e?.BoolExpr?.boolop === 'AND_EXPR') {
    const out: string[] = [];
    for (const a of e.BoolExpr.args ?? []) {
      const c = notNullColumns(a);
      if (!c) return null;
      out.push(...c);
    }
    return out;
  }
  const t = e?.NullTest;
  const f: PgNode[] | undefined = t?.arg?.ColumnRef?.fields;
  if (t?.nulltesttype !== 'IS_NOT_NULL' || f?.length !== 1 || !f[0].String) return null;
  return [f[0].String.sval];
}

/** Columns every table has (`WHERE ctid = …`). */
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid']);

/** Key of a relation or type a name list (`DROP … a.b`) names: unqualified names are in `public`. */
export function partsKey(parts: string[]): string {
  return parts.length > 1 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : `public.${parts[0]}`;
}

function newTable(rv: PgNode, ref: SourceRef): Table {
  return {
    schema: rv?.schemaname || 'public',
    name: rv?.relname ?? '?',
    key: rangeKey(rv),
    columns: new Map(),
    columnsComplete: true,
    uniques: [],
    checks: [],
    foreignKeys: [],
    rls: false,
    rlsForced: false,
    policies: new Map(),
    partitioned: false,
    temporary: rv?.relpersistence === 't',
    createdBy: ref,
    changedBy: [],
  };
}

function roleNames(roles: PgNode[] | undefined): string[] {
  if (!roles?.length) return ['public'];
  return roles.map((r: PgNode) => {
    const s = r.RoleSpec;
    if (!s) return '?';
    if (s.roletype === 'ROLESPEC_PUBLIC') return 'public';
    if (s.roletype === 'ROLESPEC_CURRENT_USER') return 'current_user';
    if (s.roletype === 'ROLESPEC_SESSION_USER') return 'session_user';
    if (s.roletype === 'ROLESPEC_CURRENT_ROLE') return 'current_role';
    return s.rolename ?? '?';
  });
}

function action(code: string | undefined): ReferentialAction {
  switch (code) {
    case 'r':
      return 'RESTRICT';
    case 'c':
      return 'CASCADE';
    case 'n':
      return 'SET NULL';
    case 'd':
      return 'SET DEFAULT';
    default:
      return 'NO ACTION';
  }
}

/**
 * The column names PostgreSQL uses in an index's generated name (`ChooseIndexColumnNames`): an
 * expression is `expr`, and a name already used earlier in the list gets a number (`expr1`, …).
 */
function indexColumnNames(columns: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const orig = c.startsWith('(') ? 'expr' : c;
    let name = orig;
    for (let i = 1; out.includes(name); i++) name = `${clipUtf8(orig, 63 - String(i).length)}${i}`;
    out.push(name);
  }
  return out;
}
