import { defineRule } from '../../rule';
import { memoModel, NO_DEPS } from '../../prisma/memo';
import { rangeOf, type Field, type PrismaSchema } from '../../prisma/schema';
import { isMoneyLikeName, ownComments, wordsOf } from '../../prisma/naming';
import { deleteFieldAttributeEdit, replaceSpanEdit } from '../../prisma/edits';
import type { Fix, TextEdit } from '../../types';
import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';
import { quoteIdent, quoteQualified } from '../../sql/expr';
import { columnSite, ownSqlTables, typeName } from '../sql/columns';
import { newMigrationFix } from '../sql/new-migration';

/** Providers with a `Decimal` native type (`@db.Decimal(p, s)`). */
const NATIVE_DECIMAL = new Set(['postgresql', 'mysql', 'cockroachdb', 'sqlserver']);

/**
 * A "fee" or "tax" that is really a rate: its comment says so (`// processing fee (in decimals)`,
 * `// percentage`), or its default is a fraction between 0 and 1 (`payoutFee Float @default(0.05)`).
 */
function looksLikeRate(field: Field): boolean {
  if (ownComments(field).some((c) => /\b(rate|percent(age)?|ratio|fraction|in decimals?|multiplier|basis points|bps)\b|%/i.test(c))) return true;
  const d = field.default?.expr;
  if (d?.kind === 'number') {
    const v = Number(d.value);
    if (v > 0 && v < 1) return true;
  }
  return false;
}

/** Words of a cryptocurrency amount (in the field's or the model's name, or a comment). */
const CRYPTO_WORDS = /(?:^|[^a-z])(crypto|cryptocurrenc(y|ies)|coins?|btc|bitcoin|eth|ether|ethereum|sol|solana|usdc|usdt|wei|gwei|satoshis?|sats|lamports?|on-?chain|blockchain)(?![a-z])/i;

const FIAT_WORDS = /(?:^|[^a-z])(fiat|usd|eur|gbp|jpy|cents?|dollars?|euros?)(?![a-z])/i;

/**
 * An amount in a cryptocurrency (`CryptoDeposit.payAmount`, `amountEth`, `// in BTC`): such amounts
 * have up to 18 decimals (ETH in wei), and `Decimal(19, 4)` would round them away.
 */
function isCryptoAmount(field: Field): boolean {
  return isCryptoColumn(field.name, field.model.name, ownComments(field));
}

/** `isCryptoAmount` on names: a column, its table (or model) and comments. */
function isCryptoColumn(name: string, table: string, comments: string[]): boolean {
  const words = (n: string) => wordsOf(n).join(' ');
  // A fiat amount kept next to crypto ones (`CryptoDeposit.paidFiat`, `priceUsd`) is money as usual.
  if (FIAT_WORDS.test(words(name))) return false;
  return CRYPTO_WORDS.test(words(name)) || CRYPTO_WORDS.test(words(table)) || comments.some((c) => CRYPTO_WORDS.test(c));
}

/** Precision and scale the fix writes: `(19, 4)` for amounts of money, `(36, 18)` for crypto amounts. */
function precisionOf(field: Field): string {
  return isCryptoAmount(field) ? '36, 18' : '19, 4';
}

/** PostgreSQL's binary floating-point types, as the catalog names them (`real`, `double precision`, `float`, `float8`). */
const FLOAT_TYPES = new Set(['float4', 'float8']);

/**
 * SQL migrations: a `real`/`double precision` column with a money-like name in a table that is not a
 * Prisma model (a rate's fraction default, `0.05`, is not money).
 */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    for (const col of t.columns.values()) {
      if (!FLOAT_TYPES.has(typeName(col)) || !isMoneyLikeName(col.name)) continue;
      const d = col.default !== undefined ? Number(col.default.replace(/::.*$/, '').replace(/^'|'$/g, '')) : NaN;
      if (d > 0 && d < 1) continue;
      const site = columnSite(project, col);
      if (!site) continue;
      const cents = wordsOf(col.name).some((w) => w === 'cents' || w === 'cent');
      const precision = isCryptoColumn(col.name, t.name, []) ? '36, 18' : '19, 4';
      const sql = `ALTER TABLE ${quoteQualified(t.schema, t.name)} ALTER COLUMN ${quoteIdent(col.name)} TYPE numeric(${precision});\n`;
      const fix = newMigrationFix(project, `${t.name}_${col.name}_numeric`, `Change to numeric(${precision}) in a new migration`, sql, { isPreferred: true, safe: false });
      report({
        ...site,
        message:
          `\`${t.name}.${col.name}\` stores money in \`${col.type}\`: binary floating point cannot represent most decimal amounts (0.1 + 0.2 ≠ 0.3), so totals drift. ` +
          (cents ? 'Store whole cents in `integer`/`bigint`, or use `numeric`.' : precision === '36, 18' ? 'Use `numeric(36, 18)`: cryptocurrency amounts have up to 18 decimals.' : 'Use `numeric(19, 4)` (or whole cents in an `integer`).'),
        subject: { table: t.name, column: col.name },
        data: { suggestedType: `numeric(${precision})`, precision: 'numeric(19, 4): any fiat amount incl. sub-cent prices; numeric(12, 2): whole cents only; numeric(36, 18): crypto tokens; or integer/bigint minor units' },
        fixes: fix ? [fix] : [],
      });
    }
  }
}

/** The native type attribute the fix writes (`@db.Decimal(19, 4)`), null where the provider has none. */
function nativeDecimal(schema: PrismaSchema, field: Field): string | null {
  return NATIVE_DECIMAL.has(schema.provider ?? '') ? `@${schema.datasource?.name ?? 'db'}.Decimal(${precisionOf(field)})` : null;
}

