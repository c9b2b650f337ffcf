/** Name transformations used by fixes (relation field names, back-relation names, enum names). */

/** Splits `generationRunId`, `generation_run_id`, `GenerationRunID` into lower-case words. */
export function words(name: string): string[] {
  return sharedWords(name).slice();
}

/** Bounded memos: the same names are split again and again (every rule, every audit). */
const MEMO_LIMIT = 20000;
const wordsCache = new Map<string, readonly string[]>();
const pascalCache = new Map<string, string>();
const camelCache = new Map<string, string>();

function sharedWords(name: string): readonly string[] {
  let w = wordsCache.get(name);
  if (w === undefined) {
    if (wordsCache.size >= MEMO_LIMIT) wordsCache.clear();
    w = name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_\-]+/)
      .filter(Boolean)
      .map((x) => x.toLowerCase());
    wordsCache.set(name, w);
  }
  return w;
}

export function pascalCase(name: string): string {
  let p = pascalCache.get(name);
  if (p === undefined) {
    if (pascalCache.size >= MEMO_LIMIT) pascalCache.clear();
    p = sharedWords(name)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
    pascalCache.set(name, p);
  }
  return p;
}

export function camelCase(name: string): string {
  let c = camelCache.get(name);
  if (c === undefined) {
    if (camelCache.size >= MEMO_LIMIT) camelCache.clear();
    const p = pascalCase(name);
    c = p.charAt(0).toLowerCase() + p.slice(1);
    camelCache.set(name, c);
  }
  return c;
}

export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return word.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/i.test(word)) return word + 'es';
  return word + 's';
}

/** A name not in `taken`: `base`, then `base2`, `base3`, … */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
}
