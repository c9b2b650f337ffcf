import type { Rule } from './rule';
import { isCodePath } from './code/paths';
import type { Finding, SourceFile } from './types';

/** Where the rendered rule documentation lives (docs/rules/<id>.md in the repository). */
export const DOCS_BASE_URL = 'https://github.com/schema-insight/schema-insight/blob/main/docs/rules/';

export function ruleDocUrl(id: string): string {
  return `${DOCS_BASE_URL}${id}.md`;
}

function fence(code: string, lang: string): string {
  const ticks = code.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${code.replace(/\s+$/, '')}\n${ticks}`;
}

/** What a rule reads, for its documentation ("Applies to"). */
export function appliesTo(rule: Rule): string {
  if (rule.appliesTo) return rule.appliesTo;
  return rule.language === 'prisma' ? 'Prisma schema' : rule.language === 'sql' ? 'SQL migrations' : 'Prisma schema and SQL migrations';
}

/** Language of a rule's samples. */
export function sampleLanguage(rule: Rule): 'prisma' | 'sql' {
  if (rule.language === 'sql') return 'sql';
  if (rule.language === 'cross') return /^\s*(--|create|alter|drop|insert|select)/im.test(rule.docs.example) && !/\bmodel\s+\w+\s*\{/.test(rule.docs.example) ? 'sql' : 'prisma';
  return 'prisma';
}

/**
 * Splits a doc sample into files. Marker lines `-- file: <path>` / `// file: <path>` start a new
 * file; without markers a Prisma sample is `schema.prisma` and a SQL sample is one migration.
 * Prisma samples without a datasource get a PostgreSQL datasource prepended (so they are complete
 * schemas Prisma accepts).
 */
export function sampleFiles(sample: string, lang: 'prisma' | 'sql'): { prismaFiles: SourceFile[]; sqlFiles: SourceFile[]; codeFiles: SourceFile[] } {
  const prismaFiles: SourceFile[] = [];
  const sqlFiles: SourceFile[] = [];
  const codeFiles: SourceFile[] = [];
  const marker = /^(?:--|\/\/)\s*file:\s*(\S+)\s*$/;
  const chunks: Array<{ path: string; lines: string[] }> = [];
  for (const line of sample.split('\n')) {
    const m = marker.exec(line);
    if (m) chunks.push({ path: m[1], lines: [] });
    else {
      if (!chunks.length) chunks.push({ path: lang === 'prisma' ? 'schema.prisma' : 'migrations/0001_example.sql', lines: [] });
      chunks[chunks.length - 1].lines.push(line);
    }
  }
  for (const c of chunks) {
    const text = c.lines.join('\n');
    if (c.path.endsWith('.prisma')) prismaFiles.push({ path: c.path, text });
    else if (isCodePath(c.path)) codeFiles.push({ path: c.path, text });
    else sqlFiles.push({ path: c.path, text });
  }
  if (prismaFiles.length && !prismaFiles.some((f) => /^\s*datasource\s+\w+\s*\{/m.test(f.text))) {
    prismaFiles[0] = { path: prismaFiles[0].path, text: `datasource db {\n  provider = "postgresql"\n}\n\n${prismaFiles[0].text}` };
  }
  return { prismaFiles, sqlFiles, codeFiles };
}

/** Strips the `file:` marker lines for display. */
function displaySample(sample: string): string {
  return sample
    .split('\n')
    .map((l) => {
      const m = /^(--|\/\/)\s*file:\s*(\S+)\s*$/.exec(l);
      return m ? `${m[1]} ${m[2]}` : l;
    })
    .join('\n');
}

export interface RenderOptions {
  /** Heading level of the rule title (1 for docs pages, 3 inside reports). */
  headingLevel?: number;
  /** Omit the title (hovers show the message instead). */
  omitTitle?: boolean;
}

/**
 * Renders a rule's documentation as Markdown: What it does / Why it matters / Example / Use instead /
 * Fix safety. With a finding, the finding's message and concrete values come first.
 */
export function renderRuleMarkdown(rule: Rule, finding?: Finding, options: RenderOptions = {}): string {
  const h = '#'.repeat(options.headingLevel ?? 1);
  const sub = '#'.repeat(Math.min(6, (options.headingLevel ?? 1) + 1));
  const lang = sampleLanguage(rule);
  const parts: string[] = [];
  if (!options.omitTitle) parts.push(`${h} \`${rule.id}\`: ${rule.title}`);
  if (finding) {
    parts.push(`**${finding.severity} · ${finding.priority} · \`${rule.id}\`** — ${finding.message}`);
    const data = finding.data ? Object.entries(finding.data) : [];
    if (data.length) parts.push(data.map(([k, v]) => `- **${humanize(k)}:** ${v}`).join('\n'));
    if (finding.fixes.length) parts.push(`Quick fix${finding.fixes.length > 1 ? 'es' : ''}: ${finding.fixes.map((f) => `*${f.title}*`).join(', ')}`);
  } else {
    parts.push(
      `Category: ${rule.category} · Default severity: \`${rule.defaultSeverity}\` · Applies to: ${appliesTo(rule)}`,
    );
  }
  parts.push(`${sub} What it does\n\n${rule.docs.whatItDoes}`);
  parts.push(`${sub} Why it matters\n\n${rule.docs.whyItMatters}`);
  parts.push(`${sub} Example\n\n${fence(displaySample(rule.docs.example), lang)}`);
  parts.push(`${sub} Use instead\n\n${fence(displaySample(rule.docs.useInstead), lang)}`);
  parts.push(`${sub} Fix safety\n\n${rule.docs.fixSafety}`);
  return parts.join('\n\n') + '\n';
}

function humanize(key: string): string {
  const s = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The docs/rules/<id>.md page of a rule. */
export function renderRuleDocPage(rule: Rule): string {
  return (
    renderRuleMarkdown(rule, undefined, { headingLevel: 1 }) +
    `\n---\n\nSuppress one finding with \`${sampleLanguage(rule) === 'sql' ? '--' : '//'} schema-insight-ignore ${rule.id} <reason>\` on the line above, a whole file with \`schema-insight-ignore-file ${rule.id}\`, or set \`"${rule.id}": "off"\` in \`schema-insight.json\` (\`{"rules": {…}}\`).\n`
  );
}
