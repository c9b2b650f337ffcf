import assert from 'node:assert/strict';
import { audit } from '../../../server/src/analysis/engine';
import { applyEdits } from '../../../server/src/analysis/text';
import type { Finding, Fix } from '../../../server/src/analysis/types';
import { validateSchema } from '../../helpers/oracle';

export const DS = 'datasource db {\n  provider = "postgresql"\n}\n\n';

export function schemaOf(text: string): string {
  return /datasource\s+\w+\s*\{/.test(text) ? text : DS + text;
}

/** Findings of one rule for a single-file schema (a PostgreSQL datasource is prepended if missing). */
export function findings(text: string, rule: string): Finding[] {
  const r = audit({ prismaFiles: [{ path: 'schema.prisma', text: schemaOf(text) }] });
  assert.deepEqual(r.ruleErrors, {});
  return r.findings.filter((f) => f.rule === rule);
}

export function applyFixText(text: string, fix: Fix): string {
  for (const e of fix.edits) assert.equal(e.file, 'schema.prisma');
  return applyEdits(schemaOf(text), fix.edits);
}

/**
 * Applies the fix, checks that Prisma accepts the result and that the finding (same rule and subject)
 * is gone. Returns the fixed text.
 */
export async function checkFix(text: string, finding: Finding, fix: Fix): Promise<string> {
  const fixed = applyFixText(text, fix);
  const err = await validateSchema([{ path: 'schema.prisma', text: fixed }]);
  assert.equal(err, null, `fix "${fix.title}" produced an invalid schema:\n${err}\n---\n${fixed}`);
  const again = findings(fixed, finding.rule).filter((f) => JSON.stringify(f.subject) === JSON.stringify(finding.subject));
  assert.equal(again.length, 0, `fix "${fix.title}" did not remove the finding:\n${again.map((f) => f.message).join('\n')}\n---\n${fixed}`);
  return fixed;
}

export async function assertValid(text: string): Promise<void> {
  const err = await validateSchema([{ path: 'schema.prisma', text: schemaOf(text) }]);
  assert.equal(err, null, err ?? '');
}
