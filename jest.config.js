/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // A hang detector, not a timing goal: loopback HTTP and child processes on a loaded 2-core machine
  // outlast jest's default of 5 s (timing goals live in bench/).
  testTimeout: 30_000,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  moduleNameMapper: {
    '^falco-plugin-sdk$': '<rootDir>/lib/index.ts',
    '^falco-plugin-sdk/testing$': '<rootDir>/lib/testing/index.ts',
    '^falco-plugin-sdk/prebuilts$': '<rootDir>/prebuilts/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
