/**
 * Projects our semantic model and Prisma's DMMF onto the same plain shape and lists every difference.
 * Used by the differential test (`oracle.test.ts`) over the corpus and over hand-written edge cases.
 */
import type { DMMF } from '../helpers/oracle';
import type { Field, IndexDef, Model, PrismaSchema } from '../../server/src/analysis/prisma/schema';

type Plain = unknown;

interface PlainField {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default: Plain;
  dbName: string | null;
  nativeType: Plain;
  relationName: string | null;
  relationFromFields: string[] | null;
  relationToFields: string[] | null;
  relationOnDelete: string | null;
  relationOnUpdate: string | null;
  documentation: string | null;
}

interface PlainModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  documentation: string | null;
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueFields: string[][];
  uniqueIndexes: Array<{ name: string | null; fields: string[] }>;
  fields: PlainField[];
}

interface PlainIndex {
  model: string;
  type: string;
  isDefinedOnField: boolean;
  name: string | null;
  dbName: string | null;
  algorithm: string | null;
  clustered: boolean | null;
  fields: Array<{ name: string; sortOrder: string | null; length: number | null; operatorClass: string | null }>;
}

export interface PlainSchema {
  models: PlainModel[];
  types: PlainModel[];
  enums: Array<{ name: string; dbName: string | null; documentation: string | null; values: Array<{ name: string; dbName: string | null; documentation: string | null }> }>;
  indexes: PlainIndex[];
}

const nn = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);

/** DMMF default → comparable value: `{fn, args}` for functions, strings for literals. */
function plainDmmfDefault(d: unknown): Plain {
  if (d === undefined || d === null) return null;
  if (Array.isArray(d)) return d.map((x) => plainDmmfDefault(x));
  if (typeof d === 'object') {
    const o = d as { name: string; args: unknown[] };
    return { fn: o.name, args: o.args.map((a) => String(a)) };
  }
  return String(d);
}

function plainDmmfField(f: DMMF.Field): PlainField {
  return {
    name: f.name,
    kind: f.kind,
    type: f.type,
    isList: f.isList,
    isRequired: f.isRequired,
    isId: f.isId,
    isUnique: f.isUnique,
    isUpdatedAt: !!f.isUpdatedAt,
    hasDefaultValue: f.hasDefaultValue,
    default: plainDmmfDefault(f.default),
    dbName: nn(f.dbName),
    nativeType: f.nativeType ? [f.nativeType[0], [...f.nativeType[1]]] : null,
    relationName: nn(f.relationName),
    relationFromFields: f.relationFromFields ? [...f.relationFromFields] : null,
    relationToFields: f.relationToFields ? [...f.relationToFields] : null,
    relationOnDelete: nn(f.relationOnDelete),
    relationOnUpdate: nn(f.relationOnUpdate),
    documentation: nn(f.documentation),
  };
}

function plainDmmfModel(m: DMMF.Model): PlainModel {
  return {
    name: m.name,
    dbName: nn(m.dbName),
    schema: nn(m.schema),
    documentation: nn(m.documentation),
    primaryKey: m.primaryKey ? { name: nn(m.primaryKey.name), fields: [...m.primaryKey.fields] } : null,
    uniqueFields: m.uniqueFields.map((u) => [...u]),
    uniqueIndexes: m.uniqueIndexes.map((u) => ({ name: nn(u.name), fields: [...u.fields] })),
    fields: m.fields.map(plainDmmfField),
  };
}

