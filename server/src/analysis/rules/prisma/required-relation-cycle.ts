import { defineRule, type Report } from '../../rule';
import { stronglyConnectedComponents } from '../../graph';
import { memoSchema } from '../../prisma/memo';
import { checkedOwnedRelations, keyOfOwnedRelations, type Model, type PrismaSchema, type Relation } from '../../prisma/schema';
import { isRequiredRelation, relationArgRange, relationSubject } from '../../prisma/fix-relation';

interface Edge {
  from: Model;
  to: Model;
  rel: Relation;
  required: boolean;
}

function edgesOf(schema: PrismaSchema): Edge[] {
  const out: Edge[] = [];
  for (const from of schema.models) for (const rel of checkedOwnedRelations(from)) {
    const to = rel.target;
    if (!to || to.kind !== 'model' || to.isIgnored) continue;
    if (rel.scalarFields.length !== rel.fields.length) continue;
    const required = isRequiredRelation(rel);
    // An optional self-relation is an ordinary tree (parentId): not a cycle anyone needs to hear about.
    if (from === to && !required) continue;
    out.push({ from, to, rel, required });
  }
  return out;
}

/** Strongly connected components of the models under `edges`. */
function components(nodes: Model[], edges: Edge[]): Model[][] {
  const adj = new Map<Model, Model[]>();
  for (const n of nodes) adj.set(n, []);
  for (const e of edges) adj.get(e.from)?.push(e.to);
  return stronglyConnectedComponents(nodes, (m) => adj.get(m) ?? []);
}

