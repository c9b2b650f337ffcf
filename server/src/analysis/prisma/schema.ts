import type { Attribute, Block, Comment, EnumValueDecl, Expr, FieldDecl, SchemaFileAst, Span, SyntaxDiagnostic } from './ast';
import { parsePrisma, parsePrismaTracked, reparsePrisma, type PrismaParse, type TextChange } from './parser';
import type { MemoEntry } from './memo';
import { LineIndex, positionsStableFrom } from '../text';
import type { Range, SourceFile } from '../types';

/**
 * Semantic model of a Prisma schema (one file or a multi-file folder): models, fields, enums,
 * relations resolved on both sides with their effective referential actions, primary keys and
 * indexes with ordered columns. Every element points back at its syntax (file + span).
 */

export const SCALAR_TYPES = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);

export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export interface SchemaFile {
  path: string;
  text: string;
  lines: LineIndex;
  ast: SchemaFileAst;
}

export interface Located {
  file: SchemaFile;
}

export interface NativeType {
  /** Without `db.`: `VarChar`, `Text`, `Decimal`. */
  name: string;
  args: string[];
  attr: Attribute;
}

export interface DefaultValue {
  attr: Attribute;
  expr: Expr | null;
  /** `now`, `autoincrement`, `uuid`, `cuid`, `dbgenerated`, … for calls; null for literals. */
  functionName: string | null;
  /** The literal value for strings/numbers/booleans/enum names; null for calls and lists. */
  literal: string | null;
}

export interface Field extends Located {
  name: string;
  model: Model;
  decl: FieldDecl;
  /** Type name as written (`String`, `User`, `Role`, `Unsupported`). */
  type: string;
  kind: 'scalar' | 'enum' | 'object' | 'composite' | 'unsupported' | 'unknown';
  isOptional: boolean;
  isList: boolean;
  /** `@map("col")`, else the field name. */
  columnName: string;
  /** The explicit `@map("col")` name, or null. */
  mapName: string | null;
  nativeType: NativeType | null;
  default: DefaultValue | null;
  /**
   * Part of the primary key on its own, as in Prisma's DMMF: `@id`, or `@@id([thisField])`.
   * (`field.attr('id')` tells whether the attribute is written on the field.)
   */
  isId: boolean;
  /**
   * Unique on its own, as in Prisma's DMMF: `@unique` or `@@unique([thisField])`, and not the id
   * (`@id @unique` is not counted as unique). `field.attr('unique')` tells whether `@unique` is written.
   */
  isUnique: boolean;
  isUpdatedAt: boolean;
  isIgnored: boolean;
  /** Prisma's documentation of the field (`///` comments, see `FieldDecl.docs`), or null. */
  documentation: string | null;
  /** For `kind === 'object'`. */
  relation: Relation | null;
  /** `///` docs, `//` comments above, and the trailing comment, trimmed. */
  comments: string[];
  attr(name: string): Attribute | undefined;
}

export interface IndexField {
  name: string;
  sort?: 'Asc' | 'Desc';
  length?: number;
  ops?: string;
  /** Span of this entry inside the attribute (for precise ranges). */
  span: Span;
}

export interface IndexDef {
  kind: 'id' | 'unique' | 'index' | 'fulltext';
  model: Model;
  fields: IndexField[];
  /** `name:` (Prisma Client name for @@id/@@unique). */
  name: string | null;
  /** `map:` (database name). */
  map: string | null;
  /** `type:` (BTree, Hash, Gin, Gist, SpGist, Brin). */
  type: string | null;
  clustered: boolean | null;
  /** `@id`/`@unique` on a field vs `@@id`/`@@unique`/`@@index` on the model. */
  source: 'field' | 'block';
  attr: Attribute;
  /** For block attributes, the whole member line (to delete it). */
  lineSpan: Span | null;
  file: SchemaFile;
}

export interface Relation {
  /** The relation field this describes. */
  field: Field;
  /** The model the field points at (null when the type is unknown). */
  target: Model | null;
  /** `@relation("Name")` or `name:`; null if unnamed. */
  name: string | null;
  /** Effective relation name as Prisma computes it (explicit, or the sorted model names joined by `To`). */
  relationName: string;
  attr: Attribute | null;
  /** Scalar fields of this side (`fields: [...]`); empty on the back-relation side. */
  fields: string[];
  references: string[];
  onDelete: ReferentialAction | null;
  onUpdate: ReferentialAction | null;
  /** What Prisma applies when omitted: optional → SetNull, required → Restrict on delete; Cascade on update. */
  effectiveOnDelete: ReferentialAction | null;
  effectiveOnUpdate: ReferentialAction | null;
  /** The field on the other model for the same relation, if any. */
  back: Field | null;
  /** Resolved scalar fields of `fields`. */
  scalarFields: Field[];
}

