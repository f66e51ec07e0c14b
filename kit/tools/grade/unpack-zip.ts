// Reading a submitted zip safely. Nothing is extracted by path: the entries are
// listed from the central directory, every name is checked (zip-slip, absolute
// paths, drive letters, backslashes), symbolic links and special files reject
// the archive, and only the taken entries are decompressed, into memory, with
// the bytes counted as they arrive.

import fs from 'node:fs';
import yauzl from 'yauzl';
import { select, unsafeReason } from './entry-path.ts';
import { formatSize } from '../../core/size.ts';
import type { UnpackLimits } from './types.ts';
import { ByteBudget, readLimited } from './read-limited.ts';
import type { RawSubmission } from './types.ts';

/** "version made by" host systems whose external attributes carry a Unix st_mode. */
const UNIX_HOSTS = new Set([3, 19]); // 3 = UNIX, 19 = OS X
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export async function readZipSubmission(file: string, limits: UnpackLimits): Promise<RawSubmission | string> {
  const size = fs.statSync(file).size;
  if (size > limits.maxArchiveBytes)
    return `the archive is ${formatSize(size)}, more than the limit of ${formatSize(limits.maxArchiveBytes)}`;

  let zip: yauzl.ZipFile;
  try {
    // decodeStrings: false so that we see the raw names and judge them ourselves
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (err) {
    return `not a readable zip archive (${(err as Error).message})`;
  }
  try {
    if (zip.entryCount > limits.maxEntries) return `the archive has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`;
    const listed = await listEntries(zip);
    if (typeof listed === 'string') return listed;

    const chosen = select(listed.filter((e) => !e.name.endsWith('/')).map((e) => ({ name: e.name, item: e.entry })));
    if (typeof chosen === 'string') return chosen;

    const budget = new ByteBudget(limits.maxTotalBytes);
    const read = async (entry: yauzl.Entry, what: string): Promise<Buffer> => {
      if (entry.isEncrypted()) throw new Error(`${what} is encrypted`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
        throw new Error(`${what} uses an unsupported compression method (${entry.compressionMethod})`);
      // a header that admits to too much is refused early; one that lies is caught by the count
      if (entry.uncompressedSize > limits.maxFileBytes)
        throw new Error(`${what} is larger than ${formatSize(limits.maxFileBytes)} once uncompressed`);
      const stream = await zip.openReadStreamPromise(entry);
      return readLimited(stream, limits.maxFileBytes, budget, what);
    };
    try {
      const steps: RawSubmission['steps'] = [];
      for (const s of chosen.steps) steps.push({ step: s.step, file: s.file, data: await read(s.item, `steps/${s.file}`) });
      const manifest = chosen.manifest ? await read(chosen.manifest, 'manifest.json') : undefined;
      return { steps, manifest };
    } catch (err) {
      return (err as Error).message;
    }
  } finally {
    zip.close();
  }
}

interface Listed {
  name: string;
  entry: yauzl.Entry;
}

function listEntries(zip: yauzl.ZipFile): Promise<Listed[] | string> {
  return new Promise((resolve) => {
    const out: Listed[] = [];
    let settled = false;
    const finish = (v: Listed[] | string) => {
      if (settled) return;
      settled = true;
      zip.removeAllListeners('entry');
      resolve(v);
    };
    zip.on('error', (err: Error) => finish(`a damaged zip archive (${err.message})`));
    zip.on('end', () => finish(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      const problem = judgeEntry(entry);
      if (typeof problem === 'string') return finish(problem);
      out.push({ name: problem.name, entry });
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/** The entry's name, or why the archive is refused because of this entry. */
function judgeEntry(entry: yauzl.Entry): { name: string } | string {
  const isUtf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  const rawName = entry.fileNameRaw.toString(isUtf8 ? 'utf8' : 'latin1');
  // The Info-ZIP Unicode Path extra field may carry a different name than the
  // header; extractors disagree on which wins, so both must be safe.
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  for (const n of new Set([rawName, name])) {
    const why = unsafeReason(n);
    if (why) return `unsafe archive: an entry with ${why}`;
  }
  if (entry.isEncrypted()) return `unsafe archive: ${name} is encrypted`;
  if (UNIX_HOSTS.has(entry.versionMadeBy >> 8)) {
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) return `unsafe archive: ${name} is a symbolic link`;
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return `unsafe archive: ${name} is a special file (mode ${type.toString(8)})`;
  }
  return { name };
}
