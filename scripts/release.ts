// `npm run release [-- --platforms linux-amd64,... --out DIR --update-manifest]`: one archive per platform (tar.gz,
// zip for Windows) holding kubectl-sagemaker_migrate and LICENSE, its sha256, and the krew manifest built from them.
// `--prepare runtimes` or `--prepare quill` only fetches or builds that part of what a release needs, into the cache
// (`npm test` does it in parallel with its other builds, before the release test).
// Runtimes are official Node binaries of one version from the npm registry; macOS binaries are signed ad hoc after
// injection and the Windows one carries no signature (see signing.ts).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { bundle, makeExecutable, RUNTIME_NODE_VERSION, runtimeBinary, runtimePackage } from './build.ts';
import { quill } from './signing.ts';
import { buildManifest, validateManifest, type PlatformArchive } from './krew/manifest.ts';

interface Target {
  os: PlatformArchive['os'];
  arch: PlatformArchive['arch'];
  runtimePackage: string;
}

export const TARGETS: Target[] = [
  { os: 'linux', arch: 'amd64', runtimePackage: runtimePackage('linux', 'x64') },
  { os: 'linux', arch: 'arm64', runtimePackage: runtimePackage('linux', 'arm64') },
  { os: 'darwin', arch: 'amd64', runtimePackage: runtimePackage('darwin', 'x64') },
  { os: 'darwin', arch: 'arm64', runtimePackage: runtimePackage('darwin', 'arm64') },
  { os: 'windows', arch: 'amd64', runtimePackage: runtimePackage('win32', 'x64') },
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message: string): void => void process.stderr.write(`release: ${message}\n`);

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function archive(stage: string, files: string[], output: string, zip: boolean): void {
  if (zip) {
    const script = 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n    for f in sys.argv[3:]:\n        z.write(f"{sys.argv[2]}/{f}", f)\n';
    execFileSync('python3', ['-c', script, output, stage, ...files]);
    return;
  }
  execFileSync('tar', ['--owner=0', '--group=0', '--numeric-owner', '-czf', output, '-C', stage, ...files]);
}

async function main(): Promise<void> {
  const argument = (flag: string): string | undefined => {
    const index = process.argv.indexOf(flag);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const prepare = argument('--prepare');
  if (prepare === 'runtimes') {
    // This platform's runtime last: the bundled binary's build fetches it at the same time, and usually first.
    const here = runtimePackage();
    for (const target of [...TARGETS].sort((a, b) => Number(a.runtimePackage === here) - Number(b.runtimePackage === here))) log(runtimeBinary(target.runtimePackage));
    return;
  }
  if (prepare === 'quill') {
    log(quill(log));
    return;
  }
  if (prepare !== undefined) throw new Error(`--prepare takes runtimes or quill, not ${prepare}`);
  const wanted = argument('--platforms')?.split(',') ?? TARGETS.map((target) => `${target.os}-${target.arch}`);
  const out = path.resolve(argument('--out') ?? path.join(root, 'dist', 'release'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; homepage: string };
  const version = `v${pkg.version}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const bundlePath = await bundle();
  const archives: PlatformArchive[] = [];
  for (const target of TARGETS.filter((candidate) => wanted.includes(`${candidate.os}-${candidate.arch}`))) {
    const bin = target.os === 'windows' ? 'kubectl-sagemaker_migrate.exe' : 'kubectl-sagemaker_migrate';
    const stage = path.join(out, 'stage', `${target.os}-${target.arch}`);
    mkdirSync(stage, { recursive: true });
    const runtime = runtimeBinary(target.runtimePackage);
    const runsHere = target.runtimePackage === runtimePackage();
    const blobMaker = runsHere ? runtime : runtimeBinary(runtimePackage());
    makeExecutable(bundlePath, path.join(stage, bin), { os: target.os, runtime, blobMaker, runnableHere: runsHere });
    copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
    const zip = target.os === 'windows';
    const name = `kubectl-sagemaker_migrate_${version}_${target.os}_${target.arch}.${zip ? 'zip' : 'tar.gz'}`;
    const file = path.join(out, name);
    archive(stage, [bin, 'LICENSE'], file, zip);
    const digest = sha256(file);
    writeFileSync(`${file}.sha256`, `${digest}  ${name}\n`);
    archives.push({ os: target.os, arch: target.arch, uri: `${pkg.homepage}/releases/download/${version}/${name}`, sha256: digest, bin });
    log(`${name} ${digest}`);
  }
  rmSync(path.join(out, 'stage'), { recursive: true, force: true });
  const manifest = buildManifest(version, pkg.homepage, archives);
  const problems = validateManifest(manifest);
  if (problems.length > 0) throw new Error(`generated plugin.yaml is invalid: ${problems.join('; ')}`);
  const text = yaml.dump(manifest, { lineWidth: -1, noRefs: true });
  writeFileSync(path.join(out, 'plugin.yaml'), text);
  if (process.argv.includes('--update-manifest')) writeFileSync(path.join(root, 'plugin.yaml'), text);
  log(`${archives.length} archive(s) with Node ${RUNTIME_NODE_VERSION} and plugin.yaml in ${path.relative(root, out) || out}`);
}

main().catch((error: Error) => {
  process.stderr.write(`release: ${error.message}\n`);
  process.exit(1);
});
