/**
 * Work the CLI starts before anything else is evaluated (imported right after `wasm-tiering`), so it
 * overlaps the loading of the rest of the CLI, discovery and reading files: loading the SQL parser's
 * WebAssembly module, for `audit` (also `schema-insight <path>`).
 */
import { ensureSqlParser } from '../analysis/sql/parse';

/** Whether this process runs an audit (`audit …`, or a path as shorthand) as the CLI entry. */
function auditCommand(argv: string[]): boolean {
  const command = argv[2];
  return command === 'audit' || (command !== undefined && !command.startsWith('-') && command !== 'rules' && command !== 'explain' && command !== 'help');
}

if (require.main === module && auditCommand(process.argv)) {
  // A failure surfaces where the audit awaits the parser.
  ensureSqlParser().catch(() => {});
}
