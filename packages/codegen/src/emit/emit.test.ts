import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import type { DiscoveredProcedure } from '../discover/types.js';
import { BANNER, emitModule } from './emit.js';
import { buildModel } from './model.js';

const config = {
  root: '/app',
  router: { module: '/app/src/router.ts', export: 'appRouter' },
  output: '/app/src/gen/routecache.generated.ts',
};

function procedure(path: string, tags: string[] = []): DiscoveredProcedure {
  return {
    path,
    type: 'query',
    cached: true,
    options: {
      namespace: undefined,
      tags,
      dynamicTags: false,
      customKey: undefined,
      vary: [],
      scope: undefined,
    },
    hasInput: true,
    inputType: '{ id: string }',
    invalidates: [],
    context: undefined,
    lazyPrefix: undefined,
    location: { file: 'src/router.ts', line: 1, column: 1 },
  };
}

const emit = (procedures: DiscoveredProcedure[]) =>
  emitModule(buildModel({ procedures, diagnostics: [] }, config));

describe('emitModule', () => {
  it('escapes odd path segments and tag names into valid TypeScript', () => {
    const text = emit([procedure("odd.it's", ['a*/b', "q'uote"]), procedure('odd.with-dash')]);
    const { diagnostics } = ts.transpileModule(text, { reportDiagnostics: true });
    expect(diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual(
      [],
    );
    expect(text).toContain(
      "'it\\'s': (input: Inputs['odd.it\\'s']): Promise<string> => helpers.keyOf('odd.it\\'s', input),",
    );
    expect(text).toContain("'with-dash':");
    expect(text).toContain("'a*/b': helpers.tag('a*/b'),");
    expect(text).toContain("odd: helpers.router('odd', {");
    expect(text).toContain(
      "'a*/b': (): Promise<number> => helpers.invalidateTag('a*/b', ['odd.it\\'s'])",
    );
  });

  it('does not depend on discovery order, and imports the router relative to the output', () => {
    const a = emit([procedure('b.x', ['t']), procedure('a.y', ['t']), procedure('a.b')]);
    const b = emit([procedure('a.b'), procedure('a.y', ['t']), procedure('b.x', ['t'])]);
    expect(a).toBe(b);
    expect(a.startsWith(`${BANNER}\n`)).toBe(true);
    expect(a).toContain("import { appRouter } from '../router.js';");
    expect(a).not.toContain('/app/');
  });

  it('emits empty helper objects for a router without cached queries', () => {
    const text = emit([]);
    expect(text).toContain('export const keys = {} as const;');
    expect(text).toContain('export const invalidateTag = {} as const;');
  });
});
