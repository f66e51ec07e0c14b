// The check context: the one module checks/*.ts import (besides Node's own
// modules). A check starts the container as the student built it and
// inspects the kernel from the host, so this is what it is given: the check
// framework (defineCheck, and through the context `t`: the probe, the
// assertions, a ledger for what the check makes itself), and the host
// inspectors (namespaces, /proc, mountinfo, cgroups, net, images). Step 5's
// bench is a module of its own, kit/check-bench.ts, which only check 5 loads.
// Built on kit/core, kit/host and kit/tools; nothing in it runs a step's
// reference sequence.

// -- the framework
export {
  defineCheck,
  type AssertionDetail,
  type CheckContext,
  type CheckDefinition,
  type Probe,
  type StartProbe,
} from './tools/check/framework.ts';
export type { AssertionSpec } from './tools/check/types.ts';
export { KitError, NotDoneError } from './core/errors.ts';
export { projectRoot, stateDir } from './core/paths.ts';
export { listStepFiles, loadStepsUpTo } from './core/steps.ts';
export type { RunOptions } from './core/types.ts';
export { need } from './core/types.ts';
export { capMask, capNames, type CapName } from './core/caps.ts';
/** zx's `$` through the kit's one runner (kit/core/shell.ts), for the host commands a check runs itself: values interpolated by zx, never a shell string; zx loads on the first command */
export { $ } from './core/shell.ts';

// -- the ledger (t.ledger) and what its entries are removed with
export type { Ledger } from './core/ledger.ts';
export { reclaimers } from './host/reclaim.ts';

// -- processes and namespaces
export { added, eventually, hostHostname, pidsInNamespace } from './host/namespaces.ts';
export { cpuSecondsOf, namespaceId, processStartTime } from './host/proc.ts';
export { describeMap, idMap, ids, inside, procStatus } from './host/proc-status.ts';
export { USERNS_SIZE } from './host/userns.ts';

// -- mounts and images
export { readMountinfo, type MountinfoEntry } from './host/mountinfo.ts';
export { attachedLoopDevices, backingFileOf, loopDevicesFor, loopReclaimedByLedger } from './host/image/index.ts';
export { ensureRootfs } from './host/image/rootfs.ts';

// -- cgroups
export {
  detectLayout,
  hostCgroupsOf,
  KIT_PARENT,
  limitsIn,
  oomKillsIn,
  parseProcCgroup,
  reclaimedByLedger,
  type CgroupUsage,
} from './host/cgroup/index.ts';

// -- network
export { hostLinks, hostOccupiedNetworks } from './host/net/host.ts';
export { KIT_IF_NAME } from './host/net/names.ts';
export { IpCommandError } from './host/net/ip.ts';
export { formatCidr, formatIp, overlaps, parseCidr, type Cidr } from './host/net/ipv4.ts';
export { HostNetnsError, type NetFacts } from './host/net/setup.ts';
export { echoServerOnHost, tcpEcho } from './host/net/tcp.ts';
