// The house style (/work/shared/reference/style.md, issue 15), checked by `pnpm lint`.
// Only the rules that style asks for, so every finding is one a reviewer would raise anyway.
// Import cycles are checked by madge in the same script (scripts/lint.sh): it sees the whole
// workspace graph, packages included, in 3-10 s, where import-x/no-cycle re-walks it per file.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['packages/*/src/**/*.ts', 'services/*/src/**/*.ts', 'tests/**/*.ts'];
const TEST_FILES = ['**/*.test.ts', 'tests/**/*.ts'];

// Values go in a log line's object, not its text (pino: `log.info({ id }, 'sent')`), so logs stay searchable by field.
const INTERPOLATED_LOG = {
  selector:
    'CallExpression[callee.object.name=/^(log|logger)$/][callee.property.name=/^(trace|debug|info|warn|error|fatal)$/] > TemplateLiteral[expressions.length>0]',
  message: 'Put the values in the log object, not into the message text.',
};

// An error is logged whole, as `err` (pino keeps its type and stack), never as its message alone.
const ERROR_MESSAGE_LOGGED = {
  selector: 'Property[key.name="err"] MemberExpression[property.name="message"]',
  message: 'Log the error itself as `err` (with its stack), not `err.message`.',
};

// The config's export default is ESLint's contract, hence the one default export in the repository.
export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', 'test-artifacts/**', 'loadtest-results/**', 'bench/**'],
  },
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Named exports only: one name per thing across imports, greppable, renamed by the compiler.
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true },
        },
      ],
      'no-restricted-syntax': ['error', INTERPOLATED_LOG, ERROR_MESSAGE_LOGGED],
      // "Short enough to read in one screen or two".
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: TS_FILES,
    languageOptions: {
      parser: tseslint.parser,
      // Type-aware: the root tsconfig.json covers every file in TS_FILES.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Modules, not namespaces; the one global augmentation (Express.Locals) says why it is one.
      '@typescript-eslint/no-namespace': 'error',
      // A warning: a guide for new code, not a gate (many handlers and builders are longer today).
      'max-lines-per-function': ['warn', { max: 40, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      // A test file is a list of cases around shared fixtures (a few are 310-400 lines); past 500 the
      // fixtures move to a module of their own (e.g. advice-worker's generation.fixture.ts).
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      // describe()/it() callbacks are containers of cases, not functions to keep short.
      'max-lines-per-function': 'off',
    },
  },
  {
    files: ['eslint.config.mjs'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
