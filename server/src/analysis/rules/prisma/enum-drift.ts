import { defineRule } from '../../rule';
import { sameList } from '../../lists';
import { enumDeps, memoModel, memoSchema } from '../../prisma/memo';
import { rangeOf, type Enum, type Field, type PrismaSchema } from '../../prisma/schema';
import { isEnumLikeName, pascalCase, singular, wordsOf } from '../../prisma/naming';
import { conversionSql, existingEnumValuePlan, migrationNote, providerSupportsEnums, retypeFieldEdits } from '../../prisma/fix-enum';
import { checkValuesFor, enumTypeFor, historyCoversSchema, valueDrift, type ValueDrift } from '../../prisma/fix-sql-evidence';
import { enumEvidenceOf, isEnumCandidateField, type EnumEvidence } from './string-enum-candidate';
import type { Report } from '../../rule';
import type { MigrationProject } from '../../sql/project';
import type { Fix, RelatedLocation } from '../../types';

export interface DriftMatch {
  en: Enum;
  /** `exact`: the enum is named like the field (`role` / `Role`, `Payment.status` / `PaymentStatus`). */
  strength: 'exact' | 'suffix';
  evidence: EnumEvidence | null;
  /** Evidence values that the enum does not have. */
  missing: string[];
}

/**
 * The existing enum a `String` field is named after, or null: `role String` with `enum Role`,
 * `Payment.status` with `enum PaymentStatus`, or `tier String @default("free")` with the only enum
 * ending in `Tier` when its values include every value the field shows (default, comment list).
 */
export function driftEnumFor(schema: PrismaSchema, field: Field): DriftMatch | null {
  if (!schema.enums.length || !isEnumCandidateField(field)) return null;
  // Both enum rules ask for every candidate field: computed once per field of this schema.
  const cache = driftCacheOf(schema);
  let m = cache.get(field);
  if (m === undefined) cache.set(field, (m = computeDrift(schema, field)));
  return m && { ...m, missing: m.missing.slice() };
}

const driftCache = new WeakMap<PrismaSchema, WeakMap<Field, DriftMatch | null>>();
function driftCacheOf(schema: PrismaSchema): WeakMap<Field, DriftMatch | null> {
  let c = driftCache.get(schema);
  if (!c) driftCache.set(schema, (c = new WeakMap()));
  return c;
}

function computeDrift(schema: PrismaSchema, field: Field): DriftMatch | null {
  const fname = pascalCase(field.name).toLowerCase();
  const exactNames = [fname, (pascalCase(field.model.name) + pascalCase(field.name)).toLowerCase()];
  const evidence = enumEvidenceOf(field);
  const facts = enumFacts(schema);
  const missingOf = (en: Enum) => {
    const have = facts.dbNames.get(en)!;
    return (evidence?.values ?? []).filter((v) => !have.has(v));
  };
  let exact: Enum | undefined;
  for (const n of exactNames) {
    const e = facts.byLowerName.get(n);
    if (e && (!exact || schema.enums.indexOf(e) < schema.enums.indexOf(exact))) exact = e;
  }
  if (exact) {
    const missing = missingOf(exact);
    // Values the enum lacks, and none it has: another concept with the same name (`ChatMessage.role`
    // "user" | "assistant" next to `enum Role { ADMIN MEMBER }`).
    if (evidence && missing.length === evidence.values.length) return null;
    return { en: exact, strength: 'exact', evidence, missing };
  }
  if (!isEnumLikeName(field.name) || !evidence) return null;
  // `type`, `status`, `state`, `kind`, `mode` alone end too many enum names; a single default proves little.
  if (evidence.values.length < 2 && GENERIC_LAST_WORDS.has(wordsOf(field.name).pop() ?? '')) return null;
  const suffix = schema.enums.filter((e) => facts.lowerName.get(e)!.endsWith(fname) && e.name.length > fname.length);
  const agreeing = suffix.filter((e) => missingOf(e).length === 0);
  if (agreeing.length !== 1) return null;
  return { en: agreeing[0], strength: 'suffix', evidence, missing: [] };
}

const GENERIC_LAST_WORDS = new Set(['type', 'status', 'state', 'kind', 'mode']);

/** Per-schema facts about its enums, computed once per audit (the checks below run for every field and every enum pair). */
interface EnumFacts {
  byLowerName: Map<string, Enum>;
  lowerName: Map<Enum, string>;
  values: Map<Enum, Set<string>>;
  /** `values` as an array (indexed loops over enum pairs allocate nothing). */
  valueList: Map<Enum, string[]>;
  /** Each value's lower-case database name, in order (duplicates kept). */
  lowerValues: Map<Enum, string[]>;
  /** The values' database names, as written. */
  dbNames: Map<Enum, Set<string>>;
  topicWords: Map<Enum, Set<string>>;
}

