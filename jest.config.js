/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment plus a check that each test file closes its timers, sockets and children.
  testEnvironment: '<rootDir>/test/support/LeakCheckEnvironment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `npm run typecheck`; ts-jest only transpiles each file on its own
  // because tsconfig.json sets `isolatedModules` (which `tsc` then enforces for every file).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  maxWorkers: 2,
};