export interface Model extends Located {
  name: string;
  kind: 'model' | 'view' | 'type';
  block: Block;
  nameSpan: Span;
  /** `@@map("table")`, else the model name. */
  tableName: string;
  /** The explicit `@@map("table")` name, or null. */
  mapName: string | null;
  /** `@@schema("x")`. */
  schemaName: string | null;
  fields: Field[];
  fieldByName: Map<string, Field>;
  primaryKey: IndexDef | null;
  /** `@unique`/`@@unique`. */
  uniques: IndexDef[];
  /** `@@index` and `@@fulltext`. */
  indexes: IndexDef[];
  blockAttributes: Attribute[];
  isIgnored: boolean;
  /** `///` docs and `//` comments above the block, trimmed. */
  comments: string[];
  /** Prisma's documentation of the model (`///` comments directly above), or null. */
  documentation: string | null;
  blockAttr(name: string): Attribute | undefined;
  /** @internal Rule results kept for the next build of a `PrismaSession` (memo.ts); null without one. */
  ruleMemo: Map<string, MemoEntry> | null;
}

export interface EnumValue {
  name: string;
  /** `@map("x")`, else the value's name. */
  dbName: string;
  /** The explicit `@map("x")` name, or null. */
  mapName: string | null;
  documentation: string | null;
  decl: EnumValueDecl;
}

export interface Enum extends Located {
  name: string;
  block: Block;
  nameSpan: Span;
  /** `@@map("x")`, else the enum's name. */
  dbName: string;
  /** The explicit `@@map("x")` name, or null. */
  mapName: string | null;
  /** `@@schema("x")` (multiSchema), or null. */
  schemaName: string | null;
  documentation: string | null;
  values: EnumValue[];
}

export interface Datasource extends Located {
  name: string;
  provider: string | null;
  relationMode: string | null;
  block: Block;
}

export interface PrismaSchema {
  files: SchemaFile[];
  models: Model[];
  enums: Enum[];
  datasource: Datasource | null;
  modelByName: Map<string, Model>;
  enumByName: Map<string, Enum>;
  /** Syntax errors and semantic problems that make the schema invalid (duplicate names, …). */
  diagnostics: Array<SyntaxDiagnostic & { file: SchemaFile }>;
  /** The session this schema was built in, if any (rules memoize per model through it: memo.ts). */
  session?: PrismaSession;
  /** `postgresql` (also for `postgres`), `mysql`, `sqlite`, … or null. */
  provider: string | null;
  /** `prisma` when `relationMode = "prisma"` (no foreign keys in the database). */
  relationMode: 'prisma' | 'foreignKeys';
}

/** Range of a span in a file. */
export function rangeOf(file: SchemaFile, span: Span): Range {
  return file.lines.range(span.start, span.end);
}

export function exprString(e: Expr | null | undefined): string | null {
  return e && e.kind === 'string' ? e.value : null;
}

/** The text of a string, number or name value; null for calls, lists and errors. */
export function exprText(e: Expr | null | undefined): string | null {
  if (!e) return null;
  switch (e.kind) {
    case 'string':
    case 'number':
      return e.value;
    case 'path':
      return e.name;
    default:
      return null;
  }
}

/** Named argument of an attribute, or positional argument `position` when unnamed. */
export function attrArg(attr: Attribute | undefined | null, name: string, position?: number): Expr | null {
  if (!attr?.args) return null;
  const args = attr.args.args;
  for (let i = 0; i < args.length; i++) if (args[i].name?.name === name) return args[i].value;
  if (position !== undefined) {
    let n = 0;
    for (let i = 0; i < args.length; i++) {
      if (args[i].name) continue;
      if (n === position) return args[i].value;
      n++;
    }
  }
  return null;
}

function namesOf(e: Expr | null): string[] {
  if (!e) return [];
  if (e.kind === 'array') {
    const items = e.items;
    let n = 0;
    for (let k = 0; k < items.length; k++) if (itemName(items[k])) n++;
    // Exact-size array (no growth buffer): it lives as long as the model.
    const out: string[] = new Array(n);
    n = 0;
    for (let k = 0; k < items.length; k++) {
      const name = itemName(items[k]);
      if (name) out[n++] = name;
    }
    return out;
  }
  if (e.kind === 'path') return [e.name];
  return [];
}

function indexFieldOf(item: Expr): IndexField | null {
  if (item.kind === 'path') return { name: item.name, span: item.span };
  if (item.kind !== 'call') return null;
  const f: IndexField = { name: item.name, span: item.span };
  for (const a of item.args.args) {
    const v = exprText(a.value);
    if (a.name?.name === 'sort' && (v === 'Asc' || v === 'Desc')) f.sort = v;
    else if (a.name?.name === 'length' && v) f.length = Number(v);
    else if (a.name?.name === 'ops') {
      // `ops: Int4MinMaxOps` or `ops: raw("text_pattern_ops")`.
      const op = a.value.kind === 'call' && a.value.name === 'raw' ? exprString(a.value.args.args[0]?.value) : v;
      if (op) f.ops = op;
    }
  }
  return f;
}

function itemName(i: Expr): string {
  return i.kind === 'path' ? i.name : i.kind === 'call' ? i.name : exprText(i) ?? '';
}

