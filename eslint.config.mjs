// Type-checked typescript-eslint rules over every TypeScript source; compiled output is ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.fabric/**', 'data/**', 'network/builders/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The embedded ledger is reached only through the ledger's index (gateway/src/ledger/index.ts).
    files: ['gateway/src/**/*.ts', 'chaincode/src/**/*.ts', 'test/**/*.ts'],
    ignores: ['gateway/src/ledger/**', 'test/unit/gateway/ledger/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)ledger/embedded(/|$)', message: 'import the embedded ledger through the ledger index (ledger/index.ts)' }] },
      ],
    },
  },
  {
    // The Fabric vocabulary is the layer below the ledger: it imports nothing of the gateway above it.
    files: ['gateway/src/fabric-format/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./(?!fabric-format/)', message: 'fabric-format imports only itself and the domain' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
