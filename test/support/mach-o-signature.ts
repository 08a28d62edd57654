// Reads and checks the embedded code signature of a 64-bit Mach-O file the way macOS does when it loads one: the
// CodeDirectory's hash of every page up to the code limit, of each special slot's blob, and where the signature
// sits. It lets the release test check a signature without the tool that made it (Apple's formats: xnu's
// osfmk/kern/cs_blobs.h and the cs_validate_* functions of bsd/kern/ubc_subr.c; the layout rules: dyld's
// MachOAnalyzer::validLinkeditLayout).

import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_SYMTAB = 0x2;
const LC_CODE_SIGNATURE = 0x1d;
/** Load commands that point at LINKEDIT content with a linkedit_data_command (dataoff, datasize). */
const LINKEDIT_DATA_COMMANDS = new Set([0x1e, 0x26, 0x29, 0x2b, 0x2e, 0x33, 0x34]);
const EMBEDDED_SIGNATURE = 0xfade0cc0;
const CODE_DIRECTORY = 0xfade0c02;
const CODE_DIRECTORY_SLOT = 0;
const ALTERNATE_CODE_DIRECTORY_SLOTS = [0x1000, 0x1001, 0x1002, 0x1003, 0x1004];
const SHA256 = 2;

export const SLOT = { requirements: 2, cmsSignature: 0x10000 } as const;
export const FLAG = { adhoc: 0x2 } as const;
export const EXEC_SEGMENT_MAIN_BINARY = 0x1;

export interface Segment {
  name: string;
  fileOffset: number;
  fileSize: number;
  vmSize: number;
}

export interface CodeDirectory {
  slot: number;
  version: number;
  flags: number;
  identifier: string;
  hashType: number;
  pageSize: number;
  codeLimit: number;
  /** Special slot hashes by slot number (1 = Info.plist, 2 = requirements, 5 = entitlements, ...). */
  specialHashes: Map<number, Buffer>;
  codeHashes: Buffer[];
  execSegmentBase: number;
  execSegmentLimit: number;
  execSegmentFlags: number;
}

export interface MachOSignature {
  segments: Segment[];
  /** Where LC_CODE_SIGNATURE says the signature is. */
  dataOffset: number;
  dataSize: number;
  /** Where the rest of LINKEDIT's content (symbols, strings, fixups, function starts...) ends. */
  otherLinkEditEnd: number;
  /** Every blob of the signature's SuperBlob, whole (header included), by slot. */
  blobs: Map<number, Buffer>;
  codeDirectories: CodeDirectory[];
}

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** The segments and code signature of a thin 64-bit Mach-O; throws on a file that is not one or has no signature. */
export function readMachOSignature(file: Buffer): MachOSignature {
  if (file.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a thin 64-bit little-endian Mach-O file');
  const segments: Segment[] = [];
  let signatureCommand: { dataOffset: number; dataSize: number } | undefined;
  let otherLinkEditEnd = 0;
  let offset = 32;
  for (let index = 0; index < file.readUInt32LE(16); index += 1) {
    const command = file.readUInt32LE(offset);
    if (command === LC_SEGMENT_64) {
      segments.push({
        name: file.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, ''),
        vmSize: Number(file.readBigUInt64LE(offset + 32)),
        fileOffset: Number(file.readBigUInt64LE(offset + 40)),
        fileSize: Number(file.readBigUInt64LE(offset + 48)),
      });
    }
    if (command === LC_CODE_SIGNATURE) signatureCommand = { dataOffset: file.readUInt32LE(offset + 8), dataSize: file.readUInt32LE(offset + 12) };
    if (LINKEDIT_DATA_COMMANDS.has(command)) otherLinkEditEnd = Math.max(otherLinkEditEnd, file.readUInt32LE(offset + 8) + file.readUInt32LE(offset + 12));
    // The string table follows the symbols, and is what a linker writes last.
    if (command === LC_SYMTAB) otherLinkEditEnd = Math.max(otherLinkEditEnd, file.readUInt32LE(offset + 16) + file.readUInt32LE(offset + 20));
    offset += file.readUInt32LE(offset + 4);
  }
  if (!signatureCommand) throw new Error('no LC_CODE_SIGNATURE load command');
  const { dataOffset, dataSize } = signatureCommand;
  // The signature's own structures are big-endian, whatever the Mach-O's byte order.
  if (file.readUInt32BE(dataOffset) !== EMBEDDED_SIGNATURE) throw new Error('LC_CODE_SIGNATURE does not point at an embedded signature SuperBlob');
  const blobs = new Map<number, Buffer>();
  for (let index = 0; index < file.readUInt32BE(dataOffset + 8); index += 1) {
    const slot = file.readUInt32BE(dataOffset + 12 + index * 8);
    const start = dataOffset + file.readUInt32BE(dataOffset + 16 + index * 8);
    blobs.set(slot, file.subarray(start, start + file.readUInt32BE(start + 4)));
  }
  const codeDirectories = [CODE_DIRECTORY_SLOT, ...ALTERNATE_CODE_DIRECTORY_SLOTS]
    .filter((slot) => blobs.get(slot)?.readUInt32BE(0) === CODE_DIRECTORY)
    .map((slot) => parseCodeDirectory(slot, blobs.get(slot)!));
  return { segments, dataOffset, dataSize, otherLinkEditEnd, blobs, codeDirectories };
}

