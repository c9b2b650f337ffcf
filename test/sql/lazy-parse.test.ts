/**
 * The parser binding (sql/pg.ts), lazily decoded trees (sql/lazy-json.ts) and pre-parses
 * (sql/preparse.ts) against what they replace: libpg-query's public API and eager JSON.parse, on the
 * real-world corpus migrations and on edge cases (syntax errors, placeholders, PL/pgSQL, multi-byte
 * text, empty files).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as libpg from 'libpg-query';
import { decodeSplit, decodeSplitTree, splitTreeBytes } from '../../server/src/analysis/sql/lazy-json';
import { parseSqlFile, preParseSql } from '../../server/src/analysis/sql/parse';
import { loadPgBinding, type PgBinding } from '../../server/src/analysis/sql/pg';
import { parsedSnapshot, ready } from './helpers';
import { corpusAvailable, corpusSqlFiles } from '../helpers/corpus';

const encoder = new TextEncoder();
const available = corpusAvailable();

const EDGE_CASES: Record<string, string> = {
  empty: '',
  whitespace: '  \n\t\n',
  comment: '-- nothing here\n',
  syntaxError: 'CREATE TABLE a (id int;\nSELECT 1;',
  secondStatementBroken: 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;\nCREATE INDEX a_id ON a (id);',
  placeholders: 'GRANT SELECT ON app_public.users TO :DATABASE_VISITOR;\nALTER TABLE t ALTER c TYPE int USING c::int;',
  multibyte: "CREATE TABLE \"Zählung\" (\"größe\" text DEFAULT 'ünïcödé 🎉');\nCOMMENT ON TABLE \"Zählung\" IS '日本語';",
  bom: '\ufeffCREATE TABLE a (id int);',
  plpgsqlOk: "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$;",
  plpgsqlBroken: "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN IF THEN END; $$;\nDO $$ BEGIN PERFORM 1 END $$;",
  doBlock: "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN CREATE POLICY p ON t USING (true); END IF; END $$;",
  bigView: `CREATE VIEW v AS SELECT ${Array.from({ length: 200 }, (_, i) => `max(iif(a = ${i}, b, NULL)) AS c${i}`).join(', ')} FROM t GROUP BY a;\nCREATE TABLE t2 (${Array.from({ length: 80 }, (_, i) => `"c${i}" text NOT NULL DEFAULT 'x'`).join(', ')});`,
};

describe('SQL parser binding and lazy trees', () => {
  let wasm: PgBinding;
  let api: PgBinding;
  before(async () => {
    await ready;
    await libpg.loadModule();
    wasm = await loadPgBinding('wasm');
    api = await loadPgBinding('api');
    assert.equal(wasm.kind, 'wasm', 'libpg-query exposes the WASM calls the binding uses');
    assert.equal(api.kind, 'api');
  });

  it('a parser module that cannot be read or compiled means the public API, not a hang or a crash', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-wasm-'));
    try {
      const corrupt = join(dir, 'corrupt.wasm');
      writeFileSync(corrupt, Buffer.from('\0asm\x01\0\0\0\x01\xff\xff garbage'));
      for (const file of [join(dir, 'missing.wasm'), corrupt]) {
        const b = await loadPgBinding('wasm', file);
        assert.equal(b.kind, 'api', file);
        assert.deepEqual(JSON.parse(b.parseJson('SELECT 1')), libpg.parseSync('SELECT 1'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('queries reach the parser as libpg-query encodes them: 2- and 3-byte characters, astral ones, lone surrogates', () => {
    const texts = [
      "SELECT 'é' AS \"ä\";",
      "COMMENT ON TABLE t IS '日本語のテキスト';\nSELECT 1;",
      `SELECT '${'€'.repeat(5000)}' AS x, 'ü';`,
      "SELECT '😀', 'é';",
      "SELECT '\ud800' AS lone;",
      "SELECT 'é' AS x; SELECT (;",
    ];
    for (const text of texts) {
      const outcome = (f: () => unknown) => {
        try {
          return { ok: f() };
        } catch (e) {
          return { message: (e as Error).message, sqlDetails: (e as { sqlDetails?: unknown }).sqlDetails ?? null };
        }
      };
      assert.deepEqual(outcome(() => JSON.parse(wasm.parseJson(text))), outcome(() => libpg.parseSync(text)), text.slice(0, 60));
      assert.equal(wasm.normalize(text.replace(' SELECT (;', '')), libpg.normalizeSync(text.replace(' SELECT (;', '')), text.slice(0, 60));
    }
  });

  it('the WASM binding returns what libpg-query returns: trees, errors, PL/pgSQL, tokens', () => {
    const texts = [...Object.values(EDGE_CASES), ...(available ? corpusSqlFiles().slice(0, 300).map((f) => f.text) : [])];
    for (const text of texts) {
      const outcome = (f: () => unknown) => {
        try {
          return { ok: f() };
        } catch (e) {
          const err = e as Error & { sqlDetails?: unknown };
          return { message: err.message, sqlDetails: err.sqlDetails ?? null };
        }
      };
      assert.deepEqual(outcome(() => JSON.parse(wasm.parseJson(text))), outcome(() => libpg.parseSync(text)), text.slice(0, 80));
      assert.deepEqual(outcome(() => JSON.parse(wasm.plpgsqlJson(text))), outcome(() => libpg.parsePlPgSQLSync(text)), text.slice(0, 80));
      assert.deepEqual(outcome(() => wasm.scan(text)), outcome(() => libpg.scanSync(text).tokens), text.slice(0, 80));
    }
  });

  it('a lazily decoded tree equals JSON.parse: values, key order, serialisation (corpus)', { skip: !available && 'corpus not available' }, () => {
    let split = 0;
    for (const { path, text } of corpusSqlFiles()) {
      let json: string;
      try {
        json = wasm.parseJson(text);
      } catch {
        continue;
      }
      const eager = JSON.parse(json);
      // Split from the UTF-8 bytes, as the binding does with the parser's output (and made the same way by it).
      assert.deepEqual(wasm.parseSplit(text), splitTreeBytes(encoder.encode(json)), path);
      // Every output scanned (the binding scans large ones only): each split reads as JSON.parse.
      const s = splitTreeBytes(encoder.encode(json), undefined, 0);
      split += s.fields.length;
      const lazy = decodeSplitTree(s) ?? JSON.parse(json);
      // Shapes first (keys in order, without decoding the split-out fields), then everything.
      for (let i = 0; i < (eager.stmts ?? []).length; i++) {
        const kind = Object.keys(eager.stmts[i].stmt)[0];
        assert.deepEqual(Object.keys(lazy.stmts[i].stmt[kind]), Object.keys(eager.stmts[i].stmt[kind]), path);
      }
      assert.equal(JSON.stringify(lazy), JSON.stringify(eager), path);
      assert.deepEqual(lazy, eager, path);
      assert.deepEqual(decodeSplit(s), eager, path);
    }
    assert.ok(split > 100, `large statement fields are split out (${split})`);
  });

  it('a split-out field decodes once, on first read, and can be assigned', () => {
    const json = wasm.parseJson(EDGE_CASES.bigView);
    const s = wasm.parseSplit(EDGE_CASES.bigView);
    assert.ok(s.fields.some(([, field]) => field === 'query'), 'the view query is split out');
    const tree = decodeSplitTree(s)!;
    const view = tree.stmts![0].stmt.ViewStmt;
    const before = Object.getOwnPropertyDescriptor(view, 'query')!;
    assert.equal(typeof before.get, 'function');
    const q = view.query;
    assert.equal(view.query, q, 'decoded once');
    assert.equal(Object.getOwnPropertyDescriptor(view, 'query')!.value, q, 'a plain property after the first read');
    const table = tree.stmts![1].stmt.CreateStmt;
    table.tableElts = [];
    assert.deepEqual(table.tableElts, []);
    assert.deepEqual(decodeSplit(wasm.parseSplit(EDGE_CASES.bigView)), JSON.parse(json));
    // Nothing to split: the tree is decoded as is.
    assert.deepEqual(splitTreeBytes(encoder.encode('{"version":1,"stmts":[]}')), { json: '{"version":1,"stmts":[]}', fields: [] });
    // Split from bytes: the values stay bytes until read; multi-byte text and escapes survive.
    const multi = `CREATE VIEW "größe" AS SELECT 'ünï "q" \\ 🎉' AS "x""y", ${Array.from({ length: 800 }, (_, i) => `'日本${i}'`).join(', ')};`;
    for (const text of [EDGE_CASES.bigView, multi]) {
      const fromBytes = wasm.parseSplit(text);
      assert.ok(fromBytes.fields.length > 0 && fromBytes.fields.every(([, , v]) => v instanceof Uint8Array));
      const t = decodeSplit(fromBytes);
      assert.equal(typeof Object.getOwnPropertyDescriptor(t.stmts![0].stmt.ViewStmt, 'query')!.get, 'function');
      assert.deepEqual(t, libpg.parseSync(text));
    }
    // Short or unsplittable output is decoded whole.
    assert.deepEqual(splitTreeBytes(encoder.encode('{"a":"ü"}')), { json: '{"a":"ü"}', fields: [] });
    const small = wasm.parseJson(EDGE_CASES.bigView.replace(/, max\(iif\(a = (\d\d+).*? AS c\d+/g, ''));
    assert.ok(small.length > 1024 && small.length < 64 * 1024 && /"query"/.test(small));
    assert.deepEqual(splitTreeBytes(encoder.encode(small)), { json: small, fields: [] }, 'an output under 64 KB is not scanned');
    assert.ok(splitTreeBytes(encoder.encode(small), undefined, 0).fields.length > 0, 'though it has a value to split');
    assert.deepEqual(splitTreeBytes(encoder.encode(`{"stmts":[{"stmt":{"X":{"a":[${'1,'.repeat(600)}1]}}]`), 16), { json: `{"stmts":[{"stmt":{"X":{"a":[${'1,'.repeat(600)}1]}}]`, fields: [] });
  });

  it('parseSqlFile with a pre-parse equals parseSqlFile without (edge cases and corpus)', () => {
    const cases = [...Object.entries(EDGE_CASES).map(([name, text]) => ({ path: `${name}.sql`, text })), ...(available ? corpusSqlFiles() : [])];
    let preParsed = 0;
    for (const { path, text } of cases) {
      const pre = preParseSql(text);
      if (pre) preParsed++;
      assert.deepEqual(parsedSnapshot(parseSqlFile(path, text, pre)), parsedSnapshot(parseSqlFile(path, text)), path);
    }
    assert.ok(preParsed >= cases.length / 2, `most files pre-parse (${preParsed} of ${cases.length})`);
    // Error cases are left to parseSqlFile; a pre-parse of another text is ignored.
    assert.equal(preParseSql(EDGE_CASES.syntaxError), null);
    assert.equal(preParseSql(''), null);
    const other = preParseSql('CREATE TABLE b (id int);')!;
    assert.deepEqual(parsedSnapshot(parseSqlFile('a.sql', 'CREATE TABLE a (id int);', other)), parsedSnapshot(parseSqlFile('a.sql', 'CREATE TABLE a (id int);')));
    // Placeholders and PL/pgSQL outcomes travel with the pre-parse.
    assert.equal(preParseSql(EDGE_CASES.placeholders)!.placeholders, true);
    const pl = preParseSql(EDGE_CASES.plpgsqlBroken)!;
    assert.equal(pl.plpgsql.size, 2);
    assert.ok([...pl.plpgsql.values()].every((m) => typeof m === 'string' && m.length > 0));
    assert.equal([...preParseSql(EDGE_CASES.plpgsqlOk)!.plpgsql.values()][0], null);
  });
});
