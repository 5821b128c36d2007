import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Models run in plain node (fast); component tests opt into jsdom with a file comment.
    environment: 'node',
    globals: true,
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // The panel's modules are small; one worker per core keeps the run short on 2 cores.
    pool: 'threads',
    testTimeout: 10000
  },
  esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' }
});
