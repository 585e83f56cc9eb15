/**
 * Build the browser extension into a folder Chromium loads unpacked (default extension/dist/):
 *
 *   node --import tsx extension/build.ts [outDir]        (part of `npm run build`)
 *
 * Two Vite (rolldown) builds, because Chrome needs two kinds of script: the popup page and the
 * service worker are ES modules (`"type": "module"` in the manifest) and may share chunks; the
 * bridge content script is registered with chrome.scripting and must be one classic script, so it
 * is built on its own as an IIFE. The manifest is copied with the version from package.json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
export const DEFAULT_EXTENSION_OUT_DIR = path.join(here, 'dist');
/** Chrome 120 is the manifest's minimum_chrome_version. */
const TARGET = 'chrome120';

export async function buildExtension(opts: { outDir?: string; quiet?: boolean } = {}): Promise<string> {
  const outDir = path.resolve(opts.outDir ?? DEFAULT_EXTENSION_OUT_DIR);
  const common: InlineConfig = {
    configFile: false,
    logLevel: opts.quiet ? 'warn' : 'info',
    resolve: { alias: { '@shared': path.join(here, '../shared/src') } },
  };

  await build({
    ...common,
    root: src,
    base: './',
    build: {
      outDir,
      emptyOutDir: true,
      target: TARGET,
      modulePreload: false,
      sourcemap: false,
      rolldownOptions: {
        input: { popup: path.join(src, 'popup.html'), background: path.join(src, 'background.ts') },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      },
    },
  });

  await build({
    ...common,
    build: {
      outDir,
      emptyOutDir: false,
      target: TARGET,
      sourcemap: false,
      lib: { entry: path.join(src, 'bridge.ts'), formats: ['iife'], name: 'latchkeyBridge', fileName: () => 'bridge.js' },
    },
  });

  const pkg = JSON.parse(await readFile(path.join(here, '../package.json'), 'utf8')) as { version: string };
  const manifest = JSON.parse(await readFile(path.join(here, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(outDir, 'manifest.json'), JSON.stringify({ ...manifest, version: pkg.version }, null, 2) + '\n');
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildExtension({ outDir: process.argv[2] });
  console.log(`Extension built in ${path.relative(process.cwd(), outDir) || '.'}: load it unpacked from chrome://extensions`);
}
