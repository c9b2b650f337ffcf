/**
 * The `migrations` globs of `schema-insight.json`: extra migration files for layouts discovery does not
 * know (`"migrations": "drizzle/*.sql"`, `["db/**\/*.sql"]`). Patterns are relative to the config
 * file's folder and use `/`; `*` and `?` stay within one folder name, `**` spans folders, `{a,b}` and
 * `[abc]` work as in shells. Only `.sql` files are taken.
 */
import type { Dirent } from 'node:fs';
// `SKIP`: folders a `**` never enters, as discovery skips them.
import { childPath, SKIP } from './migrations';

/** The patterns of a config's `migrations` value, and what is wrong with it (for the config problems list). */
export function migrationGlobs(value: unknown): { globs: string[]; problems: string[] } {
  if (value === undefined) return { globs: [], problems: [] };
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null;
  if (!list || list.some((v) => typeof v !== 'string' || !v.trim())) return { globs: [], problems: ['"migrations" must be a glob or a list of globs (e.g. "drizzle/*.sql")'] };
  const globs: string[] = [];
  const problems: string[] = [];
  for (const raw of list as string[]) {
    const g = raw.trim().replace(/\\/g, '/').replace(/^\.\//, '');
    if (g.startsWith('/') || /^[A-Za-z]:/.test(g) || g.split('/').includes('..')) problems.push(`"migrations": "${raw}" must be relative to the folder of schema-insight.json, without ".."`);
    else globs.push(g);
  }
  return { globs, problems };
}

/** `{a,b}` alternatives written out (one level per brace pair, nested pairs too). */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const parts: string[] = [];
  let start = open + 1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      parts.push(pattern.slice(start, i));
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      return parts.flatMap((p) => expandBraces(head + p + tail));
    } else if (c === ',' && depth === 1) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  return [pattern]; // unbalanced: literal
}

/** One folder or file name pattern as a regular expression. */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const MAGIC = /[*?[]/;

/**
 * The `.sql` files under `base` a pattern matches (absolute paths, sorted), reading folders with
 * `read` (discovery's, with its cached listings; an unreadable folder lists nothing). Bounded: at most `budget` folders are read.
 */
export function expandGlob(base: string, pattern: string, read: (dir: string) => Dirent[], budget = 20000): string[] {
  const out = new Set<string>();
  for (const p of expandBraces(pattern)) {
    const segments = p.split('/').filter((s) => s && s !== '.');
    const matchers = segments.map((s) => (s === '**' ? null : MAGIC.test(s) ? segmentRegExp(s) : s));
    const walk = (dir: string, k: number, depth: number) => {
      if (k >= segments.length || depth > 24 || budget-- <= 0) return;
      const m = matchers[k];
      const last = k === segments.length - 1;
      const entries = read(dir);
      if (m === null) {
        // `**`: zero folders here, or one more level.
        walk(dir, k + 1, depth);
        for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.')) walk(childPath(dir, e.name), k, depth + 1);
        if (last) for (const e of entries) if (e.isFile() && /\.sql$/i.test(e.name)) out.add(childPath(dir, e.name));
        return;
      }
      for (const e of entries) {
        if (typeof m === 'string' ? e.name !== m : !m.test(e.name)) continue;
        if (last) {
          if ((e.isFile() || e.isSymbolicLink()) && /\.sql$/i.test(e.name)) out.add(childPath(dir, e.name));
        } else if (e.isDirectory() || e.isSymbolicLink()) walk(childPath(dir, e.name), k + 1, depth + 1);
      }
    };
    walk(base, 0, 0);
  }
  return [...out].sort();
}
