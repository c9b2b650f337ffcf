/** Small helpers over libpg-query AST nodes: names, type names, a compact expression printer. */
import type { PgNode } from './parse';

/** `[{String:{sval:'a'}}, …]` → ['a', …]. */
export function names(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n: PgNode) => n?.String?.sval ?? (n?.A_Star ? '*' : '?'));
}

const IDENT = /^[a-z_][a-z0-9_$]*$/;
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with').split(' '),
);

/** Quotes an identifier when PostgreSQL needs it. */
export function quoteIdent(name: string): string {
  return IDENT.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function quoteQualified(schema: string | undefined, name: string): string {
  return schema && schema !== 'public' ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const TYPE_ALIASES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  varchar: 'varchar',
  timestamptz: 'timestamptz',
  timetz: 'timetz',
  numeric: 'numeric',
};

/** TypeName node → SQL text (`varchar(20)[]`, `"Role"`, `public.my_enum`). */
export function typeText(t: PgNode): string {
  if (!t) return '?';
  const parts = names(t.names);
  let base: string;
  if (parts.length === 2 && parts[0] === 'pg_catalog') base = TYPE_ALIASES[parts[1]] ?? parts[1];
  else base = parts.map(quoteIdent).join('.');
  if (t.setof) base = `SETOF ${base}`;
  const mods = (t.typmods ?? []).map((m: PgNode) => exprText(m));
  if (mods.length && !(parts[1] === 'interval')) base += `(${mods.join(', ')})`;
  for (const b of t.arrayBounds ?? []) {
    const n = b?.Integer?.ival;
    base += typeof n === 'number' && n >= 0 ? `[${n}]` : '[]';
  }
  if (t.pct_type) base += '%TYPE';
  return base;
}

/** The last name of a TypeName (unqualified), e.g. for enum lookups. */
export function typeKey(t: PgNode, defaultSchema = 'public'): string {
  const parts = names(t?.names);
  if (parts.length >= 2) return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  return `${defaultSchema}.${parts[0] ?? '?'}`;
}

function constText(c: PgNode): string {
  if (c.isnull) return 'NULL';
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.fval) return String(c.fval.fval);
  if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
  if (c.sval) return quoteLiteral(c.sval.sval ?? '');
  if (c.bsval) return `B'${c.bsval.bsval}'`;
  if ('ival' in c) return '0';
  if ('boolval' in c) return 'false';
  return 'NULL';
}

const BOOL_OPS: Record<string, string> = { AND_EXPR: 'AND', OR_EXPR: 'OR', NOT_EXPR: 'NOT' };

/**
 * Compact, readable SQL for an expression node (for messages, hovers and catalog text). Faithful for
 * the constructs migrations use in defaults, checks and policies; falls back to `…` for the rest.
 */
export function exprText(n: PgNode, depth = 0): string {
  if (!n || depth > 40) return '…';
  const k = Object.keys(n)[0];
  const v = n[k];
  switch (k) {
    case 'A_Const':
      return constText(v);
    case 'Integer':
      return String(v.ival ?? 0);
    case 'Float':
      return String(v.fval);
    case 'String':
      return quoteLiteral(v.sval ?? '');
    case 'Boolean':
      return v.boolval ? 'true' : 'false';
    case 'ColumnRef':
      return names(v.fields)
        .map((s) => (s === '*' ? s : quoteIdent(s)))
        .join('.');
    case 'ParamRef':
      return `$${v.number}`;
    case 'FuncCall': {
      const fname = names(v.funcname);
      const shown = fname.length === 2 && fname[0] === 'pg_catalog' ? [fname[1]] : fname;
      const args = v.agg_star ? '*' : (v.args ?? []).map((a: PgNode) => exprText(a, depth + 1)).join(', ');
      return `${shown.map(quoteIdent).join('.')}(${v.agg_distinct ? 'DISTINCT ' : ''}${args})`;
    }
    case 'TypeCast':
      return `${exprText(v.arg, depth + 1)}::${typeText(v.typeName)}`;
    case 'A_Expr': {
      const op = names(v.name).join('.');
      const l = v.lexpr ? exprText(v.lexpr, depth + 1) : '';
      const r = v.rexpr ? exprText(v.rexpr, depth + 1) : '';
      switch (v.kind) {
        case 'AEXPR_IN':
          return `${l} ${op === '<>' ? 'NOT IN' : 'IN'} (${listItems(v.rexpr)
            .map((x) => exprText(x, depth + 1))
            .join(', ')})`;
        case 'AEXPR_OP_ANY':
          return `${l} ${op} ANY (${r})`;
        case 'AEXPR_OP_ALL':
          return `${l} ${op} ALL (${r})`;
        case 'AEXPR_LIKE':
          return `${l} ${op === '!~~' ? 'NOT LIKE' : 'LIKE'} ${r}`;
        case 'AEXPR_ILIKE':
          return `${l} ${op === '!~~*' ? 'NOT ILIKE' : 'ILIKE'} ${r}`;
        case 'AEXPR_DISTINCT':
          return `${l} IS DISTINCT FROM ${r}`;
        case 'AEXPR_NOT_DISTINCT':
          return `${l} IS NOT DISTINCT FROM ${r}`;
        case 'AEXPR_BETWEEN':
        case 'AEXPR_NOT_BETWEEN': {
          const [a, b] = listItems(v.rexpr);
          return `${l} ${v.kind === 'AEXPR_NOT_BETWEEN' ? 'NOT ' : ''}BETWEEN ${exprText(a, depth + 1)} AND ${exprText(b, depth + 1)}`;
        }
        default:
          return l ? `${l} ${op} ${r}` : `${op} ${r}`;
      }
    }
    case 'BoolExpr': {
      const op = BOOL_OPS[v.boolop] ?? v.boolop;
      const args = (v.args ?? []).map((a: PgNode) => {
        const t = exprText(a, depth + 1);
        return a?.BoolExpr ? `(${t})` : t;
      });
      return op === 'NOT' ? `NOT ${args[0]}` : args.join(` ${op} `);
    }
    case 'NullTest':
      return `${exprText(v.arg, depth + 1)} IS ${v.nulltesttype === 'IS_NOT_NULL' ? 'NOT ' : ''}NULL`;
    case 'BooleanTest':
      return `${exprText(v.arg, depth + 1)} IS ${String(v.booltesttype ?? '').replace(/^IS_/, '').replace(/_/g, ' ')}`;
    case 'SubLink': {
      const sub = '(SELECT …)';
      if (v.subLinkType === 'EXISTS_SUBLINK') return `EXISTS ${sub}`;
      if (v.subLinkType === 'ANY_SUBLINK') return `${exprText(v.testexpr, depth + 1)} IN ${sub}`;
      const sel = v.subselect?.SelectStmt;
      const targets = sel?.targetList ?? [];
      if (targets.length === 1 && !sel.fromClause) return `(SELECT ${exprText(targets[0]?.ResTarget?.val, depth + 1)})`;
      return sub;
    }
    case 'SQLValueFunction':
      return String(v.op ?? '')
        .replace(/^SVFOP_/, '')
        .toLowerCase();
    case 'A_ArrayExpr':
      return `ARRAY[${(v.elements ?? []).map((x: PgNode) => exprText(x, depth + 1)).join(', ')}]`;
    case 'List':
      return `(${(v.items ?? []).map((x: PgNode) => exprText(x, depth + 1)).join(', ')})`;
    case 'CoalesceExpr':
      return `COALESCE(${(v.args ?? []).map((x: PgNode) => exprText(x, depth + 1)).join(', ')})`;
    case 'MinMaxExpr':
      return `${v.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST'}(${(v.args ?? []).map((x: PgNode) => exprText(x, depth + 1)).join(', ')})`;
    case 'CaseExpr':
      return 'CASE … END';
    case 'A_Indirection':
      return `(${exprText(v.arg, depth + 1)})…`;
    case 'RowExpr':
      return `ROW(${(v.args ?? []).map((x: PgNode) => exprText(x, depth + 1)).join(', ')})`;
    case 'CollateClause':
      return `${exprText(v.arg, depth + 1)} COLLATE ${names(v.collname).join('.')}`;
    default:
      return '…';
  }
}

