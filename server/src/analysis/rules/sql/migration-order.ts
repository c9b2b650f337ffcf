import { defineRule, type Report } from '../../rule';
import { IDENTIFIER, rangeKey, readRelations, splitKey, type StatementFacts } from '../../sql/catalog';
import type { Migration, MigrationProject, ReplayedStatement } from '../../sql/project';
import { sqlProject, tokenRange, headRange, statementReport, rangeFromMatch, findInStatement, perObject } from './util';

/** Per project: table or view name → the latest migration index at which a key of that name is first created. */
const latestFirstCreation = perObject((project: MigrationProject) => {
  const byName = new Map<string, number>();
  for (const [key, index] of project.catalog.everCreated) {
    const name = splitKey(key)[1].toLowerCase();
    if ((byName.get(name) ?? -1) < index) byName.set(name, index);
  }
  return byName;
});

const NONE: StatementFacts['missing'] = [];

/** A relation name after FROM or JOIN (`FROM public."Post"`, `JOIN tags`): group 1 quoted, group 2 unquoted. */
const FROM_NAME = new RegExp(String.raw`\b(?:from|join)\s+(?:only\s+)?(?:${IDENTIFIER}\s*\.\s*)?(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`, 'gi');

/**
 * The tables a view's (or `CREATE TABLE AS`) query reads that a later migration creates first, as
 * misses. Its tree is decoded only when a name after FROM or JOIN in its text is such a table (most
 * views read older tables; decoding every view's query, or even scanning all its identifiers, costs
 * more than the rest of the rule).
 */
function laterReads(project: MigrationProject, m: Migration, s: ReplayedStatement): StatementFacts['missing'] {
  const query = s.stmt.kind === 'ViewStmt' || s.stmt.kind === 'CreateTableAsStmt' ? 'query' : null;
  if (!query) return NONE;
  const later = latestFirstCreation(project);
  let candidate = false;
  FROM_NAME.lastIndex = 0;
  for (let t = FROM_NAME.exec(s.stmt.text); t && !candidate; t = FROM_NAME.exec(s.stmt.text)) {
    const name = t[1] !== undefined ? t[1].replace(/""/g, '"') : t[2];
    if ((later.get(name.toLowerCase()) ?? -1) > m.index) candidate = true;
  }
  if (!candidate) return NONE;
  const out: StatementFacts['missing'] = [];
  for (const rv of readRelations(s.stmt.node[query])) {
    const key = rangeKey(rv);
    const created = project.catalog.everCreated.get(key);
    if (created !== undefined && created > m.index && !out.some((x) => x.key === key)) out.push({ kind: 'table', key, byteLocation: rv.location, laterOnly: true });
  }
  return out;
}

/** Schemas managed outside the migrations (Supabase, extensions): references to them are not checked. */
const EXTERNAL_SCHEMAS = new Set(['auth', 'storage', 'extensions', 'realtime', 'graphql', 'graphql_public', 'vault', 'net', 'pgsodium', 'supabase_functions', 'cron', 'pg_catalog', 'information_schema', 'pgbouncer']);

/** Where a trigger names its function. */
const EXECUTE_FUNCTION = /\bexecute\s+(?:function|procedure)\b/i;

