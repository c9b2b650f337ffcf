import { sameList } from '../../lists';
import { defineRule, type Report } from '../../rule';
import { historyCoversSchema } from '../../prisma/fix-sql-evidence';
import { rangeOf, type Enum, type Field, type IndexDef, type Model, type PrismaSchema } from '../../prisma/schema';
import { qualify, type ForeignKey, type Index, type SourceRef, type Table } from '../../sql/catalog';
import type { PgNode } from '../../sql/parse';
import type { MigrationProject } from '../../sql/project';
import type { RelatedLocation } from '../../types';
import { isIdentCont, truncateIdentifier } from '../../sql/lexical';
import { headRange, migrationAt, perObject, sqlProject, tokenRange } from '../sql/util';

const RULE = 'schema-drift';

export default defineRule({
  id: RULE,
  title: 'Schema and migrations disagree on what exists',
  category: 'Schema drift',
  defaultSeverity: 'warning',
  language: 'cross',
  docs: {
    whatItDoes:
      'Replays the migrations and compares the database they build with the Prisma schema, both ways. On the migration side it reports, at the statement that creates them: tables no model maps to, columns no field maps to, enum types no enum maps to, indexes and unique constraints the model does not declare, and foreign keys between models that no relation declares. On the schema side it reports, at the model or field: models whose table no migration creates, fields whose column is missing, enums whose type is missing, `@id`/`@unique`/`@@index` declarations with no matching index (an `@id` needs the primary key, an `@unique` a unique index or constraint, an `@@index` an index of its `type`; a unique index the model declares only as `@@index` is reported at the index), and relations with no foreign key (unless `relationMode = "prisma"`). Names go through `@map`/`@@map`/`@@schema`; only the database schemas the Prisma schema uses or its datasource lists (`schemas = [...]`) are compared. It runs only when the migrations are the schema\'s whole history (they create a table for all but at most two models), they are not Prisma migrations mixed with another tool\'s, and the provider is PostgreSQL. Not reported: temporary tables, partitions, Prisma\'s implicit many-to-many tables, views (and models over them), partial and expression indexes (the schema cannot declare them; a partial index on the columns of one the model declares counts as that index, as it does for Prisma Migrate), what the database has beyond a model that is being edited (a syntax error in it, a type not resolved yet), and objects whose name appears in SQL the replay cannot follow (dynamic DDL run by `EXECUTE` in a `DO` block or function, or a migration with a syntax error).',
    whyItMatters:
      'Prisma Migrate makes each new migration from the difference between the schema and the database the existing migrations build. Whatever exists only in the migrations is therefore dropped by the next `prisma migrate dev`: a table with its rows, a column with its data, the trigram index search depends on, the foreign key that kept rows consistent. Hand-written SQL in a migration that never reached the schema is lost this way on the next unrelated change. The other way round, a model or field with no migration is in the generated client but not in the database the deploy builds: every query on it fails with "The table … does not exist" (P2021) or "The column … does not exist" (P2022), and a relation with no foreign key lets orphans in.',
    example:
      '// file: prisma/schema.prisma\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n-- file: prisma/migrations/20240201000000_audit_log/migration.sql\n-- Added by hand, never added to schema.prisma.\nCREATE TABLE "AuditLog" (\n    "id" SERIAL NOT NULL,\n    "userId" INTEGER NOT NULL,\n    "action" TEXT NOT NULL,\n    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")\n);\n',
    useInstead:
      '// file: prisma/schema.prisma\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n\nmodel AuditLog {\n  id     Int    @id @default(autoincrement())\n  userId Int\n  action String\n}\n-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n-- file: prisma/migrations/20240201000000_audit_log/migration.sql\nCREATE TABLE "AuditLog" (\n    "id" SERIAL NOT NULL,\n    "userId" INTEGER NOT NULL,\n    "action" TEXT NOT NULL,\n    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")\n);\n',
    fixSafety:
      'No automatic fix: which side is right is a decision. To keep what only the migrations have, add it to the schema (`prisma db pull` against a database the migrations built writes the models, fields and indexes). To keep what only the schema has, create its migration with `prisma migrate dev`. Dropping the object instead needs a migration of its own, with the data loss that implies.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    // (`provider = "postgres"` reads as postgresql.)
    if (!schema || !ctx.input.sqlFiles?.length || schema.provider !== 'postgresql') return;
    const sql = sqlProject(ctx);
    if (!sql || !allRead(sql) || migrationTool(sql) === 'mixed' || !historyCoversSchema(sql, schema)) return;
    new Comparison(schema, sql, report).run();
  },
});

