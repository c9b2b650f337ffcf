import { defineRule } from '../../rule';

export default defineRule({
  id: 'sql-syntax-error',
  title: 'The migration does not parse as PostgreSQL',
  category: 'Syntax',
  defaultSeverity: 'error',
  language: 'sql',
  docs: {
    whatItDoes:
      "Parses every migration with PostgreSQL's own parser (libpg-query) and reports where it stops: the token PostgreSQL names in `syntax error at or near …`. Bodies of `LANGUAGE plpgsql` functions and `DO` blocks are parsed too. Files that are binary or too large to be a migration are reported instead of parsed. The statements before and after the error are still audited.",
    whyItMatters:
      'The deploy stops at this statement: `prisma migrate deploy` / `supabase db push` marks the migration as failed and every later migration waits, often in production at 2 a.m. A typo inside a function body only fails when the function is created, not when the file is reviewed.',
    example: 'CREATE TABLE "Post" (\n  "id" SERIAL PRIMARY KEY,\n  "title" TEXT NOT NULL,\n);\n',
    useInstead: 'CREATE TABLE "Post" (\n  "id" SERIAL PRIMARY KEY,\n  "title" TEXT NOT NULL\n);\n',
    fixSafety: 'No automatic fix: the intent of a broken statement is yours to decide.',
  },
  check(ctx, report) {
    const project = ctx.sql;
    if (!project) return;
    if (!project.parserLoaded) {
      // One clear finding, not one per file: the front end forgot `await ensureSqlParser()`.
      const first = project.files[0];
      const file = project.parsed.get(first.path)!;
      const e = file.errors[0];
      report({
        file: first.path,
        range: e.range,
        message: `${e.message} (${project.files.length} migration file${project.files.length === 1 ? '' : 's'} not analysed.)`,
        subject: {},
        migration: [...project.migrations, ...project.ignored].find((m) => m.path === first.path)?.label ?? first.path.slice(first.path.lastIndexOf('/') + 1),
      });
      return;
    }
    const labels = new Map<string, string>();
    for (const m of [...project.migrations, ...project.ignored]) labels.set(m.path, m.label);
    for (const [path, file] of project.parsed) {
      const label = labels.get(path) ?? path.slice(path.lastIndexOf('/') + 1);
      for (const e of file.errors) {
        report({ file: path, range: e.range, message: e.message, subject: {}, migration: label });
      }
    }
  },
});
