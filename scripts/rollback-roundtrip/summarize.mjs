#!/usr/bin/env node
// Totals over the JSON reports run.ts wrote: node scripts/rollback-roundtrip/summarize.mjs [DIR] (default /tmp/rollback-roundtrip)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '/tmp/rollback-roundtrip';
const total = { projects: 0, applied: 0, checked: 0, noRollback: 0, rollbackErrors: 0, rollbackErrorsUnexplained: 0, unexplainedDiffs: 0, reapplyErrors: 0, reapplyDiffs: 0 };
const rows = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  total.projects++;
  for (const l of r.layouts) {
    const res = l.results;
    const applied = res.filter((x) => x.status !== 'migration-failed').length;
    const checked = res.filter((x) => x.status === 'ok' || x.status === 'problems').length;
    const errs = res.filter((x) => x.rollbackError || x.rollbackSyntaxError);
    const errsU = errs.filter((x) => x.rollbackSyntaxError || x.rollbackError.verdict === 'UNEXPLAINED' || (x.rollbackErrors ?? []).some((e) => e.verdict === 'UNEXPLAINED'));
    const diffsU = res.flatMap((x) => (x.partial ? [] : (x.diffs ?? []).filter((d) => d.verdict === 'UNEXPLAINED').map((d) => `${x.path.split('/').slice(-2, -1)[0] || x.path}: ${d.kind} ${d.object} ${d.change}`)));
    const reErr = res.filter((x) => x.reapplyError && x.reapplyError.verdict === 'UNEXPLAINED');
    const reDiff = res.filter((x) => (x.reapplyDiffs ?? []).some((d) => d.verdict !== 'ORDER'));
    total.applied += applied;
    total.checked += checked;
    total.noRollback += res.filter((x) => x.status === 'no-rollback').length;
    total.rollbackErrors += errs.length;
    total.rollbackErrorsUnexplained += errsU.length;
    total.unexplainedDiffs += diffsU.length;
    total.reapplyErrors += reErr.length;
    total.reapplyDiffs += reDiff.length;
    rows.push({ project: f.replace(/\.json$/, ''), applied: `${applied}/${l.total}`, checked, rollbackErrors: errs.length, unexplainedErrors: errsU.length, unexplainedDiffs: diffsU.length, reapplyErrors: reErr.length, stop: l.stop ? l.stop.split('\n')[0].slice(0, 110) : '' });
    for (const d of diffsU) console.log(`  UNEXPLAINED  ${f.replace(/\.json$/, '')}  ${d}`);
  }
}
console.table(rows);
console.log(total);
