// Signatures of release binaries made on Linux: ad hoc Mach-O signatures with rcodesign (the apple-codesign crate,
// built once from crates.io into the cache) and removal of the Windows runtime's Authenticode signature with
// osslsigncode (installed with apt-get when missing and allowed).

import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { cachePath } from './cache.ts';

export const APPLE_CODESIGN_VERSION = '0.29.0';

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
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    const tail = `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${path.basename(command)} ${args[0]} failed: ${tail || failed.message}`);
  }
}

/** rcodesign from the cache, built with cargo on first use (minutes; see README). */
export function rcodesign(log: Log = () => {}): string {
  const root = cachePath('tools', `apple-codesign-${APPLE_CODESIGN_VERSION}`);
  const binary = path.join(root, 'bin', 'rcodesign');
  if (existsSync(binary)) return binary;
  // rustup puts cargo in ~/.cargo/bin, which a non-login shell's PATH often lacks.
  const cargo = onPath('cargo', [path.join(process.env['CARGO_HOME'] ?? path.join(homedir(), '.cargo'), 'bin')]);
  if (!cargo) throw new MissingReleaseTool('signing macOS binaries needs rcodesign, built with cargo: install Rust 1.81 or newer (https://rustup.rs)');
  log(`building rcodesign ${APPLE_CODESIGN_VERSION} (crate apple-codesign) with cargo, once, into ${root}`);
  const staging = `${root}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // Without default features the notarization client (the AWS SDK) is left out: it is not needed for ad hoc signing.
  run(cargo, ['install', 'apple-codesign', '--version', APPLE_CODESIGN_VERSION, '--locked', '--no-default-features', '--bin', 'rcodesign', '--root', staging]);
  if (!existsSync(binary)) renameSync(staging, root);
  rmSync(staging, { recursive: true, force: true });
  return binary;
}

/**
 * Signs a Mach-O file ad hoc, in place: no certificate, so no Apple account and no network. macOS kills an arm64
 * binary without a valid signature at launch, and injecting the application invalidates Node's own signature.
 */
export function signMachOAdHoc(file: string, log: Log = () => {}): void {
  run(rcodesign(log), ['sign', '--timestamp-url', 'none', file]);
}

/** osslsigncode, installed with apt-get when missing and this process may; otherwise one line on what to install. */
export function osslsigncode(log: Log = () => {}): string {
  const found = onPath('osslsigncode');
  if (found) return found;
  const aptGet = onPath('apt-get');
  if (aptGet && process.getuid?.() === 0) {
    log('installing osslsigncode with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run(aptGet, ['update'], env);
    run(aptGet, ['install', '-y', '--no-install-recommends', 'osslsigncode'], env);
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
