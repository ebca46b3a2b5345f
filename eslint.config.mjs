import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The client's types are generated from openapi/edgepay.yaml (npm run client:generate); a test keeps them fresh.
  {
    ignores: [
      'dist/',
      'node_modules/',
      'data/',
      'coverage/',
      'packages/*/dist/',
      'packages/client/src/edgepay.schema.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['src/cli/**', 'bench/**', 'test/support/**'], rules: { 'no-console': 'off' } },
  // Tests read arbitrary JSON answers; typing each one would add noise, not safety.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
