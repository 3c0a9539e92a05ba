import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// base './' so the same build loads from app://plugboard/ in Electron and from the host's root. The target is
// Electron 45's Chromium (140): CSS light-dark() and nesting ship as written, not polyfilled.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome140',
    cssTarget: 'chrome140',
    rollupOptions: {
      output: {
        // V8's explicit compile hint (Chrome 136+): compile every function of the bundle while it streams
        // in, on a background thread, rather than each on the main thread when first called — most of
        // them are, by the first screen. postBanner, as minifying would drop a banner; the map shifts by
        // the line. Measured in README (stop 28).
        postBanner: (chunk) => (chunk.isEntry ? '//# allFunctionsCalledOnLoad' : ''),
      },
    },
  },
});
