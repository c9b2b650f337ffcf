/** Collects every span of a Prisma syntax tree (in tree order) with a label, for position tests. */
import type { ArgList, Attribute, Expr, SchemaFileAst, Span } from '../../server/src/analysis/prisma/ast';

export interface LabeledSpan {
  label: string;
  span: Span;
}

function expr(e: Expr, label: string, out: LabeledSpan[]): void {
  out.push({ label: `${label}:${e.kind}`, span: e.span });
  if (e.kind === 'call') {
    out.push({ label: `${label}:call-name`, span: e.nameSpan });
    args(e.args, `${label}(`, out);
  } else if (e.kind === 'array') e.items.forEach((x, i) => expr(x, `${label}[${i}]`, out));
}

function args(a: ArgList, label: string, out: LabeledSpan[]): void {
  out.push({ label: `${label}args`, span: a.span });
  a.args.forEach((x, i) => {
    out.push({ label: `${label}arg${i}`, span: x.span });
    if (x.name) out.push({ label: `${label}arg${i}:name`, span: x.name.span });
    expr(x.value, `${label}arg${i}`, out);
  });
}

function attribute(a: Attribute, label: string, out: LabeledSpan[]): void {
  out.push({ label: `${label}@${a.name}`, span: a.span });
  out.push({ label: `${label}@${a.name}:name`, span: a.nameSpan });
  if (a.args) args(a.args, `${label}@${a.name}`, out);
}

export function allSpans(ast: SchemaFileAst): LabeledSpan[] {
  const out: LabeledSpan[] = [];
  for (const b of ast.blocks) {
    const bl = `${b.kind} ${b.name?.name ?? '?'}`;
    out.push({ label: bl, span: b.span });
    out.push({ label: `${bl}:keyword`, span: b.keyword.span });
    if (b.name) out.push({ label: `${bl}:name`, span: b.name.span });
    if (b.openBrace !== null) out.push({ label: `${bl}:{`, span: { start: b.openBrace, end: b.openBrace + 1 } });
    if (b.closeBrace !== null) out.push({ label: `${bl}:}`, span: { start: b.closeBrace, end: b.closeBrace + 1 } });
    for (const m of b.members) {
      const ml = `${bl}.${m.kind === 'blockAttribute' ? `@@${m.attribute.name}` : m.name.name}`;
      out.push({ label: ml, span: m.span });
      out.push({ label: `${ml}:line`, span: m.lineSpan });
      if (m.kind === 'blockAttribute') attribute(m.attribute, `${ml}:`, out);
      else {
        out.push({ label: `${ml}:name`, span: m.name.span });
        if (m.kind === 'field') {
          if (m.type) {
            out.push({ label: `${ml}:type`, span: m.type.span });
            out.push({ label: `${ml}:type-name`, span: m.type.nameSpan });
          }
          m.attributes.forEach((a) => attribute(a, `${ml}:`, out));
        } else if (m.kind === 'enumValue') m.attributes.forEach((a) => attribute(a, `${ml}:`, out));
        else if (m.value) expr(m.value, `${ml}=`, out);
      }
    }
  }
  ast.comments.forEach((c, i) => out.push({ label: `comment${i}`, span: c.span }));
  ast.diagnostics.forEach((d, i) => out.push({ label: `diagnostic${i} ${d.message}`, span: d.span }));
  return out;
}
