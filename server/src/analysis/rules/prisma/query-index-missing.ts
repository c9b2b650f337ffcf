import { defineRule } from '../../rule';
import { insertBlockAttributeEdit } from '../../prisma/edits';
import { allIndexes, checkedOwnedRelations, rangeOf, type IndexDef, type Model, type PrismaSchema } from '../../prisma/schema';
import { LineIndex } from '../../text';
import type { RelatedLocation, SourceFile } from '../../types';
import { findPrismaCalls, prop, type JsValue, type PrismaCall } from '../../code/prisma-calls';
import { fkIndexesNeeded } from './missing-fk-index';
import { sameList } from '../../lists';

/** Filter operators that a B-tree index serves as equality (`in` is a list of equalities). */
const EQUALITY_OPS = ['equals', 'in'];
/** Filter operators that a B-tree index serves as a range. */
const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'];

/** What one call needs from an index: equality fields first, then one range or sort field. */
interface Need {
  eq: string[];
  next: string | null;
  nextKind: 'range' | 'order' | null;
}

/** The index a need asks for: its equality fields, then its range or sort field. */
function columnsOf(need: Need): string[] {
  return need.next ? [...need.eq, need.next] : [...need.eq];
}

interface CallSite {
  file: string;
  call: PrismaCall;
  lines: LineIndex;
}

/** Prisma Client's accessor of a model: its name with the first letter in lower case. */
export function clientAccessor(modelName: string): string {
  return modelName.charAt(0).toLowerCase() + modelName.slice(1);
}

/** Calls per code file, kept while the file's text is unchanged (the language server re-audits on every keystroke). */
const callCache = new Map<string, { text: string; accessors: string; calls: PrismaCall[]; lines: LineIndex }>();

function callsOf(file: SourceFile, accessors: Set<string>, accessorsKey: string): { calls: PrismaCall[]; lines: LineIndex } {
  const hit = callCache.get(file.path);
  if (hit && hit.text === file.text && hit.accessors === accessorsKey) return hit;
  const entry = { text: file.text, accessors: accessorsKey, calls: findPrismaCalls(file.text, (n) => accessors.has(n)), lines: new LineIndex(file.text) };
  if (callCache.size > 20_000) callCache.clear();
  callCache.set(file.path, entry);
  return entry;
}

/** Index types that can serve an equality or range condition on their first column. */
function usable(ix: IndexDef): boolean {
  if (ix.kind === 'fulltext') return false;
  return ix.type === null || ix.type === 'BTree' || ix.type === 'Hash' || ix.type === 'Brin';
}

/** Whether a field is a plain column a B-tree can filter on. */
function filterable(model: Model, name: string): boolean {
  const f = model.fieldByName.get(name);
  if (!f || f.isIgnored || f.isList) return false;
  if (f.kind !== 'scalar' && f.kind !== 'enum') return false;
  return f.type !== 'Json' && f.type !== 'Bytes';
}

/** The unique (or id) field lists of a model. */
function uniqueLists(model: Model): string[][] {
  const out: string[][] = [];
  if (model.primaryKey) out.push(model.primaryKey.fields.map((f) => f.name));
  for (const u of model.uniques) out.push(u.fields.map((f) => f.name));
  return out;
}

/**
 * What a call's `where` and `orderBy` need from an index, or null when the call needs nothing (no
 * filter the rule can read) or looks up one row by a unique key.
 */