/** A shortest cycle through `start` using only `edges` inside `members` (BFS). */
function shortestCycle(start: Model, members: Set<Model>, edges: Edge[]): Edge[] | null {
  const out = new Map<Model, Edge[]>();
  for (const e of edges) if (members.has(e.from) && members.has(e.to)) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  const prev = new Map<Model, Edge>();
  const queue: Model[] = [start];
  const seen = new Set<Model>([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const e of out.get(v) ?? []) {
      if (e.to === start) {
        const path: Edge[] = [e];
        let cur = v;
        while (cur !== start) {
          const p = prev.get(cur)!;
          path.unshift(p);
          cur = p.from;
        }
        return path;
      }
      if (!seen.has(e.to)) {
        seen.add(e.to);
        prev.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return null;
}

function listNames(models: Model[]): string {
  const names = models.map((m) => m.name);
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length - 8} more)` : names.join(', ');
}

function cycleName(cycle: Edge[]): string {
  return [...cycle.map((e) => e.from.name), cycle[0].from.name].join(' → ');
}

export default defineRule({
  id: 'required-relation-cycle',
  title: 'Relations form a cycle',
  category: 'Relations',
  defaultSeverity: 'warning',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports models whose foreign keys form a cycle (A → B → A, following `fields: [...]` from child to parent). When every relation on the cycle is required the finding is a warning; when at least one is optional it is `info`. A required self-relation (`parent Node @relation(fields: [parentId], …)` with `parentId Int`) is a cycle of one; an optional self-relation is an ordinary tree and is not reported. One finding per group of models that reach each other, naming its shortest cycle.',
    whyItMatters:
      'With a required cycle no row can be inserted first: the Team needs an existing owner User, and the User needs an existing Team, so every `create` fails with a foreign-key violation unless the constraints are deferred (which Prisma cannot express). A required self-relation makes the very first row impossible. Optional cycles work, but inserts need two steps (insert, then update the reference), deletes depend on the order of actions, and migrations must add the foreign keys with `ALTER TABLE … ADD CONSTRAINT` after both tables exist.',
    example:
      'model Team {\n  id      Int    @id\n  owner   User   @relation("TeamOwner", fields: [ownerId], references: [id])\n  ownerId Int    @unique\n  members User[] @relation("TeamMembers")\n}\n\nmodel User {\n  id     Int   @id\n  team   Team  @relation("TeamMembers", fields: [teamId], references: [id])\n  teamId Int\n  owns   Team? @relation("TeamOwner")\n\n  @@index([teamId])\n}\n',
    useInstead:
      'model Team {\n  id      Int    @id\n  members User[] @relation("TeamMembers")\n  owners  User[] @relation("TeamOwner")\n}\n\nmodel User {\n  id      Int     @id\n  team    Team    @relation("TeamMembers", fields: [teamId], references: [id])\n  teamId  Int\n  owns    Team?   @relation("TeamOwner", fields: [ownsId], references: [id])\n  ownsId  Int?\n\n  @@index([teamId])\n  @@index([ownsId])\n}\n',
    fixSafety:
      'No automatic fix: breaking a cycle means choosing which side owns the reference (or making one side optional), which changes the data model.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema) return;
    memoSchema(schema, 'required-relation-cycle', graphKey, report, (report) => checkSchema(schema, report));
  },
});

/**
 * Everything the cycles and their messages depend on besides positions: the models (in order) with
 * their kind and whether ignored, and each owning relation's ends, fields, arity and state.
 */
function graphKey(schema: PrismaSchema): string[] {
  // One string per model (the same string object while a model's part is unchanged: compared by identity).
  const parts: string[] = new Array(schema.models.length);
  for (let i = 0; i < schema.models.length; i++) parts[i] = modelGraphKey(schema.models[i]);
  return parts;
}

/** One model's part of `graphKey`; a model a session reused, with the same relations, gives the same string. */
const modelGraphKey = keyOfOwnedRelations((m, relations) => {
  let key = `${m.file.path}:${m.name}:${m.kind}:${m.isIgnored ? 1 : 0}`;
  for (const rel of relations) {
    const f = rel.field;
    key += `>${f.name}:${rel.target?.name ?? ''}:${rel.fields.join(',')}:${rel.scalarFields.length}:${isRequiredRelation(rel) ? 1 : 0}:${f.isIgnored ? 1 : 0}`;
  }
  return key;
});

function checkSchema(schema: PrismaSchema, report: (r: Report) => void): void {
  const nodes = schema.models.filter((m) => m.kind === 'model' && !m.isIgnored);
  const all = edgesOf(schema);
  const required = all.filter((e) => e.required);
  const covered = new Set<Model>();
  const emit = (comp: Model[], edges: Edge[], severity: 'warning' | 'info') => {
    const members = new Set(comp);
    const order = nodes.filter((n) => members.has(n));
    let cycle: Edge[] | null = null;
    for (const start of order) {
      const c = shortestCycle(start, members, edges);
      if (c && (!cycle || c.length < cycle.length)) cycle = c;
      if (cycle && cycle.length <= 2) break;
    }
    if (!cycle) return;
    const first = cycle[0];
    const name = cycleName(cycle);
    const optionalOnes = cycle.filter((e) => !e.required).map((e) => `${e.from.name}.${e.rel.field.name}`);
    const others = comp.length > cycle.length ? ` (${comp.length} models reach each other through relations here: ${listNames(order)})` : '';
    const self = cycle.length === 1;
    const message =
      severity === 'warning'
        ? self
          ? `Required self-relation ${name}: the first ${first.from.name} row can never be inserted, because it must reference an existing ${first.from.name}. Make \`${first.rel.fields.join('`, `')}\` and \`${first.rel.field.name}\` optional.`
          : `Required relations form a cycle: ${name}${others}. No row can be inserted first without deferred constraints; make one relation on the cycle optional.`
        : `Relations form a cycle: ${name}${others}. It works only because ${optionalOnes.map((o) => `\`${o}\``).join(', ')} ${optionalOnes.length > 1 ? 'are' : 'is'} optional: inserts need two steps, and migrations add these foreign keys after both tables exist.`;
    report({
      file: first.from.file.path,
      range: relationArgRange(first.rel),
      message,
      severity,
      subject: relationSubject(first.rel),
      related: cycle.slice(1).map((e) => ({
        file: e.from.file.path,
        range: relationArgRange(e.rel),
        message: `${e.from.name}.${e.rel.field.name} → ${e.to.name}${e.required ? '' : ' (optional)'}`,
      })),
      data: { cycle: name, models: order.map((m) => m.name).join(', '), kind: severity === 'warning' ? 'required' : 'optional' },
    });
  };
  const selfLoops = new Set<Model>();
  for (const e of required) if (e.from === e.to) selfLoops.add(e.from);
  for (const comp of components(nodes, required)) {
    const selfLoop = comp.length === 1 && selfLoops.has(comp[0]);
    if (comp.length < 2 && !selfLoop) continue;
    const members = new Set(comp);
    emit(comp, required.filter((e) => members.has(e.from) && members.has(e.to)), 'warning');
    for (const m of comp) covered.add(m);
  }
  for (const comp of components(nodes, all)) {
    if (comp.length < 2) continue;
    if (comp.some((m) => covered.has(m))) continue;
    emit(comp, all, 'info');
  }
}
