/** Shared logic of the Row Level Security rules. */
import { rangeKey, sourceOrder, type Catalog, type FunctionDef, type Policy, type Table } from '../../sql/catalog';
import { names, walk } from '../../sql/expr';
import { maskLexemes } from '../../sql/lexical';
import { parseSqlFile, type PgNode } from '../../sql/parse';
import type { MigrationProject } from '../../sql/project';
import { displayName } from './util';

/** Roles a client can act as through the Supabase API (`public` = every role). */
export const CLIENT_ROLES = new Set(['anon', 'authenticated', 'public']);

export const CALLER_FUNCTIONS = new Set(['auth.uid', 'auth.jwt', 'auth.role', 'auth.email', 'current_setting', 'pg_catalog.current_setting']);
/** Functions whose direct call in a policy is evaluated per row (the initplan pattern). */
export const INITPLAN_FUNCTIONS = new Set(['auth.uid', 'auth.jwt', 'auth.role', 'auth.email', 'current_setting', 'pg_catalog.current_setting']);

/**
 * The caller in a function body or a default, as text: `current_setting(…)` of any setting but the
 * request's own headers, cookies, method or path (`request.headers` is whatever the client sends;
 * `request.jwt.claims` is the verified token).
 */
const CALLER_TEXT = /\bauth\s*\.\s*(uid|jwt|role|email)\s*\(|\bcurrent_user\b|\bsession_user\b|\bcurrent_role\b|\bcurrent_setting\s*\((?!\s*'request\.(?!jwt))|\bjwt\.claims\b|\bcurrent_user_id\s*\(/i;

/** `current_setting('request.headers' …)` and the other request settings but the token's: what the client sends, not the caller. */
function readsRequestInput(call: PgNode): boolean {
  if (!funcName(call).endsWith('current_setting')) return false;
  const setting = unwrap(call.args?.[0])?.A_Const?.sval?.sval;
  return typeof setting === 'string' && /^request\./i.test(setting) && !/^request\.jwt\b/i.test(setting);
}

export function funcName(call: PgNode): string {
  return names(call.funcname).join('.').toLowerCase();
}

/** A table as messages name it: schema-qualified outside `public` (`storage.objects`). */
export function tableLabel(t: Table): string {
  return displayName(t.schema, t.name);
}

/** Tables whose policies matter: every table with RLS or policies. */
export function tablesOf(project: MigrationProject): Table[] {
  return [...project.catalog.tables.values()];
}

export function appliesToClients(p: Policy): boolean {
  return p.roles.some((r) => CLIENT_ROLES.has(r));
}

/**
 * Whether a node is the argument of `IS [NOT] NULL` (through casts and operators: `(auth.jwt() ->> 'sub')
 * IS NULL`, `(owner_id = auth.uid()) IS NOT NULL` only ask whether values are there).
 */
function nullTested(parents: string[]): boolean {
  let i = parents.length - 1;
  for (;;) {
    while (i >= 0 && (parents[i] === 'TypeCast' || parents[i] === 'A_Expr')) i--;
    // `(select auth.uid()) IS NULL`: the scalar subquery Supabase recommends holds the same value.
    if (i >= 2 && parents[i] === 'ResTarget' && parents[i - 1] === 'SelectStmt' && parents[i - 2] === 'SubLink') i -= 3;
    else break;
  }
  return i >= 0 && parents[i] === 'NullTest';
}

/**
 * Whether `e` is `<caller> IS NULL` (`auth.uid() IS NULL`, `(select auth.jwt()) IS NULL`,
 * `current_setting('request.jwt.claim.sub', true) IS NULL`, `NOT (auth.uid() IS NOT NULL)`): true for
 * every session without a signed-in user.
 */
export function isCallerNullTest(e: PgNode): boolean {
  let x = e;
  let negated = false;
  while (x?.BoolExpr?.boolop === 'NOT_EXPR' && x.BoolExpr.args?.length === 1) {
    negated = !negated;
    x = x.BoolExpr.args[0];
  }
  const t = x?.NullTest;
  if (!t || (t.nulltesttype !== 'IS_NOT_NULL') === negated) return false;
  let arg = unwrap(t.arg);
  // A claim of the signed-in user (`auth.jwt() ->> 'sub'`, `'email'` …): absent from the anon key's JWT,
  // which has only role, iss, ref, iat and exp.
  const a = arg?.A_Expr;
  if (a?.kind === 'AEXPR_OP' && /^->>?$/.test(names(a.name).join('.'))) {
    const claim = unwrap(a.rexpr)?.A_Const?.sval?.sval;
    if (typeof claim !== 'string' || ANON_CLAIMS.has(claim)) return false;
    arg = unwrap(a.lexpr);
    return !!arg?.FuncCall && funcName(arg.FuncCall) === 'auth.jwt';
  }
  return !!arg?.FuncCall && CALLER_FUNCTIONS.has(funcName(arg.FuncCall));
}

/** The claims of the anon key's JWT (every request has them, signed in or not). */
const ANON_CLAIMS = new Set(['role', 'iss', 'ref', 'iat', 'exp']);

const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/** What a constant condition evaluates to: a boolean, SQL NULL (`null`), or `undefined` when it is not constant. */
type ConstValue = boolean | null | undefined;

/** A literal's value for comparison (`1`, `'a'`, `1.5`, `true`), tagged with its kind; null for NULL, undefined for other nodes. */
function literal(e: PgNode): { kind: string; value: string } | null | undefined {
  let x = e;
  while (x?.TypeCast) x = x.TypeCast.arg;
  const c = x?.A_Const;
  if (!c) return undefined;
  if (c.isnull) return null;
  // libpg-query omits protobuf defaults: `0` is `ival: {}`, `false` is `boolval: {}`.
  if (c.ival) return { kind: 'number', value: String(c.ival.ival ?? 0) };
  if (c.fval) return { kind: 'number', value: String(Number(c.fval.fval)) };
  if (c.boolval) return { kind: 'bool', value: String(c.boolval.boolval === true) };
  if (c.sval) return { kind: 'string', value: c.sval.sval ?? '' };
  return undefined;
}

/**
 * The value of a policy condition that does not depend on the row or the caller: `true`, `false`,
 * `'t'::boolean`, NULL, `1 = 1`, `'a' <> 'a'`, `NOT false`, `true OR x`, `false AND x` … (SQL's
 * three-valued logic), or undefined for any other expression.
 */
function constValue(e: PgNode | null | undefined, depth = 0): ConstValue {
  if (!e || depth > 40) return undefined;
  let x = e;
  while (x?.TypeCast) x = x.TypeCast.arg;
  const c = x?.A_Const;
  if (c) {
    if (c.boolval) return c.boolval.boolval === true;
    // NULL is not true: no row passes.
    if (c.isnull) return null;
    // A string literal read as boolean (PostgreSQL's boolin spellings).
    const text = (c.sval?.sval ?? '').trim().toLowerCase();
    return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : undefined;
  }
  const b = x?.BoolExpr;
  if (b) {
    const args: ConstValue[] = (b.args ?? []).map((a: PgNode) => constValue(a, depth + 1));
    if (b.boolop === 'NOT_EXPR') return args.length === 1 && typeof args[0] === 'boolean' ? !args[0] : args.length === 1 && args[0] === null ? null : undefined;
    const [decisive, other] = b.boolop === 'OR_EXPR' ? [true, false] : b.boolop === 'AND_EXPR' ? [false, true] : [undefined, undefined];
    if (decisive === undefined || !args.length) return undefined;
    // OR: one true decides; AND: one false decides — whatever the other arguments are.
    if (args.includes(decisive)) return decisive;
    if (args.includes(undefined)) return undefined;
    return args.every((v) => v === other) ? other : null;
  }
  const a = x?.A_Expr;
  if (a?.kind === 'AEXPR_OP') {
    const op = names(a.name).join('.');
    if (op !== '=' && op !== '<>' && op !== '!=') return undefined;
    const l = a.lexpr && literal(a.lexpr);
    const r = a.rexpr && literal(a.rexpr);
    if (l === undefined || r === undefined) return undefined;
    if (l === null || r === null) return null;
    // Literals of different kinds compare only after PostgreSQL's type resolution: not folded here.
    if (l.kind !== r.kind) return undefined;
    return (l.value === r.value) === (op === '=');
  }
  return undefined;
}

/** A condition that always holds, whatever the row and the caller (`true`, `1 = 1`, `NOT false`). */
export function isConstTrue(e: PgNode | null): boolean {
  return constValue(e) === true;
}

/** A condition that never holds: a policy with it (`USING (false)`, `WITH CHECK (false)`, NULL, `1 = 0`) grants nothing. */
export function isConstFalse(e: PgNode | null): boolean {
  const v = constValue(e);
  return v === false || v === null;
}

/** Strips casts and `(SELECT x)` scalar subqueries (the initplan wrapping) from an expression. */
function unwrap(e: PgNode): PgNode {
  let x = e;
  for (;;) {
    if (x?.TypeCast) x = x.TypeCast.arg;
    else if (x?.SubLink?.subLinkType === 'EXPR_SUBLINK') {
      const sel = x.SubLink.subselect?.SelectStmt;
      const target = sel?.targetList?.length === 1 && !sel.fromClause?.length && !sel.whereClause ? sel.targetList[0]?.ResTarget?.val : null;
      if (!target) return x;
      x = target;
    } else return x;
  }
}

/** The caller's role as an expression reads it: `auth.role()`, `current_role`/`current_user`, `auth.jwt() ->> 'role'`. */
function isRoleSource(e: PgNode): boolean {
  const x = unwrap(e);
  if (x?.FuncCall) return funcName(x.FuncCall) === 'auth.role' && !x.FuncCall.args?.length;
  if (x?.SQLValueFunction) return /CURRENT_USER|SESSION_USER|CURRENT_ROLE|USER/.test(String(x.SQLValueFunction.op));
  const a = x?.A_Expr;
  if (a?.kind === 'AEXPR_OP' && /^->>?$/.test(names(a.name).join('.'))) {
    const l = unwrap(a.lexpr);
    const r = unwrap(a.rexpr);
    return !!l?.FuncCall && funcName(l.FuncCall) === 'auth.jwt' && r?.A_Const?.sval?.sval === 'role';
  }
  return false;
}

/** String constants of an expression (`'authenticated'`, `ARRAY['anon', 'authenticated']`, a list), or null when it has other parts. */
function constStrings(e: PgNode | PgNode[]): string[] | null {
  const items = Array.isArray(e) ? e : [e];
  const out: string[] = [];
  for (const item of items) {
    const x = unwrap(item);
    if (x?.A_Const?.sval) out.push(x.A_Const.sval.sval ?? '');
    else if (x?.A_ArrayExpr) {
      const inner = constStrings(x.A_ArrayExpr.elements ?? []);
      if (!inner) return null;
      out.push(...inner);
    } else if (x?.List) {
      const inner = constStrings(x.List.items ?? []);
      if (!inner) return null;
      out.push(...inner);
    } else return null;
  }
  return out;
}

/**
 * The nodes of `e` inside comparisons of the caller's role with the roles every API client has
 * (`auth.role() = 'authenticated'`, `current_role IN ('anon', 'authenticated')`): such a test lets
 * every signed-in (or anonymous) user through, so it is no caller check. Null when there are none.
 */
function clientRoleTestParts(e: PgNode): Set<PgNode> | null {
  let out: Set<PgNode> | null = null;
  walk(e, (kind, v) => {
    if (kind !== 'A_Expr' || !/^(AEXPR_OP|AEXPR_IN|AEXPR_OP_ANY)$/.test(String(v.kind)) || names(v.name).join('.') !== '=') return;
    for (const [role, other] of [[v.lexpr, v.rexpr], [v.rexpr, v.lexpr]]) {
      if (!role || !other || !isRoleSource(role)) continue;
      const roles = constStrings(other);
      if (!roles?.length || !roles.every((r) => CLIENT_ROLES.has(r))) continue;
      out ??= new Set();
      const set = out;
      set.add(role);
      walk(role, (_k, inner) => set.add(inner));
    }
  });
  return out;
}

/**
 * Does the expression compare anything with the caller? Directly (`auth.uid()`, `auth.jwt()`,
 * `current_user`, `current_setting('request.jwt.claims' …)`), or through a function defined in the
 * migrations whose body does. A function the migrations do not define (and that is not a plain
 * built-in) is given the benefit of the doubt.
 */
export function referencesCaller(e: PgNode | null, catalog: Catalog, depth = 0, roles?: readonly string[]): boolean {
  if (!e) return false;
  let found = false;
  const roleTests = clientRoleTestParts(e);
  walk(e, (kind, v, parents) => {
    if (found) return;
    // `auth.uid() IS NOT NULL` only asks whether someone is signed in: it compares nothing with the caller.
    if (nullTested(parents)) return;
    // `auth.role() = 'authenticated'` is the same for every signed-in user: a role test, like `TO authenticated`.
    if (roleTests?.has(v)) return;
    if (kind === 'SQLValueFunction' && /CURRENT_USER|SESSION_USER|CURRENT_ROLE|USER/.test(String(v.op))) found = true;
    // A subquery over a table whose own policies show each caller only their rows (`EXISTS (SELECT 1
    // FROM projects WHERE projects.id = project_id)`, with RLS on projects): the caller is checked there.
    else if (kind === 'RangeVar' && parents.includes('SubLink') && depth < 3 && rowsLimitedToCaller(catalog, rangeKey(v), depth + 1, roles)) found = true;
    else if (kind === 'FuncCall') {
      const n = funcName(v);
      if (CALLER_FUNCTIONS.has(n)) found = !readsRequestInput(v);
      else if (functionChecksCaller(n, catalog, depth, v)) found = true;
    }
  });
  return found;
}

/**
 * Whether the API roles (`roles`: those of the policy whose condition reads the table; all of them when
 * not given) read only rows that their own caller check lets through in table `key`: RLS is enabled
 * there and every permissive SELECT policy for them compares with the caller on every way through (or
 * a restrictive one does). Without any such policy they read nothing, which is no gap either. A policy
 * for other roles does not count (`to anon using (true)` opens nothing to `authenticated`).
 */
function rowsLimitedToCaller(catalog: Catalog, key: string, depth: number, roles?: readonly string[]): boolean {
  const t = catalog.tables.get(key);
  if (!t?.rls) return false;
  const forRoles = (p: Policy) => !roles || roles.includes('public') || p.roles.includes('public') || p.roles.some((r) => roles.includes(r));
  const reading = [...t.policies.values()].filter((p) => (p.command === 'select' || p.command === 'all') && appliesToClients(p) && forRoles(p));
  const checked = (p: Policy) => !!p.using && uncheckedPart(p.using, catalog, depth, roles) === null;
  if (reading.some((p) => !p.permissive && checked(p))) return true;
  return reading.every((p) => !p.permissive || checked(p));
}

/**
 * A part of a policy condition that lets rows through without comparing anything with the caller, or
 * null when every way through it does: the condition itself when it never references the caller; for
 * `a OR b`, the first branch that does not (every caller passes through it); for `a AND b`, the whole
 * conjunction when no conjunct does. A `false` branch lets nothing through.
 */
export function uncheckedPart(e: PgNode, catalog: Catalog, depth = 0, roles?: readonly string[]): PgNode | null {
  if (isConstFalse(e)) return null;
  const b = e.BoolExpr;
  if (b?.boolop === 'OR_EXPR') {
    for (const a of b.args ?? []) {
      const u = uncheckedPart(a, catalog, depth, roles);
      if (u) return u;
    }
    return null;
  }
  if (b?.boolop === 'AND_EXPR') {
    const args: PgNode[] = b.args ?? [];
    const gaps = args.map((a) => uncheckedPart(a, catalog, depth, roles));
    if (gaps.some((g) => !g)) return null;
    // No conjunct checks the caller on every way through it: the rows that pass without a check are
    // those matching every conjunct's gap (the whole conjunction when no conjunct checks at all).
    return gaps.every((g, i) => g === args[i]) ? e : { BoolExpr: { boolop: 'AND_EXPR', args: gaps } };
  }
  // `NOT (user_id = auth.uid())`, `user_id <> auth.uid()`: every caller but one passes.
  if (b?.boolop === 'NOT_EXPR') return e;
  const op = e.A_Expr;
  if (op?.kind === 'AEXPR_OP' && /^(<>|!=)$/.test(names(op.name).join('.'))) return e;
  // A CASE: each WHEN is a way through (its condition and its result), the ELSE another. A simple
  // CASE (`CASE visibility WHEN 'public' THEN …`) compares its operand with each WHEN value.
  const c = e.CaseExpr;
  if (c) {
    for (const w of c.args ?? []) {
      const when = w?.CaseWhen;
      if (!when) continue;
      const test: PgNode = c.arg ? { A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: '=' } }], lexpr: c.arg, rexpr: when.expr } } : when.expr;
      const cond = uncheckedPart(test, catalog, depth, roles);
      const result = uncheckedPart(when.result, catalog, depth, roles);
      if (cond && result) return isConstTrue(result) ? cond : { BoolExpr: { boolop: 'AND_EXPR', args: [cond, result] } };
    }
    // Without ELSE the result is NULL: nothing passes.
    return c.defresult ? uncheckedPart(c.defresult, catalog, depth, roles) : null;
  }
  return referencesCaller(e, catalog, depth, roles) ? null : e;
}

