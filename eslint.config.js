import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'node_modules/**',
      '.parley/**',
      'openapi/**',
      'coverage/**',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['widget/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Only repositories and the data layer talk to TypeORM (STYLE.md rule 5).
    files: ['libs/**/*.ts'],
    ignores: ['libs/db/**', 'libs/**/*.repository.ts', 'libs/health/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'typeorm', message: 'Only *.repository.ts and libs/db use TypeORM.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  {
    files: [
      'apps/api/src/main.ts',
      'apps/api/src/cli.ts',
      'apps/worker/src/main.ts',
      'libs/db/scripts/**/*.ts',
      'bench/**/*.js',
    ],
    rules: { 'no-console': 'off' },
  },
);
