/**
 * `SET search_path` in a migration: PostgreSQL creates unqualified objects in the first schema of the
 * path and looks unqualified names up along it. The replay keys objects by schema (`public` when a
 * name has none), so after a statement sets another path, the names of each later statement of the
 * file are qualified as PostgreSQL resolves them, on its tree (the rules and rollbacks then read the
 * qualified names too: a rollback script runs without the migration's SET).
 */
import { names } from './expr';
import type { PgNode, SqlStatement } from './parse';

/** Schemas that never receive unqualified objects here (system schemas, the `$user` stand-in). */
const NOT_FOR_CREATION = new Set(['pg_catalog', 'pg_temp', '$user', '']);

/**
 * The search path a statement sets (`SET [LOCAL] search_path TO a, b`, `SELECT set_config('search_path',
 * 'a, b', …)`), null when it sets it back to the default (`SET search_path TO DEFAULT`, `RESET`), or
 * undefined when it does not touch it.
 */
export function searchPathSetBy(stmt: SqlStatement): string[] | null | undefined {
  const n = stmt.node;
  if (stmt.kind === 'VariableSetStmt') {
    if (String(n.name).toLowerCase() !== 'search_path') return undefined;
    if (n.kind !== 'VAR_SET_VALUE') return null;
    const path = (n.args ?? []).map((a: PgNode) => a.A_Const?.sval?.sval).filter((x: unknown): x is string => typeof x === 'string');
    return path.length ? path : null;
  }
  if (stmt.kind === 'SelectStmt' && !n.fromClause && (n.targetList?.length ?? 0) === 1) {
    const call = n.targetList[0]?.ResTarget?.val?.FuncCall;
    const fn = call && names(call.funcname).join('.');
    if (fn !== 'set_config' && fn !== 'pg_catalog.set_config') return undefined;
    if (call.args?.[0]?.A_Const?.sval?.sval !== 'search_path') return undefined;
    const value = call.args?.[1]?.A_Const?.sval?.sval;
    if (typeof value !== 'string') return undefined;
    const path = value
      .split(',')
      .map((s: string) => s.trim())
      .map((s: string) => (/^".*"$/.test(s) ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase()))
      .filter(Boolean);
    return path;
  }
  return undefined;
}

/** Whether a path changes how names resolve: anything but the default (`public` first, or nothing else). */
export function searchPathMatters(path: readonly string[] | null): path is string[] {
  return !!path && path.some((s) => !NOT_FOR_CREATION.has(s) && s !== 'public');
}

/**
 * Qualifies the unqualified names of `node` (a statement's tree) as PostgreSQL resolves them under
 * `path`: an object the statement creates goes to the first schema of the path that can hold it;
 * a table, view or type it refers to is the first of that name along the path (`has(key)`: whether
 * `schema.name` exists at this point of the replay). A name found nowhere is left as it is.
 */
export function qualifyNames(kind: string, node: PgNode, path: readonly string[], has: (key: string) => boolean): void {
  // A tree may be replayed again (the language server keeps the trees of unchanged files) against
  // another state of the catalog: what this qualified before is resolved anew from the names as written.

  const creation = path.find((s) => !NOT_FOR_CREATION.has(s));
  const resolve = (name: string) => path.find((s) => s !== '$user' && has(`${s}.${name}`));
  const created = new Set<PgNode>();
  if (kind === 'CreateStmt') created.add(node.relation);
  if (kind === 'ViewStmt') created.add(node.view);
  if (kind === 'CreateTableAsStmt') created.add(node.into?.rel);
  if (kind === 'SelectStmt') created.add(node.intoClause?.rel);
  if (kind === 'CreateSeqStmt') created.add(node.sequence);
  if (kind === 'CompositeTypeStmt') created.add(node.typevar);
  const seen = new Set<PgNode>();
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object' || seen.has(v as PgNode)) return;
    seen.add(v as PgNode);
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = v as PgNode;
    // A RangeVar, bare in a typed field (`relation`, `view`, `pktable` …) or wrapped.
    if (typeof o.relname === 'string' && 'relpersistence' in o) {
      if ((!o.schemaname || qualified.has(o)) && o.relpersistence !== 't') {
        const schema = created.has(o) ? creation : resolve(o.relname);
        if (schema) {
          o.schemaname = schema;
          qualified.add(o);
        } else if (qualified.delete(o)) delete o.schemaname;
      }
      return;
    }
    // A type name in a column definition or cast: one that exists along the path.
    if (Array.isArray(o.names) && 'typemod' in o) {
      const written = written1(o, 'names');
      const schema = written?.length === 1 ? resolve(names(written)[0]) : undefined;
      qualify(o, 'names', schema === 'pg_catalog' ? undefined : schema);
    }
    for (const k in o) visit(o[k]);
  };
  visit(node);
  // Names as lists: the type, domain or function the statement creates; what a DROP names.
  if (kind === 'CreateEnumStmt' || kind === 'CreateRangeStmt') qualify(node, 'typeName', creation);
  if (kind === 'CreateDomainStmt') qualify(node, 'domainname', creation);
  if (kind === 'CreateFunctionStmt') qualify(node, 'funcname', creation);
  if (kind === 'DropStmt')
    for (const o of node.objects ?? []) {
      const written = o.List && written1(o.List, 'items');
      if (written?.length === 1) qualify(o.List, 'items', resolve(names(written)[0]));
    }
}

/** RangeVars whose schema `qualifyNames` set. */
const qualified = new WeakSet<PgNode>();
/** Name lists `qualifyNames` replaced: node → field → the list as written. */
const writtenLists = new WeakMap<PgNode, Map<string, PgNode[]>>();

/** The name list `node[field]` as written (before `qualify`). */
function written1(node: PgNode, field: string): PgNode[] | undefined {
  return writtenLists.get(node)?.get(field) ?? node[field];
}

/** Sets `node[field]` (a one-name list as written) to `schema` + that name, or back to the name alone. */
function qualify(node: PgNode, field: string, schema: string | undefined): void {
  const list = written1(node, field);
  if (!Array.isArray(list) || list.length !== 1) return;
  if (!schema) {
    if (writtenLists.get(node)?.delete(field)) node[field] = list;
    return;
  }
  let byField = writtenLists.get(node);
  if (!byField) writtenLists.set(node, (byField = new Map()));
  byField.set(field, list);
  node[field] = [{ String: { sval: schema } }, ...list];
}
