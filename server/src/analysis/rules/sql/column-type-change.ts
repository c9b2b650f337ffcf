import { defineRule } from '../../rule';

import { computedUsing, typeText } from '../../sql/expr';
import { alterCommandsOnExistingTables, findNamed, rangeFromMatch, sqlProject, statementReport, tableName } from './util';

/** `ALTER [COLUMN] <name> [SET DATA] TYPE` (findNamed). */
const ALTER_COLUMN = /\bALTER\s+(COLUMN\s+)?/gi;
const SET_TYPE = /\s+(SET\s+DATA\s+)?TYPE\b/iy;

const INT_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };

function varcharLength(t: string): number | null | undefined {
  const m = /^(?:varchar|character varying)(?:\((\d+)\))?$/i.exec(t);
  if (!m) return undefined;
  return m[1] ? Number(m[1]) : null; // null: unbounded
}

/** A date/time type and its precision (null: none written, PostgreSQL's maximum, 6). */
function timeType(t: string): { base: string; precision: number | null } | null {
  const m = /^(timestamptz|timestamp|timetz|time)(?:\((\d+)\))?$/.exec(t);
  return m ? { base: m[1], precision: m[2] === undefined ? null : Number(m[2]) } : null;
}

/** Decimal digits of the largest value of each integer type (smallint 32767, integer 2147483647, bigint 9223372036854775807). */
const INT_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };

/**
 * `no-rewrite`: PostgreSQL only updates the catalog (varchar(n) → varchar(m ≥ n), varchar or text;
 * text → varchar; numeric(p, s) → numeric(q ≥ p, s) or numeric; a timestamp/time to a precision at
 * least as high); `narrowing`: values may not fit; `rewrite-unless-utc`: timestamp ↔ timestamptz,
 * which PostgreSQL 12+ does without a rewrite only when the session time zone is UTC; `rewrite`:
 * other changes (or the previous type is unknown).
 */