const factsCache = new WeakMap<PrismaSchema, EnumFacts>();

/** The facts of the last schema built in a session, for the next build with the same enum objects. */
const lastFacts = new WeakMap<object, { enums: Enum[]; facts: EnumFacts }>();

function enumFacts(schema: PrismaSchema): EnumFacts {
  let facts = factsCache.get(schema);
  if (facts) return facts;
  const last = schema.session && lastFacts.get(schema.session);
  if (last && sameList(last.enums, schema.enums)) {
    // An edit that left every enum block untouched: the same facts (they depend on the enums alone).
    factsCache.set(schema, last.facts);
    return last.facts;
  }
  facts = { byLowerName: new Map(), lowerName: new Map(), values: new Map(), valueList: new Map(), lowerValues: new Map(), dbNames: new Map(), topicWords: new Map() };
  for (const e of schema.enums) {
    const lower = e.name.toLowerCase();
    if (!facts.byLowerName.has(lower)) facts.byLowerName.set(lower, e);
    facts.lowerName.set(e, lower);
    const lowerList = e.values.map((v) => v.dbName.toLowerCase());
    const lowerValues = new Set(lowerList);
    facts.values.set(e, lowerValues);
    facts.valueList.set(e, [...lowerValues]);
    facts.lowerValues.set(e, lowerList);
    facts.dbNames.set(e, new Set(e.values.map((v) => v.dbName)));
    facts.topicWords.set(e, new Set(wordsOf(e.name).map(singular).filter((w) => !GENERIC_LAST_WORDS.has(w))));
  }
  factsCache.set(schema, facts);
  if (schema.session) lastFacts.set(schema.session, { enums: schema.enums, facts });
  return facts;
}

/** Whether two enum names share a word that says what they are about (`ArticleIngestionStatus` / `ChallengeIngestionStatus`). */
function related(facts: EnumFacts, a: Enum, b: Enum): boolean {
  const wa = facts.topicWords.get(a)!;
  for (const w of facts.topicWords.get(b)!) if (wa.has(w)) return true;
  return false;
}

