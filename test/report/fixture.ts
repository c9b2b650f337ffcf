/**
 * Report inputs for the report tests, built from real `audit()` results: a small schema written here
 * (with a migration folder), and a corpus schema. Plus hand-made findings for what the registered
 * rules cannot produce yet or on purpose (hostile strings, file operations, hints).
 */
import { audit, type AuditResult } from '../../server/src/analysis/engine';
import { ensureSqlParser } from '../../server/src/analysis/sql/parse';
import { buildMigrationProject, migrationInventory } from '../../server/src/analysis/sql/project';
import type { Finding, SourceFile } from '../../server/src/analysis/types';
import type { ReportInput } from '../../server/src/report';
import { corpusSchema } from '../helpers/corpus';

export const SMALL_SCHEMA = `datasource db {
  provider = "postgresql"
}

/// A café owner 😀 (non-ASCII before the findings)
model User {
  id       Int       @id
  email    String    @unique
  posts    Post[]
  payments Payment[]
}

model Post {
  id       Int    @id
  title    String
  author   User   @relation(fields: [authorId], references: [id])
  authorId Int
  // schema-insight-ignore missing-fk-index
  body     String
}

model Payment {
  id     Int  @id
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)
  userId Int
  amount Float
}
`;

export const SMALL_MIGRATION = `CREATE TABLE "User" ("id" INTEGER NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" INTEGER NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL, "body" TEXT NOT NULL);
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
`;

/** Lines inserted at the top of the schema to shift every finding (fingerprints must not change). */
export const SHIFT = '// a comment that moves everything down\n\n\n\n';

export function smallFiles(shift = ''): { prismaFiles: SourceFile[]; sqlFiles: SourceFile[] } {
  return {
    prismaFiles: [{ path: 'prisma/schema.prisma', text: shift + SMALL_SCHEMA }],
    sqlFiles: [{ path: 'prisma/migrations/20240101000000_init/migration.sql', text: SMALL_MIGRATION }],
  };
}

export async function smallAudit(shift = ''): Promise<{ input: ReportInput; result: AuditResult }> {
  await ensureSqlParser();
  const files = smallFiles(shift);
  const result = audit({ ...files, hints: {} });
  const input: ReportInput = {
    root: 'acme-app',
    files: [
      ...files.prismaFiles.map((f) => ({ path: f.path, kind: 'prisma' })),
      ...files.sqlFiles.map((f) => ({ path: f.path, kind: 'migration' })),
    ],
    findings: result.findings,
    toolVersion: '1.2.3',
    // The engine builds the migration project only when a SQL rule asked for it.
    inventory: migrationInventory(result.sql ?? buildMigrationProject(files.sqlFiles)),
    ruleErrors: result.ruleErrors,
  };
  return { input, result };
}

export function civitaiAudit(): { input: ReportInput; result: AuditResult } {
  const schema = corpusSchema('civitai__civitai');
  const prefix = `${schema.project}/`;
  const prismaFiles = schema.files.map((f) => ({ path: f.path.slice(prefix.length), text: f.text }));
  const result = audit({ prismaFiles });
  return {
    input: {
      root: schema.project,
      files: prismaFiles.map((f) => ({ path: f.path, kind: 'prisma' })),
      findings: result.findings,
      toolVersion: '1.2.3',
      ruleErrors: result.ruleErrors,
    },
    result,
  };
}

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

/** A SQL-style finding with a generated rollback script and a rename, as the SQL module reports them. */
export function sqlFinding(): Finding {
  return {
    rule: 'example-unregistered-rule',
    severity: 'info',
    priority: 'P3',
    message: 'Migration `20240101000000_init` has no rollback script.',
    file: 'prisma/migrations/20240101000000_init/migration.sql',
    range: r(0, 0, 0, 12),
    subject: { table: 'Post' },
    migration: '20240101000000_init',
    fixes: [
      {
        title: 'Generate a rollback script',
        edits: [],
        fileOperations: [
          { kind: 'create', file: 'prisma/migrations/20240101000000_init/down.sql', content: 'DROP TABLE "Post";\nDROP TABLE "User";\n' },
          { kind: 'rename', file: 'prisma/migrations/x.sql', newFile: 'prisma/migrations/y.sql' },
        ],
      },
    ],
  };
}

export const HOSTILE = `<script>alert("x'&y")</script>`;

/** Every user-controlled string carries markup and quotes. */
export function hostileInput(): ReportInput {
  const file = `prisma/<b>"odd'&name</b>.prisma`;
  return {
    root: `<img src=x onerror=alert(1)> & "root"`,
    files: [{ path: file, kind: 'prisma' }],
    toolVersion: '1.0.0',
    findings: [
      {
        rule: 'missing-fk-index',
        severity: 'warning',
        priority: 'P2',
        message: `Foreign key of ${HOSTILE} has no index: \`${HOSTILE}\` and **${HOSTILE}**.`,
        file,
        range: r(3, 2, 3, 10),
        subject: { model: HOSTILE, field: `"'&<>` },
        fixes: [
          {
            title: `Add @@index([${HOSTILE}])`,
            edits: [{ file, range: r(5, 0, 5, 0), newText: `  @@index([a])\n</code></pre>${HOSTILE}\n` }],
          },
        ],
        related: [{ file, range: r(1, 0, 1, 4), message: HOSTILE }],
        data: { note: HOSTILE },
      },
      {
        rule: `<svg onload=alert(1)>`,
        severity: 'hint',
        priority: 'P3',
        message: HOSTILE,
        file,
        range: r(0, 0, 0, 1),
        subject: { table: HOSTILE, policy: HOSTILE },
        migration: HOSTILE,
        fixes: [{ title: HOSTILE, edits: [], fileOperations: [{ kind: 'create', file: `${HOSTILE}.sql`, content: HOSTILE }] }],
      },
    ],
    inventory: [{ version: HOSTILE, file: HOSTILE, status: HOSTILE, notes: `<img src=x onerror=alert(1)>` }],
    ruleErrors: { [HOSTILE]: HOSTILE },
  };
}
