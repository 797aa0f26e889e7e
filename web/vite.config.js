import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The app is served same-origin by `hotline serve --static web/dist`, under a strict CSP
// (script-src 'self', no eval, no inline scripts). Nothing here may add inline scripts.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` against a local hotline: HOTLINE_URL=http://127.0.0.1:8181 npm run dev
    proxy: { '/api': process.env.HOTLINE_URL || 'http://127.0.0.1:8181', '/healthz': process.env.HOTLINE_URL || 'http://127.0.0.1:8181' },
  },
});