/** The smallest node `location` in an expression: where its text starts (up to an opening parenthesis). */
export function startLocation(e: PgNode): number | undefined {
  let min: number | undefined;
  const see = (v: PgNode) => {
    if (typeof v?.location === 'number' && v.location >= 0 && (min === undefined || v.location < min)) min = v.location;
  };
  for (const v of Object.values(e)) see(v as PgNode);
  walk(e, (_kind, v) => see(v));
  return min;
}

const BUILTIN = /^(pg_catalog\.)?(coalesce|lower|upper|now|length|char_length|array_length|cardinality|nullif|greatest|least|jsonb?_\w+|to_jsonb?|array_\w+|date_trunc|extract|random|gen_random_uuid|uuid_generate_v4|concat|concat_ws|split_part|substring|trim|btrim|ltrim|rtrim|replace|position|regexp_\w+|count|sum|min|max|avg|bool_and|bool_or|exists|abs|round|floor|ceil|md5|encode|decode|starts_with)$/;

/** Supabase Storage's path helpers: they split an object's name, and never look at the caller. */
const STORAGE_PATH_HELPERS = /^storage\.(foldername|filename|extension)$/;

function functionChecksCaller(name: string, catalog: Catalog, depth: number, call?: PgNode): boolean {
  if (BUILTIN.test(name) || STORAGE_PATH_HELPERS.test(name)) return false;
  const key = name.includes('.') ? name : `public.${name}`;
  const defs = catalog.functions.get(key);
  if (!defs?.length) {
    // Not defined by the migrations: unknown (e.g. from an extension); assume it may check the caller.
    return true;
  }
  if (depth > 3) return true;
  return defs.some((d) => bodyChecksCaller(d, catalog, depth) || defaultsToCaller(d, call) || callsCheckingFunction(d.body, catalog, depth + 1));
}

