/**
 * The replay worker (bundled as dist/replay-worker.js): runs one `ReplayPlan` in PGlite for
 * `replayMigrations` (replay.ts), which stops it when it runs past the time limit.
 * Protocol: one `{ plan, progress }` message in (`progress`: SharedArrayBuffer with the running step's
 * index), one `{ outcome }` message out.
 */
import { parentPort } from 'node:worker_threads';
import type { ReplayPlan } from '../analysis/sql/replay';
import { runReplay } from './replay';

const port = parentPort;
if (port) {
  port.once('message', (m: { plan: ReplayPlan; progress: SharedArrayBuffer }) => {
    void runReplay(m.plan, new Int32Array(m.progress)).then((outcome) => port.postMessage({ outcome }));
  });
}
