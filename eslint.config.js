import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Layering: the renderer sees only the contract and the Fountain core; the engine and contract never see Electron. */
const rendererBoundary = {
  paths: [{ name: 'electron', message: 'The renderer talks to main only through window.understudy.' }],
  patterns: [
    { group: nodeBuiltins, message: 'No Node built-ins in the renderer: it runs sandboxed.' },
    {
      regex: '(^|/)src-main/(?!contract/|fountain/)',
      message: 'The renderer may import only src-main/contract and src-main/fountain, never other main-process code.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'coverage/**', 'resources/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-renderer/**/*.{ts,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', rendererBoundary] },
  },
  {
    files: ['src-main/engine/**/*.ts', 'src-main/engine-host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The engine runs without Electron.' }] },
      ],
    },
  },
  {
    // The Fountain core runs in main, the engine worker and the renderer: plain ECMAScript, no DOM, no Node.
    files: ['src-main/fountain/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'process',
        'Buffer',
        'require',
        '__dirname',
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The Fountain core is pure TypeScript.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The Fountain core is shared with the renderer: no Node built-ins.' },
            { regex: '^\\.\\./', message: 'The Fountain core imports only itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The contract is pure TypeScript.' }],
          patterns: [{ group: nodeBuiltins, message: 'The contract is shared with the renderer: no Node built-ins.' }],
        },
      ],
    },
  },
);