/** `[a, b(sort: Desc)]`, or a single `a` / `a(sort: Desc)` without brackets. */
function indexFieldsOf(e: Expr | null): IndexField[] {
  if (!e) return [];
  if (e.kind !== 'array') {
    const one = indexFieldOf(e);
    return one ? [one] : [];
  }
  // Exact size (no growth buffer): `indexFieldOf` keeps exactly the names and calls.
  const items = e.items;
  let n = 0;
  for (let k = 0; k < items.length; k++) if (items[k].kind === 'path' || items[k].kind === 'call') n++;
  const out: IndexField[] = new Array(n);
  n = 0;
  for (let k = 0; k < items.length; k++) {
    const f = indexFieldOf(items[k]);
    if (f) out[n++] = f;
  }
  return out;
}

/**
 * Documentation as Prisma computes it: the `///` comments attached by the parser (text after `///`
 * without leading spaces; `/* … *\/` trimmed), then a trailing `///` comment; null when there is none.
 */
export function documentationOf(docs: Comment[], trailing?: Comment | null): string | null {
  if (docs.length === 0 && (!trailing || trailing.kind !== 'doc')) return null;
  const parts = docs.map(docText);
  if (trailing && trailing.kind === 'doc') parts.push(docText(trailing));
  return parts.length ? parts.join('\n') : null;
}

function docText(c: Comment): string {
  return c.block ? c.text.trim().replace(/\r\n?/g, '\n') : c.text.trimStart();
}

/** Trimmed, non-empty texts of the comments (no rest-argument or wrapper arrays: runs for every field). */
function commentTexts(a: Comment[], b: Comment[], c?: Comment | null): string[] {
  if (a.length === 0 && b.length === 0 && !c) return NO_TEXTS;
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const t = a[i].text.trim();
    if (t) out.push(t);
  }
  for (let i = 0; i < b.length; i++) {
    const t = b[i].text.trim();
    if (t) out.push(t);
  }
  if (c) {
    const t = c.text.trim();
    if (t) out.push(t);
  }
  return out;
}

/** The (frozen, shared) comments of the many fields and models without any. */
const NO_TEXTS = Object.freeze([]) as unknown as string[];

const BLOCK_LABEL: Record<Block['kind'], string> = {
  model: 'Model',
  view: 'View',
  type: 'Composite Type',
  enum: 'Enum',
  datasource: 'Datasource',
  generator: 'Generator',
};

/** Prisma's naming rules the parser lets through: no `-`, no leading digit or `_`. */
function checkName(schema: PrismaSchema, file: SchemaFile, ident: { name: string; span: Span }, what: string): void {
  const n = ident.name;
  const c = n.charCodeAt(0);
  let message: string | null = null;
  if (c >= 48 && c <= 57) message = `The name of a ${what} must not start with a number.`;
  else if (c === 95) message = `The name of a ${what} must start with a letter, not \`_\`.`;
  else if (n.includes('-')) message = `The character \`-\` is not allowed in ${what} names.`;
  if (message) schema.diagnostics.push({ message, span: ident.span, file });
}