/** Every migration was read (a file skipped whole, binary or too large, could hold anything). */
const allRead = perObject((sql: MigrationProject): boolean => sql.migrations.every((m) => !m.file.skipped && m.file.errors.every((e) => e.kind !== 'file')));

/**
 * Whose migrations these are. `prisma`: the next `prisma migrate dev` diffs against them. `mixed`:
 * Prisma migrations next to another tool's (another service's folder, a Supabase set the schema does
 * not describe): which objects belong to the schema is unknowable, so there is no comparison.
 */
const migrationTool = perObject((sql: MigrationProject): 'prisma' | 'other' | 'mixed' => {
  let prisma = false;
  let other = false;
  for (const m of sql.migrations) {
    if (m.info.kind === 'prisma') prisma = true;
    else other = true;
  }
  return prisma && other ? 'mixed' : prisma ? 'prisma' : 'other';
});

/** Words of the statements that create, change or remove objects. */
const DDL = /\b(create|alter|drop|rename)\b/i;
/** `CREATE [OR REPLACE] FUNCTION|PROCEDURE`: the statement's own DDL words. */
const ROUTINE_HEAD = /^\s*create\s+(?:or\s+replace\s+)?(?:function|procedure)\b/i;

/**
 * Lower-cased SQL whose effect the replay cannot see: every `DO` block and function that runs dynamic
 * SQL (`EXECUTE`) and holds DDL words, and the whole text of a migration with a syntax error (its
 * broken statement is lost). What these create, rename or drop may exist after all, or be gone.
 * (`EXECUTE format('GRANT …')` loops and the like do not count.)
 */
const opaqueSql = perObject((sql: MigrationProject): string => {
  const parts: string[] = [];
  for (const m of sql.migrations) {
    if (m.file.errors.some((e) => e.kind === 'syntax')) {
      parts.push(m.file.text.toLowerCase());
      continue;
    }
    for (const { stmt } of m.statements) {
      if ((stmt.kind === 'DoStmt' || stmt.kind === 'CreateFunctionStmt') && /\bexecute\b/i.test(stmt.text) && DDL.test(stmt.text.replace(ROUTINE_HEAD, ''))) parts.push(stmt.text.toLowerCase());
    }
  }
  return parts.join('\n');
});

/**
 * Whether SQL the replay cannot see (`opaqueSql`) mentions `name` as a whole word (any case): the
 * object may be created, renamed or dropped there, so neither side is reported.
 */
function inOpaqueSql(sql: MigrationProject, name: string): boolean {
  const text = opaqueSql(sql);
  if (!text) return false;
  const lower = name.toLowerCase();
  for (let at = text.indexOf(lower); at >= 0; at = text.indexOf(lower, at + 1)) {
    if (!isIdentCont(text.charCodeAt(at - 1)) && !isIdentCont(text.charCodeAt(at + lower.length))) return true;
  }
  return false;
}

const NO_INDEXES: readonly Index[] = [];

/** Table key → its indexes, once per replayed project. */
const indexesByTable = perObject((sql: MigrationProject) => sql.catalog.indexesByTable());

/**
 * What the comparison needs from a model's own block, derived once per model object (an editor's
 * next build reuses the objects of the models an edit did not touch): its table key, the fields that
 * are columns, the column lists of its `@id`/`@unique`/`@@index` declarations and of its relations.
 */
interface ModelFacts {
  tableKey: string;
  columnFields: Field[];
  /** `complete`: every field it names is a column field (not a typo, a relation field, a field being typed). */
  declared: Array<{ def: IndexDef; columns: string[]; complete: boolean }>;
  relations: Array<{ field: Field; columns: string[] }>;
}