export default defineRule({
  id: 'migration-order',
  title: 'A migration references an object created later (or never)',
  category: 'Migration history',
  defaultSeverity: 'error',
  language: 'sql',
  docs: {
    whatItDoes:
      'Replays the migrations in the order the tool applies them and reports a statement that alters, indexes, references, adds a policy or a trigger to a table, type or column, or writes rows to it (INSERT, UPDATE, DELETE, TRUNCATE; the columns an INSERT lists or an UPDATE sets, and those an UPDATE or DELETE reads in its values and WHERE when the table is the only relation in scope), that no earlier statement created: either a later migration creates it (the files are misordered) or none does. A type no migration creates is reported when no extension can provide it: an enum that `ALTER TYPE … ADD VALUE` changes, or a name that needs quotes (`"Role"`, as Prisma names enums), unless the text of a migration creates it (`EXECUTE \'CREATE TYPE …\'` in a DO block). A trigger, policy condition or column default that calls a function only a later migration creates is reported too. So is a view, materialized view or policy whose query or condition reads a table only a later migration creates (PostgreSQL resolves those names when it creates the view or policy; names no migration creates are not reported there, since they may be system or extension relations; a view is looked at when a table after one of its FROM or JOIN keywords is such a table). Also a `CREATE TABLE` (without IF NOT EXISTS) or `CREATE TYPE`/`CREATE DOMAIN` of an object an earlier migration already created, a constraint whose name its table already has, or a second primary key, which PostgreSQL refuses (statements inside DO blocks are not reported: they are usually guarded). It also reports migration names that break the ordering: names the tool never runs (Supabase ignores `local_…` files), impossible timestamps (hour 27), and folder names with spaces or a `.sql` suffix.',
    whyItMatters:
      'A fresh database (a new developer, CI, a preview branch) replays the history from scratch and stops at this statement with `relation "…" does not exist` (or `… already exists`), even though production, which received the migrations over months, looks fine.',
    example:
      '-- file: supabase/migrations/20240101000000_comments.sql\nCREATE TABLE comments (\n  id bigint PRIMARY KEY,\n  post_id bigint REFERENCES posts (id)\n);\n-- file: supabase/migrations/20240102000000_posts.sql\nCREATE TABLE posts (id bigint PRIMARY KEY);\n',
    useInstead:
      '-- file: supabase/migrations/20240101000000_posts.sql\nCREATE TABLE posts (id bigint PRIMARY KEY);\n-- file: supabase/migrations/20240102000000_comments.sql\nCREATE TABLE comments (\n  id bigint PRIMARY KEY,\n  post_id bigint REFERENCES posts (id)\n);\n',
    fixSafety: 'No automatic fix: reorder (rename) the migrations or move the statement, then check the databases that already applied them.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    const catalog = project.catalog;
    /** Object never created (per migration set: each builds its own database) → its first use, and how many later statements of the set use it too. */
    const neverCreated = new Map<string, { report: Report; more: number }>();
    for (const m of project.ignored) {
      for (const p of m.info.nameProblems) {
        report({ file: m.path, range: firstLine(m), message: `Migration \`${m.label}\` is never applied: ${p}.`, subject: {}, migration: m.label, severity: 'warning' });
      }
    }
    for (const m of project.migrations) {
      if (m.info.nameProblems.length) {
        report({
          file: m.path,
          range: firstLine(m),
          message: `Migration name \`${m.label}\` breaks the ordering: ${m.info.nameProblems.join('; ')}. Tools order migrations by this name, so it may run at a different point than intended.`,
          subject: {},
          migration: m.label,
          severity: 'warning',
        });
      }
      for (const s of m.statements) {
        // A CREATE of an object an earlier statement made. Not inside a DO block: those are usually
        // guarded (IF NOT EXISTS checks, EXCEPTION WHEN duplicate_object), which the replay ignores.
        if (!s.inDoBlock) {
          for (const dup of s.facts.existing ?? []) {
            const [schema, name] = splitKey(dup.key);
            if (EXTERNAL_SCHEMAS.has(schema)) continue;
            const earlier = project.migrations[dup.createdIn];
            // Another migration set (a Prisma baseline next to a Supabase folder) builds its own database.
            if (!earlier || earlier.info.setDir !== m.info.setDir) continue;
            const where = dup.createdIn === m.index ? 'an earlier statement of this migration' : `migration \`${earlier.label}\``;
            const range = dup.byteLocation !== undefined ? tokenRange(m.file, s.stmt, dup.byteLocation) : headRange(m.file, s.stmt);
            if (dup.kind === 'constraint') {
              report({
                ...statementReport(m, s),
                range,
                message: dup.name
                  ? `This statement adds constraint \`${dup.name}\` to table \`${name}\`, which ${where} already gave it: a fresh database fails here (\`${dup.indexBacked ? `relation "${dup.name}"` : `constraint "${dup.name}" for relation "${name}"`} already exists\`). Drop the earlier constraint first, or give this one another name.`
                  : `This statement adds a primary key to table \`${name}\`, which ${where} already gave it one: a fresh database fails here (\`multiple primary keys for table "${name}" are not allowed\`). Drop the earlier primary key first.`,
                subject: { table: name },
              });
              continue;
            }
            const what = dup.kind === 'table' ? `table \`${name}\`` : `type \`${name}\``;
            report({
              ...statementReport(m, s),
              range,
              message: `This statement creates ${what}, which ${where} already ${dup.renamed ? 'gave that name to another table' : 'created'}: a fresh database fails here (\`${dup.kind === 'table' ? 'relation' : 'type'} "${name}" already exists\`). Change it to ALTER statements, or drop the earlier object first.`,
              subject: dup.kind === 'table' ? { table: name } : {},
            });
          }
        }
        const seen = new Set<string>();
        const extra = laterReads(project, m, s);
        for (const miss of extra.length ? [...s.facts.missing, ...extra] : s.facts.missing) {
          const id = `${m.info.setDir}\0${miss.kind}:${miss.key}:${miss.column ?? ''}`;
          if (seen.has(id) || (miss.readByExpression && s.inDoBlock)) continue;
          seen.add(id);
          const [schema, name] = splitKey(miss.key);
          if (EXTERNAL_SCHEMAS.has(schema)) continue;
          const created =
            miss.kind === 'column' ? catalog.columnCreatedIn(miss.key, miss.column!) : miss.kind === 'function' ? catalog.functionCreatedIn(miss.key) : catalog.everCreated.get(miss.key);
          let message: string;
          const what =
            miss.kind === 'column'
              ? `column \`${name}.${miss.column}\``
              : miss.kind === 'type'
                ? `type \`${name}\``
                : miss.kind === 'function'
                  ? `function \`${name}()\``
                  : `table \`${name}\``;
          if (created !== undefined && created > m.index) {
            // Sets of different tools run in no known order relative to each other: only a later
            // migration of the same set is a misordering.
            if (project.migrations[created]?.info.setDir !== m.info.setDir) continue;
            message = `This statement uses ${what}, which is only created by a later migration (\`${project.migrations[created].label}\`): a fresh database fails here.`;
          } else if (
            created === undefined &&
            !miss.laterOnly &&
            (miss.kind === 'table' || miss.kind === 'column' || (miss.kind === 'type' && userType(miss, name, s) && !typesNamedInCreates(project).has(name))) &&
            schema === 'public'
          ) {
            // Tables, columns and types only the user makes: other types and functions may come from
            // extensions (citext, moddatetime, …).
            if (miss.kind !== 'column' && project.migrations.length < 2) continue;
            // Reported once, at the first use (a fresh database stops there; the table was made
            // outside the migrations, e.g. in a dashboard): later uses only add to the count.
            const first = neverCreated.get(id);
            if (first) {
              first.more++;
              continue;
            }
            message = `This statement uses ${what}, which no migration creates: a fresh database fails here.`;
          } else continue;
          const r: Report = {
            ...statementReport(m, s),
            range:
              miss.kind === 'function' && miss.byteLocation === undefined
                ? rangeFromMatch(m.file, s.stmt, findInStatement(s.stmt, EXECUTE_FUNCTION))
                : miss.byteLocation !== undefined
                  ? tokenRange(m.file, s.stmt, miss.byteLocation)
                  : headRange(m.file, s.stmt),
            message,
            subject: miss.kind === 'column' ? { table: name, column: miss.column } : miss.kind === 'table' ? { table: name } : {},
          };
          if (created === undefined) neverCreated.set(id, { report: r, more: 0 });
          else report(r);
        }
      }
    }
    for (const { report: r, more } of neverCreated.values()) {
      report(more ? { ...r, message: `${r.message} ${more} later statement${more === 1 ? ' uses' : 's use'} it too.` } : r);
    }
  },
});