const ACTIONS = new Set(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

/**
 * What a front end that audits the same project again and again (the language server, on every edit)
 * keeps between audits so that each one redoes only what the edit touched: the parse of every file
 * (reparsed in place: the blocks an edit did not touch keep their identity, moved to their new
 * offsets) and the models resolved from those blocks. A model is reused when its block is the same
 * object and the names and kinds of all blocks, the provider and the relation mode are unchanged;
 * relations are always resolved again. The result equals a build without a session (tests check
 * findings on every corpus schema after random edits).
 *
 * Ownership: the schema returned by the previous build shares these objects and must not be used once
 * the next build has run (its spans and file texts are updated in place). Pass it on the sources:
 * `{ path, text, prismaSession }` (see `SessionSourceFile`); without one, builds share nothing.
 */
export class PrismaSession {
  /** @internal */ parses = new Map<string, PrismaParse>();
  /** @internal */ files = new Map<string, SchemaFile>();
  /** @internal Models of the last build, by block, with the diagnostics their resolution reported. */
  models = new Map<Block, { model: Model; diagnostics: PrismaSchema["diagnostics"] }>();
  /** @internal Names and kinds of the last build's blocks, provider and relation mode. */
  env: string | null = null;
  /** @internal Builds so far (memo entries remember the build they belong to). */
  serial = 0;
  /** @internal How each file changed in the last build (absent: parsed from scratch). */
  changes = new Map<string, FileChange>();
  /** @internal Results of rules' whole-schema work (memo.ts `memoSchema`), by rule id. */
  schemaMemo = new Map<string, MemoEntry>();
  /** @internal The last build's enums key (memo.ts `enumsKey`): kept so that equal keys are the same string. */
  enumsKey: string | null = null;
  /** @internal The enums of the last build, by block: an untouched enum block keeps its `Enum` object. */
  enums = new Map<Block, Enum>();
  /** @internal The enum list `enumsKey` was computed for. */
  enumsKeyOf: Enum[] | null = null;
}

/**
 * How a file changed since the previous build of a session: the `TextChange` (an unchanged file's
 * starts past its end, so nothing moves), and `stableFrom`, the offset from which line/character
 * positions are again the previous build's (`positionsStableFrom`; -1: none after the edit are).
 * Positions before the change are always the previous build's.
 */
export interface FileChange extends TextChange {
  stableFrom: number;
}

/** A source file that carries the session of its project (all files of a project carry the same one). */
export interface SessionSourceFile extends SourceFile {
  prismaSession?: PrismaSession;
}

function sessionFiles(sources: SourceFile[], session: PrismaSession): SchemaFile[] {
  const parses = new Map<string, PrismaParse>();
  const kept = new Map<string, SchemaFile>();
  const changes = new Map<string, FileChange>();
  const files = sources.map((s) => {
    const prev = parses.has(s.path) ? undefined : session.parses.get(s.path);
    let parse: PrismaParse;
    /** The change of an edited file (the previous build's text became this one). */
    let edit: FileChange | undefined;
    if (!prev) parse = parsePrismaTracked(s.text);
    else if (prev.text === s.text) {
      parse = prev;
      const past = s.text.length + 1;
      changes.set(s.path, { start: past, oldEnd: past, delta: 0, stableFrom: 0 });
    } else {
      parse = reparsePrisma(prev, s.text);
      const c = parse.change;
      if (c) changes.set(s.path, (edit = { start: c.start, oldEnd: c.oldEnd, delta: c.delta, stableFrom: -1 }));
    }
    parses.set(s.path, parse);
    let file = kept.has(s.path) ? undefined : session.files.get(s.path);
    if (file) {
      if (file.text !== s.text) {
        // The change is relative to the previous parse's text: update the index only if it is of that
        // text (and only then are positions after the edit known to be the previous build's).
        if (edit && prev && file.lines.text === prev.text) {
          file.lines = LineIndex.afterEdit(file.lines, s.text, edit);
          edit.stableFrom = positionsStableFrom(prev.text, s.text, edit, file.lines);
        } else file.lines = new LineIndex(s.text);
        file.text = s.text;
      }
      file.ast = parse.ast;
    } else file = { path: s.path, text: s.text, lines: new LineIndex(s.text), ast: parse.ast };
    kept.set(s.path, file);
    return file;
  });
  session.parses = parses;
  session.files = kept;
  session.changes = changes;
  session.serial++;
  return files;
}

/** The names and kinds of all blocks, the provider and the relation mode; null when a name is taken twice. */
function environmentOf(files: SchemaFile[]): string | null {
  const names = new Set<string>();
  const parts: string[] = [];
  let datasource: Block | null = null;
  for (const file of files) {
    parts.push(file.path);
    for (const block of file.ast.blocks) {
      if (!block.name) continue;
      parts.push(`${block.kind} ${block.name.name}`);
      if (block.kind === 'datasource' || block.kind === 'generator') {
        if (block.kind === 'datasource' && !datasource) datasource = block;
        continue;
      }
      if (names.has(block.name.name)) return null;
      names.add(block.name.name);
    }
  }
  if (datasource) {
    for (const m of datasource.members) if (m.kind === 'property') parts.push(`${m.name.name}=${exprText(m.value)}`);
  }
  return parts.join('\n');
}

/** Parses and resolves a schema made of one or more files. Never throws. */
export function parsePrismaSchema(sources: SourceFile[]): PrismaSchema {
  const session = sources.length ? (sources[0] as SessionSourceFile).prismaSession : undefined;
  const files: SchemaFile[] = session
    ? sessionFiles(sources, session)
    : sources.map((s) => ({ path: s.path, text: s.text, lines: new LineIndex(s.text), ast: parsePrisma(s.text) }));
  const env = session ? environmentOf(files) : null;
  const reuse = session && env !== null && env === session.env ? session.models : null;
  const built = session ? new Map<Block, { model: Model; diagnostics: PrismaSchema["diagnostics"] }>() : null;
  const builtEnums = session ? new Map<Block, Enum>() : null;
  const schema: PrismaSchema = {
    files,
    models: [],
    enums: [],
    datasource: null,
    modelByName: new Map(),
    enumByName: new Map(),
    diagnostics: [],
    provider: null,
    relationMode: 'foreignKeys',
  };
  for (const file of files) for (const d of file.ast.diagnostics) schema.diagnostics.push({ ...d, file });

  // Pass 1: declarations.
  for (const file of files) {
    for (const block of file.ast.blocks) {
      if (!block.name) continue;
      const name = block.name.name;
      if (block.kind !== 'datasource' && block.kind !== 'generator') checkName(schema, file, block.name, BLOCK_LABEL[block.kind]);
      if (block.kind === 'model' || block.kind === 'view' || block.kind === 'type') {
        if (schema.modelByName.has(name) || schema.enumByName.has(name)) {
          schema.diagnostics.push({ message: `The name \`${name}\` is already used by another model, view, type or enum.`, span: block.name.span, file });
          continue;
        }
        const cached = reuse?.get(block);
        const model = cached && cached.model.file === file ? cached.model : createModel(file, block);
        schema.models.push(model);
        schema.modelByName.set(name, model);
      } else if (block.kind === 'enum') {
        if (schema.modelByName.has(name) || schema.enumByName.has(name)) {
          schema.diagnostics.push({ message: `The name \`${name}\` is already used by another model, view, type or enum.`, span: block.name.span, file });
          continue;
        }
        for (const m of block.members) if (m.kind === 'enumValue') checkName(schema, file, m.name, 'Enum Value');
        const kept = session?.enums.get(block);
        if (kept && kept.file === file) {
          // The block was not touched by the edit (moved in place): the same enum.
          schema.enums.push(kept);
          schema.enumByName.set(name, kept);
          builtEnums?.set(block, kept);
          continue;
        }
        const values: EnumValue[] = [];
        for (const m of block.members) {
          if (m.kind !== 'enumValue') continue;
          const map = m.attributes.find((a) => a.name === 'map');
          const mapName = exprString(attrArg(map, 'name', 0));
          values.push({ name: m.name.name, dbName: mapName ?? m.name.name, mapName, documentation: documentationOf(m.docs, m.trailingComment), decl: m });
        }
        const blockAttributes: Attribute[] = [];
        for (const m of block.members) if (m.kind === 'blockAttribute') blockAttributes.push(m.attribute);
        const mapName = exprString(attrArg(findAttr(blockAttributes, 'map'), 'name', 0));
        const en: Enum = {
          file,
          name,
          block,
          nameSpan: block.name.span,
          dbName: mapName ?? name,
          mapName,
          schemaName: exprString(attrArg(findAttr(blockAttributes, 'schema'), 'name', 0)),
          documentation: documentationOf(block.docs),
          values,
        };
        schema.enums.push(en);
        schema.enumByName.set(name, en);
        builtEnums?.set(block, en);
      } else if (block.kind === 'datasource' && !schema.datasource) {
        const prop = (key: string) => {
          const m = block.members.find((x) => x.kind === 'property' && x.name.name === key);
          return m && m.kind === 'property' ? exprText(m.value) : null;
        };
        schema.datasource = { file, name, provider: prop('provider'), relationMode: prop('relationMode') ?? prop('referentialIntegrity'), block };
      }
    }
  }
  const provider = schema.datasource?.provider ?? null;
  schema.provider = provider === 'postgres' ? 'postgresql' : provider;
  schema.relationMode = schema.datasource?.relationMode === 'prisma' ? 'prisma' : 'foreignKeys';

  // Pass 2: fields, kinds, indexes (models a session reused keep theirs).
  const reused = reuse ? new Set<Model>() : null;
  for (const model of schema.models) {
    const cached = reuse?.get(model.block);
    if (cached && cached.model === model) {
      reused!.add(model);
      for (const d of cached.diagnostics) schema.diagnostics.push(d);
      built!.set(model.block, cached);
      continue;
    }
    const before = schema.diagnostics.length;
    resolveModel(schema, model);
    built?.set(model.block, { model, diagnostics: schema.diagnostics.slice(before) });
  }
  if (session) {
    session.models = built!;
    session.enums = builtEnums!;
    session.env = env;
    schema.session = session;
  }
  // Pass 3: relations. In a session, a relation between two reused models is kept as it was (with its
  // pairing): it depends only on those two models' blocks and on the names and provider (unchanged).
  for (const model of schema.models) {
    const keep = reused !== null && reused.has(model);
    for (const field of objectFieldsOf(model)) {
      const rel = field.relation;
      // A reused model's field has the same type; a reused target is the model of that name now.
      if (keep && rel && rel.target && reused!.has(rel.target)) continue;
      resolveRelation(schema, field);
    }
  }
  pairRelations(schema);
  return schema;
}

function findAttr(attrs: Attribute[], name: string): Attribute | undefined {
  for (let i = 0; i < attrs.length; i++) if (attrs[i].name === name) return attrs[i];
  return undefined;
}

/** `field.attr(name)`: one shared function (no closure per field). */
function fieldAttr(this: Field, name: string): Attribute | undefined {
  return findAttr(this.decl.attributes, name);
}

/** `model.blockAttr(name)`. */
function modelBlockAttr(this: Model, name: string): Attribute | undefined {
  return findAttr(this.blockAttributes, name);
}

function createModel(file: SchemaFile, block: Block): Model {
  const blockAttributes: Attribute[] = [];
  for (const m of block.members) if (m.kind === 'blockAttribute') blockAttributes.push(m.attribute);
  const mapName = exprString(attrArg(findAttr(blockAttributes, 'map'), 'name', 0));
  const model: Model = {
    file,
    name: block.name!.name,
    kind: block.kind === 'view' ? 'view' : block.kind === 'type' ? 'type' : 'model',
    block,
    nameSpan: block.name!.span,
    tableName: mapName ?? block.name!.name,
    mapName,
    schemaName: exprString(attrArg(findAttr(blockAttributes, 'schema'), 'name', 0)),
    fields: [],
    fieldByName: new Map(),
    primaryKey: null,
    uniques: [],
    indexes: [],
    blockAttributes,
    isIgnored: !!findAttr(blockAttributes, 'ignore'),
    comments: commentTexts(block.docs, block.leadingComments),
    documentation: documentationOf(block.docs),
    blockAttr: modelBlockAttr,
    ruleMemo: null,
  };
  return model;
}

function resolveModel(schema: PrismaSchema, model: Model): void {
  const file = model.file;
  for (const member of model.block.members) {
    if (member.kind !== 'field' || !member.type) continue;
    const decl = member;
    const t = decl.type!;
    const attrs = decl.attributes;
    let kind: Field['kind'];
    if (t.unsupported !== null) kind = 'unsupported';
    else if (SCALAR_TYPES.has(t.name)) kind = 'scalar';
    else if (schema.enumByName.has(t.name)) kind = 'enum';
    else if (schema.modelByName.has(t.name)) kind = schema.modelByName.get(t.name)!.kind === 'type' ? 'composite' : 'object';
    else {
      kind = 'unknown';
      schema.diagnostics.push({
        message: `Type \`${t.name}\` is neither a built-in type, nor refers to another model, composite type, or enum.`,
        span: t.nameSpan,
        file,
      });
    }
    checkName(schema, file, decl.name, 'Field');
    // One pass over the attributes (the first of each name counts, as `findAttr` would find it).
    let native: Attribute | undefined;
    let def: Attribute | undefined;
    let mapAttr: Attribute | undefined;
    let idAttr: Attribute | undefined;
    let uniqueAttr: Attribute | undefined;
    let updatedAtAttr: Attribute | undefined;
    let ignoreAttr: Attribute | undefined;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i];
      switch (a.name) {
        case 'default':
          def = def ?? a;
          break;
        case 'map':
          mapAttr = mapAttr ?? a;
          break;
        case 'id':
          idAttr = idAttr ?? a;
          break;
        case 'unique':
          uniqueAttr = uniqueAttr ?? a;
          break;
        case 'updatedAt':
          updatedAtAttr = updatedAtAttr ?? a;
          break;
        case 'ignore':
          ignoreAttr = ignoreAttr ?? a;
          break;
        default:
          if (!native && a.name.startsWith('db.')) native = a;
      }
    }
    let defaultValue: DefaultValue | null = null;
    if (def) {
      const e = attrArg(def, 'value', 0);
      defaultValue = {
        attr: def,
        expr: e,
        functionName: e?.kind === 'call' ? e.name : null,
        literal: exprText(e),
      };
    }
    const field: Field = {
      file,
      name: decl.name.name,
      model,
      decl,
      type: t.unsupported !== null ? 'Unsupported' : t.name,
      kind,
      isOptional: t.optional,
      isList: t.list,
      columnName: decl.name.name,
      mapName: exprString(attrArg(mapAttr, 'name', 0)),
      nativeType: native
        ? { name: native.name.slice(3), args: native.args?.args.map((a) => exprText(a.value) ?? '') ?? [], attr: native }
        : null,
      default: defaultValue,
      isId: !!idAttr,
      isUnique: !!uniqueAttr,
      isUpdatedAt: !!updatedAtAttr,
      isIgnored: !!ignoreAttr,
      documentation: documentationOf(decl.docs, decl.trailingComment),
      relation: null,
      comments: commentTexts(decl.docs, decl.leadingComments, decl.trailingComment),
      attr: fieldAttr,
    };
    if (field.mapName !== null) field.columnName = field.mapName;
    if (model.fieldByName.has(field.name)) {
      schema.diagnostics.push({ message: `Field \`${field.name}\` is already defined on ${model.name}.`, span: decl.name.span, file });
      continue;
    }
    model.fields.push(field);
    model.fieldByName.set(field.name, field);
    if (idAttr && !model.primaryKey) model.primaryKey = fieldIndex('id', idAttr, field);
    if (uniqueAttr) model.uniques.push(fieldIndex('unique', uniqueAttr, field));
  }
  for (const member of model.block.members) {
    if (member.kind !== 'blockAttribute') continue;
    const attr = member.attribute;
    const kind = attr.name === 'id' ? 'id' : attr.name === 'unique' ? 'unique' : attr.name === 'index' ? 'index' : attr.name === 'fulltext' ? 'fulltext' : null;
    if (!kind) continue;
    const def: IndexDef = {
      kind,
      model,
      fields: indexFieldsOf(attrArg(attr, 'fields', 0)),
      // `name:` names the Prisma Client accessor of an id/unique; on @@index/@@fulltext it is the
      // pre-3.0 spelling of `map:` (the database name), as Prisma still reads it.
      name: kind === 'id' || kind === 'unique' ? exprString(attrArg(attr, 'name')) : null,
      map: exprString(attrArg(attr, 'map')) ?? (kind === 'index' || kind === 'fulltext' ? exprString(attrArg(attr, 'name')) : null),
      type: exprText(attrArg(attr, 'type')),
      clustered: boolClause(attrArg(attr, 'clustered')),
      source: 'block',
      attr,
      lineSpan: member.lineSpan,
      file,
    };
    // A positional second argument of @@unique/@@id/@@index is the name (legacy) in old schemas.
    if (kind === 'id') {
      if (!model.primaryKey) model.primaryKey = def;
      else schema.diagnostics.push({ message: `${model.name} has more than one primary key.`, span: attr.nameSpan, file });
    } else if (kind === 'unique') model.uniques.push(def);
    else model.indexes.push(def);
  }
  // Single-field ids/uniques written as block attributes count on the field, as in the DMMF.
  const pk = model.primaryKey;
  if (pk && pk.fields.length === 1) {
    const f = model.fieldByName.get(pk.fields[0].name);
    if (f) f.isId = true;
  }
  for (const u of model.uniques) {
    if (u.fields.length !== 1) continue;
    const f = model.fieldByName.get(u.fields[0].name);
    if (f) f.isUnique = true;
  }
  for (const f of model.fields) if (f.isId) f.isUnique = false;
}