const factsOf = perObject((model: Model): ModelFacts => {
  const colOf = (name: string) => model.fieldByName.get(name)?.columnName ?? name;
  const declared: ModelFacts['declared'] = [];
  for (const def of [...(model.primaryKey ? [model.primaryKey] : []), ...model.uniques, ...model.indexes]) {
    if (def.kind === 'fulltext' || !def.fields.length) continue;
    const complete = def.fields.every((f) => {
      const field = model.fieldByName.get(f.name);
      return !!field && hasColumn(field);
    });
    declared.push({ def, columns: def.fields.map((f) => colOf(f.name)), complete });
  }
  const relations: ModelFacts['relations'] = [];
  for (const f of model.fields) if (f.relation?.fields.length) relations.push({ field: f, columns: f.relation.fields.map(colOf) });
  return { tableKey: qualify(model.schemaName ?? undefined, model.tableName), columnFields: model.fields.filter(hasColumn), declared, relations };
});

function shown(columns: readonly string[]): string {
  return columns.join(', ');
}

class Comparison {
  /** Database schemas the Prisma schema describes (`public` and every `@@schema`). */
  private readonly dbSchemas = new Set<string>();
  /** Table key → the model (or view) mapped to it. */
  private readonly modelOfTable = new Map<string, Model>();
  /** Names of Prisma's implicit many-to-many tables (`_CategoryToPost`). */
  private readonly implicitTables = new Set<string>();

  constructor(
    private readonly schema: PrismaSchema,
    private readonly sql: MigrationProject,
    private readonly report: (r: Report) => void,
  ) {
    for (const m of schema.models) {
      if (m.kind === 'type') continue;
      this.dbSchemas.add(m.schemaName ?? 'public');
      this.modelOfTable.set(factsOf(m).tableKey, m);
      for (const f of m.fields) {
        const r = f.isList ? f.relation : null;
        // PostgreSQL keeps the first 63 bytes of a longer name (its parser cuts the migration's name; Prisma cuts its own).
        if (r && r.back?.isList && !r.fields.length && !r.back.relation?.fields.length) this.implicitTables.add(truncateIdentifier(`_${r.relationName}`));
      }
    }
    for (const e of schema.enums) this.dbSchemas.add(e.schemaName ?? 'public');
    for (const name of datasourceSchemas(schema)) this.dbSchemas.add(name);
  }

  run(): void {
    this.tablesOnlyInDatabase();
    for (const model of this.schema.models) {
      if (model.kind !== 'model') continue;
      const table = this.tableOf(model);
      if (!table) {
        this.modelWithoutTable(model);
        continue;
      }
      // A model being edited (a syntax error in it, a type not resolved yet) may lack a field, an index or
      // a relation only for now: what the database has beyond it waits until the model reads cleanly.
      const settled = this.isSettled(model);
      this.columns(model, table, settled);
      this.indexes(model, table, settled);
      if (this.schema.relationMode !== 'prisma') this.foreignKeys(model, table, settled);
    }
    this.enums();
  }

  private isSettled(model: Model): boolean {
    for (const f of model.fields) if (f.kind === 'unknown') return false;
    const { start, end } = model.block.span;
    for (const d of this.schema.diagnostics) if (d.file === model.file && d.span.start < end && d.span.end > start) return false;
    return true;
  }

  private tableOf(model: Model): Table | undefined {
    const t = this.sql.catalog.tables.get(factsOf(model).tableKey);
    return t && !t.temporary ? t : undefined;
  }

  /** What the next `prisma migrate dev` does with an object only the migrations have. */
  private dropped(what: string): string {
    return migrationTool(this.sql) === 'prisma'
      ? `the next \`prisma migrate dev\` generates a migration that drops ${what}`
      : `\`prisma db push\` from this schema would drop ${what}`;
  }

  /** Report fields for a finding at (a token of) the statement a catalog object came from. */
  private at(ref: SourceRef, byteLocation?: number): Pick<Report, 'file' | 'range' | 'anchorLine' | 'migration'> | null {
    const m = migrationAt(this.sql, ref.file);
    const stmt = ref.statement;
    if (!m || !stmt) return null;
    return { file: ref.file, range: byteLocation === undefined ? headRange(m.file, stmt) : tokenRange(m.file, stmt, byteLocation), anchorLine: stmt.range.start.line, migration: ref.migration };
  }

  private modelLocation(model: Model, message: string): RelatedLocation {
    return { file: model.file.path, range: rangeOf(model.file, model.nameSpan), message };
  }

  // ---- Tables ----

