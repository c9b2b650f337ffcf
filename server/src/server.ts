/**
 * Entry of the Schema Insight language server (bundled to dist/server.js).
 * Transports: `--stdio` (editors such as Neovim, tests), `--node-ipc` (the VS Code client), or
 * `--socket=<port>`; vscode-languageserver picks the one named on the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => {
  // Never die on a bug in one request; the error goes to the client's output channel.
  try {
    connection.console.error(`uncaught: ${e instanceof Error ? e.stack : String(e)}`);
  } catch {
    // the connection itself is gone: nothing left to report to
  }
});
process.on('unhandledRejection', (e) => {
  try {
    connection.console.error(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`);
  } catch {
    // the connection itself is gone: nothing left to report to
  }
});
startServer(connection);