/** The index an `@id` / `@unique` on a field stands for. */
function fieldIndex(kind: 'id' | 'unique', attr: Attribute, field: Field): IndexDef {
  const lengthExpr = attrArg(attr, 'length');
  const sortExpr = attrArg(attr, 'sort');
  const entry: IndexField = { name: field.name, span: field.decl.name.span };
  if (sortExpr?.kind === 'path' && (sortExpr.name === 'Asc' || sortExpr.name === 'Desc')) entry.sort = sortExpr.name;
  if (lengthExpr?.kind === 'number') entry.length = Number(lengthExpr.value);
  return {
    kind,
    model: field.model,
    fields: [entry],
    name: null,
    map: exprString(attrArg(attr, 'map')),
    type: null,
    clustered: boolClause(attrArg(attr, 'clustered')),
    source: 'field',
    attr,
    lineSpan: null,
    file: field.file,
  };
}

function boolClause(e: Expr | null): boolean | null {
  return e?.kind === 'path' ? e.name === 'true' : null;
}

function actionArg(attr: Attribute | null, key: string): ReferentialAction | null {
  const e = attrArg(attr, key);
  return e?.kind === 'path' && ACTIONS.has(e.name) ? (e.name as ReferentialAction) : null;
}

/** The relation fields (kind `object`) of a model, listed once per model (a session reuses models). */
function objectFieldsOf(model: Model): Field[] {
  let list = objectFields.get(model);
  if (!list) {
    list = model.fields.filter((f) => f.kind === 'object');
    objectFields.set(model, list);
  }
  return list;
}
const objectFields = new WeakMap<Model, Field[]>();

