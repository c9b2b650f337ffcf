/**
 * Deferred view queries (sql/elide.ts, preparse.ts): a file parsed with its long view queries elided
 * must read exactly like libpg-query's parse of the file as written, on the corpus and on the lexical
 * cases that can hide a `;` (strings, escape strings, dollar quotes, quoted identifiers, comments).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as libpg from 'libpg-query';
import { planViewElision } from '../../server/src/analysis/sql/elide';
import { decodeSplit } from '../../server/src/analysis/sql/lazy-json';
import { loadPgBinding, type PgBinding } from '../../server/src/analysis/sql/pg';
import { parseFileJson, reparseWith, sqlSource, type RawParseTree } from '../../server/src/analysis/sql/preparse';
import { corpusAvailable, corpusSqlFiles } from '../helpers/corpus';

const available = corpusAvailable();

/** A view query long enough to be elided, with `inner` somewhere in its select list. */
const longQuery = (inner: string) => `SELECT ${inner}, ${Array.from({ length: 30 }, (_, i) => `t.col_${i} AS alias_${i}`).join(', ')} FROM t JOIN u ON u.id = t.id WHERE t.x > 0`;

/** Texts whose view queries the scanner must read exactly as PostgreSQL does, and the views it elides. */
const CASES: Array<{ name: string; text: string; elided: number }> = [
  { name: 'plain', text: `CREATE TABLE t (id int);\nCREATE VIEW v AS ${longQuery('1 AS one')};\nCREATE INDEX i ON t (id);`, elided: 1 },
  { name: 'semicolons in strings', text: `CREATE VIEW v AS ${longQuery("';' AS a, 'it''s;' AS b")};\nSELECT 1;`, elided: 1 },
  { name: 'escape string', text: `CREATE VIEW v AS ${longQuery("E'\\';' AS a, e'x\\\\' AS b")};\nSELECT 2;`, elided: 1 },
  { name: 'standard string ending in a backslash', text: `CREATE VIEW v AS ${longQuery("'\\' AS a")};\nSELECT 3;`, elided: 1 },
  { name: 'dollar quotes', text: `CREATE VIEW v AS ${longQuery('$$;$$ AS a, $x$ ; $$ ; $x$ AS b')};\nSELECT 4;`, elided: 1 },
  { name: 'identifiers with $ and quotes', text: `CREATE VIEW "v;1" AS ${longQuery('t.a$b$ AS "x;y", t."q""uo;te" AS z')};\nSELECT 5;`, elided: 1 },
  { name: 'comments', text: `/* a /* nested ; */ comment */ CREATE VIEW v AS ${longQuery('1 -- a ; line comment\n AS c /* ; */')};\n-- ;\nSELECT 6;`, elided: 1 },
  { name: 'comment ending at a bare CR', text: `CREATE VIEW v AS ${longQuery('1 -- ; comment\r AS c')};\r\nSELECT 7;`, elided: 1 },
  { name: 'unicode strings and multi-byte text', text: `CREATE VIEW "größe" AS ${longQuery("U&'d\\0061t;a' AS a, 'ünï 🎉;' AS \"日本\"")};\nCOMMENT ON VIEW "größe" IS 'ü';`, elided: 1 },
  { name: 'or replace, temp, materialized, options, columns', text: `CREATE OR REPLACE TEMP VIEW a (x) AS ${longQuery('1')};\nCREATE MATERIALIZED VIEW IF NOT EXISTS m AS ${longQuery('2')};\ncreate or replace view w with (security_invoker = true) as ${longQuery('3')}`, elided: 3 },
  { name: 'empty statements and no final semicolon', text: `;;\nCREATE VIEW v AS ${longQuery('1')};;\n;CREATE VIEW w AS ${longQuery('2')}\n`, elided: 2 },
  { name: 'WITH DATA / CHECK OPTION kept', text: `CREATE MATERIALIZED VIEW m AS ${longQuery('1')} WITH NO DATA;\nCREATE VIEW v AS ${longQuery('2')} WITH LOCAL CHECK OPTION;`, elided: 0 },
  { name: 'short and recursive views kept', text: `CREATE VIEW s AS SELECT 1;\nCREATE RECURSIVE VIEW r (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 100 ${' '.repeat(300)};`, elided: 0 },
  { name: 'a view head with storage options', text: `CREATE MATERIALIZED VIEW m WITH (fillfactor = 70) TABLESPACE x AS ${longQuery('1')};`, elided: 1 },
];

