import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The server serves the built SPA under /ui/ and the app API under /app/api.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  server: {
    proxy: { '/app': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // The machine may be busy with other suites; these limits only catch hangs, they time nothing.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