/** What a field's own `@relation(...)` says (it depends on the field's declaration alone). */
interface RelationArgs {
  attr: Attribute | null;
  explicitName: string | null;
  fields: string[];
  references: string[];
  onDelete: ReferentialAction | null;
  onUpdate: ReferentialAction | null;
}

/** Per field: a session reuses fields, and their relations are resolved again when a target changes. */
const relationArgsCache = new WeakMap<Field, RelationArgs>();

function relationArgsOf(field: Field): RelationArgs {
  let a = relationArgsCache.get(field);
  if (!a) {
    const attr = field.attr('relation') ?? null;
    a = {
      attr,
      explicitName: exprString(attrArg(attr, 'name', 0)),
      fields: namesOf(attrArg(attr, 'fields')),
      references: namesOf(attrArg(attr, 'references')),
      onDelete: actionArg(attr, 'onDelete'),
      onUpdate: actionArg(attr, 'onUpdate'),
    };
    relationArgsCache.set(field, a);
  }
  return a;
}

function resolveRelation(schema: PrismaSchema, field: Field): void {
  const args = relationArgsOf(field);
  const attr = args.attr;
  const target = schema.modelByName.get(field.type) ?? null;
  const fields = args.fields;
  const references = args.references;
  const byName = field.model.fieldByName;
  let count = 0;
  for (let k = 0; k < fields.length; k++) if (byName.has(fields[k])) count++;
  const scalarFields: Field[] = new Array(count);
  let anyRequired = false;
  count = 0;
  for (let k = 0; k < fields.length; k++) {
    const f = byName.get(fields[k]);
    if (!f) continue;
    scalarFields[count++] = f;
    if (!f.isOptional) anyRequired = true;
  }
  const onDelete = args.onDelete;
  const onUpdate = args.onUpdate;
  const owning = fields.length > 0;
  const explicitName = args.explicitName;
  field.relation = {
    field,
    target,
    name: explicitName,
    relationName: explicitName ?? (field.model.name < field.type ? `${field.model.name}To${field.type}` : `${field.type}To${field.model.name}`),
    attr,
    fields,
    references,
    onDelete,
    onUpdate,
    // Prisma's referential arity: required when any scalar is required (whatever the relation
    // field's `?`); Restrict, or NoAction where the connector has no Restrict (SQL Server).
    effectiveOnDelete: owning ? (onDelete ?? (anyRequired || !field.isOptional ? (schema.provider === 'sqlserver' ? 'NoAction' : 'Restrict') : 'SetNull')) : null,
    effectiveOnUpdate: owning ? (onUpdate ?? 'Cascade') : null,
    back: null,
    scalarFields,
  };
}

