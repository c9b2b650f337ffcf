// Where the shared real-world corpus is, for the tests and benchmarks (read-only, never copied in):
//  1. SCHEMA_INSIGHT_CORPUS, when set;
//  2. ../shared/corpus beside this repository (CI: repo at X/main, corpus at X/shared/corpus);
//  3. ../shared/corpus beside the repository this one was cloned from, when that is a local folder
//     (`git clone /work/main "$(mktemp -d)"` still finds /work/shared/corpus).
// Without any, the path of (2), where the corpus tests say they looked.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { isAbsolute, join, resolve } = require('node:path');

/** The corpus folder for the repository at `repoRoot`. */
function corpusRoot(repoRoot) {
  if (process.env.SCHEMA_INSIGHT_CORPUS) return resolve(process.env.SCHEMA_INSIGHT_CORPUS);
  const beside = resolve(repoRoot, '../shared/corpus');
  if (existsSync(join(beside, 'SOURCES.tsv'))) return beside;
  try {
    const origin = execFileSync('git', ['-C', repoRoot, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().replace(/^file:\/\//, '');
    if (isAbsolute(origin)) {
      const cloned = resolve(origin, '../shared/corpus');
      if (existsSync(join(cloned, 'SOURCES.tsv'))) return cloned;
    }
  } catch {
    // not a git checkout, or no origin
  }
  return beside;
}

module.exports = { corpusRoot };