export default defineRule({
  id: 'enum-drift',
  title: 'The same set of values is defined twice',
  category: 'Enums',
  defaultSeverity: 'warning',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports values defined inconsistently in the schema: a `String` field named like an existing enum (`role String` with `enum Role`, `Payment.status` with `enum PaymentStatus`, or `tier String @default("free")` with the one enum ending in `Tier` whose values include "free"), and two enums about the same thing (their names share a word other than Status/Type/Kind/State/Mode) whose value sets share at least three values and differ by one or two (`enum ArticleIngestionStatus` next to `enum ChallengeIngestionStatus`). A field whose default or comment uses none of the enum\'s values is another concept and is not reported. With migrations, it also compares each enum with the type they leave in the database (`CREATE TYPE … AS ENUM`, then every `ALTER TYPE … ADD VALUE / RENAME VALUE / RENAME TO` and `DROP TYPE`, so Prisma\'s re-create pattern too), value by value through `@map`, and an enum field with the `CHECK (col IN (…))` on its column. That comparison needs the migrations to be the schema\'s whole history: when they create no table for more than two of its models (a folder cut short, a database made with `db push`), it is skipped; a type created only by dynamic SQL (`EXECUTE` in a `DO` block) is not compared.',
    whyItMatters:
      'The String copy accepts any value, so code that writes `tier: "premium"` compiles and the row silently falls out of every query that filters on the enum\'s values; two near-identical enums drift further with every new value (a plan added to one and forgotten in the other), and converting between them needs casts that fail at run time. An enum value that no migration adds passes type checking and review, then fails in production with `invalid input value for enum` on the first write (the schema was edited but `prisma migrate dev` never ran); a value the database has but the enum lacks makes Prisma Client fail on every query that reads a row holding it (`Value \'…\' not found in enum`).',
    example:
      'model User {\n  id   Int    @id\n  tier String @default("free")\n}\n\nenum SubscriptionTier {\n  free\n  pro\n  enterprise\n}\n',
    useInstead:
      'model User {\n  id   Int              @id\n  tier SubscriptionTier @default(free)\n}\n\nenum SubscriptionTier {\n  free\n  pro\n  enterprise\n}\n',
    fixSafety:
      'For a String field, the fix changes its type to the existing enum (and `@default("free")` to `@default(free)`, dropping `@db.VarChar`/`@db.Text`); it is offered only when the field shows its values (a default, a comment listing them) and the enum\'s values include them all. It needs a data migration: on PostgreSQL Prisma drops and re-creates the column, so use the `ALTER COLUMN … TYPE … USING` SQL from the finding, which fails if a row holds a value outside the enum. Near-identical enums, and enums that differ from their migrations, have no automatic fix: which side is right is a decision (create the missing migration with `prisma migrate dev`, or add the database\'s values to the enum).',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema || !providerSupportsEnums(schema.provider)) return;
    // The migrations, when they are the schema's whole history (an incomplete one proves nothing).
    const built = ctx.input.sqlFiles?.length ? ctx.sql : null;
    const sql = built && historyCoversSchema(built, schema) ? built : null;
    let deps: readonly unknown[] | null = null;
    const depsOf = () => (deps ??= [enumDeps(schema)[0], sql]);
    // 1. String fields named like an existing enum; enum fields whose column's CHECK allows other values.
    for (const model of schema.models) {
      memoModel(schema, 'enum-drift', model, depsOf, report, (report) => {
        for (const field of model.fields) {
          if (field.kind === 'enum') {
            if (sql && field.decl.type && model.kind === 'model') checkAgainstColumnCheck(sql, schema, field, report);
            continue;
          }
          const m = driftEnumFor(schema, field);
          if (!m) continue;
          const values = m.en.values.map((v) => v.dbName);
          const shown = values.length > 12 ? `${values.slice(0, 12).join(', ')}, …` : values.join(', ');
          const where = `\`${model.name}.${field.name}\``;
          const data: Record<string, string> = { enum: m.en.name, enumValues: values.join(', ') };
          if (m.evidence) data.fieldValues = m.evidence.values.join(', ');
          const fixes: Fix[] = [];
          let message = `${where} is a String, but \`enum ${m.en.name}\` (${shown}) exists for what its name says it holds.`;
          if (m.missing.length) {
            message += ` The field also uses ${m.missing.map((v) => `"${v}"`).join(', ')}, which the enum lacks: decide which set is right, then use the enum.`;
            data.missing = m.missing.join(', ');
          } else if (!m.evidence?.values.length) {
            // The name alone: whether the values agree is not known (`mastra_messages.role` holds chat
            // roles next to `enum Role { ADMIN USER }`), so no fix that would make it so.
            message += ` Nothing in the schema shows the values it holds (no default, no comment listing them): if they are the enum's, use the enum.`;
          } else {
            const plan = existingEnumValuePlan(m.en);
            const edits = retypeFieldEdits(field, m.en.name, plan);
            if (edits) {
              fixes.push({ title: `Use enum ${m.en.name}`, edits, isPreferred: true, safe: false });
              data.migration = migrationNote(schema, field);
              data.migrationSql = conversionSql(schema, field, m.en.dbName, plan, false);
              message += ` Use the enum (the change needs a data migration, see the hover).`;
            } else {
              message += ` Use the enum.`;
            }
          }
          report({ file: field.file.path, range: rangeOf(field.file, field.decl.type!.span), message, subject: { model: model.name, field: field.name }, data, fixes });
        }
      });
    }
    // 2. Two enums whose values nearly coincide (depends on the enums alone).
    memoSchema(schema, 'enum-drift', enumDeps, report, (report) => {
      const enums = schema.enums;
      const facts = enumFacts(schema);
      // By position, for the pair loop (no map lookups per pair).
      const sets = enums.map((e) => facts.values.get(e)!);
      const lists = enums.map((e) => facts.valueList.get(e)!);
      for (let j = 1; j < enums.length; j++) {
        const b = enums[j];
        const bs = sets[j];
        const bSize = bs.size;
        let best: { a: Enum; onlyA: string[]; onlyB: string[]; common: number } | null = null;
        for (let i = 0; i < j; i++) {
          const al = lists[i];
          const aSize = al.length;
          // The sets differ by at least their size difference, and at most two values may differ.
          if (Math.abs(aSize - bSize) > 2 || Math.min(aSize, bSize) < 3) continue;
          const a = enums[i];
          const as = sets[i];
          let common = 0;
          for (let k = 0; k < aSize; k++) if (bs.has(al[k])) common++;
          if (common < 3) continue;
          // Count the values only one side has before listing them (most pairs stop here).
          const lowerA = facts.lowerValues.get(a)!;
          const lowerB = facts.lowerValues.get(b)!;
          let diff = 0;
          for (let k = 0; k < lowerA.length; k++) if (!bs.has(lowerA[k])) diff++;
          for (let k = 0; k < lowerB.length; k++) if (!as.has(lowerB[k])) diff++;
          if (diff < 1 || diff > 2 || diff * 3 > common || !related(facts, a, b)) continue;
          if (!best || common > best.common) {
            const onlyA = a.values.map((v) => v.dbName).filter((v) => !bs.has(v.toLowerCase()));
            const onlyB = b.values.map((v) => v.dbName).filter((v) => !as.has(v.toLowerCase()));
            best = { a, onlyA, onlyB, common };
          }
        }
        if (!best) continue;
        const { a, onlyA, onlyB } = best;
        const parts: string[] = [];
        if (onlyA.length) parts.push(`only \`${a.name}\` has ${onlyA.join(', ')}`);
        if (onlyB.length) parts.push(`only \`${b.name}\` has ${onlyB.join(', ')}`);
        report({
          file: b.file.path,
          range: rangeOf(b.file, b.nameSpan),
          message: `\`enum ${b.name}\` and \`enum ${a.name}\` share ${best.common} values and differ by ${onlyA.length + onlyB.length} (${parts.join('; ')}). If they describe the same thing, use one enum; if not, check that the difference is intended.`,
          subject: { enum: b.name },
          related: [{ file: a.file.path, range: rangeOf(a.file, a.nameSpan), message: `enum ${a.name}` }],
          data: { otherEnum: a.name, onlyInOther: onlyA.join(', '), onlyInThis: onlyB.join(', '), common: String(best.common) },
        });
      }
    });
    // 3. Enums whose database type, as the migrations leave it, has other values.
    if (sql) {
      memoSchema(schema, 'enum-drift/migrations', depsOf, report, (report) => {
        for (const en of schema.enums) {
          const type = enumTypeFor(sql, en);
          const drift = type && valueDrift(en, type.values);
          if (!type || !drift) continue;
          const typeName = type.schema === 'public' ? `"${type.name}"` : `"${type.schema}"."${type.name}"`;
          const related: RelatedLocation[] = [{ file: type.createdBy.file, range: type.createdBy.range, message: `${typeName} is created in ${type.createdBy.migration}` }];
          const last = type.changedBy[type.changedBy.length - 1];
          if (last) related.push({ file: last.file, range: last.range, message: `${typeName} is last changed in ${last.migration}` });
          report({
            file: en.file.path,
            range: rangeOf(en.file, en.nameSpan),
            message: `\`enum ${en.name}\` and the type ${typeName} its migrations create have different values: ${driftParts(drift)}.`,
            subject: { enum: en.name },
            related,
            data: { databaseType: type.key, databaseValues: type.values.join(', '), onlyInSchema: drift.onlySchema.join(', '), onlyInDatabase: drift.onlyDb.join(', '), migration: (last ?? type.createdBy).migration },
          });
        }
      });
    }
  },
});