/** Per catalog (what a body calls is looked up there): each function's `bodyChecksCaller`. */
const bodyChecks = new WeakMap<Catalog, Map<FunctionDef, boolean>>();

/** `auth.uid() IS [NOT] NULL` (also wrapped in `(select …)`) and `auth.role() = 'authenticated'` in a body's text: the caller is there but compared with nothing. */
const NOT_A_CHECK_TEXT = /\(\s*select\s+auth\s*\.\s*uid\s*\(\s*\)\s*\)\s*is\s+(?:not\s+)?null\b|\bauth\s*\.\s*uid\s*\(\s*\)\s*is\s+(?:not\s+)?null\b|\bauth\s*\.\s*role\s*\(\s*\)\s*(?:=|<>|!=)\s*'(?:anon|authenticated)'/gi;

/**
 * Whether the body of `d` compares anything with the caller, as `referencesCaller` reads a policy
 * condition: `select auth.uid() is not null` or `select auth.role() = 'authenticated'` only ask whether
 * someone is signed in. A SQL body is parsed and read as a condition is; another (PL/pgSQL) is read as
 * text, comments left out.
 */
function bodyChecksCaller(d: FunctionDef, catalog: Catalog, depth: number): boolean {
  let known = bodyChecks.get(catalog);
  if (!known) bodyChecks.set(catalog, (known = new Map()));
  let v = known.get(d);
  if (v !== undefined) return v;
  known.set(d, true); // a function that calls itself: the benefit of the doubt
  const sql = d.language.toLowerCase() === 'sql' && d.body.trim() ? parseSqlFile('function.sql', d.body) : null;
  if (sql && !sql.errors.length && sql.statements.length) v = sql.statements.some((st) => referencesCaller(st.node, catalog, depth + 1));
  else v = CALLER_TEXT.test(maskLexemes(d.body, false).replace(NOT_A_CHECK_TEXT, ' '));
  known.set(d, v);
  return v;
}

