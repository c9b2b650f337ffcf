/**
 * Headless Neovim (Debian's 0.7.x, `vim.lsp.start_client`) attaches `dist/server.js --stdio` and must
 * receive the same diagnostics as our own LSP client. Skipped without `nvim` unless CI=true
 * (scripts/e2e-setup.sh installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, SERVER } from '../lsp/client';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id
  email String @unique
  posts Post[]

  @@index([email])
}

model Post {
  id       Int  @id
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
}
`;

const nvimVersion = (() => {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : null;
})();
const skip = !nvimVersion && process.env.CI !== 'true' ? 'nvim skipped: neovim is not installed (bash scripts/e2e-setup.sh installs it)' : false;

const INIT_LUA = `
local server, root, file, out = os.getenv('SI_SERVER'), os.getenv('SI_ROOT'), os.getenv('SI_FILE'), os.getenv('SI_OUT')
local target = vim.uri_from_fname(file)
local done = false
local function finish(payload)
  if done then return end
  done = true
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(payload))
  f:close()
  vim.cmd('qall!')
end
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'schema-insight',
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'ws' } },
  init_options = { debounceMs = 0 },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      if result.uri == target and #result.diagnostics > 0 and result.version ~= nil then
        local shown = {}
        for _, d in ipairs(vim.diagnostic.get(bufnr)) do
          table.insert(shown, { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
        end
        finish({ lsp = result.diagnostics, shown = shown, version = vim.version() })
      end
    end,
  },
})
if not client_id then finish({ error = 'start_client failed' }) end
vim.lsp.buf_attach_client(bufnr, client_id)
vim.defer_fn(function() finish({ error = 'timed out waiting for diagnostics' }) end, 30000)
`;

test('headless neovim 0.7 receives the same diagnostics as our client', { skip, timeout: 90000 }, async () => {
  if (!nvimVersion) assert.fail('CI=true and nvim is missing: run bash scripts/e2e-setup.sh');
  assert.ok(existsSync(SERVER), 'dist/server.js is built');
  const ws = mkdtempSync(join(tmpdir(), 'si-nvim-'));
  try {
    mkdirSync(join(ws, 'prisma'));
    const file = join(ws, 'prisma', 'schema.prisma');
    writeFileSync(file, SCHEMA);
    const init = join(ws, 'init.lua');
    writeFileSync(init, INIT_LUA);
    const out = join(ws, 'out.json');
    const env = { ...process.env, SI_SERVER: SERVER, SI_ROOT: ws, SI_FILE: file, SI_OUT: out, XDG_CONFIG_HOME: join(ws, 'cfg'), XDG_DATA_HOME: join(ws, 'data'), XDG_STATE_HOME: join(ws, 'state') };
    const proc = spawn('nvim', ['--headless', '--clean', '-n', '-u', init], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    assert.ok(existsSync(out), `nvim wrote no result (exit ${code}):\n${log}`);
    const res = JSON.parse(readFileSync(out, 'utf8')) as {
      error?: string;
      lsp: Array<{ code: string; range: unknown; message: string; severity: number }>;
      shown: Array<{ lnum: number; message: string }>;
      version: { major: number; minor: number };
    };
    assert.equal(res.error, undefined, `${res.error}\n${log}`);
    assert.equal(res.version.major, 0);

    // The same file through our own client.
    const c = new LspClient();
    try {
      await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
      c.open(file, SCHEMA);
      const ours = await c.waitForDiagnostics(file, (_d, p) => p.version === 1);
      type R = { start: { line: number; character: number }; end: { line: number; character: number } };
      const key = (d: { code?: unknown; range: unknown; message: string; severity?: number }) => {
        const r = d.range as R;
        return JSON.stringify([d.code, r.start.line, r.start.character, r.end.line, r.end.character, d.message, d.severity]);
      };
      assert.deepEqual(res.lsp.map(key).sort(), ours.map(key).sort());
      assert.ok(ours.some((d) => d.code === 'missing-fk-index') && ours.some((d) => d.code === 'redundant-index'));
      // And Neovim shows them on the buffer.
      assert.equal(res.shown.length, ours.length);
      assert.ok(res.shown.some((d) => /Foreign key `authorId`/.test(d.message)));
    } finally {
      await c.shutdown();
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
