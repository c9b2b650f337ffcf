/**
 * `findNamed` (rules/sql/util.ts) finds a keyword, then a name, without compiling a regular
 * expression per name. It must find exactly what the per-name expression it stands for finds
 * (head, then the name quoted or bare and whole, then tail; see its doc): checked on
 * every statement of the corpus migrations that mentions a head keyword, with names taken from the
 * statement itself and perturbed (prefixes, other case, quotes, regex metacharacters), and on edge cases.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { findInStatement, findNamed } from '../../server/src/analysis/rules/sql/util';
import { escapeRegExp } from '../../server/src/analysis/text';
import { ready } from './helpers';
import { corpusAvailable, corpusSqlFiles } from '../helpers/corpus';

/** The heads and tails the rules use (as findNamed wants them: head global, tail sticky). */
const CASES: Array<{ head: RegExp; headSource: string; tail?: RegExp }> = [
  { head: /\bALTER\s+(COLUMN\s+)?/gi, headSource: '\\bALTER\\s+(COLUMN\\s+)?', tail: /\s+(SET\s+DATA\s+)?TYPE\b/iy },
  { head: /\bADD\s+(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?/gi, headSource: '\\bADD\\s+(COLUMN\\s+)?(IF\\s+NOT\\s+EXISTS\\s+)?' },
  { head: /\bDROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?/gi, headSource: '\\bDROP\\s+(COLUMN\\s+)?(IF\\s+EXISTS\\s+)?' },
  { head: /\bCONSTRAINT\s+/gi, headSource: '\\bCONSTRAINT\\s+' },
  { head: /CONSTRAINT\s+/gi, headSource: 'CONSTRAINT\\s+' },
  { head: /FOREIGN\s+KEY\s*\(\s*/gi, headSource: 'FOREIGN\\s+KEY\\s*\\(\\s*' },
  { head: /(^|[\s,(])/g, headSource: '(^|[\\s,(])', tail: /\s[^,;]*?REFERENCES/iy },
];

/** The expression findNamed stands for: a quoted name, or a bare one not followed by more of an identifier. */
function viaRegExp(stmt: Parameters<typeof findInStatement>[0], c: (typeof CASES)[number], name: string): number {
  const id = escapeRegExp(name);
  return findInStatement(stmt, new RegExp(`${c.headSource}(?:"${id}"|${id}(?![\\w$\\u0080-\\uffff]))${c.tail?.source ?? ''}`, 'i'));
}

/** Words of the heads' optional parts: findNamed never gives them back to the name (see its doc). */
const HEAD_WORDS = new Set(['column', 'if', 'not', 'exists', 'set', 'data']);

/** Names to look for in a statement: its identifiers, some changed so they match partly or not at all. */
function namesIn(text: string): string[] {
  const ids = [...new Set(text.match(/"(?:[^"]|"")+"|[A-Za-z_][\w$]*/g) ?? [])].slice(0, 12).map((t) => (t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t));
  return ids
    .flatMap((id) => [id, id.toUpperCase(), id.slice(0, Math.max(1, id.length - 2)), `${id}x`])
    .concat(['a.b*', '(', 'id'])
    .filter((n) => !HEAD_WORDS.has(n.toLowerCase()));
}

describe('findNamed equals the per-name regular expression it replaces', () => {
  before(() => ready);

  it('on edge cases: quotes, prefixes, case, metacharacters, a name at the start, non-ASCII', () => {
    const sql = [
      'ALTER TABLE "t" ALTER COLUMN "userId" SET DATA TYPE TEXT, ALTER "user" TYPE int;',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS "Name" text NOT NULL, ADD name2 int;',
      'ALTER TABLE t DROP COLUMN IF EXISTS "a.b*", DROP "x""y";',
      'ALTER TABLE t ADD CONSTRAINT "t_fk" FOREIGN KEY ( "owner" ) REFERENCES u(id);',
      'CREATE TABLE "İstanbul" ("şehir" int REFERENCES c(id), "ownerId" int, CONSTRAINT k FOREIGN KEY (ownerId) REFERENCES o(id));',
      'CREATE TABLE r (id int);',
    ].join('\n');
    const file = parseSqlFile('m.sql', sql);
    let compared = 0;
    for (const stmt of file.statements) {
      for (const c of CASES) {
        for (const name of [...namesIn(stmt.text), 'user', 'userid', 'USERID', 'x"y', 'şehir', 'İstanbul', 'owner', 'r']) {
          assert.equal(findNamed(stmt, c.head, name, c.tail), viaRegExp(stmt, c, name), `${c.headSource} ${JSON.stringify(name)} in ${stmt.text}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 500);
    // An empty name (a foreign key without columns) is never found.
    for (const c of CASES) assert.equal(findNamed(file.statements[3], c.head, '', c.tail), -1);
  });

  it('on every corpus migration statement that has a head keyword', { skip: !corpusAvailable() && 'corpus not available' }, () => {
    let compared = 0;
    let found = 0;
    for (const { path, text } of corpusSqlFiles()) {
      const file = parseSqlFile(path, text);
      for (const stmt of file.statements) {
        if (stmt.text.length > 20_000 || !/\b(ALTER|ADD|DROP|CONSTRAINT|FOREIGN|REFERENCES)\b/i.test(stmt.text)) continue;
        for (const c of CASES) {
          for (const name of namesIn(stmt.text).slice(0, 16)) {
            const expected = viaRegExp(stmt, c, name);
            assert.equal(findNamed(stmt, c.head, name, c.tail), expected, `${path}: ${c.headSource} ${JSON.stringify(name)}`);
            compared++;
            if (expected >= 0) found++;
          }
        }
      }
    }
    assert.ok(compared > 10_000 && found > 1_000, `compared ${compared}, found ${found}`);
  });
});
