// The esbuild options of every zsplit bundle, shared by scripts/build.mjs and the benchmark (which
// builds a minimal Ink app the same way, to compare start-up times fairly).

/** Options for one self-contained ESM file that runs where only Node >= 20 is installed. */
export const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // Whitespace and syntax only: a third less to parse at every start, names kept for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // Ink loads react-devtools-core only when DEV is set; it is not shipped. An external import
  // would be hoisted into the ES module and fail at load, so it resolves to an inert stub.
  plugins: [
    {
      // node:crypto imported by a bundled package (conf) is a static import of the bundle, compiled
      // at every start though only saving answers uses it: it loads on first use instead.
      name: 'lazy-node-crypto',
      setup(b) {
        b.onResolve({ filter: /^(node:)?crypto$/ }, (args) => (args.importer.includes('node_modules') ? { path: 'node:crypto', namespace: 'zsplit-lazy' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'zsplit-lazy' }, () => ({
          contents:
            "import { createRequire } from 'node:module';\n" +
            'let m;\n' +
            "const load = () => (m ??= createRequire(import.meta.url.startsWith('file:') ? import.meta.url : process.execPath)('node:crypto'));\n" +
            'export default new Proxy({}, { get: (_, k) => load()[k] });\n',
        }));
      },
    },
    {
      name: 'no-react-devtools',
      setup(b) {
        b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'zsplit-stub' }));
        b.onLoad({ filter: /.*/, namespace: 'zsplit-stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };' }));
      },
    },
  ],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS (react, etc.) needs require() inside an ES module; it only loads Node's own
  // modules, so any absolute path will do where the module has no file (a data: URL).
  banner: { js: "import { createRequire as __zsplitCreateRequire } from 'node:module'; const require = __zsplitCreateRequire(import.meta.url.startsWith('file:') ? import.meta.url : process.execPath);" },
  logLevel: 'warning',
};

/** The launcher of the one file (`./zsplit.mjs` runs by itself): a shebang first; it needs no require(). */
export const launcher = { ...common, banner: { js: '#!/usr/bin/env node' } };
