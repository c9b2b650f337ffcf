import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { cursorToUtf16, MAX_SQL_FILE_BYTES, parseSqlFile, substitutePlaceholders } from '../../server/src/analysis/sql/parse';
import { ready, textAt } from './helpers';

before(async () => {
  await ready;
});

describe('parseSqlFile', () => {
  it('gives statement ranges in UTF-16 positions for non-ASCII text', () => {
    const text = "-- café ☕ and 𝄞\nCREATE TABLE \"naïve\" (id int PRIMARY KEY, note text DEFAULT '日本語');\nALTER TABLE \"naïve\" ADD COLUMN \"ü\" text;\n";
    const f = parseSqlFile('m.sql', text);
    assert.equal(f.errors.length, 0);
    assert.equal(f.statements.length, 2);
    const [a, b] = f.statements;
    assert.equal(a.kind, 'CreateStmt');
    assert.equal(a.text, "CREATE TABLE \"naïve\" (id int PRIMARY KEY, note text DEFAULT '日本語')");
    assert.deepEqual(a.range.start, { line: 1, character: 0 });
    assert.equal(b.text, 'ALTER TABLE "naïve" ADD COLUMN "ü" text');
    assert.deepEqual(b.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 39 } });
    // Node locations (bytes) map back to the right characters.
    const rel = b.node.relation;
    assert.equal(text.slice(f.offsetOf(rel.location), f.offsetOf(rel.location) + 7), '"naïve"');
  });

  it('handles CRLF files: ranges exclude the \\r and lines count right', () => {
    const text = 'CREATE TABLE a (id int);\r\n\r\n-- comment\r\nCREATE INDEX a_id ON a (id);\r\n';
    const f = parseSqlFile('m.sql', text);
    assert.equal(f.statements.length, 2);
    assert.deepEqual(f.statements[1].range, { start: { line: 3, character: 0 }, end: { line: 3, character: 27 } });
    assert.equal(f.statements[1].endWithSemicolon, text.indexOf(';', text.indexOf('CREATE INDEX')) + 1);
  });

  it('accepts empty and comment-only files', () => {
    assert.deepEqual(parseSqlFile('e.sql', '').statements, []);
    const c = parseSqlFile('c.sql', '-- This is an empty migration.\n/* nothing */\n');
    assert.equal(c.statements.length, 0);
    assert.equal(c.errors.length, 0);
  });

  it("reports syntax errors at PostgreSQL's cursor and keeps the other statements", () => {
    const text = "CREATE TABLE t (id int);\nSELECT 'é' FRM t;\nCREATE TABLE u (id int);\n";
    const f = parseSqlFile('m.sql', text);
    assert.equal(f.errors.length, 1);
    const e = f.errors[0];
    assert.match(e.message, /syntax error at or near "t"/);
    assert.deepEqual(e.range.start, { line: 1, character: 15 });
    assert.equal(textAt(text, e), 't');
    assert.deepEqual(
      f.statements.map((s) => s.kind),
      ['CreateStmt', 'CreateStmt'],
    );
    assert.equal(f.statements[1].text, 'CREATE TABLE u (id int)');
    assert.deepEqual(f.statements[1].range.start, { line: 2, character: 0 });
  });

  it('reports the pieces of one broken statement once: a function whose dollar quote is wrong splits at each `;` of its body', () => {
    const text = 'CREATE TABLE t (id int);\nCREATE FUNCTION f() RETURNS boolean AS $\nDECLARE x int;\nBEGIN\n  x := 1;\n  IF x IS NULL THEN\n    RETURN false;\n  END IF;\n  RETURN true;\nEND;\n$ LANGUAGE plpgsql;\nCREATE TABLE u (id int);\nSELECT FROM FROM;\n';
    const f = parseSqlFile('m.sql', text);
    assert.deepEqual(
      f.errors.map((e) => [e.range.start, textAt(text, e)]),
      [
        [{ line: 1, character: 39 }, '$'],
        [{ line: 12, character: 12 }, 'FROM'],
      ],
    );
    // The body's bare BEGIN / END are not transaction statements; what follows the run still parses.
    assert.deepEqual(
      f.statements.map((s) => s.kind),
      ['CreateStmt', 'CreateStmt'],
    );
  });

  it('parses a file with {{ … }} templates (Go templates of supabase/auth) as its tool runs it: the template an identifier of its length', () => {
    const text = 'CREATE TABLE {{ index .Options "Namespace" }}.users (id uuid PRIMARY KEY);\nDO $$ BEGIN ALTER TABLE {{ .ns }}.users ADD COLUMN n text; END $$;\nSELECT \'{{ .x }}\'::text;\n';
    const f = parseSqlFile('m.sql', text);
    assert.deepEqual(f.errors, []);
    assert.equal(f.placeholders, true);
    assert.equal(f.statements[0].node.relation.schemaname, 'tpl_index_options_namespace_____');
    assert.equal(f.statements[1].text, 'DO $$ BEGIN ALTER TABLE {{ .ns }}.users ADD COLUMN n text; END $$');
    // A real error is still one.
    assert.equal(parseSqlFile('m.sql', 'CREATE TABLE {{ .ns }}.users (id uuid PRIMARY KEY;\n').errors.length, 1);
  });

  it('reports an unexpected end of input on the last character', () => {
    const f = parseSqlFile('m.sql', 'CREATE TABLE t (id int');
    assert.equal(f.errors.length, 1);
    assert.match(f.errors[0].message, /syntax error at end of input/);
    assert.equal(f.errors[0].range.start.line, 0);
  });

  it('cursorToUtf16 counts code points (astral characters are two UTF-16 units)', () => {
    assert.equal(cursorToUtf16('𝄞abc', 2), 3);
    assert.equal(cursorToUtf16('éabc', 2), 2);
  });

  it('parses PL/pgSQL function bodies and DO blocks, reporting their syntax errors', () => {
    const ok = parseSqlFile(
      'm.sql',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$;\nDO $$ BEGIN PERFORM 1; END $$;\n',
    );
    assert.equal(ok.errors.length, 0);
    const text = 'DO $$\nBEGIN\n  PERFROM 1;\nEND\n$$;\n';
    const bad = parseSqlFile('m.sql', text);
    assert.equal(bad.errors.length, 1);
    assert.equal(bad.errors[0].kind, 'plpgsql');
    assert.match(bad.errors[0].message, /PL\/pgSQL error in DO block: syntax error at or near "PERFROM"/);
    assert.equal(textAt(text, bad.errors[0]), 'PERFROM');
  });

  it('does not report catalog-dependent PL/pgSQL errors (unknown scalar types)', () => {
    const f = parseSqlFile(
      'm.sql',
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nDECLARE r app.role_enum;\nBEGIN\n  SELECT role INTO r FROM members LIMIT 1;\nEND $$;\n",
    );
    assert.equal(f.errors.length, 0);
  });

  it('refuses binary and huge files with a clear error instead of parsing', () => {
    const bin = parseSqlFile('b.sql', 'CREATE TABLE t (id int);\u0000\u0001');
    assert.equal(bin.statements.length, 0);
    assert.match(bin.skipped ?? '', /NUL bytes/);
    assert.equal(bin.errors[0].kind, 'file');
    const huge = parseSqlFile('h.sql', 'SELECT 1;\n'.repeat(Math.ceil(MAX_SQL_FILE_BYTES / 10) + 10));
    assert.match(huge.skipped ?? '', /MB limit/);
  });

  it('understands graphile-migrate :PLACEHOLDERS without moving positions', () => {
    assert.equal(substitutePlaceholders('GRANT x TO :DATABASE_VISITOR; SELECT a::text;'), 'GRANT x TO _DATABASE_VISITOR; SELECT a::text;');
    const f = parseSqlFile('m.sql', 'GRANT USAGE ON SCHEMA app TO :DATABASE_VISITOR;\nCREATE TABLE app.t (id int);\n');
    assert.equal(f.errors.length, 0);
    assert.equal(f.placeholders, true);
    assert.equal(f.statements.length, 2);
  });

  it('handles a leading BOM', () => {
    const f = parseSqlFile('m.sql', '\uFEFFCREATE TABLE t (id int);');
    assert.equal(f.errors.length, 0);
    assert.equal(f.statements.length, 1);
    assert.equal(f.statements[0].text, 'CREATE TABLE t (id int)');
  });
});
