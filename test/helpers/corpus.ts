/**
 * Discovery of the shared real-world corpus (`../shared/corpus`, read-only, never copied into the repo).
 * One entry per Prisma schema: a multi-file schema folder (formbricks, papermark, dub) is ONE entry;
 * every standalone `.prisma` file (usually `schema.prisma`, civitai's `schema.full.prisma`) is its own.
 *
 * The list of schemas comes from the corpus manifest (`SOURCES.tsv`, column `schema_paths`: a file, or a
 * folder ending in `/`); `unlistedPrismaFiles()` lets a test check that no `.prisma` file is missed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripBom } from '../../server/src/analysis/text';

export interface CorpusFile {
  /** Path relative to the corpus root, `/`-separated: `civitai__civitai/packages/…/schema.full.prisma`. */
  path: string;
  absPath: string;
  text: string;
}

export interface CorpusSchema {
  /** Corpus folder of the project: `civitai__civitai`. */
  project: string;
  /** The schema's path relative to the corpus root (a file, or a folder ending in `/` for multi-file schemas). */
  id: string;
  multiFile: boolean;
  files: CorpusFile[];
}

/** The corpus folder (`scripts/corpus-root.cjs`: `../shared/corpus` beside the repository, or beside the one it was cloned from). */
let root: string | undefined;
export function corpusRoot(): string {
  return (root ??= (require('../../scripts/corpus-root.cjs') as { corpusRoot: (repoRoot: string) => string }).corpusRoot(resolve(__dirname, '../..')));
}

export function corpusAvailable(): boolean {
  return existsSync(join(corpusRoot(), 'SOURCES.tsv'));
}

interface SourceRow {
  repo: string;
  project: string;
  schemaPaths: string[];
}

function sourceRows(): SourceRow[] {
  const text = readFileSync(join(corpusRoot(), 'SOURCES.tsv'), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0].split('\t');
  const repoCol = header.indexOf('repo');
  const pathsCol = header.indexOf('schema_paths');
  if (repoCol < 0 || pathsCol < 0) throw new Error('SOURCES.tsv lacks repo/schema_paths columns');
  return lines.slice(1).map((l) => {
    const cols = l.split('\t');
    const repo = cols[repoCol];
    const raw = cols[pathsCol] ?? '-';
    return {
      repo,
      project: repo.replace('/', '__'),
      schemaPaths: raw === '-' || !raw ? [] : raw.split(';').map((s) => s.trim()).filter(Boolean),
    };
  });
}

/** Every `.prisma` file below `dir` (recursively), sorted. */
function prismaFilesIn(dir: string): string[] {
  return filesUnder(dir, '.prisma').sort();
}

let cache: CorpusSchema[] | null = null;

/** Every Prisma schema in the corpus (cached; sorted by id). */
export function corpusSchemas(): CorpusSchema[] {
  if (cache) return cache;
  const root = corpusRoot();
  const out: CorpusSchema[] = [];
  for (const row of sourceRows()) {
    for (const sp of row.schemaPaths) {
      const abs = join(root, row.project, sp);
      const rel = (a: string) => a.slice(root.length + 1).split('\\').join('/');
      const isDir = statSync(abs).isDirectory();
      const files = (isDir ? prismaFilesIn(abs) : [abs]).map((a) => ({ path: rel(a), absPath: a, text: readFileSync(a, 'utf8') }));
      out.push({ project: row.project, id: `${row.project}/${sp}`, multiFile: isDir && files.length > 1, files });
    }
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  cache = out;
  return out;
}

/** `.prisma` files under the corpus that no entry of `corpusSchemas()` covers (should be empty). */
export function unlistedPrismaFiles(): string[] {
  const covered = new Set(corpusSchemas().flatMap((s) => s.files.map((f) => f.absPath)));
  return prismaFilesIn(corpusRoot()).filter((f) => !covered.has(f));
}

/** Convenience: the schema with this id (or the only schema of this project). */
export function corpusSchema(idOrProject: string): CorpusSchema {
  const all = corpusSchemas();
  const hit = all.find((s) => s.id === idOrProject) ?? all.filter((s) => s.project === idOrProject);
  if (Array.isArray(hit)) {
    if (hit.length !== 1) throw new Error(`corpus schema ${idOrProject}: ${hit.length} matches`);
    return hit[0];
  }
  return hit;
}

let sqlCache: CorpusFile[] | null = null;

/** Every `.sql` file of the corpus, project by project (sorted), with its text (BOM stripped; cached). */
export function corpusSqlFiles(): CorpusFile[] {
  if (sqlCache) return sqlCache;
  const root = corpusRoot();
  const out: CorpusFile[] = [];
  for (const d of readdirSync(root).sort()) {
    if (!statSync(join(root, d)).isDirectory()) continue;
    for (const f of filesUnder(join(root, d), '.sql').sort()) out.push({ path: f.slice(root.length + 1), absPath: f, text: stripBom(readFileSync(f, 'utf8')) });
  }
  sqlCache = out;
  return out;
}

/** Every file below `dir` (recursively) whose name ends with `ext` (any case), in directory-listing order. */
function filesUnder(dir: string, ext: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, ext, out);
    else if (e.isFile() && e.name.toLowerCase().endsWith(ext)) out.push(p);
  }
  return out;
}
