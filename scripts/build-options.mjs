// The esbuild options of every zsplit bundle, and the one-file build (buildOneFile), shared by
// scripts/build.mjs and the benchmark (which builds a minimal Ink app the same way, to compare
// start-up times fairly).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/**
 * Libraries that only some commands need (saved answers, running commands, reading LDAP), each
 * in a file of its own next to the program, so that the program's start does not compile them
 * (~550 KB of 2 MB). The sources import them with import() only; a static import is refused.
 */
export const LAZY_LIBS = ['conf', 'execa', 'ldapts'];

const hash = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** `import('conf')` becomes `import("./lib-conf-<hash>.mjs")`, a file the launcher writes next to the program. */
function lazyLibs(files) {
  const names = Object.keys(files);
  return {
    name: 'lazy-libs',
    setup(b) {
      if (names.length === 0) return;
      b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
        args.kind === 'dynamic-import'
          ? { path: `./${files[args.path]}`, external: true }
          : { errors: [{ text: `"${args.path}" is loaded lazily in the one-file build: import it with import() where it is used (LAZY_LIBS in scripts/build-options.mjs)` }] },
      );
    },
  };
}

/** The files after the launcher's code, in one comment: the format src/cli/carried.ts reads. */
export function carriedComment(files) {
  for (const [name, text] of files) if (!/^[\x00-\x7f]*$/.test(text) || text.includes('\x01')) throw new Error(`${name}: not ASCII, or holds \\x01`);
  const body = files.map(([, text]) => text).join('').replaceAll('*/', '*\x01/');
  return `/*${body}*/\n//ZSPLIT-FILES ${JSON.stringify({ length: body.length, files: files.map(([name, text]) => [name, text.length]) })}\n`;
}

/**
 * The one file: the launcher (src/cli/onefile.ts) carrying the bundled program and its lazy
 * libraries (the program first, each named by a hash of its text) after its code, in a comment.
 * `extra` (esbuild options) applies to the program and the libraries.
 */
export async function buildOneFile({ entry, outfile, lazy = [], extra = {} }) {
  const root = join(import.meta.dirname, '..');
  const files = [];
  const libFiles = {};
  for (const name of lazy) {
    const r = await build({ ...common, ...extra, entryPoints: [name], outfile: `${name}.mjs`, write: false, absWorkingDir: root });
    const text = r.outputFiles[0].text;
    libFiles[name] = `lib-${name}-${hash(text)}.mjs`;
    files.push([libFiles[name], text]);
  }
  const r = await build({ ...common, ...extra, plugins: [...common.plugins, lazyLibs(libFiles)], entryPoints: [entry], outfile: 'program.mjs', write: false });
  const program = r.outputFiles[0].text;
  // The program names its libraries by their hashes: its own hash covers them all.
  files.unshift([`program-${hash(program)}.mjs`, program]);
  const code = await build({ ...launcher, entryPoints: [join(root, 'src/cli/onefile.ts')], outfile, write: false });
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, code.outputFiles[0].text + carriedComment(files));
  chmodSync(outfile, 0o755);
  return { files: files.map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) })) };
}
