// `npm run test:vscode`: the standard @vscode/test-electron in-extension-host suite (test/vscode/).
// It needs to download VS Code from update.code.visualstudio.com; where that is impossible (offline
// CI, like this project's), it says so and exits 0: the real-VS-Code proof there is the code-server
// end-to-end test (test/e2e/vscode.test.ts). A VS Code already cached in .vscode-test/ is used offline.
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

function skip(reason) {
  console.log(`test:vscode skipped: ${reason}`);
  console.log('The in-extension-host suite runs where VS Code can be downloaded; here the code-server e2e test (npm run test:e2e) covers a real VS Code.');
  process.exit(0);
}

const cached = existsSync(join(root, '.vscode-test')) && readdirSync(join(root, '.vscode-test')).some((d) => d.startsWith('vscode-'));
if (!cached) {
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(8000) });
    if (!res.ok) skip(`update.code.visualstudio.com answered HTTP ${res.status}`);
  } catch (e) {
    skip(`cannot reach update.code.visualstudio.com to download VS Code (${e?.cause?.code ?? e?.name ?? e})`);
  }
}

let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: '1.91.0', timeout: 60000 });
} catch (e) {
  skip(`VS Code download failed: ${e?.message ?? e}`);
}

const out = join(root, 'out', 'test-vscode');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'test/vscode/suite.ts')],
  outfile: join(out, 'suite.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
});
const ws = mkdtempSync(join(tmpdir(), 'si-vscode-'));
mkdirSync(join(ws, 'prisma'));
writeFileSync(
  join(ws, 'prisma', 'schema.prisma'),
  'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n',
);
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(out, 'suite.js'),
    launchArgs: [ws, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  console.error(`test:vscode failed: ${e?.message ?? e}`);
  process.exit(1);
}
