// The habits the code follows, enforced: typescript-eslint's recommended rules, React's hook rules, and the
// house's boundaries — the renderer imports only the contract, main never imports the renderer, the domain
// rooms never reach up into handlers or adapters, and production code never imports test support.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const DOMAIN_ROOMS = [
  'audit',
  'contact-handles',
  'db',
  'engine',
  'jobs',
  'mirror',
  'moderation',
  'operators',
  'outbox',
  'privacy',
  'tuning',
  'util',
];

/** Test support: src/main/testing (fixtures, temp files) and the test libraries. */
const TEST_SUPPORT = ['**/testing/**', '**/testing', 'vitest', '@testing-library/*'];

/** DuckDB is the benches' peer for comparison (a dev dependency), never part of the console. */
const BENCH_ONLY = [['@duckdb/*'], "DuckDB is only the benches' baseline (src/main/bench), never a console dependency"];

/** `no-restricted-imports` patterns, each with the reason shown to whoever breaks it. */
const forbid = (groups) => ({ patterns: groups.map(([group, message]) => ({ group, message })) });

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'test-results/',
      'playwright-report/',
      '.tmp/',
      '.demo/',
      '.electron-native/',
      'bench-data/',
      'artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Errors like the rest: the data layer (TanStack Query) made effects that set state and refs read while
      // rendering unnecessary; a handler that needs the latest render uses hooks/useLatest.
      'react-hooks/set-state-in-effect': 'error',
      'react-hooks/refs': 'error',
      'no-restricted-imports': [
        'error',
        forbid([
          [
            ['**/main/**', '**/preload/**'],
            'the renderer talks to main only through the contract (src/shared) and the typed client',
          ],
          [
            ['electron', 'node:*', 'better-sqlite3'],
            'the renderer runs without Node: no Electron, Node or database modules',
          ],
          [TEST_SUPPORT, 'production code never imports test support'],
        ]),
      ],
    },
  },
  {
    // Component tests render the real pages over the real handlers: they (and the renderer's own test support) may
    // reach main's test support, and nothing else of main.
    files: ['src/renderer/**/*.test.tsx', 'src/renderer/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)main/(?!testing/)',
              message: 'component tests reach main through its test support (src/main/testing) only',
            },
            { group: ['**/preload/**', 'electron'], message: 'the renderer never runs the preload or Electron' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        forbid([[['**/renderer/**'], 'main, preload and shared never import the renderer']]),
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        forbid([
          [
            ['**/main/**', '**/renderer/**', '**/preload/**'],
            'the contract stands alone: both sides import it, it imports neither',
          ],
          [['electron', 'node:*', 'better-sqlite3'], 'the contract runs in the renderer too: no Node modules'],
        ]),
      ],
    },
  },
  {
    files: DOMAIN_ROOMS.map((room) => `src/main/${room}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        forbid([
          [
            [
              '**/handlers/**',
              '**/handlers',
              '**/adapters/**',
              '**/dispatch',
              '**/cli/**',
              '**/bench/**',
              '**/workers/**',
            ],
            'domain rooms stand below the entry points: handlers, adapters, CLI, benches and workers import them, never the reverse',
          ],
          [['**/renderer/**'], 'main never imports the renderer'],
          [TEST_SUPPORT, 'production code never imports test support'],
          BENCH_ONLY,
        ]),
      ],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/main/testing/**', ...DOMAIN_ROOMS.map((room) => `src/main/${room}/**/*.ts`)],
    rules: {
      'no-restricted-imports': [
        'error',
        forbid([
          [['**/renderer/**'], 'main never imports the renderer'],
          [TEST_SUPPORT, 'production code never imports test support'],
          BENCH_ONLY,
        ]),
      ],
    },
  },
  {
    // The same boundaries for the benches, which alone may load DuckDB (their tests, like every test, may use test
    // support).
    files: ['src/main/bench/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        forbid([
          [['**/renderer/**'], 'main never imports the renderer'],
          [TEST_SUPPORT, 'production code never imports test support'],
        ]),
      ],
    },
  },
  {
    // What no-restricted-imports does not see: `import('…')` and a worker started from `new URL('…', import.meta.url)`;
    // and SQL with a bound LIMIT.
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/main/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'ImportExpression > Literal.source',
          "NewExpression[callee.name='URL'] > Literal.arguments:first-child",
        ].map((selector) => ({
          selector: `${selector}[value=/(^|\\/)testing(\\/|$)|^vitest$/]`,
          message: 'production code never imports test support',
        })),
        // A bound LIMIT makes SQLite prepare the statement again on every run (db/limit.ts says why).
        ...['Literal[value=/\\bLIMIT\\s+[?@:$]/i]', 'TemplateElement[value.raw=/\\bLIMIT\\s+[?@:$]/i]'].map(
          (selector) => ({ selector, message: 'a LIMIT is written in with limitSql (db/limit.ts), never bound' }),
        ),
      ],
    },
  },
);