/**
 * Whether the call leaves out an argument whose default is the caller: `is_admin()` for
 * `is_admin(uid uuid DEFAULT auth.uid())` compares with the caller; `is_admin(owner_id)` does not.
 */
function defaultsToCaller(d: FunctionDef, call: PgNode | undefined): boolean {
  if (!call) return false;
  const args: PgNode[] = call.args ?? [];
  const named = new Set(args.map((a) => a?.NamedArgExpr?.name).filter((x): x is string => typeof x === 'string'));
  const positional = args.filter((a) => !a?.NamedArgExpr).length;
  return d.inputs.some((p, i) => i >= positional && !(p.name && named.has(p.name)) && isCallerDefault(p));
}

/** A parameter whose default is the caller (`uid uuid DEFAULT auth.uid()`). */
function isCallerDefault(p: FunctionDef['inputs'][number]): boolean {
  return p.defaultText !== null && CALLER_TEXT.test(p.defaultText);
}

function callsCheckingFunction(body: string, catalog: Catalog, depth: number): boolean {
  for (const [key, defs] of catalog.functions) {
    const name = key.slice(key.indexOf('.') + 1).replace(/[$]/g, '\\$');
    if (!new RegExp(`\\b${name}\\s*\\(`).test(body)) continue;
    if (depth > 3) return true;
    if (defs.some((d) => bodyChecksCaller(d, catalog, depth))) return true;
    // `is_admin()` in the body, for `is_admin(uid uuid DEFAULT auth.uid())`: the default is the caller.
    if (new RegExp(`\\b${name}\\s*\\(\\s*\\)`).test(body) && defs.some((d) => d.inputs.some(isCallerDefault))) return true;
  }
  return false;
}

/** Commands a policy covers. */
export function commandsOf(p: Policy): Array<'select' | 'insert' | 'update' | 'delete'> {
  return p.command === 'all' ? ['select', 'insert', 'update', 'delete'] : [p.command];
}

/** Policies in source order (migration, then statement). */
export function policiesInOrder(t: Table): Policy[] {
  return [...t.policies.values()].sort((a, b) => sourceOrder(a.source, b.source));
}