/**
 * Pairs each relation field with the field on the other model that has the same relation name and
 * points back (the first unpaired one, in declaration order). Linear: fields are grouped by model
 * and relation name first.
 */
function pairRelations(schema: PrismaSchema): void {
  // Relation fields by model, then relation name (declaration order); a name with one field (the
  // usual case) holds it without a list. No string keys are built. Grouped on demand: only the
  // targets of unpaired relations (all of them in a fresh build, few when a session kept pairs). Only
  // object fields have relations (pass 3 resolves nothing else).
  const byModel = new Map<Model, Map<string, Field | Field[]>>();
  const groupsOf = (model: Model): Map<string, Field | Field[]> => {
    let names = byModel.get(model);
    if (names) return names;
    byModel.set(model, (names = new Map()));
    for (const field of objectFieldsOf(model)) {
      const rel = field.relation;
      if (!rel || !rel.target) continue;
      const g = names.get(rel.relationName);
      if (g === undefined) names.set(rel.relationName, field);
      else if (Array.isArray(g)) g.push(field);
      else names.set(rel.relationName, [g, field]);
    }
    return names;
  };
  for (const model of schema.models) {
    for (const field of objectFieldsOf(model)) {
      const rel = field.relation;
      if (!rel || rel.back || !rel.target) continue;
      // The fields of the other model with the same relation name that point back at this model.
      const g = groupsOf(rel.target).get(rel.relationName);
      if (g === undefined) continue;
      const n = Array.isArray(g) ? g.length : 1;
      for (let i = 0; i < n; i++) {
        const other = Array.isArray(g) ? g[i] : g;
        if (other === field || !other.relation || other.relation.back || other.relation.target !== model) continue;
        rel.back = other;
        other.relation.back = field;
        break;
      }
    }
  }
}