  private tablesOnlyInDatabase(): void {
    for (const t of this.sql.catalog.tables.values()) {
      if (!this.dbSchemas.has(t.schema) || this.modelOfTable.has(t.key) || t.temporary || t.partitionOf) continue;
      if (t.name === '_prisma_migrations' || this.implicitTables.has(t.name) || inOpaqueSql(this.sql, t.name)) continue;
      const where = this.at(t.createdBy, tableLocation(t.createdBy.statement?.node));
      if (!where) continue;
      const rows = t.columns.size ? ` (${t.columns.size} column${t.columns.size === 1 ? '' : 's'})` : '';
      this.report({
        ...where,
        message: `Table \`${t.name}\`${rows} is created by the migrations (in ${t.createdBy.migration}) but no model maps to it: Prisma Client cannot query it, and ${this.dropped('it with all its rows')}. Add its model to the schema (\`prisma db pull\` writes it), or drop the table in a migration if it is no longer used.`,
        subject: { table: t.name },
        data: { side: 'migrations', object: 'table' },
      });
    }
  }

  private modelWithoutTable(model: Model): void {
    // A model over a view the migrations create (the way before Prisma's `view` blocks): queries work.
    if (inOpaqueSql(this.sql, model.tableName) || this.sql.catalog.views.has(factsOf(model).tableKey)) return;
    const name = model.schemaName ? `${model.schemaName}.${model.tableName}` : model.tableName;
    const effect = model.isIgnored
      ? 'the next `prisma migrate dev` creates it (the model is `@@ignore`d, so Prisma Client never queries it)'
      : `every query on \`${model.name}\` fails with "The table \`${name}\` does not exist" (P2021)`;
    this.report({
      file: model.file.path,
      range: rangeOf(model.file, model.nameSpan),
      message: `No migration creates table \`${name}\` for model ${model.name}: the database the migrations build has no such table, so ${effect}. Create the migration with \`prisma migrate dev\`.`,
      subject: { model: model.name },
      data: { side: 'schema', object: 'table', table: model.tableName },
    });
  }

  // ---- Columns ----

