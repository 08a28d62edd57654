// A snippet bundled as the executable's bundle is (its plugins: scripts/build.ts) and loaded, for the tests of those
// plugins. remove() deletes the file it was loaded from.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_PLUGINS } from '../../scripts/build.ts';

export async function bundledModule<T>(contents: string, resolveDir: string): Promise<{ text: string; exports: T; remove: () => void }> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    plugins: BUNDLE_PLUGINS,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-bundled-'));
  const remove = (): void => rmSync(directory, { recursive: true, force: true });
  try {
    const file = path.join(directory, 'bundled.cjs');
    writeFileSync(file, text);
    return { text, exports: createRequire(import.meta.url)(file) as T, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
