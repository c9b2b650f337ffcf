/**
 * Imported first by the CLI entry (before libpg-query compiles its WebAssembly module): keeps the
 * PostgreSQL parser in V8's baseline WebAssembly compiler (Liftoff) for the life of this process.
 *
 * By default V8 re-compiles hot WebAssembly functions with its optimising compiler (TurboFan) on
 * background threads. libpg-query's grammar is one huge function, and in a cold CLI run that re-compile
 * costs far more CPU than it ever saves: on civitai's 400 migrations, parsing took ~290 ms with tier-up
 * and ~120 ms without, with less than half the CPU time (the background compiles compete for the
 * machine's cores). A long-running process (the language server) keeps the default.
 * Set SCHEMA_INSIGHT_WASM_TIER_UP=1 to keep V8's default here too.
 */
import { setFlagsFromString } from 'node:v8';

if (process.env.SCHEMA_INSIGHT_WASM_TIER_UP !== '1') {
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // A V8 that refuses run-time flags just keeps its default.
  }
}
