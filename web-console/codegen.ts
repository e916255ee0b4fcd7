import type { CodegenConfig } from '@graphql-codegen/cli';

// Types come from the committed SDL: when the API changes, `npm run codegen` regenerates
// src/gql/ and `npm run typecheck` shows every page the change breaks.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { UUID: 'string', DateTime: 'string', JSON: 'unknown' },
        strictScalars: true,
        // only what the console uses: an unrelated schema change leaves src/gql/ as it is
        onlyOperationTypes: true,
      },
    },
  },
};
export default config;
