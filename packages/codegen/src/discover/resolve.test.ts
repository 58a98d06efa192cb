import { Project, type ts } from 'ts-morph';
import { describe, expect, it, vi } from 'vitest';
import { type ResolveTrace, resolveValue } from './resolve.js';

// Each case builds a TypeScript program; on a shared 2-core machine that can take seconds.
vi.setConfig({ testTimeout: 60_000 });

/** Resolve the initializer of `export const use = …` in `code`. */
function resolveUse(code: string): { value: string | undefined; reason: string | undefined } {
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile('case.ts', code);
  const checker = project.getProgram().getTypeChecker().compilerObject;
  const declaration = file.getVariableDeclarationOrThrow('use').compilerNode;
  const trace: ResolveTrace = {};
  const value = resolveValue(checker, declaration.initializer as ts.Expression, trace);
  return { value: value?.getText(), reason: trace.reason };
}

describe('resolveValue and let/var bindings', () => {
  it.each([
    ['a plain assignment', 'let a = 1; a = 2;'],
    ['a compound assignment', 'let a = 1; a ??= 2;'],
    ['an increment', 'var a = 1; a++;'],
    ['an array destructuring assignment', 'let a = 1; [a] = [2];'],
    ['an object destructuring assignment', 'let a = 1; ({ a } = { a: 2 });'],
    ['a renamed destructuring assignment', 'let a = 1; ({ b: a } = { b: 2 });'],
    ['a for-of target', 'let a = 1; for (a of [2]) {}'],
    ['an assignment inside a function', 'let a = 1; function g() { a = 3; }'],
  ])('stops at a binding reassigned by %s, saying so', (_, code) => {
    expect(resolveUse(`${code} export const use = a;`)).toEqual({
      value: undefined,
      reason: '`a` is reassigned, so its value is unknown',
    });
  });

  it('follows a let that is only read (in object literals, calls, other scopes)', () => {
    const code =
      'let a = 1; const o = { a }; const b = a + 1; declare function f(x: number): void; f(a);' +
      ' function g(a: number) { a = 2; return a; } export const use = a;';
    expect(resolveUse(code)).toEqual({ value: '1', reason: undefined });
  });
});