/** The owning side of each relation (the field with `fields: [...]`), once per relation. */
export function owningRelations(schema: PrismaSchema): Relation[] {
  const out: Relation[] = [];
  for (const m of schema.models) for (const f of objectFieldsOf(m)) if (f.relation && f.relation.fields.length) out.push(f.relation);
  return out;
}

/**
 * The relations the relation rules look at in a model: the ones it owns (`fields: [...]`), in a
 * `model` block that is not `@@ignore`d, through a relation field that is not `@ignore`d.
 */
export function checkedOwnedRelations(model: Model): readonly Relation[] {
  // A list, not a generator: several rules ask for every model, and a generator allocates per item.
  if (model.kind !== 'model' || model.isIgnored) return NO_RELATIONS;
  let out: Relation[] | null = null;
  for (const field of objectFieldsOf(model)) {
    const rel = field.relation;
    if (rel && rel.fields.length && !field.isIgnored) (out ??= []).push(rel);
  }
  return out ?? NO_RELATIONS;
}
const NO_RELATIONS: readonly Relation[] = Object.freeze([]);

/**
 * The relations a model owns, in field order, each followed by its back field: `[rel, back, rel,
 * back, …]`, what a `keyOfOwnedRelations` key depends on (`sameOwnedRelations` tells when it changed).
 */
function ownedRelationPairs(model: Model): Array<Relation | Field | null> {
  const pairs: Array<Relation | Field | null> = [];
  for (const f of objectFieldsOf(model)) {
    const rel = f.relation;
    if (rel && rel.fields.length) pairs.push(rel, rel.back);
  }
  return pairs;
}

/** Whether `pairs` (`ownedRelationPairs`) are still the model's: compared in place, no list per model and keystroke. */
function sameOwnedRelations(model: Model, pairs: ReadonlyArray<Relation | Field | null>): boolean {
  let k = 0;
  for (const f of objectFieldsOf(model)) {
    const rel = f.relation;
    if (!rel || !rel.fields.length) continue;
    if (k + 1 >= pairs.length || pairs[k] !== rel || pairs[k + 1] !== rel.back) return false;
    k += 2;
  }
  return k === pairs.length;
}

/**
 * A per-model key made by `build` from the relations the model owns (field order), made again only
 * when those relations or their back fields changed: a session keeps the relation objects of reused
 * models, so an unchanged model gives the same string without building it again.
 */
export function keyOfOwnedRelations(build: (model: Model, relations: readonly Relation[]) => string): (model: Model) => string {
  const last = new WeakMap<Model, { pairs: Array<Relation | Field | null>; key: string }>();
  return (model) => {
    const known = last.get(model);
    if (known && sameOwnedRelations(model, known.pairs)) return known.key;
    const pairs = ownedRelationPairs(model);
    const relations: Relation[] = [];
    for (let i = 0; i < pairs.length; i += 2) relations.push(pairs[i] as Relation);
    const key = build(model, relations);
    last.set(model, { pairs, key });
    return key;
  };
}

/** All unique/primary/index column lists of a model (what can serve as a leading prefix). */
export function allIndexes(model: Model): IndexDef[] {
  return [...(model.primaryKey ? [model.primaryKey] : []), ...model.uniques, ...model.indexes];
}

/** Whether `columns` are the leading columns, in order, of the index. */
export function isLeadingPrefix(columns: string[], index: IndexDef): boolean {
  if (columns.length === 0 || columns.length > index.fields.length) return false;
  return columns.every((c, i) => index.fields[i].name === c);
}
