/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Type checking runs once in `npm run typecheck`; jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 30000,
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  // Each test process (and the CLIs it spawns) keeps its draft ledger in a temporary directory.
  setupFiles: ["<rootDir>/tests/setup-env.ts"],
};
