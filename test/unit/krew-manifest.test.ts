// plugin.yaml against the rules krew applies when it loads a manifest, and what krew-index asks of it.

import { readFileSync } from 'node:fs';
import test from 'ava';
import yaml from 'js-yaml';
import { buildManifest, validateManifest, type KrewPlugin } from '../../scripts/krew/manifest.ts';

const committed = yaml.load(readFileSync(new URL('../../plugin.yaml', import.meta.url), 'utf8')) as KrewPlugin;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('the committed plugin.yaml passes every krew rule and matches package.json', (t) => {
  t.deepEqual(validateManifest(committed), []);
  t.is(committed.spec.version, `v${pkg.version}`);
  const platforms = committed.spec.platforms.map((platform) => `${platform.selector.matchLabels?.['os']}/${platform.selector.matchLabels?.['arch']}`);
  t.deepEqual(platforms, ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
  t.true(committed.spec.platforms.every((platform) => platform.uri.endsWith(`${committed.spec.version}_${platform.selector.matchLabels!['os']}_${platform.selector.matchLabels!['arch']}.${platform.selector.matchLabels!['os'] === 'windows' ? 'zip' : 'tar.gz'}`)));
  t.regex(committed.spec.caveats, /Uninstall the old operator's Deployment/);
});

test('broken manifests are reported with what is wrong', (t) => {
  const good = buildManifest('v1.0.0', 'https://example.com/p', [{ os: 'linux', arch: 'amd64', uri: 'https://example.com/a.tar.gz', sha256: 'a'.repeat(64), bin: 'kubectl-sagemaker_migrate' }]);
  t.deepEqual(validateManifest(good), []);
  const broken: KrewPlugin = JSON.parse(JSON.stringify(good)) as KrewPlugin;
  broken.spec.version = '1.0.0';
  broken.spec.shortDescription = 'two\nlines';
  broken.spec.platforms[0]!.sha256 = 'ABC';
  broken.spec.platforms[0]!.selector = { matchLabels: { distro: 'debian' } };
  broken.metadata.name = 'other';
  t.deepEqual(validateManifest(broken), [
    'name "other" must be "sagemaker-migrate"',
    'version "1.0.0" must be a semantic version with a leading v',
    'shortDescription must be one line',
    'platforms[0].sha256 must be 64 lower-case hex characters',
    'platforms[0].selector key "distro" is not supported (os, arch)',
  ]);
  const long: KrewPlugin = { ...good, spec: { ...good.spec, shortDescription: 'x'.repeat(51) } };
  t.deepEqual(validateManifest(long), ['shortDescription is over 50 characters']);
});
