// The floor under any audit built on libpg-query's WebAssembly parser, for scripts/bench-migrations.mjs:
// start Node.js, load the parser as the CLI does (same file, same Liftoff-only setting), read the files
// named on the command line and parse each into its JSON tree. Nothing is analysed, decoded or printed
// but a count. Whatever the audit does beyond this is what the migration audit can still make faster.
//   node dist/bench-parse-floor.js <libpg-query.wasm> FILE...
import '../server/src/cli/wasm-tiering';
import { readFileSync } from 'node:fs';
import { loadPgBinding } from '../server/src/analysis/sql/pg';

const [wasm, ...files] = process.argv.slice(2);
loadPgBinding('wasm', wasm).then((pg) => {
  if (pg.kind !== 'wasm') throw new Error(`could not load ${wasm}`);
  let bytes = 0;
  let errors = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    try {
      bytes += pg.parseJson(text).length;
    } catch {
      errors++;
    }
  }
  process.stdout.write(`${files.length} files, ${bytes} bytes of parse trees, ${errors} syntax errors\n`);
});
