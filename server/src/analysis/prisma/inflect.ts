/** Name transformations used by fixes (relation field names, back-relation names, enum names). */
import { memo } from './naming';

/** Splits `generationRunId`, `generation_run_id`, `GenerationRunID` into lower-case words. */
export function words(name: string): string[] {
  return sharedWords(name).slice();
}

/** Memoised (`memo`: bounded): the same names are split again and again (every rule, every audit). */
const wordsCache = new Map<string, readonly string[]>();
const pascalCache = new Map<string, string>();
const camelCache = new Map<string, string>();

function splitWords(name: string): readonly string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-]+/)
    .filter(Boolean)
    .map((x) => x.toLowerCase());
}

function sharedWords(name: string): readonly string[] {
  return memo(wordsCache, name, splitWords);
}

export function pascalCase(name: string): string {
  return memo(pascalCache, name, (n) =>
    sharedWords(n)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
  );
}

export function camelCase(name: string): string {
  return memo(camelCache, name, (n) => {
    const p = pascalCase(n);
    return p.charAt(0).toLowerCase() + p.slice(1);
  });
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
