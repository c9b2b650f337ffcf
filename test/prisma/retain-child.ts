/**
 * Child process of memory.test.ts (run with --expose-gc): edits a ~1 MB schema in a PrismaSession,
 * one model per edit, as the language server does, and prints the heap growth after the edits.
 * Arguments: the number of edits, then `errors` to give every model a syntax error (whose message
 * quotes the document) that the session keeps across edits.
 */
import { audit } from '../../server/src/analysis/engine';
import { PrismaSession, type SessionSourceFile } from '../../server/src/analysis/prisma/schema';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const MODELS = 60;
const broken = process.argv[3] === 'errors' ? '  %%% not a field, quoted in the error message\n' : '';
const model = (i: number, v: number) =>
  `/// Customer-facing record number ${i}, revision ${v}: a long documentation comment\nmodel SomeLongModelName${i} {\n  id                 Int    @id @default(autoincrement())\n  someLongFieldName${i}_${v} String @default("a default value that is long")\n${broken}  anotherLongFieldName Int?\n  @@index([anotherLongFieldName])\n}\n`;
const padding = `// ${'x'.repeat(1000)}\n`.repeat(1000); // ~1 MB of comments
const versions = new Array(MODELS).fill(0);
const text = () => versions.map((v, i) => model(i, v)).join('\n') + padding;
const session = new PrismaSession();
const run = () => audit({ prismaFiles: [{ path: '/m/schema.prisma', text: text(), prismaSession: session } as SessionSourceFile] });
run();
gc();
const before = process.memoryUsage().heapUsed;
const edits = Number(process.argv[2] ?? 50);
for (let k = 0; k < edits; k++) {
  versions[k % MODELS]++;
  run();
}
gc();
process.stdout.write(JSON.stringify({ growthMb: (process.memoryUsage().heapUsed - before) / 1e6, textMb: text().length / 1e6 }));
