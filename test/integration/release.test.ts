// `npm run release` for all five platforms, checked the way krew and each system would take it: archives whose
// sha256 the manifest names, the layout krew unpacks, macOS binaries with a valid ad hoc signature, a Windows
// executable with no signature rather than a broken one, and the linux/amd64 archive installed like
// `kubectl krew install --manifest --archive` (krew's Go module is not served by the Go module proxy here, so its
// steps are performed directly) and run through the real kubectl.

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import yaml from 'js-yaml';
import { runtimeBinary, runtimePackage } from '../../scripts/build.ts';
import { validateManifest, type KrewPlugin } from '../../scripts/krew/manifest.ts';
import { osslsigncode } from '../../scripts/signing.ts';
import { testKubeconfig } from '../support/cluster.ts';
import { EXEC_SEGMENT_MAIN_BINARY, FLAG, readMachOSignature, signatureProblems, SLOT } from '../support/mach-o-signature.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);

type Platform = KrewPlugin['spec']['platforms'][number];
interface Release {
  out: string;
  manifest: KrewPlugin;
}

let shared: Promise<Release> | undefined;
let releaseDirectory: string | undefined;

/** One release run for the whole file: five platforms take minutes, and a cold cache also builds quill. */
function release(t: ExecutionContext): Promise<Release> {
  // A hang guard only: a cold cache builds quill with go, measured at about 6 minutes on 2 busy cores.
  t.timeout(30 * 60_000, 'npm run release did not finish');
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

/** The subjects of the certificates in a Mach-O signature's CMS blob, as openssl prints them. */
function certificateSubjects(binary: Buffer): string {
  const wrapper = readMachOSignature(binary).blobs.get(SLOT.cmsSignature);
  if (!wrapper) return '';
  // The blob wrapper's 8-byte header (magic, length) precedes the DER of the CMS SignedData.
  return execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], { input: wrapper.subarray(8), encoding: 'utf8' });
}

// What Apple's `codesign --sign -` writes besides the CodeDirectory: a requirement set with no requirement, and a
// blob wrapper around no CMS data (an ad hoc signature has no certificate to put there).
const EMPTY_REQUIREMENTS = Buffer.from('fade0c01' + '0000000c' + '00000000', 'hex');
const EMPTY_CMS_WRAPPER = Buffer.from('fade0b01' + '00000008', 'hex');

test('both macOS binaries carry an ad hoc signature whose hashes match the file, and a changed byte breaks it', async (t) => {
  const { out, manifest } = await release(t);
  for (const [wanted, runtime] of [['darwin/amd64', runtimePackage('darwin', 'x64')], ['darwin/arm64', runtimePackage('darwin', 'arm64')]] as const) {
    // What went in is Node's official build, signed by Apple's codesign with the Node.js Foundation's Developer ID;
    // the same checks pass on it, so they read signatures as Apple's tools write them.
    const official = readFileSync(runtimeBinary(runtime));
    t.deepEqual(signatureProblems(official), [], `${wanted} runtime`);
    t.regex(certificateSubjects(official), /CN ?= ?Developer ID Application: Node\.js Foundation/, `${wanted} runtime`);

    const platform = platformFor(manifest, wanted);
    const binary = readFileSync(path.join(unpack(t, path.join(out, path.basename(platform.uri))), platform.bin));
    const signature = readMachOSignature(binary);
    // Node looks for the application in this segment on macOS; without it the binary would start as plain node.
    t.true(signature.segments.some((segment) => segment.name === 'NODE_SEA'), wanted);
    t.deepEqual(signatureProblems(binary), [], wanted);
    t.deepEqual([...signature.blobs.keys()].sort((a, b) => a - b), [0, SLOT.requirements, SLOT.cmsSignature], wanted);
    t.deepEqual(signature.blobs.get(SLOT.requirements), EMPTY_REQUIREMENTS, wanted);
    t.deepEqual(signature.blobs.get(SLOT.cmsSignature), EMPTY_CMS_WRAPPER, wanted);
    t.is(signature.codeDirectories.length, 1, wanted);
    const directory = signature.codeDirectories[0]!;
    t.is(directory.flags, FLAG.adhoc, wanted);
    t.is(directory.identifier, 'kubectl-sagemaker_migrate', wanted);
    t.is(directory.pageSize, 4096, wanted);
    // macOS treats the file as a main executable whose code is __TEXT, as the linker and Node's signature say.
    const text = signature.segments.find((segment) => segment.name === '__TEXT')!;
    t.deepEqual([directory.execSegmentBase, directory.execSegmentLimit, directory.execSegmentFlags & EXEC_SEGMENT_MAIN_BINARY], [text.fileOffset, text.fileSize, EXEC_SEGMENT_MAIN_BINARY], wanted);

    // The hashes cover the injected application: one byte of it changed, and its page no longer matches.
    const tampered = Buffer.from(binary);
    const application = tampered.indexOf('smmImportMetaUrl');
    t.true(application > 0, `${wanted} holds no application`);
    tampered[application] = tampered[application]! ^ 0xff;
    const page = Math.floor(application / directory.pageSize);
    t.deepEqual(signatureProblems(tampered), [`CodeDirectory in slot 0: page ${page} (bytes ${page * directory.pageSize}+${directory.pageSize}) does not match its hash`], wanted);
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