  private columns(model: Model, table: Table, settled: boolean): void {
    if (!table.columnsComplete) return;
    const fields = factsOf(model).columnFields;
    let matched = 0;
    for (const f of fields) {
      if (table.columns.has(f.columnName)) {
        matched++;
        continue;
      }
      if (inOpaqueSql(this.sql, f.columnName)) continue;
      const inClient = !f.isIgnored && !model.isIgnored && f.kind !== 'unsupported';
      const effect = inClient
        ? `Prisma Client selects every scalar field by default, so queries on \`${model.name}\` fail with "The column … does not exist" (P2022) until a migration adds it`
        : 'Prisma Client does not read it, but the next `prisma migrate dev` adds it';
      this.report({
        file: f.file.path,
        range: rangeOf(f.file, f.decl.name.span),
        message: `No migration creates column \`${f.columnName}\` of table \`${table.name}\` for \`${model.name}.${f.name}\`: ${effect} (\`prisma migrate dev\`).`,
        subject: { model: model.name, field: f.name },
        related: [{ file: table.createdBy.file, range: table.createdBy.range, message: `Table \`${table.name}\` is created in ${table.createdBy.migration}` }],
        data: { side: 'schema', object: 'column', table: table.name, column: f.columnName },
      });
    }
    // Every column is some field's (field columns are distinct): none only in the database.
    if (!settled || matched === table.columns.size) return;
    // Every field that is, or may yet become, a column (one being typed has no type yet) claims its name.
    const fieldColumns = new Set<string>();
    for (const f of model.fields) if (f.kind !== 'object' && f.kind !== 'composite') fieldColumns.add(f.columnName);
    for (const c of table.columns.values()) {
      if (fieldColumns.has(c.name) || inOpaqueSql(this.sql, c.name)) continue;
      const where = this.at(c.createdBy, columnLocation(c.createdBy.statement?.node, c.name));
      if (!where) continue;
      const required = c.notNull && c.default === undefined && !c.identity && !c.generated;
      this.report({
        ...where,
        message: `Column \`${table.name}.${c.name}\` is created by the migrations (in ${c.createdBy.migration}) but model ${model.name} has no field for it: ${this.dropped('the column with its data')}${required ? `, and as it is NOT NULL without a default, every \`${model.name}\` create through Prisma Client fails until then` : ''}. Add the field to the model, or drop the column in a migration.`,
        subject: { table: table.name, column: c.name },
        related: [this.modelLocation(model, `model ${model.name} maps to \`${table.name}\``)],
        data: { side: 'migrations', object: 'column', model: model.name, ...(required ? { required: 'true' } : {}) },
      });
    }
  }

  // ---- Indexes ----

  private indexes(model: Model, table: Table, settled: boolean): void {
    const declared = factsOf(model).declared;
    const dbIndexes = indexesByTable(this.sql).get(table.key) ?? NO_INDEXES;
    /**
     * What the migrations build on exactly these columns. A partial index counts: Prisma Migrate
     * compares indexes without their WHERE (and pairs two that differ only by name with a rename), and
     * declaring an index that a hand-edited migration made partial is how projects keep a partial
     * unique index Prisma cannot express.
     */
    const built = (columns: readonly string[]) => {
      let primary = false;
      let unique = false;
      let index = false;
      /** Access methods of the non-unique indexes (`btree`, `gin`, …). */
      const methods: string[] = [];
      if (table.primaryKey && sameList(table.primaryKey.columns, columns)) primary = true;
      for (const u of table.uniques) if (sameList(u.columns, columns)) unique = true;
      for (const i of dbIndexes) {
        if (!sameList(i.columns, columns)) continue;
        if (i.unique) unique = true;
        else {
          index = true;
          if (!methods.includes(i.method.toLowerCase())) methods.push(i.method.toLowerCase());
        }
      }
      return { primary, unique, index, methods };
    };
    const isKey = (b: ReturnType<typeof built>) => b.primary || b.unique;
    /** Whether the schema declares these columns unique (`@id`, `@unique`, `@@unique`), or as an `@@index`. */
    const declaredAs = (columns: readonly string[]) => {
      let unique = false;
      let index = false;
      for (const d of declared) {
        if (!sameList(d.columns, columns)) continue;
        if (d.def.kind === 'index') index = true;
        else unique = true;
      }
      return { unique, index };
    };

    // Declared in the schema, built by no migration (unless SQL the replay cannot follow touches the table).
    const opaque = inOpaqueSql(this.sql, table.name);
    for (const { def, columns, complete } of declared) {
      if (!complete || opaque) continue;
      const b = built(columns);
      // An @id needs the primary key, an @unique a unique index or constraint, an @@index an index on the
      // same columns of its type (`type:`, BTree by default; keys are B-trees).
      const method = (def.type ?? 'BTree').toLowerCase();
      if (def.kind === 'id' ? b.primary : def.kind === 'unique' ? isKey(b) : (isKey(b) && method === 'btree') || b.methods.includes(method)) continue;
      if (def.map && inOpaqueSql(this.sql, def.map)) continue;
      const what = def.kind === 'id' ? 'primary key' : def.kind === 'unique' ? 'unique index' : 'index';
      const consequence =
        def.kind === 'index'
          ? b.index || isKey(b)
            ? `the migrations build ${b.methods.length ? `a ${b.methods.join('/')} index` : 'a key'} on these columns, not the ${def.type ?? 'BTree'} index the model declares${b.methods.length ? ` (set \`type: ${pascal(b.methods[0])}\` if that is the one intended)` : ''}`
            : 'queries that filter on these columns scan the table'
          : def.kind === 'id' && b.unique
            ? 'the migrations build only a unique index on these columns, so the table has no primary key (logical replication and Supabase Realtime need one)'
            : `the database does not enforce it, so duplicate ${shown(columns)} values can be written${b.index ? ' (the migrations build only a non-unique index on these columns)' : ''}`;
      this.report({
        file: def.file.path,
        range: rangeOf(def.file, def.attr.span),
        message: `No migration creates the ${what} on \`${table.name}\` (${shown(columns)}) that \`${model.name}\` declares: ${consequence}. Create the migration with \`prisma migrate dev\`.`,
        subject: { model: model.name, ...(def.source === 'field' && def.fields.length === 1 ? { field: def.fields[0].name } : {}), ...(def.map ? { index: def.map } : {}) },
        data: { side: 'schema', object: def.kind === 'id' ? 'primary key' : def.kind, table: table.name, columns: shown(columns) },
      });
    }

    // Built by a migration, declared nowhere in the schema.
    if (!settled) return;
    const onlyInDb = (columns: readonly string[], unique: boolean, name: string | undefined, source: SourceRef, method: string) => {
      const d = declaredAs(columns);
      // A unique index the schema declares unique; an index the schema declares, or declares unique while the
      // migrations build no unique index on these columns (reported once, at the declaration, above).
      if (unique ? d.unique : d.index || (d.unique && !isKey(built(columns)))) return;
      if (name && inOpaqueSql(this.sql, name)) return;
      const where = this.at(source);
      if (!where) return;
      const label = name ? `\`${name}\`` : `on (${shown(columns)})`;
      const declare = unique ? `@@unique([${columns.map((c) => fieldNameOf(model, c)).join(', ')}])` : `@@index([${columns.map((c) => fieldNameOf(model, c)).join(', ')}]${method !== 'btree' ? `, type: ${pascal(method)}` : ''})`;
      this.report({
        ...where,
        message: `${unique ? 'Unique index' : 'Index'} ${label} on \`${table.name}\` (${shown(columns)}${method !== 'btree' ? `, ${method}` : ''}) is created by the migrations (in ${source.migration}) but model ${model.name} does not declare it${unique && d.index ? ' unique (only as a non-unique `@@index`)' : ''}: ${this.dropped(unique ? 'it, and the uniqueness it enforces with it' : 'it, and the queries it serves go back to scanning the table')}. Declare it in the model (\`${declare}\`${method !== 'btree' ? ', with the operator class if it has one' : ''}).`,
        subject: { table: table.name, ...(name ? { index: name } : {}) },
        related: [this.modelLocation(model, `model ${model.name} maps to \`${table.name}\``)],
        data: { side: 'migrations', object: unique ? 'unique' : 'index', model: model.name, columns: shown(columns), method },
      });
    };
    for (const i of dbIndexes) {
      // The schema cannot declare a partial or an expression index: not drift it could fix.
      if (i.partial || i.columns.some((c) => c.startsWith('('))) continue;
      onlyInDb(i.columns, i.unique, i.name, i.source, i.method);
    }
    for (const u of table.uniques) onlyInDb(u.columns, true, u.name, u.source, 'btree');
    if (table.primaryKey && !model.primaryKey) {
      onlyInDb(table.primaryKey.columns, true, table.primaryKey.name, table.primaryKey.source, 'btree');
    }
  }

  // ---- Foreign keys ----

  private foreignKeys(model: Model, table: Table, settled: boolean): void {
    const relations = factsOf(model).relations;
    const declares = (fk: ForeignKey) => {
      for (const { field, columns } of relations) {
        const target = field.relation!.target;
        // A relation whose target does not resolve (being typed, a typo) may well be this key.
        if (sameList(columns, fk.columns) && (!target || (target.kind === 'model' && factsOf(target).tableKey === fk.refTable))) return true;
      }
      return false;
    };
    const opaque = inOpaqueSql(this.sql, table.name);
    for (const { field: f, columns } of relations) {
      const r = f.relation!;
      const target = r.target;
      if (!target || target.kind !== 'model') continue;
      const targetKey = factsOf(target).tableKey;
      if (opaque || table.foreignKeys.some((fk) => fk.refTable === targetKey && sameList(fk.columns, columns))) continue;
      if (!this.tableOf(target)) continue; // reported as a model without a table
      this.report({
        file: f.file.path,
        range: rangeOf(f.file, f.decl.name.span),
        message: `No migration creates the foreign key of relation \`${model.name}.${f.name}\` (${shown(columns)} → \`${target.tableName}\`): the database does not enforce it, so rows can point at ${target.name} rows that do not exist, and \`onDelete\` does nothing. Create the migration with \`prisma migrate dev\`.`,
        subject: { model: model.name, field: f.name },
        data: { side: 'schema', object: 'foreign key', table: table.name, columns: shown(columns), references: target.tableName },
      });
    }
    if (!settled) return;
    for (const fk of table.foreignKeys) {
      if (declares(fk)) continue;
      // A foreign key to a table the schema has no model for cannot be declared as a relation.
      const target = this.modelOfTable.get(fk.refTable);
      if (!target || target.kind !== 'model') continue;
      this.reportForeignKeyOnlyInDb(model, table, target, fk);
    }
  }

  private reportForeignKeyOnlyInDb(model: Model, table: Table, target: Model, fk: ForeignKey): void {
    const where = this.at(fk.source);
    if (!where || (fk.name && inOpaqueSql(this.sql, fk.name))) return;
    const label = fk.name ? `\`${fk.name}\` ` : '';
    this.report({
      ...where,
      message: `Foreign key ${label}(\`${table.name}\`.${shown(fk.columns)} → \`${target.tableName}\`) is created by the migrations (in ${fk.source.migration}) but model ${model.name} has no relation for it: ${this.dropped('the constraint')}, after which nothing stops rows pointing at ${target.name} rows that do not exist. Add the relation field (\`@relation(fields: [${fk.columns.map((c) => fieldNameOf(model, c)).join(', ')}], references: [${fk.refColumns.map((c) => fieldNameOf(target, c)).join(', ')}])\`).`,
      subject: { table: table.name, column: fk.columns[0] },
      related: [this.modelLocation(model, `model ${model.name} maps to \`${table.name}\``)],
      data: { side: 'migrations', object: 'foreign key', model: model.name, columns: shown(fk.columns), references: target.tableName },
    });
  }

  // ---- Enums ----

  private enums(): void {
    const declared = new Map<string, Enum>();
    for (const e of this.schema.enums) declared.set(qualify(e.schemaName ?? undefined, e.dbName), e);
    for (const [key, e] of declared) {
      if (this.sql.catalog.enums.has(key) || inOpaqueSql(this.sql, e.dbName)) continue;
      this.report({
        file: e.file.path,
        range: rangeOf(e.file, e.nameSpan),
        message: `No migration creates the enum type \`${e.dbName}\` for \`enum ${e.name}\`: columns of this type cannot exist in the database the migrations build, and writing its values fails. Create the migration with \`prisma migrate dev\`.`,
        subject: { enum: e.name },
        data: { side: 'schema', object: 'enum', type: e.dbName },
      });
    }
    for (const t of this.sql.catalog.enums.values()) {
      if (!this.dbSchemas.has(t.schema) || declared.has(t.key) || inOpaqueSql(this.sql, t.name)) continue;
      const where = this.at(t.createdBy);
      if (!where) continue;
      this.report({
        ...where,
        message: `Enum type \`${t.name}\` (${t.values.join(', ')}) is created by the migrations (in ${t.createdBy.migration}) but the schema has no enum for it: ${this.dropped('the type')}. Add \`enum ${t.name}\` to the schema, or drop the type in a migration if nothing uses it.`,
        subject: { enum: t.name },
        data: { side: 'migrations', object: 'enum', values: t.values.join(', ') },
      });
    }
  }
}