/** A `CREATE TYPE` in any text, dynamic SQL included (`EXECUTE 'CREATE TYPE "Theme" AS ENUM …'`). */
const CREATE_TYPE_TEXT = /\bcreate\s+type\s+(?:(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)\s*\.\s*)?(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))/gi;

/**
 * Per project: the type names some migration's text creates, the replayed statements or not: a DO
 * block may create a type through `EXECUTE`, which the replay does not follow.
 */
const typesNamedInCreates = perObject((project: MigrationProject) => {
  const out = new Set<string>();
  for (const m of project.migrations) {
    if (!/create\s+type/i.test(m.file.text)) continue;
    CREATE_TYPE_TEXT.lastIndex = 0;
    for (let t = CREATE_TYPE_TEXT.exec(m.file.text); t; t = CREATE_TYPE_TEXT.exec(m.file.text)) out.add(t[1] !== undefined ? t[1].replace(/""/g, '"') : t[2].toLowerCase());
  }
  return out;
});

/**
 * A type no extension provides: one only an enum can be (`ALTER TYPE … ADD VALUE`), or a name that
 * needs quotes (`"Role"`, as Prisma names enums; extensions name their types in lower case). Not
 * inside a DO block, which may test that the type exists first.
 */
function userType(miss: StatementFacts['missing'][number], name: string, s: ReplayedStatement): boolean {
  return !s.inDoBlock && (!!miss.enumOnly || name !== name.toLowerCase());
}

function firstLine(m: { file: { lines: { lineEnd(l: number): number; range(a: number, b: number): import('../../types').Range } } }) {
  return m.file.lines.range(0, m.file.lines.lineEnd(0));
}
