// The layout rules of issue 12, checked on the files as they are, so a change that breaks one fails here
// rather than in review: composition-only core.ts, small modules, no import back into the tests' folder,
// no import cycle, electron only in its folder, and a first line in each folder saying what it is for.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE = /\.(ts|tsx|cts)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => SOURCE.test(f))
    .map((f) => join(dir, f))
    .sort();
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const isFake = (f: string) => f.startsWith('src-main/fakes/');
const lineCount = (f: string) => readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1;
const product = ['src-main', 'src-renderer', 'src-preload'].flatMap(filesUnder);

/** Every module a file names (imports, re-exports, import() and `import type` alike), resolved when relative. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName }) => (fileName.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), fileName)) : fileName));
}

describe('the code layout', () => {
  it('core.ts only composes: at most 200 lines', () => {
    expect(lineCount('src-main/core/core.ts')).toBeLessThanOrEqual(200);
  });

  it('no product module over 400 lines, no domain handler module over 300 (tests and fakes aside)', () => {
    const over = product
      .filter((f) => !isTest(f) && !isFake(f))
      .map((f) => ({ f, lines: lineCount(f), limit: f.startsWith('src-main/domains/') ? 300 : 400 }))
      .filter(({ lines, limit }) => lines > limit);
    expect(over).toEqual([]);
  });

  it('nothing under src-main/, src-renderer/ or src-preload/ imports from e2e/', () => {
    const back = product.flatMap((f) => importsOf(f).filter((m) => m.startsWith('e2e/') || m.includes('/e2e/')).map((m) => `${f} → ${m}`));
    expect(back).toEqual([]);
  });

  it('only src-main/electron/ (and the preload) import electron', () => {
    const outside = product.filter((f) => !f.startsWith('src-main/electron/') && !f.startsWith('src-preload/') && importsOf(f).some((m) => m === 'electron' || m.startsWith('electron/')));
    expect(outside).toEqual([]);
  });

  it('the renderer imports contract.ts for its types only: its request schemas (and zod) stay out of the window', () => {
    const contract = 'src-main/api/contract.ts';
    const valueImports = filesUnder('src-renderer').filter((f) =>
      ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest).statements.some((s) => {
        if (!(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) return false;
        const typeOnly = ts.isImportDeclaration(s) ? s.importClause?.isTypeOnly : s.isTypeOnly;
        return !typeOnly && relative(ROOT, resolve(ROOT, dirname(f), s.moduleSpecifier.text)) === contract;
      }),
    );
    expect(filesUnder('src-renderer').length).toBeGreaterThan(20);
    expect(valueImports).toEqual([]);
  });

  it('no import cycle among the modules under src-main/ (type-only imports count)', () => {
    const modules = new Set(filesUnder('src-main').filter((f) => !isTest(f)));
    const edges = new Map([...modules].map((f) => [f, importsOf(f).filter((m) => modules.has(m))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      path.push(f);
      for (const next of edges.get(f)!) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(f, 'done');
    };
    for (const f of modules) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the first source file of each folder opens by saying what the folder is for', () => {
    const folders = new Map<string, string>();
    for (const f of product.filter((f) => !isTest(f))) if (!folders.has(dirname(f))) folders.set(dirname(f), f);
    const silent = [...folders].filter(([dir, f]) => !readFileSync(join(ROOT, f), 'utf8').startsWith(`// ${dir}/: `)).map(([, f]) => f);
    expect(silent).toEqual([]);
  });

  it('sees the whole tree (a guard against a scan that finds nothing)', () => {
    expect(product.length).toBeGreaterThan(150);
    expect(importsOf('src-main/core/core.ts')).toContain('src-main/domains/accounts.ts');
  });
});
