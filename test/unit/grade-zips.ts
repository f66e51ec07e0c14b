// Test helpers: zip archives made in memory with yazl, and hand-made damage
// (names and sizes yazl refuses to write) patched into the raw bytes.

import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

export interface ZipItem {
  name: string;
  data?: string | Buffer;
  /** st_mode, e.g. 0o120777 for a symbolic link */
  mode?: number;
  dir?: boolean;
}

export function makeZip(items: ZipItem[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const it of items) {
      if (it.dir) zip.addEmptyDirectory(it.name, it.mode === undefined ? {} : { mode: it.mode });
      else zip.addBuffer(Buffer.from(it.data ?? ''), it.name, it.mode === undefined ? {} : { mode: it.mode });
    }
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Replace an entry name in both the local and the central header (same length keeps offsets valid). */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('rename must keep the length');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  let n = 0;
  while (at !== -1) {
    Buffer.from(to).copy(out, at);
    n++;
    at = out.indexOf(needle, at + needle.length);
  }
  if (n < 2) throw new Error(`entry ${from} not found in both headers`);
  return out;
}

interface CentralEntry {
  name: string;
  central: number;
  local: number;
}

function centralEntries(zip: Buffer): CentralEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLen), central: at, local: zip.readUInt32LE(at + 42) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Make an entry's headers claim another uncompressed size (a lying zip bomb). */
export function claimSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const e = centralEntries(out).find((c) => c.name === name);
  if (!e) throw new Error(`no entry ${name}`);
  out.writeUInt32LE(size, e.central + 24);
  out.writeUInt32LE(size, e.local + 22);
  return out;
}

export function writeTemp(dir: string, name: string, data: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

export const STEP1 = "import { todo } from '../kit/core/todo.ts';\nexport default { id: 1, name: 'pid' };\n";
