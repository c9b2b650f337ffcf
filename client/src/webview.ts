/**
 * The report webview's HTML (no `vscode` import, so it is unit-tested in plain Node).
 *
 * The report HTML comes from the server's HTML renderer, which escapes every string taken from user
 * files and puts the per-render nonce on its own <style>. Here it gets a strict
 * Content-Security-Policy: no scripts at all, styles only from the webview's resource origin
 * (media/report.css) and the nonce-carrying <style>, images only from the webview or data: URIs.
 * Tags are never given a nonce here: only the renderer's own stylesheet carries it.
 */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(media/report.css)`. */
  cssHref: string;
  nonce: string;
}

export function reportCsp(o: Pick<WebviewHtmlOptions, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    "script-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function reportWebviewHtml(reportHtml: string, o: WebviewHtmlOptions): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(reportCsp(o))}">`;
  const link = `<link rel="stylesheet" href="${escapeAttr(o.cssHref)}">`;
  let html = reportHtml
    // No scripts and no other policy than ours (the CSP would block scripts anyway).
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<meta[^>]+http-equiv=["']?content-security-policy["']?[^>]*>/gi, '');
  if (/<head[^>]*>/i.test(html) && /<\/head>/i.test(html)) {
    // The policy first; our stylesheet last, so its theme adjustments win over the embedded styles.
    html = html.replace(/<head[^>]*>/i, (m) => `${m}${meta}`).replace(/<\/head>/i, `${link}</head>`);
  } else {
    html = `<!DOCTYPE html><html><head>${meta}${link}</head><body>${html}</body></html>`;
  }
  return html;
}