function decimalFix(schema: PrismaSchema, field: Field): Fix | null {
  const t = field.decl.type;
  if (!t) return null;
  const file = field.file;
  const edits: TextEdit[] = [replaceSpanEdit(file, t.nameSpan, 'Decimal')];
  const native = nativeDecimal(schema, field);
  const existing = field.decl.attributes.find((a) => /^[A-Za-z_]\w*\./.test(a.name) && a.name.split('.')[0] === (schema.datasource?.name ?? 'db'));
  if (existing && native) edits.push(replaceSpanEdit(file, existing.span, native));
  else if (existing) edits.push(deleteFieldAttributeEdit(file, existing));
  else if (native) {
    edits.push(replaceSpanEdit(file, { start: t.span.end, end: t.span.end }, ` ${native}`));
  }
  return { title: native ? `Change to Decimal ${native}` : 'Change to Decimal', edits, isPreferred: true, safe: false };
}

export default defineRule({
  id: 'float-for-money',
  title: 'Money stored as Float',
  category: 'Data types',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a `Float` field whose name says it holds an amount of money: price, amount, cost, balance, total, subtotal, fee, tax, revenue, profit, credit(s), payout, salary, discount, valuation, or a currency word (Usd, Eur, Cents, Fiat…). Not reported: `Decimal` and `Int` fields (`amountCents Int` is the right way to store cents), ids and references (`priceId`), rates, ratios, percentages and multipliers (`taxRate`, `feePercent`, `centsPerMs`, and a fee whose comment says it is a rate or percentage, or whose default is a fraction such as `@default(0.05)`), counts (`totalCount`, `tokenCount`), scores and currency codes. In SQL migrations: a `real`, `double precision` or `float` column with such a name in a table that is not a Prisma model (not when its default is a fraction between 0 and 1).',
    whyItMatters:
      '`Float` is a binary floating-point number: 0.1 + 0.2 is 0.30000000000000004, 19.99 is stored as 19.989999999999998, and sums over many rows drift by cents. Invoices, balances and reconciliations then disagree with the payment provider, and rounding differs between the database and JavaScript.',
    example: 'model Invoice {\n  id     Int   @id\n  amount Float\n}\n',
    useInstead: 'model Invoice {\n  id     Int     @id\n  amount Decimal @db.Decimal(19, 4)\n}\n',
    fixSafety:
      'The fix changes the type to `Decimal` with `@db.Decimal(19, 4)` (PostgreSQL, MySQL, CockroachDB, SQL Server). On SQLite no fix is offered: SQLite stores `DECIMAL` values with numeric affinity, as floating point for fractions, so only whole cents in an `Int` avoid the drift. Precision choices: `Decimal(19, 4)` holds amounts up to 10^15 with 4 decimals — enough for any fiat currency and for sub-cent unit prices; use `Decimal(12, 2)` when you only ever store whole cents, and `Decimal(36, 18)` for crypto-token amounts (the fix writes that one when the field, its model or its comment names a cryptocurrency: `CryptoDeposit.payAmount`, `amountEth`); or store minor units in `Int`/`BigInt` (`amountCents`). The migration runs `ALTER COLUMN … TYPE DECIMAL(19,4)`, which converts existing values (rounding them to the scale, 4 decimals) and rewrites the table under a lock. Prisma Client then returns `Prisma.Decimal` objects instead of numbers, so arithmetic and JSON serialisation in the application must change: not applied by fix-all. In SQL migrations the fix adds a new migration that runs `ALTER TABLE … ALTER COLUMN … TYPE numeric(19, 4)` (`numeric(36, 18)` for crypto amounts), with the same rewrite and rounding.',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema || schema.provider === 'mongodb') return;
    for (const model of schema.models) {
      if (model.kind === 'view' || model.isIgnored) continue;
      memoModel(schema, 'float-for-money', model, NO_DEPS, report, (report) => {
        for (const field of model.fields) {
          if (field.type !== 'Float' || field.kind !== 'scalar' || field.isIgnored || !field.decl.type) continue;
          if (!isMoneyLikeName(field.name)) continue;
          if (looksLikeRate(field)) continue;
          const cents = wordsOf(field.name).some((w) => w === 'cents' || w === 'cent');
          const crypto = isCryptoAmount(field);
          // No fix on SQLite: its DECIMAL columns store floating-point values, so `Decimal` would not help.
          const fix = model.kind === 'type' || schema.provider === 'sqlite' ? null : decimalFix(schema, field);
          // SQLite (and a schema without a datasource) has no `@db.Decimal`: only the type is named.
          const native = nativeDecimal(schema, field);
          const decimal = native ? `Decimal ${native}` : 'Decimal';
          report({
            file: field.file.path,
            range: rangeOf(field.file, field.decl.type.span),
            message:
              `\`${model.name}.${field.name}\` stores money in a \`Float\`: binary floating point cannot represent most decimal amounts (0.1 + 0.2 ≠ 0.3), so totals drift. ` +
              (schema.provider === 'sqlite'
                ? 'Store whole cents in an `Int`: SQLite keeps `Decimal` values as floating point too.'
                : cents
                  ? 'Store whole cents in `Int`/`BigInt`, or use `Decimal`.'
                  : crypto
                    ? `Use \`${decimal}\`: cryptocurrency amounts have up to 18 decimals.`
                    : `Use \`${decimal}\` (or whole cents in an \`Int\`).`),
            subject: { model: model.name, field: field.name },
            data: {
              suggestedType: decimal,
              precision: 'Decimal(19, 4): any fiat amount incl. sub-cent prices; Decimal(12, 2): whole cents only; Decimal(36, 18): crypto tokens; or Int/BigInt minor units',
            },
            fixes: fix ? [fix] : [],
          });
        }
      });
    }
  },
});
