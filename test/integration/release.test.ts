// `npm run release` for all five platforms, checked the way krew and each system would take it: archives whose
// sha256 the manifest names, the layout krew unpacks, macOS binaries with a valid ad hoc signature, a Windows
// executable with no signature rather than a broken one, and the linux/amd64 archive installed like
// `kubectl krew install --manifest --archive` (krew's Go module is not served by the Go module proxy here, so its
// steps are performed directly) and run through the real kubectl.

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import yaml from 'js-yaml';
import { runtimeBinary, runtimePackage } from '../../scripts/build.ts';
import { validateManifest, type KrewPlugin } from '../../scripts/krew/manifest.ts';
import { osslsigncode, rcodesign } from '../../scripts/signing.ts';
import { testKubeconfig } from '../support/cluster.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);

type Platform = KrewPlugin['spec']['platforms'][number];
interface Release {
  out: string;
  manifest: KrewPlugin;
}

let shared: Promise<Release> | undefined;
let releaseDirectory: string | undefined;

/** One release run for the whole file: five platforms take minutes, and a cold cache also builds rcodesign. */
function release(t: ExecutionContext): Promise<Release> {
  // A hang guard only: a cold cache builds rcodesign with cargo, measured at 15 to 32 minutes on 2 busy cores.
  t.timeout(60 * 60_000, 'npm run release did not finish');
  shared ??= (async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'smm-release-'));
    releaseDirectory = out;
    await execFileAsync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'release.ts'), '--out', out], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return { out, manifest: yaml.load(readFileSync(path.join(out, 'plugin.yaml'), 'utf8')) as KrewPlugin };
  })();
  return shared;
}

test.after.always(() => {
  if (releaseDirectory) rmSync(releaseDirectory, { recursive: true, force: true });
});

const label = (platform: Platform): string => `${platform.selector.matchLabels?.['os']}/${platform.selector.matchLabels?.['arch']}`;

function platformFor(manifest: KrewPlugin, wanted: string): Platform {
  const platform = manifest.spec.platforms.find((candidate) => label(candidate) === wanted);
  if (!platform) throw new Error(`plugin.yaml has no ${wanted} platform`);
  return platform;
}

function archiveEntries(archive: string): string[] {
  if (archive.endsWith('.zip')) {
    const list = 'import sys, zipfile\nprint("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))';
    return execFileSync('python3', ['-c', list, archive], { encoding: 'utf8' }).trim().split('\n').sort();
  }
  return execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n').sort();
}