const quoted = (values: string[]) => values.map((v) => `"${v}"`).join(', ');
const isAre = (values: string[]) => (values.length === 1 ? 'is' : 'are');
const itThem = (values: string[]) => (values.length === 1 ? 'it' : 'them');

/** What a drift between an enum and its database type means: values only the schema has, then values only the type has. */
function driftParts(d: ValueDrift): string {
  const parts: string[] = [];
  const { onlySchema, onlyDb } = d;
  if (onlySchema.length) {
    parts.push(`${quoted(onlySchema)} ${isAre(onlySchema)} in the schema but in no migration, so writing ${itThem(onlySchema)} fails ("invalid input value for enum") until a migration adds ${itThem(onlySchema)} (\`prisma migrate dev\`)`);
  }
  if (onlyDb.length) parts.push(`${quoted(onlyDb)} ${isAre(onlyDb)} in the database type but not in the enum, so Prisma Client fails on rows that hold ${itThem(onlyDb)} ("Value '…' not found in enum")`);
  return parts.join('; ');
}

/** An enum field whose column carries a `CHECK (col IN (...))`, after all migrations, that allows another set of values. */
function checkAgainstColumnCheck(sql: MigrationProject, schema: PrismaSchema, field: Field, report: (r: Report) => void): void {
  const en = schema.enumByName.get(field.type);
  const check = en && checkValuesFor(sql, field);
  if (!en || !check) return;
  const drift = valueDrift(en, check.values);
  if (!drift) return;
  const onlyInCheck = drift.onlyDb;
  const parts: string[] = [];
  if (drift.onlySchema.length) parts.push(`${quoted(drift.onlySchema)} ${isAre(drift.onlySchema)} in the enum but not allowed by the check, so writing ${itThem(drift.onlySchema)} fails`);
  if (onlyInCheck.length) parts.push(`the check also allows ${quoted(onlyInCheck)}, which the enum lacks`);
  report({
    file: field.file.path,
    range: rangeOf(field.file, field.decl.type!.span),
    message: `\`${field.model.name}.${field.name}\` is \`enum ${en.name}\`, but the CHECK constraint \`${check.constraint}\` on its column (${check.source.migration}) allows ${quoted(check.values)}: ${parts.join('; ')}. Make the enum and the check list the same values.`,
    subject: { model: field.model.name, field: field.name },
    related: [{ file: check.source.file, range: check.source.range, message: `The CHECK constraint, in ${check.source.migration}` }],
    data: { enum: en.name, constraint: check.constraint, checkValues: check.values.join(', '), onlyInSchema: drift.onlySchema.join(', '), onlyInCheck: onlyInCheck.join(', ') },
  });
}
