// The bundle's front for string-width (scripts/build.ts) answers printable ASCII itself and hands anything else to
// the real module: the widths it gives must be the real ones, for both versions bundled (cliui's and ora's 7, yargs'
// 8), whichever path a string takes.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { bundledModule } from '../support/bundled.ts';
import { ROOT } from '../support/environment.ts';

const SAMPLES = ['', 'plain usage text [string] [default: "table"]', '  -n, --namespace', '\u001b[31mred\u001b[39m', 'tab\there', '\u0000nul', '日本語', 'café', 'e\u0301', '👍🏽 ok', '1\u20e3', '한국어', 'ｶﾞ'];

const VERSIONS = [
  // Imported by the bare name from where yargs' and cliui's imports of it are resolved.
  { name: 'string-width 7 (cliui, ora)', importer: ROOT, real: path.join(ROOT, 'node_modules', 'string-width', 'index.js') },
  { name: 'string-width 8 (yargs)', importer: path.join(ROOT, 'node_modules', 'yargs', 'lib'), real: path.join(ROOT, 'node_modules', 'yargs', 'node_modules', 'string-width', 'index.js') },
];

for (const version of VERSIONS) {
  test(`the bundled front of ${version.name} gives the real widths`, async (t) => {
    const bundled = await bundledModule<(text: string) => number>("import stringWidth from 'string-width'; module.exports = stringWidth;", version.importer);
    try {
      const real = ((await import(pathToFileURL(version.real).href)) as { default: (text: string) => number }).default;
      t.true(bundled.text.includes('x20-\\x7e'), 'the bundle went through the front');
      for (const sample of SAMPLES) t.is(bundled.exports(sample), real(sample), JSON.stringify(sample));
    } finally {
      bundled.remove();
    }
  });
}
