// ESLint flat config (`npm run lint`, run by `npm test`): typescript-eslint's
// type-aware recommended rules over the packages, the tests and the benchmarks.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const UNSAFE_ANY = [
  '@typescript-eslint/no-unsafe-argument',
  '@typescript-eslint/no-unsafe-assignment',
  '@typescript-eslint/no-unsafe-call',
  '@typescript-eslint/no-unsafe-member-access',
  '@typescript-eslint/no-unsafe-return',
  '@typescript-eslint/no-explicit-any',
]
const off = (rules) => Object.fromEntries(rules.map((r) => [r, 'off']))

const NODE_GLOBALS = Object.fromEntries(
  ['console', 'process', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'TextDecoder',
    'TextEncoder', 'performance', 'structuredClone', 'globalThis', 'queueMicrotask', 'AbortController', 'fetch', 'WebAssembly',
    'SharedArrayBuffer', 'Atomics', 'require', 'module', '__dirname', '__filename'].map((g) => [g, 'readonly']),
)

// Pages (examples/browser, the browser benchmark's page): browser globals besides the shared ones.
const BROWSER_GLOBALS = Object.fromEntries(
  ['window', 'document', 'location', 'URLSearchParams', 'navigator', 'Response', 'Request', 'Headers', 'Blob', 'caches']
    .map((g) => [g, 'readonly']),
)

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.dist-base/**', '**/node_modules/**', 'packages/mmap-io/**', '**/.work/**', '**/*.d.ts', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // On: floating and misused promises, unsafe `any`, unused code, needless assertions.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Messages about a binary format are built from numbers and bigints.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowRegExp: true }],
      // An abort signal's reason and a child's failure are rejected as they come (unknown by type).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Static methods (Buffer.compare) are safe to pass around.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // commander actions and library entry points are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // `SectionName | string` documents the known names of an open set; the union is meant.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Escaping and path checks match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Pyodide's JavaScript API (PyProxy and friends) is untyped.
    files: ['packages/pyodide/src/load.ts', 'packages/pyodide/src/start.ts', 'packages/pyodide/src/snapshot.ts', 'packages/pyodide/src/snapshot-restore.ts', 'packages/pyodide/src/make-snapshot.ts', 'packages/bundler/src/interpreter/pyodide.ts', 'benchmarks/pyodide/**'],
    rules: off(UNSAFE_ANY),
  },
  {
    // Tests and benchmarks read JSON (CLI --json, worker messages) as `any` on purpose; what they check is asserted.
    files: ['test/**', 'benchmarks/**'],
    rules: { ...off(UNSAFE_ANY), '@typescript-eslint/restrict-template-expressions': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Plain JavaScript (fuzz drivers, install-test projects, workers, configs): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'vitest.config.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      parserOptions: { ...tseslint.configs.disableTypeChecked.languageOptions?.parserOptions, projectService: false },
      globals: NODE_GLOBALS,
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['examples/browser/public/**/*.js', 'benchmarks/browser/page/**/*.js'],
    languageOptions: { globals: { ...NODE_GLOBALS, ...BROWSER_GLOBALS } },
  },
)
