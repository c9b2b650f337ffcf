import type { Span } from './ast';
import type { Field, Model, Relation, SchemaFile } from './schema';
import { detectEol, indentOf } from '../text';
import type { TextEdit } from '../types';

/** Minimal text edits on Prisma files, shared by the rules' quick fixes. */

export function replaceSpanEdit(file: SchemaFile, span: Span, newText: string): TextEdit {
  return { file: file.path, range: file.lines.range(span.start, span.end), newText };
}

export function insertAtEdit(file: SchemaFile, offset: number, newText: string): TextEdit {
  return replaceSpanEdit(file, { start: offset, end: offset }, newText);
}

/** The indentation unit used for members of a block (from its first member; two spaces by default). */
export function memberIndent(model: Model): string {
  const file = model.file;
  for (const m of model.block.members) {
    const line = file.lines.positionAt(m.span.start).line;
    const indent = indentOf(file.lines.lineText(line));
    if (indent) return indent;
  }
  return '  ';
}

/**
 * Adds a block attribute (`@@index([a, b])`) as the last line of the model block, in the block's
 * indentation. When the block has no block attributes yet, a blank line separates it from the fields
 * (the Prisma formatter's layout).
 */
export function insertBlockAttributeEdit(model: Model, attributeText: string): TextEdit {
  const file = model.file;
  const eol = detectEol(file.text);
  const indent = memberIndent(model);
  const members = model.block.members;
  const last = members[members.length - 1];
  const hasBlockAttrs = members.some((m) => m.kind === 'blockAttribute');
  if (!last) {
    // Empty block: insert right after `{`.
    const at = (model.block.openBrace ?? model.block.span.end) + 1;
    return insertAtEdit(file, at, `${eol}${indent}${attributeText}`);
  }
  const lastLine = file.lines.positionAt(last.lineSpan.end).line;
  const at = file.lines.lineEnd(lastLine);
  const closeLine = model.block.closeBrace !== null ? file.lines.positionAt(model.block.closeBrace).line : -1;
  if (closeLine === lastLine) {
    // `}` on the same line as the last member (tolerated input): put the attribute on its own line.
    const brace = model.block.closeBrace!;
    return insertAtEdit(file, brace, `${eol}${indent}${attributeText}${eol}`);
  }
  return insertAtEdit(file, at, `${eol}${hasBlockAttrs ? '' : eol}${indent}${attributeText}`);
}

/**
 * Deletes a member's whole line(s), including the line break, and leaves no blank line behind: when
 * the lines above and below are both blank (or the line below closes the block and the line above is
 * blank), one neighbouring blank line goes too.
 */
export function deleteMemberLineEdit(file: SchemaFile, lineSpan: Span): TextEdit {
  const lines = file.lines;
  const first = lines.positionAt(lineSpan.start).line;
  const last = lines.positionAt(lineSpan.end).line;
  let start = lines.lineStarts[first];
  let end = lines.nextLineStart(last);
  const blank = (l: number) => l >= 0 && l < lines.lineCount && lines.lineText(l).trim() === '';
  const below = last + 1;
  const above = first - 1;
  const belowText = below < lines.lineCount ? lines.lineText(below).trim() : '';
  if (blank(above) && (blank(below) || belowText.startsWith('}'))) {
    start = lines.lineStarts[above];
  }
  if (end === lines.text.length && start > 0 && last === lines.lineCount - 1) {
    // Last line of the file without terminator: remove the preceding line break instead.
    start = lines.lineEnd(first - 1);
  }
  return { file: file.path, range: lines.range(start, end), newText: '' };
}

/** Deletes a field attribute (`@unique`, `@db.VarChar(255)`) and the spaces or tabs before it. */
export function deleteFieldAttributeEdit(file: SchemaFile, attribute: { span: Span }): TextEdit {
  let start = attribute.span.start;
  while (start > 0 && (file.text[start - 1] === ' ' || file.text[start - 1] === '\t')) start--;
  return replaceSpanEdit(file, { start, end: attribute.span.end }, '');
}

/**
 * Adds `name: value` to the relation's `@relation(...)` or replaces the value of an existing `name:`
 * argument, keeping the other arguments and their formatting. Without a `@relation` attribute, one is
 * added after the field type.
 */
export function setRelationArgumentEdit(relation: Relation, name: string, valueText: string): TextEdit {
  const field = relation.field;
  const file = field.file;
  const attr = relation.attr;
  if (!attr) {
    const typeEnd = field.decl.type?.span.end ?? field.decl.name.span.end;
    return insertAtEdit(file, typeEnd, ` @relation(${name}: ${valueText})`);
  }
  const args = attr.args;
  if (!args) return insertAtEdit(file, attr.nameSpan.end, `(${name}: ${valueText})`);
  const existing = args.args.find((a) => a.name?.name === name);
  if (existing) return replaceSpanEdit(file, existing.value.span, valueText);
  if (!args.args.length) return insertAtEdit(file, args.span.start + 1, `${name}: ${valueText}`);
  const lastArg = args.args[args.args.length - 1];
  return insertAtEdit(file, lastArg.span.end, `, ${name}: ${valueText}`);
}

/** Inserts `?` after the type of each field that is neither optional nor a list. */
export function makeOptionalEdits(fields: Field[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const f of fields) {
    const t = f.decl.type;
    if (!t || t.optional || t.list) continue;
    out.push(insertAtEdit(f.file, t.span.end, '?'));
  }
  return out;
}

/** Adds an attribute at the end of a field's attributes (before a trailing comment). */
export function appendFieldAttributeEdit(field: Field, attributeText: string): TextEdit {
  const decl = field.decl;
  const end = decl.attributes.length ? decl.attributes[decl.attributes.length - 1].span.end : (decl.type?.span.end ?? decl.name.span.end);
  return insertAtEdit(field.file, end, ` ${attributeText}`);
}

/** Adds a new field line after the last field of a model (before any block attributes), aligned with its indentation. */
export function insertFieldLineEdit(model: Model, fieldText: string): TextEdit {
  const file = model.file;
  const eol = detectEol(file.text);
  const indent = memberIndent(model);
  const fields = model.block.members.filter((m) => m.kind === 'field');
  const anchor = fields[fields.length - 1];
  if (!anchor) {
    const at = (model.block.openBrace ?? model.block.span.end) + 1;
    return insertAtEdit(file, at, `${eol}${indent}${fieldText}`);
  }
  const line = file.lines.positionAt(anchor.lineSpan.end).line;
  return insertAtEdit(file, file.lines.lineEnd(line), `${eol}${indent}${fieldText}`);
}