export function needOf(model: Model, call: PrismaCall): Need | null {
  const where = prop(call.args ?? undefined, 'where');
  // Conditional spreads (`...(domain && { domain })`) only add filters: the literal part always applies.
  if (!where || where.kind !== 'object' || where.opaqueSpread) return null;
  const eq: string[] = [];
  const range: string[] = [];
  let unique = false;
  const uniques = uniqueLists(model);
  const visit = (obj: Extract<JsValue, { kind: 'object' }>): void => {
    for (const p of obj.props) {
      if (p.key === null) continue;
      if (p.key === 'AND') {
        if (p.value.kind === 'object' && !p.value.opaqueSpread) visit(p.value);
        else if (p.value.kind === 'array') for (const item of p.value.items) if (item.kind === 'object' && !item.opaqueSpread) visit(item);
        continue;
      }
      if (p.key === 'OR') {
        // Branches that all filter the same one field (`OR: [{ expiresAt: {…} }, { expiresAt: {…} }]`) filter that field.
        const one = sameFieldBranches(p.value);
        if (one) visit(one);
        continue;
      }
      if (!model.fieldByName.has(p.key)) {
        // A compound unique (`userId_postId: { userId, postId }`): one row.
        const v = p.value;
        if (v.kind === 'object' && v.props.length) {
          const keys = v.props.map((q) => q.key ?? '');
          if (uniques.some((u) => u.length === keys.length && u.every((f) => keys.includes(f)))) unique = true;
        }
        continue;
      }
      if (!filterable(model, p.key)) continue;
      const v = p.value;
      // `deletedAt: null`: mostly-NULL columns make a poor index lead (a partial index is the tool for it).
      if (v.kind === 'literal' && (v.value === undefined || v.value === null)) continue;
      if (v.kind === 'object') {
        if (v.spread || prop(v, 'mode')) continue;
        const equals = prop(v, 'equals');
        if (equals?.kind === 'literal' && equals.value === null) continue;
        const keys = v.props.map((q) => q.key);
        if (keys.some((k) => k !== null && EQUALITY_OPS.includes(k))) eq.push(p.key);
        else if (keys.some((k) => k !== null && RANGE_OPS.includes(k))) range.push(p.key);
        continue;
      }
      if (v.kind === 'array') continue;
      eq.push(p.key);
    }
  };
  visit(where);
  if (unique) return null;
  const eqSet = [...new Set(eq)];
  if (uniques.some((u) => u.length && u.every((f) => eqSet.includes(f)))) return null;
  let next: string | null = range.find((r) => !eqSet.includes(r)) ?? null;
  let nextKind: Need['nextKind'] = next ? 'range' : null;
  if (!next && eqSet.length) {
    const order = orderField(model, prop(call.args ?? undefined, 'orderBy'));
    if (order && !eqSet.includes(order)) {
      next = order;
      nextKind = 'order';
    } else if (order && eqSet.length > 1) {
      // Sorted by a field it also filters on (`viewedAt: interval, …, orderBy: { viewedAt }`): the
      // value may well be a range (a variable), and either way that field serves best last.
      eqSet.splice(eqSet.indexOf(order), 1);
      eqSet.push(order);
    }
  }
  if (!eqSet.length && !next) return null;
  return { eq: eqSet, next, nextKind };
}

/**
 * The one-field filter an `OR` amounts to when every branch is an object literal filtering the same
 * single field (`OR: [{ a: 1 }, { a: { gt: 5 } }]`), as one object (`{ a: { gt: 5 } }` when any
 * branch is a range, the first branch otherwise); null for any other `OR`.
 */
function sameFieldBranches(v: JsValue): Extract<JsValue, { kind: 'object' }> | null {
  if (v.kind !== 'array' || v.spread || !v.items.length) return null;
  let key: string | null = null;
  let pick: Extract<JsValue, { kind: 'object' }> | null = null;
  for (const item of v.items) {
    if (item.kind !== 'object' || item.spread || item.props.length !== 1) return null;
    const k = item.props[0].key;
    if (k === null || k === 'AND' || k === 'OR' || k === 'NOT' || (key !== null && k !== key)) return null;
    key = k;
    const val = item.props[0].value;
    const isRange = val.kind === 'object' && val.props.some((q) => q.key !== null && RANGE_OPS.includes(q.key));
    if (!pick || isRange) pick = item;
  }
  return pick;
}

/** The first field a call sorts by (`orderBy: { createdAt: 'desc' }` or `[{ createdAt: 'desc' }, …]`). */
function orderField(model: Model, orderBy: JsValue | undefined): string | null {
  const first = orderBy?.kind === 'array' ? orderBy.items[0] : orderBy;
  if (!first || first.kind !== 'object' || first.spread) return null;
  const p = first.props[0];
  if (!p || p.key === null || !filterable(model, p.key)) return null;
  return p.key;
}

/**
 * Whether an index of the model can serve the need at all: one whose first column is a filtered field
 * (an index led by the sort field only orders rows; the filter would still read all of them).
 */
function served(model: Model, need: Need): boolean {
  const cols = new Set(need.nextKind === 'range' ? columnsOf(need) : need.eq);
  return allIndexes(model).some((ix) => usable(ix) && ix.fields.length > 0 && cols.has(ix.fields[0].name) && (ix.type !== 'Hash' || need.eq.includes(ix.fields[0].name)));
}

/** Whether an index with these columns serves the need completely (equality fields in any order, then the range/sort field). */
function fits(columns: string[], need: Need): boolean {
  const k = need.eq.length;
  if (columns.length < k + (need.next ? 1 : 0)) return false;
  const head = new Set(columns.slice(0, k));
  if (!need.eq.every((f) => head.has(f))) return false;
  return !need.next || columns[k] === need.next;
}

/** A path for messages: the code file relative to the folder it shares with the schema file (paths are absolute in the editor). */
function shownPath(codePath: string, schemaPath: string): string {
  if (!codePath.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(codePath)) return codePath;
  const a = codePath.split('/');
  const b = schemaPath.split('/');
  let i = 0;
  while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
  return a.slice(i).join('/');
}

