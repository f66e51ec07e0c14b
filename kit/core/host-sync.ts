// The host's side of wait_for_host ops: a pipe each way per op, made before
// the clone (the child inherits its ends, close-on-exec). The child writes a
// byte when it reaches the op and blocks until the host writes one back; in
// between, the host does what only it may do (write the child's uid_map).

import fs from 'node:fs';
import net from 'node:net';
import { KitError } from './errors.ts';
import { errnoName } from './errno.ts';
import { loadShim } from './native.ts';
import type { ChildOp } from './ops.ts';

interface Sync {
  op: ChildOp & { op: 'wait_for_host' };
  /** child -> host: [read end (host), write end (child)] */
  up: [number, number];
  /** host -> child: [read end (child), write end (host)] */
  down: [number, number];
}

export interface HostSyncs {
  /** the child's fds for this op: [write "I am here", read "go on"] */
  fdsFor(op: ChildOp): [number, number] | undefined;
  /** after the clone: the child has its copies */
  closeChildEnds(): void;
  /** answer each op in order, running onWait(label) first; resolves when all are done or the child has gone */
  serve(onWait?: (label: string) => Promise<void>): Promise<void>;
  closeAll(): void;
}

export function openHostSyncs(ops: ChildOp[]): HostSyncs {
  const syncs: Sync[] = [];
  const open = new Set<number>();
  const close = (fd: number) => {
    if (open.delete(fd)) fs.closeSync(fd);
  };
  const closeAll = () => [...open].forEach(close);
  const pipe = (): [number, number] => {
    const fds = new Int32Array(2);
    const r = loadShim().pipe(fds);
    if (r < 0) {
      closeAll();
      throw new KitError(`pipe2() failed: ${errnoName(-r)}`, { hint: 'Too many open files? Close other programs and retry.' });
    }
    open.add(fds[0]).add(fds[1]);
    return [fds[0], fds[1]];
  };
  for (const op of ops) if (op.op === 'wait_for_host') syncs.push({ op, up: pipe(), down: pipe() });

  return {
    fdsFor: (op) => {
      const s = syncs.find((x) => x.op === op);
      return s ? [s.up[1], s.down[0]] : undefined;
    },
    closeChildEnds: () => syncs.forEach((s) => (close(s.up[1]), close(s.down[0]))),
    closeAll,
    async serve(onWait) {
      try {
        for (const s of syncs) {
          const reached = await oneByte(s.up[0]);
          open.delete(s.up[0]); // the socket closed it
          if (!reached) return; // the child failed or exited before this op
          await onWait?.(s.op.label);
          fs.writeSync(s.down[1], Buffer.from([1]));
          close(s.down[1]);
        }
      } finally {
        // on an error the child reads EOF and stops with ECANCELED
        closeAll();
      }
    },
  };
}

/** true when a byte came, false on EOF; never blocks a libuv pool thread. */
function oneByte(fd: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new net.Socket({ fd, readable: true, writable: false });
    let got = false;
    sock.once('data', () => {
      got = true;
      sock.destroy();
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => resolve(got));
  });
}
