// Every link in the README and docs/ leads somewhere: a relative link names a file of the repository, and an anchor
// names a heading of that file as GitHub spells it. Catches a section moved or renamed without its links (checked by
// renaming the "Handover and AWS" heading of docs/design.md: the README's troubleshooting link fails).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ROOT } from '../support/environment.ts';

const DOCUMENTS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** GitHub's anchor for a heading: lower case, punctuation other than hyphens dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

function linksIn(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
}

test('every relative link in the README and docs/ names an existing file, and every anchor a heading in it', (t) => {
  const broken: string[] = [];
  let checked = 0;
  for (const document of DOCUMENTS) {
    for (const link of linksIn(document)) {
      checked += 1;
      const [target = '', anchor] = link.split('#');
      const file = target === '' ? document : path.normalize(path.join(path.dirname(document), target));
      if (!existsSync(path.join(ROOT, file))) broken.push(`${document}: ${link} (no such file)`);
      else if (anchor && file.endsWith('.md') && !anchorsIn(file).has(anchor)) broken.push(`${document}: ${link} (no such heading)`);
    }
  }
  t.deepEqual(broken, []);
  t.true(checked >= 8, `only ${checked} links found: the check would prove little`);
});

test('the README stays a user guide: at most 150 lines, and it links every document in docs/', (t) => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  t.true(readme.split('\n').length <= 150, `README.md has ${readme.split('\n').length} lines`);
  for (const document of DOCUMENTS.filter((file) => file.startsWith('docs/'))) t.true(readme.includes(`](${document})`), `README.md does not link ${document}`);
});
