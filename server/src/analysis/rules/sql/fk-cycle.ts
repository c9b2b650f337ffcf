import { defineRule } from '../../rule';
import { stronglyConnectedComponents } from '../../graph';
import { sourceOrder, type ForeignKey } from '../../sql/catalog';
import { headRange, migrationAt, sqlProject, tableName } from './util';

export default defineRule({
  id: 'fk-cycle',
  title: 'Foreign keys form a cycle',
  category: 'Relations',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Builds the graph of foreign keys after all migrations (self-references excluded) and reports each cycle of tables that reference each other, e.g. `brand_profiles.voice_id → voice_fingerprints` and `voice_fingerprints.brand_id → brand_profiles`.',
    whyItMatters:
      'With NOT NULL columns no row can be inserted first; even with nullable ones every insert needs two statements and deletes need an order (or `ON DELETE` actions that chase each other). Dumps and restores of one table, seed scripts and test fixtures all have to defer constraints.',
    example:
      'CREATE TABLE brand_profiles (id bigint PRIMARY KEY, voice_id bigint);\nCREATE TABLE voice_fingerprints (id bigint PRIMARY KEY, brand_id bigint REFERENCES brand_profiles (id));\nALTER TABLE brand_profiles ADD CONSTRAINT brand_profiles_voice_fk FOREIGN KEY (voice_id) REFERENCES voice_fingerprints (id);\n',
    useInstead:
      'CREATE TABLE brand_profiles (id bigint PRIMARY KEY);\nCREATE TABLE voice_fingerprints (id bigint PRIMARY KEY, brand_id bigint REFERENCES brand_profiles (id));\n',
    fixSafety: 'No automatic fix: drop one direction (derive it with a query) or make it `DEFERRABLE INITIALLY DEFERRED`.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    const tables = project.catalog.tables;
    const edges = new Map<string, Array<{ to: string; fk: ForeignKey }>>();
    for (const t of tables.values()) {
      for (const fk of t.foreignKeys) {
        if (fk.refTable === t.key || !tables.has(fk.refTable)) continue;
        const list = edges.get(t.key) ?? [];
        list.push({ to: fk.refTable, fk });
        edges.set(t.key, list);
      }
    }
    const components = stronglyConnectedComponents(tables.keys(), (k) => (edges.get(k) ?? []).map((e) => e.to)).filter((c) => c.length > 1);
    for (const comp of components) {
      const inComp = new Set(comp);
      // Report at the foreign key that closed the cycle (the latest one), with a path through the cycle.
      const compEdges = comp.flatMap((k) => (edges.get(k) ?? []).filter((e) => inComp.has(e.to)).map((e) => ({ from: k, ...e })));
      compEdges.sort((a, b) => sourceOrder(b.fk.source, a.fk.source));
      const closing = compEdges[0];
      const path = findPath(closing.to, closing.from, edges, inComp);
      const cycle = [closing.from, ...path].map(tableName);
      // The keys along the cycle: the closing one, then one for each step of the path.
      const keys = [closing, ...path.slice(0, -1).map((k, i) => ({ from: k, ...(edges.get(k) ?? []).find((e) => e.to === path[i + 1])! }))].filter((e) => e.fk);
      const nullable = keys.find((e) => e.fk.columns.every((c) => tables.get(e.from)?.columns.get(c)?.notNull === false));
      const releases = keys.find((e) => e.fk.onDelete === 'CASCADE' || e.fk.onDelete === 'SET NULL');
      const inserts = nullable
        ? `Rows that reference each other are inserted with \`${tableName(nullable.from)}.${nullable.fk.columns.join(', ')}\` NULL and updated afterwards (or with deferred constraints)`
        : 'No row of it can be inserted first without deferred constraints (every key of the cycle is NOT NULL)';
      const deletes = releases
        ? `\`${tableName(releases.from)}.${releases.fk.columns.join(', ')}\` is ON DELETE ${releases.fk.onDelete}, so ${tableName(releases.fk.refTable)} rows can be deleted in one statement`
        : 'deleting a row needs the references to it cleared first';
      const m = migrationAt(project, closing.fk.source.file);
      if (!m) continue;
      const stmt = (closing.fk.source.statement ?? m.file.statements[closing.fk.source.statementIndex]);
      report({
        file: m.path,
        range: headRange(m.file, stmt),
        anchorLine: stmt.range.start.line,
        migration: m.label,
        message: `Foreign keys form a cycle: ${cycle.join(' → ')}${comp.length > cycle.length - 1 ? ` (${comp.length} tables are mutually reachable)` : ''}. ${inserts}; ${deletes}.`,
        subject: { table: tableName(closing.from), column: closing.fk.columns[0] },
        data: { cycle: cycle.join(' → ') },
      });
    }
  },
});

function findPath(from: string, to: string, edges: Map<string, Array<{ to: string }>>, allowed: Set<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const v = queue.shift()!;
    if (v === to) break;
    for (const e of edges.get(v) ?? []) {
      if (!allowed.has(e.to) || seen.has(e.to)) continue;
      seen.add(e.to);
      prev.set(e.to, v);
      queue.push(e.to);
    }
  }
  const path = [to];
  let cur = to;
  while (cur !== from && prev.has(cur)) {
    cur = prev.get(cur)!;
    path.unshift(cur);
  }
  return path;
}
