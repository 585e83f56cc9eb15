import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The web app: built into web/dist, which the API server serves with an SPA fallback. */
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: { alias: { '@shared': here('../shared/src') } },
  build: { outDir: here('./dist'), emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:8080', changeOrigin: false } },
  },
});
