/**
 * Proves the import boundaries in eslint.config.js fire: each snippet is linted in memory, as if it
 * lived at the given path, and must (or must not) be reported by `no-restricted-imports`.
 * Type information is switched off here: the boundaries do not need it, and the test stays fast.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
  return result.messages.map((m) => m.ruleId ?? 'fatal');
}

const BOUNDARY = 'no-restricted-imports';

describe('import boundaries', () => {
  const shared = 'shared/src/__probe__.ts';
  it.each([
    ['server/', "import { buildApp } from '../../server/src/app';\nexport const x = buildApp;"],
    ['server/ (type-only)', "import type { AppDeps } from '../../server/src/deps';\nexport type X = AppDeps;"],
    ['web/', "import { api } from '../../web/src/api/client';\nexport const x = api;"],
    ['node: modules', "import { randomUUID } from 'node:crypto';\nexport const x = randomUUID;"],
    ['bare Node built-ins', "import { readFileSync } from 'fs';\nexport const x = readFileSync;"],
    ['react', "import { useState } from 'react';\nexport const x = useState;"],
    ['drizzle-orm', "import { eq } from 'drizzle-orm';\nexport const x = eq;"],
    ['drizzle-orm subpaths', "import { pgTable } from 'drizzle-orm/pg-core';\nexport const x = pgTable;"],
    ['pg', "import pg from 'pg';\nexport const x = pg;"],
    ['fastify', "import Fastify from 'fastify';\nexport const x = Fastify;"],
    ['re-exports from server/', "export * from '../../server/src/app';"],
  ])('shared/ may not import %s', async (_label, code) => {
    expect(await ruleIds(shared, code)).toContain(BOUNDARY);
  });

  it('shared/ may import zod and its own modules', async () => {
    const code = "import { z } from 'zod';\nimport { ErrorCode } from './errors';\nexport const x = [z, ErrorCode];";
    expect(await ruleIds(shared, code)).not.toContain(BOUNDARY);
  });

  it('web/ may not import from server/', async () => {
    const code = "import { loadConfig } from '../../server/src/config/env';\nexport const x = loadConfig;";
    expect(await ruleIds('web/src/__probe__.tsx', code)).toContain(BOUNDARY);
  });

  it('web/ may import shared contracts and React', async () => {
    const code = "import { useState } from 'react';\nimport { ErrorCode } from '@shared/errors';\nexport const x = [useState, ErrorCode];";
    expect(await ruleIds('web/src/__probe__.tsx', code)).not.toContain(BOUNDARY);
  });

  it('server/ may not import from web/', async () => {
    const code = "import { api } from '../../web/src/api/client';\nexport const x = api;";
    expect(await ruleIds('server/src/__probe__.ts', code)).toContain(BOUNDARY);
  });

  it('server/ may import shared contracts and Node built-ins', async () => {
    const code = "import { randomUUID } from 'node:crypto';\nimport { ErrorCode } from '@shared/errors';\nexport const x = [randomUUID, ErrorCode];";
    expect(await ruleIds('server/src/__probe__.ts', code)).not.toContain(BOUNDARY);
  });
});

describe('other house rules', () => {
  it('hooks may not be called conditionally in web/', async () => {
    const code =
      "import { useState } from 'react';\nexport function C({ on }: { on: boolean }) {\n  if (on) {\n    const [s] = useState(0);\n    return s;\n  }\n  return null;\n}";
    expect(await ruleIds('web/src/__probe__.tsx', code)).toContain('react-hooks/rules-of-hooks');
  });

  it('console is reserved for entry points and tools', async () => {
    const code = "console.log('hello');\n";
    expect(await ruleIds('server/src/modules/__probe__.ts', code)).toContain('no-console');
    expect(await ruleIds('server/src/cli/__probe__.ts', code)).not.toContain('no-console');
    expect(await ruleIds('scripts/__probe__.ts', code)).not.toContain('no-console');
  });

  it('loose equality is an error', async () => {
    expect(await ruleIds('server/src/__probe__.ts', 'export const f = (a: unknown) => a == 1;\n')).toContain('eqeqeq');
  });
});

describe('extension/ boundaries', () => {
  it.each([
    ['server/', "import { buildApp } from '../../server/src/app';\nexport const x = buildApp;"],
    ['web/', "import { api } from '../../web/src/api/client';\nexport const x = api;"],
  ])('extension/ may not import from %s', async (_label, code) => {
    expect(await ruleIds('extension/src/__probe__.ts', code)).toContain(BOUNDARY);
  });

  it('extension/ may import shared contracts', async () => {
    const code = "import { originOf } from '@shared/devices';\nexport const x = originOf;";
    expect(await ruleIds('extension/src/__probe__.ts', code)).not.toContain(BOUNDARY);
  });
});