function parseCodeDirectory(slot: number, blob: Buffer): CodeDirectory {
  const version = blob.readUInt32BE(8);
  const hashOffset = blob.readUInt32BE(16);
  const identifierOffset = blob.readUInt32BE(20);
  const specialSlots = blob.readUInt32BE(24);
  const codeSlots = blob.readUInt32BE(28);
  const hashSize = blob.readUInt8(36);
  const hash = (index: number): Buffer => blob.subarray(hashOffset + index * hashSize, hashOffset + (index + 1) * hashSize);
  const specialHashes = new Map<number, Buffer>();
  for (let special = 1; special <= specialSlots; special += 1) specialHashes.set(special, hash(-special));
  // The exec segment fields exist from version 0x20400 on.
  const withExecSegment = version >= 0x20400;
  return {
    slot,
    version,
    flags: blob.readUInt32BE(12),
    identifier: blob.toString('utf8', identifierOffset, blob.indexOf(0, identifierOffset)),
    hashType: blob.readUInt8(37),
    pageSize: 2 ** blob.readUInt8(39),
    codeLimit: blob.readUInt32BE(32),
    specialHashes,
    codeHashes: Array.from({ length: codeSlots }, (_, index) => hash(index)),
    execSegmentBase: withExecSegment ? Number(blob.readBigUInt64BE(64)) : 0,
    execSegmentLimit: withExecSegment ? Number(blob.readBigUInt64BE(72)) : 0,
    execSegmentFlags: withExecSegment ? Number(blob.readBigUInt64BE(80)) : 0,
  };
}

/**
 * What is wrong with a file's signature, one line each; none when every CodeDirectory's page and special slot
 * hashes match the file and the signature is the last thing in __LINKEDIT, at the end of the file.
 */
export function signatureProblems(file: Buffer): string[] {
  let signature: MachOSignature;
  try {
    signature = readMachOSignature(file);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  const { dataOffset, dataSize, blobs, codeDirectories } = signature;
  const linkEdit = signature.segments.find((segment) => segment.name === '__LINKEDIT');
  if (!linkEdit || linkEdit !== signature.segments.at(-1)) problems.push('__LINKEDIT is not the last segment');
  else {
    if (linkEdit.fileOffset + linkEdit.fileSize !== dataOffset + dataSize) problems.push(`__LINKEDIT ends at ${linkEdit.fileOffset + linkEdit.fileSize}, the signature at ${dataOffset + dataSize}`);
    if (linkEdit.vmSize < linkEdit.fileSize) problems.push(`__LINKEDIT maps ${linkEdit.vmSize} bytes of its ${linkEdit.fileSize}`);
  }
  if (dataOffset + dataSize !== file.length) problems.push(`the signature ends at ${dataOffset + dataSize}, the file at ${file.length}`);
  if (signature.otherLinkEditEnd > dataOffset) problems.push(`the signature starts at ${dataOffset}, inside other LINKEDIT content (up to ${signature.otherLinkEditEnd})`);
  // dyld refuses a main executable whose signature is not pointer-aligned (built with the macOS 10.15 SDK or later).
  if (dataOffset % 8 !== 0) problems.push(`the signature starts at ${dataOffset}, not 8-byte aligned`);
  if (codeDirectories.length === 0) problems.push('no CodeDirectory');
  for (const directory of codeDirectories) {
    const where = `CodeDirectory in slot ${directory.slot}`;
    if (directory.hashType !== SHA256) {
      // Only SHA-256 is checked here; an older SHA-1 directory beside a SHA-256 one is left to macOS.
      if (codeDirectories.some((other) => other.hashType === SHA256)) continue;
      problems.push(`${where}: hash type ${directory.hashType}, not SHA-256`);
      continue;
    }
    if (directory.codeLimit !== dataOffset) problems.push(`${where}: code limit ${directory.codeLimit}, but the signature starts at ${dataOffset}`);
    const pages = Math.ceil(directory.codeLimit / directory.pageSize);
    if (directory.codeHashes.length !== pages) problems.push(`${where}: ${directory.codeHashes.length} page hashes for ${pages} pages`);
    directory.codeHashes.forEach((expected, page) => {
      const start = page * directory.pageSize;
      const actual = sha256(file.subarray(start, Math.min(start + directory.pageSize, directory.codeLimit)));
      if (!actual.equals(expected)) problems.push(`${where}: page ${page} (bytes ${start}+${directory.pageSize}) does not match its hash`);
    });
    for (const [special, expected] of directory.specialHashes) {
      const blob = blobs.get(special);
      const zero = expected.every((byte) => byte === 0);
      if (!blob && !zero) problems.push(`${where}: special slot ${special} has a hash but the signature has no such blob`);
      if (blob && !sha256(blob).equals(expected)) problems.push(`${where}: special slot ${special} does not match its blob`);
    }
    for (const special of blobs.keys()) {
      if (special > 0 && special < 0x1000 && !directory.specialHashes.has(special)) problems.push(`${where}: blob in slot ${special} is not hashed`);
    }
  }
  return problems;
}