/** Scalar, enum and `Unsupported` fields are columns; relation fields and half-typed fields are not (yet). */
function hasColumn(f: Field): boolean {
  return !!f.decl.type && (f.kind === 'scalar' || f.kind === 'enum' || f.kind === 'unsupported');
}

/** The database schemas the datasource lists (`schemas = ["public", "auth"]`), if any. */
function datasourceSchemas(schema: PrismaSchema): string[] {
  const ds = schema.datasource;
  if (!ds) return [];
  const text = ds.file.text.slice(ds.block.span.start, ds.block.span.end);
  const list = /^\s*schemas\s*=\s*\[([^\]]*)\]/m.exec(text);
  if (!list) return [];
  const out: string[] = [];
  for (const m of list[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)) out.push(m[1]);
  return out;
}

/** The field of `model` stored in `column`, or the column name when none is. */
function fieldNameOf(model: Model, column: string): string {
  for (const f of model.fields) if (f.columnName === column && hasColumn(f)) return f.name;
  return column;
}

function pascal(method: string): string {
  const m = method.toLowerCase();
  return m === 'btree' ? 'BTree' : m === 'gin' ? 'Gin' : m === 'gist' ? 'Gist' : m === 'brin' ? 'Brin' : m === 'hash' ? 'Hash' : m === 'spgist' ? 'SpGist' : method;
}

/** Byte location of the created table's name in its statement. */
function tableLocation(node: PgNode | undefined): number | undefined {
  return node?.relation?.location ?? node?.into?.rel?.location;
}

/** Byte location of a column's definition (`CREATE TABLE` element or `ADD COLUMN`) in its statement. */
function columnLocation(node: PgNode | undefined, column: string): number | undefined {
  if (!node) return undefined;
  for (const el of node.tableElts ?? []) if (el.ColumnDef?.colname === column) return el.ColumnDef.location;
  for (const c of node.cmds ?? []) {
    const def = c.AlterTableCmd?.def?.ColumnDef;
    if (def?.colname === column) return def.location;
  }
  return undefined;
}
