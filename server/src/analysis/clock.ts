/**
 * Milliseconds since an arbitrary origin, for timings. Node.js's `process.hrtime` where there is one:
 * the `performance` global is loaded on first use (Node.js's perf_hooks, ~2 ms of a CLI run that
 * otherwise never needs it); elsewhere (a browser, say) `performance.now()`.
 */
export const nowMs: () => number =
  typeof process !== 'undefined' && typeof process.hrtime?.bigint === 'function' ? () => Number(process.hrtime.bigint()) / 1e6 : () => performance.now();