export function plainFromDmmf(d: DMMF.Document): PlainSchema {
  return {
    models: d.datamodel.models.map(plainDmmfModel),
    types: d.datamodel.types.map(plainDmmfModel),
    enums: d.datamodel.enums.map((e) => ({
      name: e.name,
      dbName: nn(e.dbName),
      documentation: nn(e.documentation),
      values: e.values.map((v) => ({ name: v.name, dbName: nn(v.dbName), documentation: nn((v as { documentation?: string }).documentation) })),
    })),
    indexes: d.datamodel.indexes.map((i) => ({
      model: i.model,
      type: i.type,
      isDefinedOnField: i.isDefinedOnField,
      name: nn(i.name),
      dbName: nn(i.dbName),
      algorithm: nn(i.algorithm),
      clustered: nn(i.clustered),
      fields: i.fields.map((f) => ({ name: f.name, sortOrder: nn(f.sortOrder), length: nn(f.length), operatorClass: nn(f.operatorClass) })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Our model.

function ourDefault(f: Field): Plain {
  const d = f.default;
  if (!d) return null;
  const conv = (e: NonNullable<typeof d.expr>): Plain => {
    switch (e.kind) {
      case 'call': {
        const args = e.args.args.map((a) => (a.value.kind === 'string' || a.value.kind === 'number' ? a.value.value : a.value.kind === 'path' ? a.value.name : '?'));
        // The DMMF spells out the default version of the id generators.
        if (!args.length && e.name === 'cuid') args.push('1');
        if (!args.length && e.name === 'uuid') args.push('4');
        return { fn: e.name, args };
      }
      case 'array':
        return e.items.map(conv);
      case 'string':
        // Decimal defaults are read back as numbers: `@default("2.00")` is 2.
        return f.type === 'Decimal' && e.value.trim() !== '' && !Number.isNaN(Number(e.value)) ? String(Number(e.value)) : e.value;
      case 'number':
        // The DMMF carries numbers, so `2.00` reads back as `2`.
        return String(Number(e.value));
      case 'path':
        return e.name;
      default:
        return '?';
    }
  };
  return d.expr ? conv(d.expr) : '?';
}


function ourField(f: Field): PlainField {
  const rel = f.relation;
  const kind = f.kind === 'composite' ? 'object' : f.kind;
  const owning = !!rel && rel.fields.length > 0;
  return {
    name: f.name,
    kind,
    type: f.type,
    isList: f.isList,
    isRequired: !f.isOptional,
    isId: f.isId,
    isUnique: f.isUnique,
    isUpdatedAt: f.isUpdatedAt,
    hasDefaultValue: !!f.default,
    default: ourDefault(f),
    dbName: f.mapName,
    nativeType: f.nativeType ? [f.nativeType.name, f.nativeType.args] : null,
    relationName: rel ? rel.relationName : null,
    relationFromFields: rel ? (owning ? rel.fields : []) : null,
    relationToFields: rel ? (owning ? rel.references : []) : null,
    relationOnDelete: rel?.onDelete ?? null,
    relationOnUpdate: rel?.onUpdate ?? null,
    documentation: f.documentation,
  };
}

function ourModel(m: Model): PlainModel {
  const blockUniques = m.uniques.filter((u) => u.source === 'block');
  return {
    name: m.name,
    dbName: m.mapName,
    schema: m.schemaName,
    documentation: m.documentation,
    primaryKey: m.primaryKey && m.primaryKey.source === 'block' ? { name: m.primaryKey.name, fields: m.primaryKey.fields.map((f) => f.name) } : null,
    uniqueFields: blockUniques.map((u) => u.fields.map((f) => f.name)),
    uniqueIndexes: blockUniques.map((u) => ({ name: u.name, fields: u.fields.map((f) => f.name) })),
    fields: m.fields.filter((f) => f.kind !== 'unsupported' && !f.isIgnored).map(ourField),
  };
}

function ourIndex(i: IndexDef): PlainIndex {
  return {
    model: i.model.name,
    type: i.kind === 'index' ? 'normal' : i.kind,
    isDefinedOnField: i.source === 'field',
    name: i.name,
    dbName: i.map,
    algorithm: i.type,
    clustered: i.clustered,
    fields: i.fields.map((f) => ({ name: f.name, sortOrder: f.sort ? f.sort.toLowerCase() : null, length: f.length ?? null, operatorClass: f.ops ?? null })),
  };
}

export function plainFromOurs(s: PrismaSchema): PlainSchema {
  // DMMF lists the models, then the views (each in declaration order).
  const models = [...s.models.filter((m) => m.kind === 'model' && !m.isIgnored), ...s.models.filter((m) => m.kind === 'view' && !m.isIgnored)];
  return {
    models: models.map(ourModel),
    types: s.models.filter((m) => m.kind === 'type').map(ourModel),
    enums: s.enums.map((e) => ({
      name: e.name,
      dbName: e.mapName,
      documentation: e.documentation,
      values: e.values.map((v) => ({ name: v.name, dbName: v.mapName, documentation: v.documentation })),
    })),
    indexes: models.flatMap((m) => [...(m.primaryKey ? [m.primaryKey] : []), ...m.uniques, ...m.indexes].map(ourIndex)),
  };
}

// ---------------------------------------------------------------------------------------------
// Diff.

function j(v: unknown): string {
  return JSON.stringify(v);
}

function diffByName<T extends { name: string }>(what: string, ours: T[], theirs: T[], each: (path: string, a: T, b: T) => string[]): string[] {
  const out: string[] = [];
  const a = new Map(ours.map((x) => [x.name, x]));
  const b = new Map(theirs.map((x) => [x.name, x]));
  for (const [k] of a) if (!b.has(k)) out.push(`${what} ${k}: only in ours`);
  for (const [k] of b) if (!a.has(k)) out.push(`${what} ${k}: only in DMMF`);
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w) out.push(...each(`${what} ${k}`, v, w));
  }
  const orderA = ours.map((x) => x.name).filter((n) => b.has(n));
  const orderB = theirs.map((x) => x.name).filter((n) => a.has(n));
  if (j(orderA) !== j(orderB)) out.push(`${what} order differs`);
  return out;
}

function diffProps(path: string, a: object, b: object, skip: string[] = []): string[] {
  const out: string[] = [];
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) {
    if (skip.includes(k)) continue;
    if (j(ra[k]) !== j(rb[k])) out.push(`${path}.${k}: ours ${j(ra[k])} ≠ DMMF ${j(rb[k])}`);
  }
  return out;
}

function diffModels(what: string, ours: PlainModel[], theirs: PlainModel[]): string[] {
  return diffByName(what, ours, theirs, (path, a, b) => [
    ...diffProps(path, a, b, ['fields']),
    ...diffByName(`${path} field`, a.fields, b.fields, (p, x, y) => diffProps(p, x, y)),
  ]);
}

/** Every difference between our model and the DMMF of the same schema (empty when they agree). */
export function diffSchemas(ours: PlainSchema, theirs: PlainSchema): string[] {
  const out: string[] = [];
  out.push(...diffModels('model', ours.models, theirs.models));
  out.push(...diffModels('type', ours.types, theirs.types));
  out.push(
    ...diffByName('enum', ours.enums, theirs.enums, (path, a, b) => [
      ...diffProps(path, a, b, ['values']),
      ...(j(a.values) !== j(b.values) ? [`${path}.values: ours ${j(a.values)} ≠ DMMF ${j(b.values)}`] : []),
    ]),
  );
  const key = (i: PlainIndex) => j(i);
  const sa = ours.indexes.map(key).sort();
  const sb = theirs.indexes.map(key).sort();
  const setB = new Set(sb);
  const setA = new Set(sa);
  for (const x of sa) if (!setB.has(x)) out.push(`index only in ours: ${x}`);
  for (const x of sb) if (!setA.has(x)) out.push(`index only in DMMF: ${x}`);
  if (sa.length !== sb.length) out.push(`index count: ours ${sa.length} ≠ DMMF ${sb.length}`);
  return out;
}