/** A directory of its own for a test, removed when the test ends: each unpacked binary is 100 to 150 MB. */
function scratch(t: ExecutionContext, prefix: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Unpacks an archive into a fresh directory, as krew does before it moves the listed files into its store. */
function unpack(t: ExecutionContext, archive: string): string {
  const directory = scratch(t, 'smm-unpacked-');
  if (archive.endsWith('.zip')) execFileSync('python3', ['-c', 'import sys, zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', archive, directory]);
  else execFileSync('tar', ['-xzf', archive, '-C', directory]);
  return directory;
}

/** The machine a binary is built for, read from its ELF, Mach-O or PE header. */
function machine(binary: Buffer): string {
  if (binary.readUInt32BE(0) === 0x7f454c46) return { 62: 'linux/amd64', 183: 'linux/arm64' }[binary.readUInt16LE(18)] ?? 'linux/?';
  if (binary.readUInt32LE(0) === 0xfeedfacf) return { 0x01000007: 'darwin/amd64', 0x0100000c: 'darwin/arm64' }[binary.readUInt32LE(4)] ?? 'darwin/?';
  if (binary.toString('latin1', 0, 2) === 'MZ') {
    const peHeader = binary.readUInt32LE(0x3c);
    return binary.readUInt16LE(peHeader + 4) === 0x8664 ? 'windows/amd64' : 'windows/?';
  }
  return 'unknown';
}

test('the release makes the five krew platforms, each archive with the sha256 plugin.yaml names', async (t) => {
  const { out, manifest } = await release(t);
  t.deepEqual(validateManifest(manifest), []);
  t.deepEqual(manifest.spec.platforms.map(label), ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
  for (const platform of manifest.spec.platforms) {
    const archive = path.join(out, path.basename(platform.uri));
    // krew refuses an archive whose sha256 differs from the manifest's.
    t.is(createHash('sha256').update(readFileSync(archive)).digest('hex'), platform.sha256, label(platform));
    t.is(readFileSync(`${archive}.sha256`, 'utf8'), `${platform.sha256}  ${path.basename(archive)}\n`);
  }
});

test('every archive unpacks to the bin and LICENSE krew installs, the application injected into a runtime for that platform', async (t) => {
  const { out, manifest } = await release(t);
  const license = readFileSync(path.join(root, 'LICENSE'));
  for (const platform of manifest.spec.platforms) {
    const archive = path.join(out, path.basename(platform.uri));
    t.deepEqual(archiveEntries(archive), ['LICENSE', platform.bin].sort(), label(platform));
    t.deepEqual((platform.files ?? []).map((file) => file.from).sort(), ['LICENSE', platform.bin].sort());
    const unpacked = unpack(t, archive);
    t.deepEqual(readFileSync(path.join(unpacked, 'LICENSE')), license);
    const binary = readFileSync(path.join(unpacked, platform.bin));
    t.is(machine(binary), label(platform));
    // postject flips the fuse to :1 when it injects; a plain Node runtime carries :0.
    t.true(binary.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'), `${label(platform)} has no application injected`);
    if (platform.selector.matchLabels?.['os'] !== 'windows') t.true((statSync(path.join(unpacked, platform.bin)).mode & 0o111) !== 0, `${label(platform)} is not executable`);
  }
});

/** The segment names of a 64-bit Mach-O file, from its LC_SEGMENT_64 load commands. */
function machOSegments(binary: Buffer): string[] {
  const segments: string[] = [];
  let offset = 32;
  for (let index = 0; index < binary.readUInt32LE(16); index += 1) {
    if (binary.readUInt32LE(offset) === 0x19) segments.push(binary.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, ''));
    offset += binary.readUInt32LE(offset + 4);
  }
  return segments;
}

/** What a tool printed, whether or not it exited with success. */
async function output(command: string, args: string[]): Promise<string> {
  try {
    const result = await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024 });
    return `${result.stdout}${result.stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

/** The problems `rcodesign verify` lists, one a line on stdout. */
async function signatureProblems(file: string): Promise<string[]> {
  const report = await execFileAsync(rcodesign(), ['verify', file]).then(
    (result) => result.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return report.split('\n').filter((line) => line.trim() !== '');
}

// An ad hoc signature carries an empty CMS blob, as Apple's `codesign --sign -` makes it; rcodesign 0.29's verify
// (documented by it as incomplete) cannot parse that empty blob and lists it, whatever the hashes say.
const EMPTY_CMS_BLOB = 'CMS error: missing further values (at position 0)';

test('both macOS binaries carry an ad hoc signature whose hashes match the file, and a changed byte breaks it', async (t) => {
  const { out, manifest } = await release(t);
  for (const [wanted, runtime] of [['darwin/amd64', runtimePackage('darwin', 'x64')], ['darwin/arm64', runtimePackage('darwin', 'arm64')]] as const) {
    // What went in is Node's official build: signed with the Node.js Foundation's Developer ID.
    t.regex(await output(rcodesign(), ['print-signature-info', runtimeBinary(runtime)]), /Developer ID Application: Node\.js Foundation/, wanted);

    const platform = platformFor(manifest, wanted);
    const binary = path.join(unpack(t, path.join(out, path.basename(platform.uri))), platform.bin);
    // Node looks for the application in this segment on macOS; without it the binary would start as plain node.
    t.true(machOSegments(readFileSync(binary)).includes('NODE_SEA'), wanted);
    t.deepEqual(await signatureProblems(binary), [EMPTY_CMS_BLOB], wanted);
    const info = await output(rcodesign(), ['print-signature-info', binary]);
    t.regex(info, /flags: CodeSignatureFlags\(ADHOC\)/, wanted);
    t.regex(info, /identifier: kubectl-sagemaker_migrate\n/, wanted);

    // The hashes cover the injected application: one byte of it changed, and its page no longer matches.
    const tampered = readFileSync(binary);
    const application = tampered.indexOf('smmImportMetaUrl');
    t.true(application > 0, `${wanted} holds no application`);
    tampered[application] = tampered[application]! ^ 0xff;
    writeFileSync(`${binary}.tampered`, tampered);
    const problems = await signatureProblems(`${binary}.tampered`);
    t.true(problems.some((problem) => problem.startsWith('code digest mismatch')), `${wanted}: ${problems.join('; ')}`);
  }
});

test('the Windows executable has no signature, rather than the official one the injection would corrupt, and a valid checksum', async (t) => {
  const { out, manifest } = await release(t);
  const verify = (file: string): Promise<string> => output(osslsigncode(), ['verify', '-in', file]);
  // There was a signature to remove: the Node runtime is signed by the OpenJS Foundation.
  t.regex(await verify(runtimeBinary(runtimePackage('win32', 'x64'))), /Subject: .*O=OpenJS Foundation/);
  const platform = platformFor(manifest, 'windows/amd64');
  const report = await verify(path.join(unpack(t, path.join(out, path.basename(platform.uri))), platform.bin));
  t.regex(report, /No signature found/);
  t.notRegex(report, /corrupt|not at the end/i);
  // Injection changes the file; its header checksum is rewritten to match.
  t.notRegex(report, /invalid PE checksum/);
});

test('the linux/amd64 release archive installs like krew and runs as `kubectl sagemaker-migrate`', async (t) => {
  const { out, manifest } = await release(t);
  const platform = platformFor(manifest, 'linux/amd64');
  const archive = path.join(out, path.basename(platform.uri));

  const krewRoot = scratch(t, 'smm-krew-');
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
