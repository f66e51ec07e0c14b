// koffi bindings to the C shim (native/shim.c). Struct layouts and constants
// come from the C side, so nothing here depends on the CPU architecture.

import fs from 'node:fs';
import path from 'node:path';
import koffi from './koffi.ts';
import { KitError } from './errors.ts';
import { projectRoot } from './paths.ts';

export const SHIM_PATH = path.join(projectRoot, 'native', 'build', 'libcwshim.so');

export interface Shim {
  /** pid > 0, or -errno */
  spawn(flags: number, ops: NativeOp[], argv: string[], envp: string[], stdio: Int32Array, foreground: boolean, fds: Int32Array): number;
  /** make the kit's process group the terminal's foreground again: 0 or -errno */
  takeTerminal(fd: number): number;
  /** pid, 0 (WNOHANG, still running) or -errno */
  wait(pid: number, nohang: boolean, status: Int32Array): number;
  exitCode(status: number): number;
  termSignal(status: number): number;
  constant(name: string): number;
  errnoName(errno: number): string | null;
  /** pipe2(O_CLOEXEC) into fds[0] (read end), fds[1] (write end): 0 or -errno */
  pipe(fds: Int32Array): number;
}

/** One child operation as the C struct cw_op wants it. */
export interface NativeOp {
  kind: number;
  s: (string | null)[];
  n: number[];
}

let shim: Shim | undefined;

export function loadShim(): Shim {
  if (shim) return shim;
  if (!fs.existsSync(SHIM_PATH)) {
    throw new KitError('The C shim is not built (native/build/libcwshim.so is missing).', {
      hint: 'Run `npm run build:native` (it needs a C compiler: sudo apt-get install -y gcc).',
      page: '/guide/design#the-c-shim',
    });
  }
  const lib = koffi.load(SHIM_PATH);
  koffi.struct('cw_op', {
    kind: 'int32_t',
    s: koffi.array('const char *', 4),
    n: koffi.array('uint64_t', 4),
  });
  const spawn = lib.func(
    'int cw_spawn(unsigned long flags, const cw_op *ops, int nops, const char **argv, const char **envp, const int *stdio, int foreground, int *fds_out)',
  );
  const takeTerminal = lib.func('int cw_take_terminal(int fd)');
  const wait = lib.func('int cw_wait(int pid, int nohang, int *status)');
  const exited = lib.func('int cw_status_exited(int status)');
  const signaled = lib.func('int cw_status_signal(int status)');
  const constant = lib.func('long cw_constant(const char *name)');
  const errnoName = lib.func('const char *cw_errno_name(int e)');
  const pipe = lib.func('int cw_pipe(int *fds)');
  // issue 18's constants (user namespace, hardening, exec) live in a table of their own
  const constantBeyond = lib.func('long cw_constant_beyond(const char *name)');
  const constants = new Map<string, number>();
  shim = {
    spawn: (flags, ops, argv, envp, stdio, foreground, fds) =>
      spawn(flags, ops.length ? ops : null, ops.length, [...argv, null], [...envp, null], stdio, foreground ? 1 : 0, fds) as number,
    takeTerminal: (fd) => takeTerminal(fd) as number,
    wait: (pid, nohang, status) => wait(pid, nohang ? 1 : 0, status) as number,
    exitCode: (s) => exited(s) as number,
    termSignal: (s) => signaled(s) as number,
    constant: (name) => {
      let v = constants.get(name);
      if (v === undefined) {
        v = Number(constant(name));
        if (v === -1) v = Number(constantBeyond(name));
        if (v === -1) throw new Error(`unknown constant ${name} (not in native/shim.c cw_constant)`);
        constants.set(name, v);
      }
      return v;
    },
    errnoName: (e) => errnoName(e) as string | null,
    pipe: (fds) => pipe(fds) as number,
  };
  return shim;
}
