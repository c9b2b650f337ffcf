/**
 * Entry of the Schema Insight language server (bundled to dist/server.js).
 * Transports: `--stdio` (the VS Code client, editors such as Neovim, tests), `--node-ipc`, or
 * `--socket=<port>`; vscode-languageserver picks the one named on the command line. With `--stdio`
 * the output goes through our encoder (lsp/encoder.ts), which re-sends unchanged diagnostics as
 * cached bytes.
 */
// Before anything is compiled: V8's compiler settings for a keystroke-latency server (see the module).
import './js-tiering';
import { format, inspect, type InspectOptions } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { diagnosticsEncoder } from './lsp/encoder';
import { startServer } from './lsp/server';

function stdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: diagnosticsEncoder() });
  // process.stdin stays a stream so vscode-languageserver still exits when the client closes it.
  const c = createConnection(ProposedFeatures.all, process.stdin, writer as unknown as NodeJS.WritableStream);
  // stdout carries the protocol: console output goes to the client's log instead (what
  // vscode-languageserver does itself for --stdio when it owns the streams).
  const to = (log: (m: string) => void) => (...args: unknown[]) => log(format(...args));
  console.log = to((m) => c.console.log(m));
  console.info = to((m) => c.console.info(m));
  console.debug = to((m) => c.console.log(m));
  console.warn = to((m) => c.console.warn(m));
  console.error = to((m) => c.console.error(m));
  // Node's other console methods go through the ones above, except these two, which write to stdout directly.
  console.dir = (item: unknown, options?: InspectOptions) => c.console.log(inspect(item, options));
  console.dirxml = to((m) => c.console.log(m));
  return c;
}

const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
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
