/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
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
