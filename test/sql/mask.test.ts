/**
 * `maskSql` (rules/sql/util.ts) blanks comments, string literals and dollar-quoted bodies so that the
 * rules' keyword searches never match inside them, and keeps everything else in place. PostgreSQL's
 * own scanner (libpg-query `scan`) is the oracle: on every corpus SQL file and on edge cases, each
 * comment token must come out blank, each string constant must keep only its delimiters, and every
 * other token must be unchanged.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { maskSql } from '../../server/src/analysis/rules/sql/util';
import { scanTokens } from '../../server/src/analysis/sql/parse';
import { lexemeEnd } from '../../server/src/analysis/sql/lexical';
import { ready } from './helpers';
import { corpusAvailable, corpusSqlFiles } from '../helpers/corpus';

/** UTF-16 offset of every UTF-8 byte offset of `text` (and of its end). */
function utf16OfBytes(text: string): Int32Array {
  const bytes = Buffer.byteLength(text);
  const map = new Int32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (c >= 0x10000) i++;
  }
  map[bytes] = text.length;
  return map;
}

/** A string constant's source: quoted with an optional prefix (E, B, X, N, U&), or dollar-quoted. */
const STRING = /^(?:(?:[ebxn]|u&)?'[\s\S]*'|(\$[^$]*\$)[\s\S]*\1)$/i;
const COMMENTS = new Set(['SQL_COMMENT', 'C_COMMENT']);

/** Problems with `maskSql(text)` against the scanner's tokens of `text` (empty when it agrees). */
function disagreements(text: string): string[] {
  const masked = maskSql(text);
  const out: string[] = [];
  if (masked.length !== text.length) return [`length ${masked.length} != ${text.length}`];
  const tokens = scanTokens(text);
  const at = utf16OfBytes(text);
  for (const t of tokens) {
    const start = at[t.start];
    const end = at[t.end];
    const source = text.slice(start, end);
    const got = masked.slice(start, end);
    let want: string;
    if (COMMENTS.has(t.tokenName)) want = source.replace(/[^\r\n]/g, ' ');
    else if (STRING.test(source)) {
      const dollar = /^(\$[^$]*\$)[\s\S]*\1$/.exec(source);
      if (dollar) {
        const d = dollar[1].length;
        want = source.slice(0, d) + source.slice(d, source.length - d).replace(/[^\r\n]/g, ' ') + source.slice(source.length - d);
      } else {
        // Prefix (E, B, X, N, U&) and quotes stay, everything between is blanked: one string, or
        // several continued over line breaks (`'a'\n'b'` is one token), so only quotes may remain.
        const lineBreaksKept = got.replace(/[^\r\n]/g, '') === source.replace(/[^\r\n]/g, '');
        const onlyQuotes = new RegExp(`^${source.slice(0, source.indexOf("'")).replace(/[&]/g, '\\$&')}(?:'')+$`).test(got.replace(/\s/g, ''));
        want = lineBreaksKept && onlyQuotes ? got : `${source.slice(0, source.indexOf("'") + 1)}<blank>'`;
      }
    } else want = source;
    if (got !== want) out.push(`${t.tokenName} at ${start}: ${JSON.stringify(source.slice(0, 80))} masked as ${JSON.stringify(got.slice(0, 80))}`);
  }
  return out;
}

describe('maskSql', () => {
  before(async () => {
    await ready;
  });

  const cases: Array<[string, string]> = [
    ['nested block comment', 'SELECT 1 /* outer /* inner */ still comment; DROP TABLE x */ FROM t;'],
    ['escape string with a backslash-quote', "UPDATE t SET a = E'it\\'s -- not a comment; DROP TABLE x' WHERE b = 1;"],
    ['escape string ending in a backslash pair', "SELECT E'ends with \\\\' AS a, 'DROP TABLE x' AS b;"],
    ['doubled quotes', "INSERT INTO t VALUES ('it''s /* not */ a comment');"],
    ['dollar quotes with and without tag', 'CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1; -- x $$ y $$ $fn$ LANGUAGE sql; DO $$ BEGIN END $$;'],
    ['$ inside identifiers and parameters', 'SELECT a$b, c$$ FROM t WHERE x = $1 AND y = $2;'],
    ['line comment ended by a bare CR', 'SELECT 1 -- comment\rFROM t;'],
    ['CRLF and quoted identifiers with quotes', 'CREATE TABLE "we""ird -- name" (\r\n  "a/*b" int -- note\r\n);'],
    ['non-ASCII inside and outside strings', "COMMENT ON TABLE café IS 'naïve — “quoted” 😀'; -- ✓ done"],
    ['bit, hex and unicode strings', "SELECT B'0101', X'1F', U&'d\\0061t\\+000061' FROM t;"],
    ['a word ending in e before a string is no escape string', "SELECT DATE'2024-01-01', some'\\' AS a FROM t WHERE b = 'x';"],
    ['a string continued on the next line', "SELECT 'one -- '\n'two /* ' AS a;"],
  ];
  for (const [name, sql] of cases) {
    it(`agrees with PostgreSQL's scanner: ${name}`, () => {
      assert.ok(scanTokens(sql).length > 0, 'the scanner reads the case');
      assert.deepEqual(disagreements(sql), []);
    });
  }

  it('blanks what a keyword search must not see (nested comment, escape string)', () => {
    const sql = "SELECT 1 /* a /* b */ DROP TABLE x */; SELECT E'\\' DROP TABLE y';";
    assert.equal(/DROP\s+TABLE/i.test(maskSql(sql)), false);
    assert.equal(maskSql(sql).length, sql.length);
  });

  it('runs an unterminated string, comment or dollar quote to the end of the text', () => {
    assert.equal(maskSql("SELECT 'abc"), 'SELECT \'   ');
    assert.equal(maskSql('SELECT 1 /* abc'), 'SELECT 1       ');
    assert.equal(maskSql('DO $x$ abc'), 'DO $x$    ');
    // An escape string with a doubled quote, never closed (the \' is an escaped quote).
    assert.equal(maskSql("SELECT E'a''b\\' DROP"), `SELECT E'${' '.repeat(11)}`);
    assert.equal(lexemeEnd('/* a /* b */', 0), -1);
  });

  it('agrees with the scanner on every corpus SQL file', { skip: !corpusAvailable() }, () => {
    const files = corpusSqlFiles();
    let checked = 0;
    const problems: string[] = [];
    for (const f of files) {
      const d = disagreements(f.text);
      if (scanTokens(f.text).length) checked++;
      for (const p of d.slice(0, 3)) problems.push(`${f.path}: ${p}`);
    }
    assert.ok(checked > 1000, `scanned ${checked} files`);
    assert.deepEqual(problems.slice(0, 20), []);
  });
});
