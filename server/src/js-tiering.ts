/**
 * Imported first by the language server and CLI entries (before V8 optimizes anything): no inlining
 * in V8's optimizing compiler (TurboFan) for the life of the process.
 *
 * Both processes run a few hundred functions hot within their first second: a keystroke's incremental
 * parse, rule replays and diagnostics in the server; the migration parse, replay and rules in a CLI
 * run. They run in V8's slower tiers while TurboFan compiles them on a background thread, and with
 * inlining each of those compiles is large (10–30 ms for the memo and reparse functions, measured with
 * --trace-opt), so the slow tiers last longer and the compiles compete for the cores. Without inlining
 * the compiles are small and the optimized code arrives sooner. Measured on a 2-core machine:
 * - server (`scripts/bench-lsp.mjs`, civitai's schema, 5 interleaved rounds): p95 of the first 30 edits
 *   after opening 28.6 → 22.1 ms, of the next 30 edits 16.5 → 12.2 ms, first audit 196 → 174 ms;
 * - CLI (`scripts/instructions.mjs`): civitai's 400 migrations -4.4% instructions, langfuse's 434 the
 *   same; wall time (interleaved rounds) the whole corpus in one run 1,443 → 1,283 ms, a generated 3 MB
 *   schema 2,079 → 2,018 ms. (No optimizing compiler at all, --no-opt, was faster still on the
 *   migrations but 19% slower on the 3 MB schema.)
 *
 * Set SCHEMA_INSIGHT_V8_DEFAULTS=1 to keep V8's default (the CLI's code cache, made with these flags,
 * is then not used).
 */
import { setFlagsFromString } from 'node:v8';

if (process.env.SCHEMA_INSIGHT_V8_DEFAULTS !== '1') {
  try {
    setFlagsFromString('--no-turbo-inlining');
  } catch {
    // A V8 that refuses run-time flags just keeps its default.
  }
}
