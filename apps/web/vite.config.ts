import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API answers at the same origin in production (it serves dist/ at /). For front-end work,
// `npm run web:dev` runs this dev server and proxies everything that is not one of the app's own
// files to the API (API_URL, default http://127.0.0.1:3000), sockets included.
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const pages = /^\/(?:|search|achievement\/[^/]+|lot\/[^/]+|session\/[^/]+|login|desk(?:\/.*)?|error\/.*)(?:\?.*)?$/;

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    port: 5173,
    proxy: {
      '^/(?!src/|@vite|@react-refresh|@id/|@fs/|node_modules/)': {
        target: api,
        ws: true,
        changeOrigin: false,
        bypass: (req) => (req.method === 'GET' && pages.test(req.url ?? '') ? '/index.html' : undefined),
      },
    },
  },
});