describe('deferred view queries', () => {
  let pg: PgBinding;
  before(async () => {
    await libpg.loadModule();
    pg = await loadPgBinding('wasm');
  });

  /** The tree parseFileJson gives for `text`, and whether it deferred anything. */
  const parsed = (text: string) => {
    const r = parseFileJson(pg, sqlSource(text));
    return { tree: r.tree ?? decodeSplit(r.split, reparseWith(pg)), deferred: r.split.fields.filter(([, , v]) => !(v instanceof Uint8Array)).length, placeholders: r.placeholders };
  };

  for (const c of CASES) {
    it(`reads as the real parse: ${c.name}`, () => {
      const plan = planViewElision(sqlSource(c.text));
      assert.equal(plan?.views.length ?? 0, c.elided, 'views elided by the scanner');
      const { tree, deferred } = parsed(c.text);
      const expected = libpg.parseSync(c.text) as RawParseTree;
      // Shape first (the deferred queries unread), then every value.
      assert.deepEqual(tree.stmts!.map((s) => Object.keys(s.stmt)), expected.stmts!.map((s) => Object.keys(s.stmt)));
      assert.deepEqual(tree, expected);
      assert.equal(JSON.stringify(tree), JSON.stringify(expected));
      assert.equal(deferred, c.elided, 'deferred fields');
    });
  }

  it('a deferred query is parsed once, on first read, at the file’s byte locations', () => {
    const text = `SELECT 'ü';\nCREATE VIEW v AS ${longQuery("'日本' AS j")};`;
    const r = parseFileJson(pg, text);
    const tree = r.tree!;
    const view = tree.stmts![1].stmt.ViewStmt;
    assert.equal(typeof Object.getOwnPropertyDescriptor(view, 'query')!.get, 'function', 'not parsed yet');
    const q = view.query;
    assert.equal(view.query, q);
    assert.equal(Object.getOwnPropertyDescriptor(view, 'query')!.value, q, 'a plain property after the first read');
    assert.deepEqual(q, (libpg.parseSync(text) as RawParseTree).stmts![1].stmt.ViewStmt.query);
  });

  it('errors inside a view query are the errors of the file as written', () => {
    const texts = [
      `CREATE VIEW v AS ${longQuery('1 +')};\nSELECT 1;`,
      `CREATE VIEW v AS ${longQuery("U&'\\zzzz' AS bad")};`,
      `CREATE VIEW v AS ${longQuery('1')} FORM x;`,
    ];
    for (const text of texts) {
      const thrown = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          const err = e as Error & { sqlDetails?: unknown };
          return { message: err.message, details: err.sqlDetails ?? null };
        }
        assert.fail(`no error for ${text.slice(0, 60)}`);
      };
      assert.deepEqual(
        thrown(() => parseFileJson(pg, text)),
        thrown(() => libpg.parseSync(text)),
      );
    }
  });

  it('the scanner gives up on what it does not follow', () => {
    assert.equal(planViewElision(`CREATE VIEW v AS ${longQuery("'unterminated")}`), null);
    assert.equal(planViewElision(`CREATE VIEW v AS ${longQuery('$$ unterminated')}`), null);
    assert.equal(planViewElision(`CREATE VIEW v AS ${longQuery('1')} /* unterminated`), null);
    assert.equal(planViewElision(`CREATE VIEW v AS ${longQuery('1$a$')};`), null);
    assert.equal(planViewElision(`CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nCREATE VIEW v AS ${longQuery('1')};`), null);
    assert.equal(planViewElision(`CREATE TABLE t (id int);`), null);
  });

  it('the corpus reads as the real parse, most of its long views deferred', { skip: !available && 'corpus not available' }, () => {
    let deferredFiles = 0;
    let views = 0;
    for (const { path, text } of corpusSqlFiles()) {
      let expected: unknown;
      try {
        expected = libpg.parseSync(sqlSource(text));
      } catch {
        continue; // files that parse only with placeholders substituted, or not at all
      }
      const got = parsed(text);
      if (got.deferred) deferredFiles++;
      views += got.deferred;
      assert.deepEqual(got.tree, expected, path);
    }
    assert.ok(deferredFiles >= 50 && views >= 100, `view queries deferred in ${deferredFiles} files (${views} views)`);
  });
});
