// Two projects: fast unit/integration tests beside the code, and end-to-end/fault tests in tests/.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] };
// jose ships ESM only; let swc turn it into CommonJS for jest's module system.
const transformIgnorePatterns = ['/node_modules/(?!(\\.pnpm/jose@[^/]+/node_modules/)?jose/)'];
const common = { transform, transformIgnorePatterns, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests start real processes and servers; a slow CI machine must not make them flake.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  globalSetup: '<rootDir>/packages/testkit/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/packages/testkit/src/jest-global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/**/*.test.ts'] },
  ],
};
