import { defineRule } from '../../rule';

/**
 * Metadata and documentation of `unused-ignore`. Its check runs inside the engine (engine.ts), after
 * every other rule, because only then is it known which ignore comments suppressed something.
 */
export default defineRule({
  id: 'unused-ignore',
  title: 'An ignore comment suppresses nothing',
  category: 'Suppressions',
  defaultSeverity: 'hint',
  language: 'cross',
  tags: ['unnecessary'],
  docs: {
    whatItDoes:
      'Reports a `// schema-insight-ignore <id>` (Prisma) or `-- schema-insight-ignore <id>` (SQL) comment that suppresses no finding: the problem was fixed, the comment sits on the wrong line, or the rule id is misspelled.',
    whyItMatters:
      'A stale ignore comment silently hides the next real problem on that line, and a misspelled id hides nothing while looking like it does.',
    example:
      'model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  authorId Int\n\n  // schema-insight-ignore missing-fk-index\n  @@index([authorId])\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n',
    useInstead:
      'model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  authorId Int\n\n  @@index([authorId])\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n',
    fixSafety: 'The fix deletes the comment line. It cannot change the schema or the database.',
  },
  check() {
    // Implemented by the engine (see the comment above).
  },
});