function listItems(n: PgNode): PgNode[] {
  if (!n) return [];
  if (n.List) return n.List.items ?? [];
  if (Array.isArray(n)) return n;
  return [n];
}

/** Visits every node object in a subtree (pre-order). `parents` is the chain of node kinds above. */
export function walk(node: PgNode, visit: (kind: string, value: PgNode, parents: string[]) => void, parents: string[] = []): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit, parents);
    return;
  }
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (!value || typeof value !== 'object') continue;
    if (/^[A-Z]/.test(key) && !Array.isArray(value)) {
      visit(key, value, parents);
      parents.push(key);
      walk(value, visit, parents);
      parents.pop();
    } else walk(value, visit, parents);
  }
}

/** Values of `col IN ('a','b')`, `col = ANY (ARRAY['a','b'])` or `col = ANY ('{a,b}'::text[])`. */
export function checkValueList(expr: PgNode): { column: string; values: string[] } | null {
  let e = expr;
  while (e?.BoolExpr && e.BoolExpr.boolop === 'AND_EXPR' && e.BoolExpr.args?.length === 1) e = e.BoolExpr.args[0];
  const a = e?.A_Expr;
  if (!a) return null;
  let l = a.lexpr;
  while (l?.TypeCast) l = l.TypeCast.arg;
  const col = l?.ColumnRef ? names(l.ColumnRef.fields).pop() : undefined;
  if (!col) return null;
  const op = names(a.name).join('');
  if (op !== '=') return null;
  const strings = (items: PgNode[]): string[] | null => {
    const out: string[] = [];
    for (let x of items) {
      while (x?.TypeCast) x = x.TypeCast.arg;
      const s = x?.A_Const?.sval?.sval;
      if (typeof s !== 'string') return null;
      out.push(s);
    }
    return out;
  };
  if (a.kind === 'AEXPR_IN') {
    const values = strings(listItems(a.rexpr));
    return values ? { column: col, values } : null;
  }
  if (a.kind === 'AEXPR_OP_ANY') {
    let r = a.rexpr;
    while (r?.TypeCast && !r.TypeCast.arg?.A_Const) r = r.TypeCast.arg;
    if (r?.A_ArrayExpr) {
      const values = strings(r.A_ArrayExpr.elements ?? []);
      return values ? { column: col, values } : null;
    }
    const lit = r?.TypeCast?.arg?.A_Const?.sval?.sval ?? r?.A_Const?.sval?.sval;
    if (typeof lit === 'string' && /^\{.*\}$/s.test(lit)) {
      const values = lit
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim().replace(/^"(.*)"$/s, '$1'))
        .filter((s) => s.length);
      return { column: col, values };
    }
  }
  return null;
}

/** Whether an `ALTER COLUMN … TYPE … USING` expression is something other than the column itself or a cast of it. */
export function computedUsing(expr: PgNode | undefined, column: string): boolean {
  let e = expr;
  while (e?.TypeCast) e = e.TypeCast.arg;
  if (!e) return false;
  const fields = e.ColumnRef?.fields;
  return !(fields?.length && fields[fields.length - 1].String?.sval === column);
}
