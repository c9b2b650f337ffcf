/**
 * Quick-fix helpers for the referential-action rules (implicit-referential-action,
 * cascade-deletes-history, set-null-on-required).
 */
import { makeOptionalEdits, setRelationArgumentEdit } from './edits';
import { rangeOf, type Field, type ReferentialAction, type Relation } from './schema';
import type { Fix, Range, Subject, TextEdit } from '../types';

export function relationSubject(rel: Relation): Subject {
  return { model: rel.field.model.name, field: rel.fields[0] ?? rel.field.name };
}

/**
 * Whether a row must reference an existing parent on insert: all its scalar fields are required (a
 * composite foreign key with a NULL column is not checked, MATCH SIMPLE). Used for insert-order
 * cycles. (Prisma's *default referential action* follows a different arity, required as soon as one
 * scalar is required: see `Relation.effectiveOnDelete`.)
 */
export function isRequiredRelation(rel: Relation): boolean {
  return rel.scalarFields.length > 0 && rel.scalarFields.every((f) => !f.isOptional);
}

/** Range of a named argument of `@relation(...)` (`onDelete: Cascade`), else of the attribute, else the field. */
export function relationArgRange(rel: Relation, name?: string): Range {
  const file = rel.field.file;
  const arg = name ? rel.attr?.args?.args.find((a) => a.name?.name === name) : undefined;
  const span = arg?.span ?? rel.attr?.span ?? rel.field.decl.span;
  return rangeOf(file, span);
}

/** The relation fields of the same model that use any of these scalar fields (composite keys share columns). */
function relationFieldsUsing(scalars: Field[]): Field[] {
  const out: Field[] = [];
  const names = new Set(scalars.map((s) => s.name));
  const model = scalars[0]?.model;
  if (!model) return out;
  for (const f of model.fields) {
    if (f.relation && f.relation.fields.some((n) => names.has(n))) out.push(f);
  }
  return out;
}

/**
 * Edits that make the relation's scalar fields and its relation field optional (plus any other relation
 * field that shares one of those scalars, which Prisma then requires to be optional too), or null when
 * that is impossible: a scalar is part of the primary key (`@id`/`@@id` fields must be required) or the
 * relation field is a list.
 */
export function makeRelationOptionalEdits(rel: Relation): TextEdit[] | null {
  const scalars = rel.scalarFields;
  if (!scalars.length || scalars.length !== rel.fields.length) return null;
  const model = rel.field.model;
  const pk = new Set(model.primaryKey?.fields.map((f) => f.name) ?? []);
  if (scalars.some((s) => s.isId || pk.has(s.name) || s.isList)) return null;
  const relationFields = relationFieldsUsing(scalars);
  if (!relationFields.includes(rel.field)) relationFields.push(rel.field);
  if (relationFields.some((f) => f.isList)) return null;
  return makeOptionalEdits([...scalars, ...relationFields]);
}

/** The provider's spelling of "refuse the delete" (SQL Server has no Restrict). */
export function restrictAction(provider: string | null): ReferentialAction {
  return provider === 'sqlserver' ? 'NoAction' : 'Restrict';
}

export interface ActionFixOptions {
  title?: string;
  isPreferred?: boolean;
  safe?: boolean;
  /** Which argument to set (default `onDelete`). */
  argument?: 'onDelete' | 'onUpdate';
}

/**
 * Sets `onDelete: <action>` inside the existing `@relation(...)`. For SetNull on a relation whose
 * scalars are required, the same fix makes them (and the relation field) optional; returns null when
 * that is impossible.
 */
export function setActionFix(rel: Relation, action: ReferentialAction, opts: ActionFixOptions = {}): Fix | null {
  const argument = opts.argument ?? 'onDelete';
  const edits: TextEdit[] = [setRelationArgumentEdit(rel, argument, action)];
  let madeOptional = false;
  if (action === 'SetNull' && rel.scalarFields.some((f) => !f.isOptional)) {
    const optional = makeRelationOptionalEdits(rel);
    if (!optional) return null;
    edits.push(...optional);
    madeOptional = true;
  }
  const title =
    opts.title ??
    (madeOptional
      ? `Set ${argument}: SetNull and make ${[...rel.fields, rel.field.name].map((n) => `\`${n}\``).join(', ')} optional`
      : `Set ${argument}: ${action}`);
  return { title, edits, ...(opts.isPreferred ? { isPreferred: true } : {}), safe: opts.safe ?? false };
}

/** Plural-ish label for "its Posts": the back-relation field name if there is one, else `<Model> rows`. */
export function childrenLabel(rel: Relation): string {
  return rel.back ? `\`${rel.back.name}\`` : `${rel.field.model.name} rows`;
}
