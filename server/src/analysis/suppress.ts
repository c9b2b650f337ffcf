import type { LineIndex } from './text';
import type { Range } from './types';

export interface Suppression {
  scope: 'line' | 'file';
  ruleIds: string[];
  reason: string;
  /** Line of the comment; a line suppression applies to findings anchored on the next line. */
  line: number;
  /** The comment itself (for the diagnostic). */
  range: Range;
  /** What to delete to remove the comment: its whole line when the line holds nothing else. */
  commentRange: Range;
  used: boolean;
}

const PATTERN = /(\/\/|--)\s*schema-insight-ignore(-file)?\b[ \t]*([^\r\n]*)/g;

/**
 * Finds `// schema-insight-ignore <id>[, <id>…] [reason]` (Prisma) and `-- schema-insight-ignore …`
 * (SQL) comments, and their `-file` variants. Ids are kebab-case words; the rest of the line is the
 * reason.
 */
export function collectSuppressions(text: string, lineIndex: () => LineIndex, language: 'prisma' | 'sql'): Suppression[] {
  const out: Suppression[] = [];
  const marker = language === 'prisma' ? '//' : '--';
  // Most files have none: their line index is never needed (hundreds of migrations per audit).
  if (!text.includes('schema-insight-ignore')) return out;
  const lines = lineIndex();
  PATTERN.lastIndex = 0;
  for (let m = PATTERN.exec(text); m; m = PATTERN.exec(text)) {
    if (m[1] !== marker) continue;
    const start = m.index;
    const pos = lines.positionAt(start);
    const lineText = lines.lineText(pos.line);
    const before = lineText.slice(0, pos.character);
    // Only real comments: in Prisma `//` must not be inside a string; in SQL `--` likewise (approximate: even quote count).
    if ((before.split('"').length - 1) % 2 === 1 || (language === 'sql' && (before.split("'").length - 1) % 2 === 1)) continue;
    const rest = m[3].trim();
    const ids: string[] = [];
    let reason = rest;
    const idMatch = /^([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)(.*)$/.exec(rest);
    if (idMatch) {
      for (const id of idMatch[1].split(',')) ids.push(id.trim());
      reason = idMatch[2].trim();
    }
    if (!ids.length) continue;
    const end = start + m[0].length;
    const onlyComment = before.trim() === '';
    const commentRange = onlyComment
      ? lines.range(lines.lineStarts[pos.line], lines.nextLineStart(pos.line))
      : lines.range(start - (before.length - before.trimEnd().length), end);
    out.push({
      scope: m[2] ? 'file' : 'line',
      ruleIds: ids,
      reason,
      line: pos.line,
      range: lines.range(start, end),
      commentRange,
      used: false,
    });
  }
  return out;
}
