// In-process analysis benchmark (bundled by scripts/bench.mjs): for every corpus schema, the median
// time of `audit()` (parse + model + all rules) after warm-up, and MB/s; then generated schemas of
// 1,000 to 10,000 models for the parser alone and the full audit, to show how time grows with size.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { audit } from '../server/src/analysis/engine';
import { parsePrismaSchema } from '../server/src/analysis/prisma/schema';
import { discoverProjects } from '../server/src/project/discover';

const corpus = process.argv[2];
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(fn: () => void, runs = RUNS, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return median(t);
}

const rows: Array<Record<string, string | number>> = [];
for (const project of readdirSync(corpus).filter((p) => statSync(join(corpus, p)).isDirectory()).sort()) {
  for (const layout of discoverProjects(join(corpus, project))) {
    if (!layout.schemaFiles.length) continue;
    const files = layout.schemaFiles.map((f) => ({ path: relative(corpus, f), text: readFileSync(f, 'utf8') }));
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
    let result = audit({ prismaFiles: files });
    const ms = time(() => {
      result = audit({ prismaFiles: files });
    });
    rows.push({
      schema: relative(corpus, layout.schemaFiles[0]).replace(/\/[^/]+$/, layout.schemaFiles.length > 1 ? '/' : `/${layout.schemaFiles[0].split('/').pop()}`),
      models: result.prisma?.models.length ?? 0,
      kb: Math.round(bytes / 1024),
      ms: Number(ms.toFixed(2)),
      mbPerS: Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)),
      findings: result.findings.length,
    });
  }
}

function generated(models: number): string {
  const out = ['datasource db {\n  provider = "postgresql"\n}\n'];
  for (let i = 0; i < models; i++) {
    const parent = i > 0 ? `M${i - 1}` : null;
    out.push(`/// Model number ${i}
model M${i} {
  id        String   @id @default(cuid())
  name      String   @db.VarChar(120)
  status    String   @default("active") // active, paused, deleted
  price     Decimal  @db.Decimal(19, 4)
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
${parent ? `  parentId  String\n  parent    ${parent}   @relation(fields: [parentId], references: [id], onDelete: Cascade)\n` : ''}  children  M${i + 1}[]

${parent ? '  @@index([parentId])\n' : ''}  @@index([status, createdAt])
}
`);
  }
  out.push(`model M${models} {\n  id       String @id\n  parentId String\n  parent   M${models - 1} @relation(fields: [parentId], references: [id], onDelete: Cascade)\n\n  @@index([parentId])\n}\n`);
  return out.join('\n');
}

const scaling: Array<Record<string, number>> = [];
for (const n of [1000, 2000, 5000, 10000]) {
  const text = generated(n);
  const files = [{ path: 'gen.prisma', text }];
  const parseMs = time(() => parsePrismaSchema(files), 5, 1);
  const auditMs = time(() => audit({ prismaFiles: files }), 5, 1);
  scaling.push({
    models: n,
    mb: Number((Buffer.byteLength(text) / 1024 / 1024).toFixed(2)),
    parseMs: Number(parseMs.toFixed(1)),
    auditMs: Number(auditMs.toFixed(1)),
    usPerModel: Number(((auditMs * 1000) / n).toFixed(1)),
  });
}
process.stdout.write(JSON.stringify({ rows, scaling }));
