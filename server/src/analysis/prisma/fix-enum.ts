/**
 * Convert-to-enum quick fix (string-enum-candidate, enum-drift): enum names, value identifiers, the
 * text edits that switch a `String` field to an enum, and the data-preserving migration SQL.
 */
import { deleteFieldAttributeEdit, insertAtEdit, memberIndent, replaceSpanEdit } from './edits';
import { pascalCase } from './naming';
import type { Enum, Field, PrismaSchema } from './schema';
import { detectEol } from '../text';
import type { TextEdit } from '../types';

/** Prisma enum value names: a letter, then letters, digits and underscores. */
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Names that are not allowed as enum value names (keywords of the generated client / PSL). */
const RESERVED_VALUES = new Set(['true', 'false', 'null', 'undefined', 'enum', 'model']);

export interface EnumValuePlan {
  /** The enum value name in the schema. */
  name: string;
  /** The value stored in the database (the original string). */
  dbValue: string;
}

/** Value names for the strings: valid identifiers stay, others become one with `@map("original")`. */
export function planEnumValues(values: string[]): EnumValuePlan[] | null {
  const used = new Set<string>();
  const out: EnumValuePlan[] = [];
  for (const v of values) {
    if (!v || v.length > 63) return null;
    let name = v;
    if (!IDENT.test(name) || RESERVED_VALUES.has(name)) {
      name = v.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
      if (!name) name = 'value';
      if (!/^[A-Za-z]/.test(name)) name = 'v' + name;
      if (RESERVED_VALUES.has(name)) name += '_';
    }
    let unique = name;
    for (let i = 2; used.has(unique.toLowerCase()); i++) unique = `${name}_${i}`;
    used.add(unique.toLowerCase());
    out.push({ name: unique, dbValue: v });
  }
  return out;
}

/** `<Model><Field>` in PascalCase, made unique against every model, view, type and enum name. */
export function enumNameFor(schema: PrismaSchema, field: Field): string {
  const base = pascalCase(field.model.name) + pascalCase(field.name);
  const taken = (n: string) => schema.modelByName.has(n) || schema.enumByName.has(n) || SCALAR_OR_RESERVED.has(n);
  if (!taken(base)) return base;
  if (!taken(base + 'Enum')) return base + 'Enum';
  for (let i = 2; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
}

const SCALAR_OR_RESERVED = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes', 'Unsupported']);

/** Providers where Prisma supports enums. */
export function providerSupportsEnums(provider: string | null): boolean {
  return provider === null || provider === 'postgresql' || provider === 'mysql' || provider === 'cockroachdb' || provider === 'mongodb';
}

/**
 * Edits that make `field` use enum `enumName`: change the type, rewrite `@default("x")` to `@default(x)`,
 * drop native-type attributes (`@db.VarChar(n)`, `@db.Text`). Returns null when the default cannot be
 * expressed with the enum (not a string literal, or a string that is not one of the values).
 */
export function retypeFieldEdits(field: Field, enumName: string, values: EnumValuePlan[]): TextEdit[] | null {
  const decl = field.decl;
  const type = decl.type;
  if (!type) return null;
  const file = field.file;
  const edits: TextEdit[] = [replaceSpanEdit(file, type.nameSpan, enumName)];
  if (field.default) {
    const e = field.default.expr;
    if (!e || e.kind !== 'string') return null;
    const v = values.find((p) => p.dbValue === e.value);
    if (!v) return null;
    edits.push(replaceSpanEdit(file, e.span, v.name));
  }
  for (const attr of decl.attributes) {
    if (attr.name.startsWith('db.')) edits.push(deleteFieldAttributeEdit(file, attr));
  }
  return edits;
}

/** An edit that adds `enum <name> { … }` right after the model block (one blank line between). */
export function insertEnumAfterModelEdit(field: Field, enumName: string, values: EnumValuePlan[]): TextEdit | null {
  const model = field.model;
  const close = model.block.closeBrace;
  if (close === null) return null;
  const file = model.file;
  const eol = detectEol(file.text);
  const indent = memberIndent(model);
  const width = Math.max(...values.map((v) => v.name.length));
  const lines = values.map((v) => (v.name === v.dbValue ? `${indent}${v.name}` : `${indent}${v.name.padEnd(width)} @map(${JSON.stringify(v.dbValue)})`));
  const text = `${eol}${eol}enum ${enumName} {${eol}${lines.join(eol)}${eol}}`;
  return insertAtEdit(file, close + 1, text);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/**
 * The SQL that converts the column in place, keeping its data (Prisma's own migration drops and
 * re-adds the column). For PostgreSQL: create the type, drop the default, convert with USING, restore
 * the default. `createType` is false when the enum already exists in the database.
 */
export function conversionSql(
  schema: PrismaSchema,
  field: Field,
  enumName: string,
  values: EnumValuePlan[],
  createType: boolean,
): string {
  const model = field.model;
  const col = field.columnName;
  const def = field.default?.literal ?? null;
  if (schema.provider === 'mysql') {
    const list = values.map((v) => sqlString(v.dbValue)).join(', ');
    return `ALTER TABLE \`${model.tableName}\` MODIFY \`${col}\` ENUM(${list})${field.isOptional ? ' NULL' : ' NOT NULL'}${def !== null ? ` DEFAULT ${sqlString(def)}` : ''};`;
  }
  const table = (model.schemaName ? `${quoteIdent(model.schemaName)}.` : '') + quoteIdent(model.tableName);
  const typeName = (model.schemaName ? `${quoteIdent(model.schemaName)}.` : '') + quoteIdent(enumName);
  const lines: string[] = [];
  if (createType) lines.push(`CREATE TYPE ${typeName} AS ENUM (${values.map((v) => sqlString(v.dbValue)).join(', ')});`);
  if (def !== null) lines.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(col)} DROP DEFAULT;`);
  lines.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(col)} TYPE ${typeName} USING (${quoteIdent(col)}::text::${typeName});`);
  if (def !== null) lines.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(col)} SET DEFAULT ${sqlString(def)};`);
  return lines.join('\n');
}

/** The hover's explanation of the migration Prisma generates for the type change. */
export function migrationNote(schema: PrismaSchema, field: Field): string {
  if (schema.provider === 'mysql') {
    return `Prisma's migration changes \`${field.model.tableName}\`.\`${field.columnName}\` with \`MODIFY\`, which keeps rows whose value is one of the enum values; MySQL turns any other value into '' (or fails in strict mode), so check the data first.`;
  }
  return `\`prisma migrate dev\` generates \`ALTER TABLE "${field.model.tableName}" DROP COLUMN "${field.columnName}", ADD COLUMN "${field.columnName}" …\` for this change: every existing value in the column is lost. Create the migration with \`--create-only\` and replace those statements with the data-preserving SQL below (it fails, instead of losing data, if a row holds a value that is not in the enum).`;
}

export function existingEnumValuePlan(en: Enum): EnumValuePlan[] {
  return en.values.map((v) => ({ name: v.name, dbValue: v.dbName }));
}
