/** TypeScript/JavaScript source files, read for Prisma Client query patterns (`.d.ts` declarations and minified bundles are not). */
const CODE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

export function isCodePath(path: string): boolean {
  return CODE_EXT.test(path) && !/\.d\.[cm]?ts$/i.test(path) && !/\.min\.js$/i.test(path);
}
