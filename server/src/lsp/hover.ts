/**
 * Hovers: a finding's rule documentation (with the finding's concrete values), a card for a model
 * name, and what `onDelete`/`onUpdate` and `@@index` do at this spot. Only presentation of facts the
 * analysis already computed (the semantic model and the findings).
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import { renderRuleMarkdown } from '../analysis/docs';
import { RULES_BY_ID } from '../analysis/rules';
import { allIndexes, owningRelations, type IndexDef, type Model, type PrismaSchema, type Relation } from '../analysis/prisma/schema';
import type { Finding, Range } from '../analysis/types';
import type { Snapshot } from './audits';
import { rangesIntersect } from './convert';

const SEP = '\n\n---\n\n';

export function hover(snap: Snapshot, path: string, pos: Position): Hover | null {
  const parts: string[] = [];
  let range: Range | undefined;
  const at: Range = { start: pos, end: pos };

  const findings = (snap.byFile.get(path) ?? []).filter((f) => rangesIntersect(f.range, at));
  for (const f of findings) {
    const rule = RULES_BY_ID.get(f.rule);
    if (rule) parts.push(renderRuleMarkdown(rule, f, { headingLevel: 3 }));
    else parts.push(`**${f.rule}** — ${f.message}`);
    range ??= f.range;
  }

  const schema = path.toLowerCase().endsWith('.prisma') ? snap.schema() : null;
  const file = schema?.files.find((x) => x.path === path);
  if (schema && file) {
    const offset = file.lines.offsetAt(pos);
    const inSpan = (s: { start: number; end: number }) => offset >= s.start && offset <= s.end;
    for (const model of schema.models) {
      if (model.file !== file) continue;
      if (inSpan(model.nameSpan)) {
        parts.push(modelCard(schema, model, snap.findings));
        range ??= file.lines.range(model.nameSpan.start, model.nameSpan.end);
        break;
      }
      if (!inSpan(model.block.span)) continue;
      for (const field of model.fields) {
        const t = field.decl.type;
        if (t && inSpan(t.nameSpan) && field.relation?.target) {
          parts.push(modelCard(schema, field.relation.target, snap.findings));
          range ??= file.lines.range(t.nameSpan.start, t.nameSpan.end);
        }
        const rel = field.relation;
        if (rel?.attr?.args) {
          for (const arg of rel.attr.args.args) {
            const key = arg.name?.name;
            if ((key === 'onDelete' || key === 'onUpdate') && inSpan(arg.span)) {
              parts.push(referentialActionText(rel, key));
              range ??= file.lines.range(arg.span.start, arg.span.end);
            }
          }
        }
      }
      for (const idx of model.indexes) {
        if (idx.kind === 'index' && inSpan(idx.attr.nameSpan)) {
          parts.push(indexText(schema, model, idx));
          range ??= file.lines.range(idx.attr.span.start, idx.attr.span.end);
        }
      }
    }
  }
  if (!parts.length) return null;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join(SEP) }, range };
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

function cols(idx: IndexDef): string {
  return idx.fields.map((f) => f.name + (f.sort === 'Desc' ? ' DESC' : '')).join(', ');
}

function actionPhrase(action: string | null, parent: string, child: string, what: 'delete' | 'update'): string {
  switch (action) {
    case 'Cascade':
      return what === 'delete' ? `deleting a ${parent} deletes its ${child} rows` : `changing a ${parent}'s key updates the ${child} rows`;
    case 'SetNull':
      return `${what === 'delete' ? 'deleting' : 'changing the key of'} a ${parent} sets the reference in its ${child} rows to NULL`;
    case 'Restrict':
      return `${what === 'delete' ? 'deleting' : 'changing the key of'} a ${parent} that still has ${child} rows fails`;
    case 'NoAction':
      return `${what === 'delete' ? 'deleting' : 'changing the key of'} a ${parent} that still has ${child} rows fails (checked at the end of the statement; deferrable in PostgreSQL)`;
    case 'SetDefault':
      return `${what === 'delete' ? 'deleting' : 'changing the key of'} a ${parent} sets the reference in its ${child} rows to the column default`;
    default:
      return 'no referential action (the relation has no foreign key here)';
  }
}

function actionLabel(rel: Relation, key: 'onDelete' | 'onUpdate'): string {
  const explicit = key === 'onDelete' ? rel.onDelete : rel.onUpdate;
  const effective = key === 'onDelete' ? rel.effectiveOnDelete : rel.effectiveOnUpdate;
  return explicit ? `${key}: ${explicit}` : `${key}: ${effective ?? '—'} (default)`;
}

function referentialActionText(rel: Relation, key: 'onDelete' | 'onUpdate'): string {
  const parent = rel.target?.name ?? rel.field.type;
  const child = rel.field.model.name;
  const explicit = key === 'onDelete' ? rel.onDelete : rel.onUpdate;
  const effective = key === 'onDelete' ? rel.effectiveOnDelete : rel.effectiveOnUpdate;
  const what = key === 'onDelete' ? 'delete' : 'update';
  const lines = [
    `**${key}: ${explicit ?? effective}** on ${code(`${child}.${rel.field.name}`)} → ${code(parent)}`,
    `Here: ${actionPhrase(effective, parent, child, what)}.`,
  ];
  if (!explicit) {
    lines.push(`Not written explicitly: Prisma's default for this ${rel.scalarFields.some((f) => !f.isOptional) ? 'required' : 'optional'} relation is \`${effective}\`.`);
  }
  return lines.join('\n\n');
}

function indexText(schema: PrismaSchema, model: Model, idx: IndexDef): string {
  const columns = idx.fields.map((f) => f.name);
  const prefixes = columns.map((_, i) => columns.slice(0, i + 1).join(', '));
  const lines = [
    `**@@index([${cols(idx)}])** on table ${code(model.tableName)}${idx.type ? ` (${idx.type})` : ''}${idx.map ? `, named ${code(idx.map)}` : ''}`,
    `Serves filters and joins on the leading column${columns.length > 1 ? 's' : ''}: ${prefixes.map((p) => `(${p})`).join(', ')}; ` +
      `${columns.length > 1 ? `a filter on ${code(columns[1])} alone cannot use it.` : 'and ordering by it.'}`,
  ];
  const fks = owningRelations(schema).filter(
    (r) => r.field.model === model && r.fields.length && r.fields.every((c, i) => columns[i] === c),
  );
  if (fks.length) {
    lines.push(`Covers the foreign key${fks.length > 1 ? 's' : ''} of ${fks.map((r) => code(`${model.name}.${r.field.name}`)).join(', ')}: deleting a parent row finds the children through it.`);
  }
  const wider = allIndexes(model).filter((o) => o !== idx && o.fields.length >= idx.fields.length && columns.every((c, i) => o.fields[i]?.name === c));
  if (wider.length) lines.push(`Also covered by ${wider.map((o) => `${o.kind === 'id' ? 'the primary key' : o.kind === 'unique' ? 'the unique constraint' : 'the index'} (${cols(o)})`).join(', ')}.`);
  return lines.join('\n\n');
}

function modelCard(schema: PrismaSchema, model: Model, findings: Finding[]): string {
  const out: string[] = [];
  const table = model.schemaName ? `${model.schemaName}.${model.tableName}` : model.tableName;
  out.push(`### ${model.kind} ${model.name}`);
  out.push(`**Table:** ${code(table)}${model.isIgnored ? ' (ignored by Prisma Client)' : ''}`);
  out.push(`**Primary key:** ${model.primaryKey ? `(${cols(model.primaryKey)})` : '_none_'}`);
  const idx = [...model.uniques.map((u) => `- unique (${cols(u)})`), ...model.indexes.map((i) => `- ${i.kind === 'fulltext' ? 'fulltext' : 'index'} (${cols(i)})${i.type ? ` ${i.type}` : ''}`)];
  out.push(`**Indexes:**${idx.length ? '\n' + idx.join('\n') : ' _none besides the primary key_'}`);
  const outgoing = model.fields.filter((f) => f.relation && f.relation.fields.length).map((f) => f.relation!);
  const incoming = owningRelations(schema).filter((r) => r.target === model);
  const relLine = (r: Relation, dir: 'out' | 'in') =>
    dir === 'out'
      ? `- ${code(r.field.name)} → ${r.target?.name ?? r.field.type} (${r.fields.join(', ')} → ${r.references.join(', ')}): ${actionLabel(r, 'onDelete')}, ${actionLabel(r, 'onUpdate')}`
      : `- ${r.field.model.name}.${r.field.name} → ${model.name} (${r.fields.join(', ')}): ${actionLabel(r, 'onDelete')}, ${actionLabel(r, 'onUpdate')}`;
  out.push(`**Relations out:**${outgoing.length ? '\n' + outgoing.map((r) => relLine(r, 'out')).join('\n') : ' _none_'}`);
  out.push(`**Relations in:**${incoming.length ? '\n' + incoming.map((r) => relLine(r, 'in')).join('\n') : ' _none_'}`);
  const mine = findings.filter((f) => f.subject.model === model.name);
  out.push(`**Findings:**${mine.length ? '\n' + mine.map((f) => `- \`${f.rule}\` (${f.severity}): ${f.message}`).join('\n') : ' _none_'}`);
  return out.join('\n\n');
}
