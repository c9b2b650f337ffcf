/**
 * Performance of the Prisma parser + model: civitai's 302-model schema warm (median of 20 runs after
 * warm-up; the budget for the whole audit is 30 ms), and time linear in the schema size (generated
 * schemas up to 10,000 models). Bounds are loose enough for a loaded CI machine; the measured numbers
 * are printed as test diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrismaSchema } from '../../server/src/analysis/prisma/schema';
import { parsePrisma } from '../../server/src/analysis/prisma/parser';
import { corpusAvailable, corpusSchema } from '../helpers/corpus';

function cpuMs(f: () => void): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export function generatedSchema(models: number): string {
  const out: string[] = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'];
  for (let i = 0; i < models; i++) {
    const prev = Math.max(0, i - 1);
    out.push(
      `/// Model ${i}\nmodel M${i} {\n  id        Int      @id @default(autoincrement())\n  name      String   @db.VarChar(255)\n  createdAt DateTime @default(now())\n  parentId  Int?\n  parent    M${prev}? @relation("R${i}", fields: [parentId], references: [id], onDelete: Cascade)\n  children  M${i + 1 < models ? i + 1 : i}[] @relation("R${i + 1 < models ? i + 1 : 'end'}")\n\n  @@index([parentId, createdAt(sort: Desc)])\n  @@unique([name])\n}\n`,
    );
  }
  return out.join('\n');
}

test('civitai (302 models, 7,642 lines): parse + model, median of 20 warm runs', { skip: !corpusAvailable() && 'corpus not found' }, (t) => {
  const text = corpusSchema('civitai__civitai').files[0].text;
  const run = () => parsePrismaSchema([{ path: 'schema.full.prisma', text }]);
  for (let i = 0; i < 10; i++) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    cpu.push(cpuMs(run));
    wall.push(performance.now() - t0);
  }
  const parseOnly: number[] = [];
  for (let i = 0; i < 20; i++) parseOnly.push(cpuMs(() => parsePrisma(text)));
  t.diagnostic(
    `civitai parse+model: wall median ${median(wall).toFixed(1)} ms (min ${Math.min(...wall).toFixed(1)}), cpu median ${median(cpu).toFixed(1)} ms; parse only cpu median ${median(parseOnly).toFixed(1)} ms`,
  );
  // Whole-audit budget is 30 ms; parse + model must stay well inside it even under test tooling.
  assert.ok(Math.min(...cpu) < 30, `parse + model takes ${Math.min(...cpu).toFixed(1)} ms at best`);
  assert.ok(median(cpu) < 80, `parse + model median ${median(cpu).toFixed(1)} ms`);
});

test('time grows linearly with schema size (2,500 vs 10,000 generated models)', (t) => {
  const per: Record<number, number> = {};
  for (const n of [2500, 10000]) {
    const text = generatedSchema(n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      let models = 0;
      best = Math.min(
        best,
        cpuMs(() => {
          models = parsePrismaSchema([{ path: 'g.prisma', text }]).models.length;
        }),
      );
      assert.equal(models, n);
    }
    per[n] = best / n;
    t.diagnostic(`${n} models (${(text.length / 1e6).toFixed(1)} MB): ${best.toFixed(0)} ms cpu, ${((best / n) * 1000).toFixed(1)} µs per model`);
  }
  // Linear within a factor for GC and caches; a quadratic step would make this ~4×.
  assert.ok(per[10000] < per[2500] * 2.5, `per-model cost grows from ${(per[2500] * 1000).toFixed(1)} to ${(per[10000] * 1000).toFixed(1)} µs`);
});
