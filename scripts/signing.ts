// Signatures of release binaries made on Linux: ad hoc Mach-O signatures with quill (github.com/anchore/quill, pure
// Go, built once from the Go module proxy into the cache) and removal of the Windows runtime's Authenticode signature
// with osslsigncode (installed with apt-get when missing and allowed).

import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cachePath } from './cache.ts';

export const QUILL_VERSION = '0.5.1';

type Log = (message: string) => void;

/** A tool the release needs is missing and cannot be installed from here; the message says what to install. */
export class MissingReleaseTool extends Error {}

function onPath(name: string, extraDirectories: string[] = []): string | undefined {
  for (const directory of [...(process.env['PATH'] ?? '').split(path.delimiter), ...extraDirectories]) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs a tool and keeps its chatter; on failure the error carries the end of what it printed. */
function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    const tail = `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${path.basename(command)} ${args[0]} failed: ${tail || failed.message}`);
  }
}

function quillDirectory(): string {
  return cachePath('tools', `quill-${QUILL_VERSION}`);
}

/** quill from the cache, built from its Go module on first use (one to a few minutes on 2 cores; see docs/releasing.md). */
export function quill(log: Log = () => {}): string {
  const root = quillDirectory();
  const binary = path.join(root, 'quill');
  if (existsSync(binary)) return binary;
  const go = onPath('go', ['/usr/local/go/bin']);
  if (!go) throw new MissingReleaseTool('signing macOS binaries needs quill, built from its Go module: install Go (https://go.dev/dl/), which the tests need too');
  log(`building quill ${QUILL_VERSION} (github.com/anchore/quill) with go, once, into ${root}`);
  const staging = `${root}.partial-${process.pid}`;
  const module = mkdtempSync(path.join(tmpdir(), 'quill-module-'));
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    // As scripts/envtest-assets.sh builds kube-apiserver: this machine's Go, no toolchain download, no cgo, no paths
    // of this machine in the binary.
    const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-trimpath -buildvcs=false' };
    // `go install github.com/anchore/quill/cmd/quill@v0.5.1` fails: it asks the proxy for quill's version list, which
    // the proxy refuses. A throw-away module that requires that exact version resolves the same dependencies.
    run(go, ['mod', 'init', 'quill.build.local'], { env, cwd: module });
    run(go, ['get', `github.com/anchore/quill/cmd/quill@v${QUILL_VERSION}`], { env, cwd: module });
    run(go, ['build', '-ldflags', `-s -w -X main.version=v${QUILL_VERSION}`, '-o', path.join(staging, 'quill'), 'github.com/anchore/quill/cmd/quill'], { env, cwd: module });
    // quill reads ~/.quill.yaml, ./.quill.yaml and the like unless given a file: a personal one (entitlements, an
    // identity) must not change what the release signs.
    writeFileSync(path.join(staging, 'quill.yaml'), '# empty on purpose: see scripts/signing.ts\n');
    if (!existsSync(binary)) renameSync(staging, root);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(module, { recursive: true, force: true });
  }
  return binary;
}

/**
 * Signs a Mach-O file ad hoc, in place: no certificate, so no Apple account and no network. macOS kills an arm64
 * binary without a valid signature at launch, and injecting the application invalidates Node's own signature.
 */
export function signMachOAdHoc(file: string, log: Log = () => {}): void {
  const binary = quill(log);
  // Its QUILL_* variables would override the flags and the empty configuration file.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('QUILL_')));
  // Without --identity, quill 0.5.1 leaves an ad hoc signature's identifier empty; codesign would use the file name.
  run(binary, ['sign', '--ad-hoc', '--identity', path.basename(file), '--config', path.join(quillDirectory(), 'quill.yaml'), file], { env });
}

/** osslsigncode, installed with apt-get when missing and this process may; otherwise one line on what to install. */
export function osslsigncode(log: Log = () => {}): string {
  const found = onPath('osslsigncode');
  if (found) return found;
  const aptGet = onPath('apt-get');
  if (aptGet && process.getuid?.() === 0) {
    log('installing osslsigncode with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run(aptGet, ['update'], { env });
    run(aptGet, ['install', '-y', '--no-install-recommends', 'osslsigncode'], { env });
    const installed = onPath('osslsigncode', ['/usr/bin']);
    if (installed) return installed;
  }
  throw new MissingReleaseTool('building the Windows executable needs osslsigncode: install it (Debian/Ubuntu: apt-get install osslsigncode; macOS: brew install osslsigncode)');
}

/**
 * Copies a signed Windows executable without its Authenticode signature. Done before injection: afterwards the
 * signature no longer sits at the end of the file and osslsigncode refuses to remove it, while Windows would see
 * a corrupted signature instead of none.
 */
export function copyWithoutAuthenticode(signed: string, output: string, log: Log = () => {}): void {
  rmSync(output, { force: true });
  run(osslsigncode(log), ['remove-signature', '-in', signed, '-out', output]);
}

/**
 * Rewrites the checksum in a PE file's optional header, which injection leaves stale. Windows checks it only for
 * drivers, but signature tools report it, and a clean unsigned program should not look tampered with.
 */
export function updatePeChecksum(file: string): void {
  const data = readFileSync(file);
  // e_lfanew points at "PE\0\0"; then the 20-byte COFF header; the checksum is 64 bytes into the optional header.
  const checksumOffset = data.readUInt32LE(0x3c) + 4 + 20 + 64;
  data.writeUInt32LE(0, checksumOffset);
  let sum = 0;
  for (let offset = 0; offset < data.length; offset += 2) {
    sum += offset + 1 < data.length ? data.readUInt16LE(offset) : data[offset]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  data.writeUInt32LE((((sum & 0xffff) + (sum >>> 16)) + data.length) >>> 0, checksumOffset);
  writeFileSync(file, data);
}
