import { defineRule } from '../../rule';
import { rangeOf } from '../../prisma/schema';

export default defineRule({
  id: 'prisma-syntax-error',
  title: 'The Prisma schema does not parse',
  category: 'Syntax',
  defaultSeverity: 'error',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports Prisma schema text that is not valid Prisma Schema Language: a line outside any block, a block that is never closed, a field without a type, an unterminated string, or a name used twice. The rest of the file is still parsed and audited.',
    whyItMatters:
      '`prisma generate` and `prisma migrate` refuse the whole schema on the first syntax error, so CI and deploys stop. While you type, the other findings stay visible.',
    example: 'model User {\n  id    Int    @id\n  email String @unique\n  name\n}\n',
    useInstead: 'model User {\n  id    Int     @id\n  email String  @unique\n  name  String?\n}\n',
    fixSafety: 'No automatic fix: only you know what the half-typed line should become.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema) return;
    for (const d of schema.diagnostics) {
      report({ file: d.file.path, range: rangeOf(d.file, d.span), message: d.message, subject: {} });
    }
  },
});
