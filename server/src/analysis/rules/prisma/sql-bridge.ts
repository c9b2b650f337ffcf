import type { AuditContext } from '../../engine';
import type { PrismaSchema } from '../../prisma/schema';
import { qualify, type Catalog } from '../../sql/catalog';
import { sqlChecks, type SharedIdCheck } from '../sql/shared-ids';

/** The SQL-migration check of a rule id shared by the Prisma and SQL sides, if the SQL module has one. */
export function sqlCheckFor(id: 'missing-fk-index' | 'redundant-index' | 'missing-primary-key'): SharedIdCheck | undefined {
  return sqlChecks[id];
}

/**
 * Models whose table is a plain view the migrations create (a model over a view, the way before
 * Prisma's `view` blocks: civitai's `PostResourceHelper`): a view has no foreign keys, referential
 * actions or indexes, so the relation and foreign-key rules leave these models alone. Empty without
 * migrations.
 */
export function viewBackedModels(ctx: AuditContext): ReadonlySet<string> {
  const schema = ctx.prisma;
  const catalog = schema && ctx.sql?.catalog;
  if (!schema || !catalog || !catalog.views.size) return NONE;
  // Four rules ask in each audit: once per schema and catalog.
  const hit = viewModelsOf.get(schema);
  if (hit?.catalog === catalog) return hit.models;
  const models = new Set<string>();
  for (const m of schema.models) {
    const key = qualify(m.schemaName ?? undefined, m.tableName);
    if (catalog.views.get(key)?.statement?.kind === 'ViewStmt' && !catalog.tables.has(key)) models.add(m.name);
  }
  viewModelsOf.set(schema, { catalog, models });
  return models;
}

const NONE: ReadonlySet<string> = new Set();
const viewModelsOf = new WeakMap<PrismaSchema, { catalog: Catalog; models: ReadonlySet<string> }>();
