// @ts-check
/**
 * Lint: typescript-eslint's strict, type-checked rules over every TypeScript file, each checked
 * against its own runtime's tsconfig (src/, server/, the rest). Formatting is Prettier's job.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'screenshots/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // House idioms: `() => void promise`, and `return send(…)` to leave a void function early.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidOperator: true, ignoreVoidReturningFunctions: true },
      ],
      // Numbers read fine in a sentence; objects and `undefined` still do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `{ secret: _, ...rest }` leaves a property out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and tools read loosely typed JSON from the server and the browser on purpose, a `!`
    // that is wrong fails the test that wrote it, and fakes implement async interfaces synchronously.
    files: ['test/**', 'bench/**', 'scripts/**', 'conformance/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The Stripe emulator (a stand-in for Stripe, not part of the product) is still a node:http
    // server whose handlers end with `return send(res, …)`; the workspace API itself returns
    // Web-standard Responses on Hono and keeps every rule.
    files: ['server/dev/stripe-emulator.ts'],
    rules: { '@typescript-eslint/no-confusing-void-expression': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node, ...globals.browser, chrome: 'readonly' },
    },
  },
  prettier,
);
