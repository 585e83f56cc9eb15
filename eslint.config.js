// @ts-check
/**
 * ESLint flat config for the whole repository (`npm run lint`).
 *
 * - TypeScript rules with type information (typescript-eslint's project service reads tsconfig.json).
 * - React hooks rules for the web app.
 * - Import boundaries, with `no-restricted-imports`: `shared/` is isomorphic (no server, web, Node,
 *   React or database imports); `web/` never imports `server/`; `server/` never imports `web/`.
 *   `scripts/lint-boundaries.test.ts` proves each boundary fires.
 */
import { builtinModules } from 'node:module';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Relative imports that climb out of the current folder into a top-level `server/` or `web/`. */
const intoFolder = (folder) => `^(\\.\\./)+${folder}(/|$)`;

/** Node built-ins, bare (`fs`) and prefixed (`node:fs`). */
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

const sharedBoundary = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'shared/ runs in the browser too: no Node built-ins.' })),
  patterns: [
    { regex: '^node:', message: 'shared/ runs in the browser too: no Node built-ins.' },
    { regex: intoFolder('server'), message: 'shared/ may not import from server/.' },
    { regex: intoFolder('web'), message: 'shared/ may not import from web/.' },
    { regex: '^(react|react-dom|react-router)(/|$)', message: 'shared/ holds contracts only: no React.' },
    { regex: '^(drizzle-orm|pg|@electric-sql/pglite)(/|$)', message: 'shared/ holds contracts only: no database code.' },
    { regex: '^(fastify|@fastify/.*|fastify-.*)(/|$)', message: 'shared/ holds contracts only: no Fastify.' },
  ],
};

const webBoundary = {
  patterns: [
    { regex: intoFolder('server'), message: 'web/ talks to the API over HTTP; it may not import from server/. Put shared contracts in shared/.' },
  ],
};

const serverBoundary = {
  patterns: [{ regex: intoFolder('web'), message: 'server/ may not import from web/.' }],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'web/dist/**',
      '**/dist/**',
      '.data/**',
      'coverage/**',
      'server/src/db/migrations/**',
      'bench/results/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      curly: ['error', 'multi-line', 'consistent'],
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-fallthrough': 'error',
      'no-self-compare': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // Plain JavaScript (this file): no type information.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Entry points and tools talk to a terminal.
  {
    files: ['server/src/cli/**', 'scripts/**', 'bench/**', 'server/src/main.ts', 'server/src/dev.ts'],
    rules: { 'no-console': 'off' },
  },
  // The web app: browser globals and the rules of hooks.
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The two classic rules. The React Compiler rules in the plugin's `recommended` preset compile
      // every component and doubled lint time; add them here once the app targets the compiler.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': ['error', webBoundary],
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    languageOptions: { globals: {} },
    rules: { 'no-restricted-imports': ['error', sharedBoundary] },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', serverBoundary] },
  },
  // The browser extension (its own tsconfig with Chrome's types): browser globals; it talks to the
  // server over HTTP only, like the web app.
  {
    files: ['extension/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, chrome: 'readonly' } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: intoFolder('server'), message: 'extension/ talks to the API over HTTP; it may not import from server/. Put shared contracts in shared/.' },
            { regex: intoFolder('web'), message: 'extension/ may not import from web/.' },
          ],
        },
      ],
    },
  },
  // Build scripts and the demo site's entry talk to a terminal.
  {
    files: ['extension/build.ts', 'demo-site/main.ts'],
    rules: { 'no-console': 'off' },
  },
);