export function classify(from: string | undefined, to: string): 'no-rewrite' | 'narrowing' | 'rewrite-unless-utc' | 'rewrite' {
  const toLower = to.toLowerCase();
  if (!from) return /^(varchar|char)\(\d+\)|^(smallint|integer|real)$/.test(toLower) ? 'narrowing' : 'rewrite';
  const f = from.toLowerCase();
  if (f === toLower) return 'no-rewrite';
  const fv = varcharLength(f);
  const tv = varcharLength(toLower);
  if (fv !== undefined && (toLower === 'text' || (tv !== undefined && (tv === null || (fv !== null && tv >= fv))))) return 'no-rewrite';
  if (f === 'text' && tv === null) return 'no-rewrite';
  const ft = timeType(f);
  const tt = timeType(toLower);
  if (ft && tt) {
    const lower = tt.precision !== null && (ft.precision === null || tt.precision < ft.precision) && tt.precision < 6;
    if (ft.base === tt.base) return lower ? 'narrowing' : 'no-rewrite';
    const zones = new Set([ft.base, tt.base]);
    if (zones.has('timestamp') && zones.has('timestamptz')) return lower ? 'narrowing' : 'rewrite-unless-utc';
    return 'rewrite';
  }
  if (fv !== undefined && tv !== undefined && tv !== null && (fv === null || tv < fv)) return 'narrowing';
  if (f === 'text' && (tv !== undefined && tv !== null || /^char\(/.test(toLower))) return 'narrowing';
  if (INT_WIDTH[f] && INT_WIDTH[toLower] && INT_WIDTH[toLower] < INT_WIDTH[f]) return 'narrowing';
  if (f === 'double precision' && toLower === 'real') return 'narrowing';
  // Decimal or floating point to an integer type: fractions are rounded away, large values overflow.
  if (INT_WIDTH[toLower] && (/^numeric\b/.test(f) || f === 'real' || f === 'double precision')) return 'narrowing';
  const fn = /^numeric\((\d+)(?:, (\d+))?\)$/.exec(f);
  const tn = /^numeric\((\d+)(?:, (\d+))?\)$/.exec(toLower);
  // Same scale, precision not lower, or no limit at all: PostgreSQL keeps the stored values as they are.
  if (fn && (toLower === 'numeric' || (tn && Number(tn[1]) >= Number(fn[1]) && Number(tn[2] ?? 0) === Number(fn[2] ?? 0)))) return 'no-rewrite';
  // An integer type into numeric(p, s): every value fits when p - s digits hold its largest (integer: 10 digits).
  if (tn && INT_DIGITS[f] !== undefined) return Number(tn[1]) - Number(tn[2] ?? 0) < INT_DIGITS[f] ? 'narrowing' : 'rewrite';
  if (tn && (!fn || Number(tn[1]) < Number(fn[1]) || Number(tn[2] ?? 0) < Number(fn[2] ?? 0))) return 'narrowing';
  return 'rewrite';
}

export default defineRule({
  id: 'column-type-change',
  title: 'Column type changed on an existing table',
  category: 'Migration safety',
  defaultSeverity: 'warning',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `ALTER TABLE … ALTER COLUMN … TYPE` on a table that existed before this migration. Changes PostgreSQL makes without a rewrite (`varchar(n)` → a longer `varchar` or `text`, `text` → `varchar`, `numeric(p, s)` → a higher precision of the same scale or plain `numeric`, a `timestamp`/`time` to a precision at least as high) are not reported; `timestamp` ↔ `timestamptz` is reported as a rewrite unless the session time zone is UTC (PostgreSQL 12+); a `USING` expression that computes new values (anything but the column itself or a cast of it) always rewrites; narrowing changes (to a shorter `varchar`, a smaller integer, a smaller `numeric`) are called out, using the previous type known from the earlier migrations.',
    whyItMatters:
      'Most type changes rewrite the whole table and its indexes under an ACCESS EXCLUSIVE lock: no reads or writes until it finishes. Narrowing (`TEXT` → `VARCHAR(500)`, `BIGINT` → `INTEGER`) fails on the first row that does not fit — or, with a `USING` cast, silently truncates it.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);\n-- file: prisma/migrations/20240201000000_limit_title/migration.sql\nALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(500);\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);\n-- file: prisma/migrations/20240201000000_limit_title/migration.sql\nALTER TABLE "Post" ADD CONSTRAINT "Post_title_length" CHECK (char_length("title") <= 500) NOT VALID;\nALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_length";\n',
    fixSafety: 'No automatic fix: add a new column, backfill in batches and switch over; or enforce the limit with a NOT VALID CHECK constraint.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s, key, cmd } of alterCommandsOnExistingTables(project, 'AT_AlterColumnType')) {
        if (!cmd.name) continue;
        if (project.catalog.columnCreatedIn(key, cmd.name) === m.index) continue;
        const to = typeText(cmd.def?.ColumnDef?.typeName);
        const at = findNamed(s.stmt, ALTER_COLUMN, cmd.name, SET_TYPE);
        const range = rangeFromMatch(m.file, s.stmt, at);
        const t = tableName(key);
        const from = s.facts.previousColumns?.get(cmd.name)?.type;
        const classified = classify(from, to);
        // A USING expression that computes new values (`col AT TIME ZONE 'UTC'`) rewrites the table
        // whatever the types: PostgreSQL skips the rewrite only for the column itself, cast or not.
        const change = (classified === 'no-rewrite' || classified === 'rewrite-unless-utc') && computedUsing(cmd.def?.ColumnDef?.raw_default, cmd.name) ? 'rewrite' : classified;
        if (change === 'no-rewrite') continue;
        const narrowing = change === 'narrowing';
        const what = `Changing the type of \`${t}.${cmd.name}\`${from ? ` from \`${from}\`` : ''} to \`${to}\``;
        report({
          ...statementReport(m, s),
          range,
          message:
            change === 'rewrite-unless-utc'
              ? `${what} reads every stored value in the session time zone, and rewrites \`${t}\` under an exclusive lock unless that time zone is UTC (PostgreSQL 12+ then skips the table rewrite; indexes on the column may still be rebuilt).`
              : `${what} rewrites \`${t}\` under an exclusive lock${narrowing ? ', and narrowing it fails on (or truncates) existing values that do not fit' : ''}.`,
          subject: { table: t, column: cmd.name },
          data: { type: to, ...(from ? { previousType: from } : {}) },
        });
    }
  },
});
