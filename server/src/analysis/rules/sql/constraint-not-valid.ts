import { defineRule } from '../../rule';
import { rangeKey } from '../../sql/catalog';
import { quoteIdent } from '../../sql/expr';
import { gooseWithoutTransaction, type Migration } from '../../sql/project';
import { detectEol } from '../../text';
import type { Fix, TextEdit } from '../../types';
import { isNewestOfSet, newMigrationFix } from './new-migration';
import { alterCommandsOnExistingTables, findInStatement, findNamed, inExplicitTransaction, insertAfterStatement, rangeFromMatch, relationText, sqlProject, statementReport, tableDisplay, tableName } from './util';

/** Whether the tool runs statement `index` of `m` on its own, outside any transaction (goose with NO TRANSACTION). */
function statementByStatement(m: Migration, index: number): boolean {
  return gooseWithoutTransaction(m.file.text) && !inExplicitTransaction(m, index);
}

/** `CONSTRAINT <name>` (findNamed); the constraint kinds, for unnamed constraints. */
const CONSTRAINT = /\bCONSTRAINT\s+/gi;
const CHECK = /\bCHECK\b/i;
const FOREIGN_KEY = /\bFOREIGN\s+KEY\b/i;
const THEN_KIND = /\s*(?:FOREIGN\s+KEY|CHECK)\b/iy;

export default defineRule({
  id: 'constraint-not-valid',
  title: 'Foreign key or CHECK added to an existing table without NOT VALID',
  category: 'Migration safety',
  defaultSeverity: 'info',
  language: 'sql',
  docs: {
    whatItDoes:
      'Reports `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` / `CHECK` without `NOT VALID` on a table that existed before this migration.',
    whyItMatters:
      'Adding the constraint validates every existing row while holding a lock that blocks writes to the table (and, for a foreign key, to the referenced table). `NOT VALID` adds it instantly for new rows; a separate `VALIDATE CONSTRAINT` then checks old rows with a lock that lets reads and writes continue.',
    example:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL);\n-- file: prisma/migrations/20240201000000_post_author_fk/migration.sql\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n',
    useInstead:
      '-- file: prisma/migrations/20240101000000_init/migration.sql\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL);\n-- file: prisma/migrations/20240201000000_post_author_fk/migration.sql\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;\n-- file: prisma/migrations/20240201000001_validate_post_author_fk/migration.sql\nALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";\n',
    fixSafety:
      'Appends `NOT VALID` and puts `ALTER TABLE … VALIDATE CONSTRAINT …;` in a new migration after the last one: in the same file it would run in the same transaction (Prisma, Supabase and most tools run a file as one), under the lock the ADD took until the commit, which is what NOT VALID avoids. Where the tool runs statement by statement (goose with `NO TRANSACTION`) or has no convention for a new migration, or the constraint no longer exists under its name after the last migration, the VALIDATE follows the statement in the same file. Not offered inside a DO block, nor on a migration that is not the newest of its set: an older one has most likely run already, where editing it changes nothing (and Prisma Migrate, Flyway and others report an applied migration whose file changed). The end state is the same validated constraint; existing rows that violate it still make the VALIDATE step fail. Offered when the ALTER TABLE adds just this named constraint.',
  },
  check(ctx, report) {
    const project = sqlProject(ctx);
    if (!project) return;
    for (const { m, s, key, cmd, cmds } of alterCommandsOnExistingTables(project, 'AT_AddConstraint')) {
        const n = s.stmt.node;
        const con = cmd.def?.Constraint;
        if (!con || (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') || con.skip_validation) continue;
        const kind = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
        // Its `CONSTRAINT name FOREIGN KEY`/`CHECK`, not a `DROP CONSTRAINT name` of the same ALTER TABLE before it.
        const at = con.conname ? findNamed(s.stmt, CONSTRAINT, con.conname, THEN_KIND) : findInStatement(s.stmt, kind === 'CHECK' ? CHECK : FOREIGN_KEY);
        const range = rangeFromMatch(m.file, s.stmt, at);
        const t = tableName(key);
        const fixes: Fix[] = [];
        if (cmds.length === 1 && con.conname && !s.inDoBlock && isNewestOfSet(project, m)) {
          const notValid: TextEdit = { file: m.path, range: { start: m.file.lines.positionAt(s.stmt.end), end: m.file.lines.positionAt(s.stmt.end) }, newText: ' NOT VALID' };
          const validate = `ALTER TABLE ${relationText(n.relation)} VALIDATE CONSTRAINT ${quoteIdent(con.conname)};`;
          // In the same transaction the VALIDATE would run under the lock the ADD took, which is held
          // to the commit: it goes to a migration of its own after the last one of this set, unless
          // the tool runs this file statement by statement (goose with NO TRANSACTION), has no
          // convention for a new migration, or the constraint is gone by then (renamed or dropped).
          const eol = detectEol(m.file.text);
          const final = project.catalog.tables.get(key);
          const survives = !!final && [...final.foreignKeys, ...final.checks].some((c) => c.name === con.conname);
          const later = !survives || statementByStatement(m, s.stmt.index) ? null : newMigrationFix(project, `validate_${con.conname}`, '', `${validate}${eol}`, { isPreferred: true, safe: true }, m);
          fixes.push(
            later
              ? { ...later, title: 'Add NOT VALID, then VALIDATE CONSTRAINT in a new migration', edits: [notValid, ...later.edits] }
              : { title: 'Add NOT VALID, then VALIDATE CONSTRAINT in a separate statement', edits: [notValid, insertAfterStatement(m.file, s.stmt, validate)], isPreferred: true, safe: true },
          );
        }
        report({
          ...statementReport(m, s),
          range,
          message: `Adding ${kind} constraint${con.conname ? ` \`${con.conname}\`` : ''} to existing table \`${tableDisplay(key)}\` validates every row while blocking writes${kind === 'FOREIGN KEY' && rangeKey(con.pktable) !== key ? ` to \`${tableDisplay(key)}\` and \`${tableDisplay(rangeKey(con.pktable))}\`` : ''}; add it NOT VALID and VALIDATE it separately.`,
          subject: { table: t, ...(con.contype === 'CONSTR_FOREIGN' && con.fk_attrs?.length ? { column: con.fk_attrs[0].String?.sval } : {}) },
          fixes,
        });
    }
  },
});
