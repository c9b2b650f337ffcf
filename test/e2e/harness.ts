/**
 * Harness for the end-to-end test in a real VS Code: code-server 4.100.3 (installed by
 * scripts/e2e-setup.sh into .e2e/) driven by Debian's chromium through playwright-core.
 * Never downloads browsers (`playwright install` is not used); never sleeps for a fixed time: every
 * wait polls for a UI or file state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER = join(REPO, '.e2e', `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.SCHEMA_INSIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = join(REPO, 'test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the e2e test cannot run here, or null when everything it needs is installed. */
export function missingPrerequisites(): string | null {
  const missing: string[] = [];
  if (!existsSync(CODE_SERVER)) missing.push(`code-server ${CODE_SERVER_VERSION} (${CODE_SERVER})`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  return missing.length ? `missing ${missing.join(' and ')}: run \`bash scripts/e2e-setup.sh\`` : null;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** Packages the extension from the current dist/ into a .vsix (the same command as `npm run package`, minus minification). */
export function packageVsix(outDir: string): string {
  // `npm test` / `npm run test:e2e` build first. Only build here when dist/ is missing: rebuilding
  // under the feet of the LSP tests running next to this one would race with their server spawns.
  const built = ['extension.js', 'server.js', 'libpg-query.wasm'].every((f) => existsSync(join(REPO, 'dist', f)));
  if (!built) {
    const build = spawnSync(process.execPath, [join(REPO, 'esbuild.mjs')], { cwd: REPO, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const out = join(outDir, 'schema-insight.vsix');
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const res = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: REPO, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(out)) throw new Error(`vsce package failed:\n${res.stdout}\n${res.stderr}`);
  return out;
}

export interface CodeServer {
  url: string;
  proc: ChildProcess;
  log: () => string;
  /** The language server's own log (SCHEMA_INSIGHT_LOG). */
  serverLog: string;
  stop: () => Promise<void>;
}

/** Installs the vsix into a fresh profile and starts code-server on 127.0.0.1 without auth. */
export async function startCodeServer(vsix: string, settings: Record<string, unknown>): Promise<CodeServer> {
  const base = mkdtempSync(join(tmpdir(), 'si-e2e-cs-'));
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const port = await freePort();
  const config = join(base, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  const env = { ...process.env, SCHEMA_INSIGHT_LOG: join(base, 'server.log'), HOME: base, XDG_CONFIG_HOME: join(base, 'xdg-config'), XDG_DATA_HOME: join(base, 'xdg-data') };
  const install = spawnSync(CODE_SERVER, [...common, '--install-extension', vsix], { encoding: 'utf8', env, timeout: 120000 });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`code-server --install-extension failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  }
  const proc = spawn(
    CODE_SERVER,
    [...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout!.on('data', (d) => (log += d.toString()));
  proc.stderr!.on('data', (d) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}/`;
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`code-server did not start within 60 s:\n${log}`)), 60000);
    const check = () => {
      if (/HTTP server listening on/i.test(log)) {
        clearTimeout(timer);
        res();
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`code-server exited (${code}):\n${log}`));
    });
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    try {
      process.kill(-proc.pid, 'SIGTERM'); // its own process group (detached): code-server and its children
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5000);
    await exited;
    clearTimeout(t);
    rmSync(base, { recursive: true, force: true });
  };
  return { url, proc, log: () => log, serverLog: join(base, 'server.log'), stop };
}

/** Polls `check` until it returns a truthy value. */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 30000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