function quoteList(fields: string[]): string {
  return fields.map((f) => `\`${f}\``).join(', ');
}

export default defineRule({
  id: 'query-index-missing',
  title: 'Query filters on fields no index serves',
  category: 'Indexes',
  defaultSeverity: 'info',
  language: 'prisma',
  appliesTo: 'Prisma schema (queries in TypeScript/JavaScript)',
  docs: {
    whatItDoes:
      "Reads the Prisma Client calls in the workspace's TypeScript/JavaScript (`prisma.<model>.findMany`, `findFirst`, `findUnique`, `count`, `aggregate`, `groupBy`, `updateMany`, `deleteMany`, and the `OrThrow` variants) and reports a model whose calls filter on fields (equality, `in`, or a range, also inside `AND`) when no `@id`, `@unique`, `@@unique` or `@@index` of the model starts with any of the filtered fields (an index led by the sort field alone orders the rows but does not find them). One finding per suggested index, on the model, naming the call sites (file:line). Only object literals are read, written in the call or in a `const` declared above it in the same scope (`const where = { … }`, then `findMany({ where })`): conditional spreads (`...(q && { title: q })`) only add filters, so the literal part of such a `where` is read, while a `where` with any other spread (`...base`), or built in a variable that changes, is not guessed at; an `OR` counts only when all its branches filter the same one field (`OR: [{ expiresAt: … }, { expiresAt: … }]`), `NOT` never; `field: null` is no index lead (a mostly-NULL column such as `deletedAt` wants a partial index instead); relation filters, `Json` fields, text search (`contains`, `mode: \"insensitive\"`) and lookups by a unique key are not counted. When the suggested index is exactly an unindexed foreign key, `missing-fk-index` reports it instead, and so it does when the filter has other equality fields besides an unindexed foreign key (the foreign key\'s own index then serves it; a foreign key with only a range or sort field still gets its composite, `[authorId, createdAt]`, which serves the foreign key too).",
    whyItMatters:
      'Without an index that starts with one of the filtered columns, PostgreSQL reads the whole table for every such query and, with `orderBy`, sorts what it found. That is invisible on a development database of a hundred rows and becomes the slowest query in production as the table grows. The index to add is the composite the query can use fully: its equality fields first (in any order), then the one field it filters by range or sorts by.',
    example:
      '// file: schema.prisma\nmodel Post {\n  id        String   @id @default(cuid())\n  authorId  String\n  published Boolean  @default(false)\n  createdAt DateTime @default(now())\n}\n// file: src/feed.ts\nexport function feed(prisma: any, authorId: string) {\n  return prisma.post.findMany({\n    where: { authorId, published: true },\n    orderBy: { createdAt: "desc" },\n  });\n}\n',
    useInstead:
      '// file: schema.prisma\nmodel Post {\n  id        String   @id @default(cuid())\n  authorId  String\n  published Boolean  @default(false)\n  createdAt DateTime @default(now())\n\n  @@index([authorId, published, createdAt])\n}\n// file: src/feed.ts\nexport function feed(prisma: any, authorId: string) {\n  return prisma.post.findMany({\n    where: { authorId, published: true },\n    orderBy: { createdAt: "desc" },\n  });\n}\n',
    fixSafety:
      'The fix adds `@@index([...])` at the end of the model. It changes no data and no query result; the next `prisma migrate dev` creates the index. Every index costs some write time and disk, so check the suggestion against how often the query runs; on a large, busy table create it with `CREATE INDEX CONCURRENTLY` in a hand-edited migration.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    const code = ctx.input.codeFiles;
    if (!schema || !code?.length) return;
    const byAccessor = new Map<string, Model>();
    for (const m of schema.models) if (m.kind === 'model' && !m.isIgnored) byAccessor.set(clientAccessor(m.name), m);
    if (!byAccessor.size) return;
    const accessors = new Set(byAccessor.keys());
    const accessorsKey = [...accessors].sort().join(',');

    // The index missing-fk-index asks for on a foreign key (led by its first field) will serve a
    // filter on that field and others as well: that finding is the advice, not a wide composite over
    // it. (A foreign key plus only a sort or range field still gets its composite: `[authorId,
    // createdAt]` serves the foreign key too.)
    const fkLeadsOn = ctx.isEnabled('missing-fk-index') && fkIndexesNeeded(schema);
    const fkLeads = new Map<Model, Set<string>>();
    const leadsOf = (model: Model): Set<string> => {
      let leads = fkLeads.get(model);
      if (!leads) fkLeads.set(model, (leads = new Set(fkLeadsOn ? checkedOwnedRelations(model).flatMap((r) => (r.fields.length ? [r.fields[0]] : [])) : [])));
      return leads;
    };
    /** Per model: needs not served, each with its call sites, keyed by need. */
    const unserved = new Map<Model, Map<string, { need: Need; sites: CallSite[] }>>();
    for (const file of code) {
      const { calls, lines } = callsOf(file, accessors, accessorsKey);
      for (const call of calls) {
        const model = byAccessor.get(call.accessor)!;
        const need = needOf(model, call);
        if (!need || served(model, need)) continue;
        const leads = leadsOf(model);
        if (leads.size && need.eq.length > 1 && need.eq.some((f) => leads.has(f))) continue;
        const key = `${[...need.eq].sort().join(',')}|${need.next ?? ''}`;
        let byNeed = unserved.get(model);
        if (!byNeed) unserved.set(model, (byNeed = new Map()));
        const entry = byNeed.get(key);
        if (entry) entry.sites.push({ file: file.path, call, lines });
        else byNeed.set(key, { need, sites: [{ file: file.path, call, lines }] });
      }
    }

    for (const [model, byNeed] of unserved) {
      // Longest needs first; a shorter one the longer one's index also serves joins it.
      const groups = [...byNeed.values()].sort((a, b) => columnsOf(b.need).length - columnsOf(a.need).length);
      const kept: Array<{ columns: string[]; needs: Need[]; sites: CallSite[] }> = [];
      for (const g of groups) {
        const home = kept.find((k) => fits(k.columns, g.need));
        if (home) {
          home.needs.push(g.need);
          home.sites.push(...g.sites);
        } else kept.push({ columns: columnsOf(g.need), needs: [g.need], sites: [...g.sites] });
      }
      for (const k of kept) {
        if (isUnindexedForeignKey(schema, model, k.columns) && ctx.isEnabled('missing-fk-index')) continue;
        report(buildReport(model, k.columns, k.needs, k.sites));
      }
    }
  },
});

