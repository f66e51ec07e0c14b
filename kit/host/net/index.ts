// Step 3's host-side network module: veth pair, named netns, per-run subnet.
export * from './commands.ts';
export * from './ip.ts';
export * from './names.ts';
export * from './setup.ts';
export { reclaimers, removeNetnsName, deleteLink } from './reclaim.ts';
export { benchNetworkSetup, formatNetBench, NET_VARIANTS, type NetBenchResult, type NetVariant } from './bench.ts';
export { spawnNetnsHolder, type NetnsHolder } from './holder.ts';
export { hostLinks, namedNetns, hostHasLink, netnsNameExists } from './host.ts';
