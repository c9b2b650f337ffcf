/**
 * Imported first by the language server entry (before V8 optimizes anything): no inlining in V8's
 * optimizing compiler (TurboFan) for the life of this process.
 *
 * A keystroke runs the same few hundred functions again (incremental parse, per-model rule replays,
 * diagnostics). In the first seconds after a file opens they run in V8's slower tiers while TurboFan
 * compiles them on a background thread; with inlining each of those compiles is large (10–30 ms for
 * the memo and reparse functions, measured with --trace-opt), so the slow tiers last longer and the
 * compiles compete with the server (and the editor) for the cores. Without inlining the compiles are
 * small and the optimized code arrives sooner; the steady state is no slower. Measured with
 * `scripts/bench-lsp.mjs` (civitai's schema, 6 interleaved rounds each on a 2-core machine): p95 of
 * the first 30 edits after opening 35.5 → 23.9 ms, of the next 30 edits 18.2 → 14.1 ms, first audit
 * 212 → 192 ms.
 *
 * Set SCHEMA_INSIGHT_V8_DEFAULTS=1 to keep V8's default.
 */
import { setFlagsFromString } from 'node:v8';

if (process.env.SCHEMA_INSIGHT_V8_DEFAULTS !== '1') {
  try {
    setFlagsFromString('--no-turbo-inlining');
  } catch {
    // A V8 that refuses run-time flags just keeps its default.
  }
}
