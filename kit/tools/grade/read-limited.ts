// Reading a stream into memory while counting the bytes that really arrive:
// a zip entry's header may claim 1 KiB and inflate to gigabytes (a zip bomb),
// so the count, not the claim, decides when to stop.

import type { Readable } from 'node:stream';
import { formatSize } from '../../core/size.ts';

export class LimitExceeded extends Error {}

/** Shared budget for all files of one submission. */
export class ByteBudget {
  private used = 0;
  constructor(readonly max: number) {}
  take(n: number, what: string): void {
    this.used += n;
    if (this.used > this.max) {
      throw new LimitExceeded(`the step files add up to more than ${formatSize(this.max)} (at ${what})`);
    }
  }
}

export function readLimited(stream: Readable, maxBytes: number, budget: ByteBudget, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      try {
        if (size > maxBytes) throw new LimitExceeded(`${what} is larger than ${formatSize(maxBytes)} once uncompressed`);
        budget.take(chunk.length, what);
      } catch (err) {
        fail(err as Error);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (err: Error) => fail(err));
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
  });
}
