/** The report webview HTML of the client (client/src/webview.ts), with the real HTML renderer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportCsp, reportWebviewHtml } from '../../client/src/webview';
import { renderReport } from '../../server/src/report';
import type { Finding } from '../../server/src/analysis/types';

const opts = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', cssHref: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.css', nonce: 'N0nce123' };

test('strict CSP: no scripts, styles only from the webview origin and the nonce', () => {
  const csp = reportCsp(opts);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'none'/);
  assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'nonce-N0nce123'/);
  assert.ok(!csp.includes('unsafe-inline'));
});

test('the rendered report keeps its nonce style, gets our policy and stylesheet, and user strings stay escaped', () => {
  const evil = '<script>alert(1)</script><style>body{display:none}</style><img src=x onerror=alert(2)>';
  const finding: Finding = {
    rule: 'missing-fk-index',
    severity: 'warning',
    priority: 'P2',
    message: `Foreign key ${evil} has no index.`,
    file: 'prisma/schema.prisma',
    range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
    subject: { model: evil },
    fixes: [],
  };
  const report = renderReport('html', { root: 'proj', files: [{ path: 'prisma/schema.prisma', kind: 'prisma' }], findings: [finding], toolVersion: 'test' }, { cspNonce: opts.nonce });
  const html = reportWebviewHtml(report, opts);
  const policies = html.match(/http-equiv="Content-Security-Policy"/gi) ?? [];
  assert.equal(policies.length, 1, 'exactly one policy: ours');
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style'), 'the policy comes before any style');
  assert.ok(html.indexOf('report.css') > html.lastIndexOf('</style>'), 'media/report.css is linked after the embedded stylesheet');
  assert.ok(!/<script/i.test(html), 'no script element');
  assert.ok(!/<img src=x/i.test(html), 'no raw user markup');
  const styles = html.match(/<style[^>]*>/gi) ?? [];
  assert.ok(styles.length >= 1 && styles.every((s) => s.includes('nonce="N0nce123"')), styles.join(' '));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the user string is shown escaped');
});

test('a fragment without <head> is wrapped into a full document', () => {
  const html = reportWebviewHtml('<p>hi</p><script>x()</script>', opts);
  assert.match(html, /^<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy"/);
  assert.ok(html.includes('<body><p>hi</p></body>'));
});
