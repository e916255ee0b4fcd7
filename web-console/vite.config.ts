import { defineConfig } from 'vite';

// esbuild compiles the TSX (React's automatic runtime); no plugin needed.
export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: {
    // `npm run dev`: the API (voipbin dev) answers /graphql, HTTP and WebSocket
    proxy: { '/graphql': { target: 'http://127.0.0.1:8000', ws: true } },
  },
});
