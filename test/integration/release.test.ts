// The release archive for this platform, installed the way `kubectl krew install --manifest --archive` does
// (krew's Go module is not served by the Go module proxy here, so its steps are performed directly): check the
// archive's sha256 against the manifest, unpack the listed files into the store, link the bin into krew's bin
// directory, and run the plugin through the real kubectl.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import { validateManifest, type KrewPlugin } from '../../scripts/krew/manifest.ts';
import { testKubeconfig } from '../support/cluster.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

test('the linux/amd64 release archive installs like krew and runs as `kubectl sagemaker-migrate`', (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'smm-release-'));
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'release.ts'), '--platforms', 'linux-amd64', '--out', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const manifest = yaml.load(readFileSync(path.join(out, 'plugin.yaml'), 'utf8')) as KrewPlugin;
  t.deepEqual(validateManifest(manifest), []);
  const platform = manifest.spec.platforms.find((candidate) => candidate.selector.matchLabels?.['os'] === 'linux' && candidate.selector.matchLabels['arch'] === 'amd64')!;
  const archive = path.join(out, path.basename(platform.uri));

  // krew refuses an archive whose sha256 differs from the manifest's.
  t.is(createHash('sha256').update(readFileSync(archive)).digest('hex'), platform.sha256);
  t.is(readFileSync(`${archive}.sha256`, 'utf8'), `${platform.sha256}  ${path.basename(archive)}\n`);
  const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n').sort();
  t.deepEqual(listed, ['LICENSE', platform.bin]);

  const krewRoot = mkdtempSync(path.join(tmpdir(), 'smm-krew-'));
  const unpacked = path.join(krewRoot, 'tmp');
  const store = path.join(krewRoot, 'store', manifest.metadata.name, manifest.spec.version);
  const bin = path.join(krewRoot, 'bin');
  for (const directory of [unpacked, store, bin]) mkdirSync(directory, { recursive: true });
  execFileSync('tar', ['-xzf', archive, '-C', unpacked]);
  for (const file of platform.files ?? []) copyFileSync(path.join(unpacked, file.from), path.join(store, file.to === '.' ? file.from : file.to));
  t.true(existsSync(path.join(store, 'LICENSE')));
  // krew names the link after the plugin, with dashes turned into underscores, as kubectl looks it up.
  symlinkSync(path.join(store, platform.bin), path.join(bin, `kubectl-${manifest.metadata.name.replace(/-/g, '_')}`));

  const output = execFileSync('kubectl', ['sagemaker-migrate', 'version'], {
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: krewRoot, KUBECONFIG: testKubeconfig(), NO_COLOR: '1' },
    encoding: 'utf8',
  });
  t.regex(output, new RegExp(`^Client Version: ${manifest.spec.version.replace(/\./g, '\\.')}\\nServer Version: v1\\.\\d+`));
});