/** `missing-fk-index` already suggests exactly this index (a relation over these columns, none of which leads an index). */
function isUnindexedForeignKey(schema: PrismaSchema, model: Model, columns: string[]): boolean {
  if (!fkIndexesNeeded(schema)) return false;
  return checkedOwnedRelations(model).some((r) => sameList(r.fields, columns));
}

const MAX_SITES_IN_MESSAGE = 5;

function buildReport(model: Model, columns: string[], needs: Need[], sites: CallSite[]) {
  const file = model.file;
  sites.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.call.start - b.call.start));
  const attribute = `@@index([${columns.join(', ')}])`;
  const main = needs[0];
  const filtered = main.eq.length ? `filter${sites.length === 1 ? 's' : ''} ${model.name} on ${quoteList(main.eq)}` : '';
  const then = main.next ? (main.nextKind === 'range' ? `${filtered ? ' and by a range of' : `filter${sites.length === 1 ? 's' : ''} ${model.name} by a range of`} \`${main.next}\`` : ` and sort${sites.length === 1 ? 's' : ''} by \`${main.next}\``) : '';
  const where = (s: CallSite) => `${shownPath(s.file, file.path)}:${s.lines.positionAt(s.call.start).line + 1}`;
  // Two calls on one line are one place to look at.
  const places = [...new Set(sites.map(where))];
  const shown = places.slice(0, MAX_SITES_IN_MESSAGE);
  const more = places.length > MAX_SITES_IN_MESSAGE ? ` and ${places.length - MAX_SITES_IN_MESSAGE} more` : '';
  const calls = sites.length === 1 ? `\`${sites[0].call.accessor}.${sites[0].call.method}\` (${shown[0]})` : `${sites.length} Prisma Client calls (${shown.join(', ')}${more})`;
  // The filtered fields (what `served` looks for): a sort field only orders what they find.
  const fields = [...new Set(needs.flatMap((n) => (n.nextKind === 'range' ? columnsOf(n) : n.eq)))];
  const related: RelatedLocation[] = sites.map((s) => ({ file: s.file, range: s.lines.range(s.call.start, s.call.end), message: `${s.call.accessor}.${s.call.method}` }));
  return {
    file: file.path,
    range: rangeOf(file, model.nameSpan),
    message: `${calls} ${filtered}${then}, but no index of ${model.name} starts with ${fields.length === 1 ? 'this field' : `any of ${quoteList(fields)}`}: each such query reads the whole table. Add \`${attribute}\`.`,
    subject: { model: model.name, field: columns[0] },
    related,
    data: { suggestedIndex: attribute, callSites: sites.map(where).join(', ') },
    fixes: [{ title: `Add ${attribute} to ${model.name}`, edits: [insertBlockAttributeEdit(model, attribute)], isPreferred: true, safe: true }],
  };
}
