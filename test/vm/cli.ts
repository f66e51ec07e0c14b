// A command in the kit's test VM, by hand (maintainers; npm test uses vm.ts directly):
//   node --import tsx test/vm/cli.ts [--rw DIR]... [--timeout SEC] [--console] -- COMMAND [ARGS...]
//   node --import tsx test/vm/cli.ts --build      fetch the kernel, build the initramfs, print them
// Exit status: the command's; 124 on timeout; 125 when the VM could not run it.
// Run node_modules/.bin/* directly in the VM, not npx: Node is 10-20x slower under TCG.

import { parseArgs } from 'node:util';
import { prepareVm, runInVm, vmUnavailable, VmUnavailable } from './vm.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rw: { type: 'string', multiple: true, default: [] },
    timeout: { type: 'string', default: '600' },
    console: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
  },
});

try {
  const why = vmUnavailable();
  if (why) throw why;
  const image = await prepareVm((m) => console.error(m));
  if (values.build) {
    console.log(`kernel ${image.kver}: ${image.kernel}\ninitramfs: ${image.initrd}\nmodules: ${image.modules}`);
    process.exit(0);
  }
  if (!positionals.length)
    throw new VmUnavailable('no command given', 'usage: test/vm/cli.ts [--rw DIR]... [--timeout SEC] -- COMMAND [ARGS...]');
  const r = await runInVm({ argv: positionals, rw: values.rw, timeoutSec: Number(values.timeout) }, image);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (values.console) process.stderr.write(r.console);
  console.error(`test VM: exit ${r.code} after ${(r.ms / 1000).toFixed(1)} s (${r.accel})`);
  process.exit(r.code);
} catch (err) {
  if (!(err instanceof VmUnavailable)) throw err;
  console.error(`test VM: ${err.reason}\n  what to do: ${err.fix}`);
  process.exit(125);
}
