// Running `ip` (iproute2) commands, written exactly as on the command line:
//
//   ip`link add ${hostIf} type veth peer name ${containerIf}`
//   ip`-n ${netns} addr add ${address}/${prefix} dev ${containerIf}`
//
// Each `ip` process costs a few milliseconds to start, which dominates the
// network setup. So by default consecutive commands for the same namespace are
// fed to one `ip -batch -` (or `ip -n NAME -batch -`) process; mode 'each'
// runs one process per command, for comparison and for clearer debugging.
// `ip` is started directly, without a shell in between (zx would start bash
// first, which costs as much again as `ip` itself on a loaded machine).

import { KitError } from '../../core/errors.ts';
import { callerLocation, type SourceLocation } from '../../core/origin.ts';
import { traceCommand } from '../../core/tracer.ts';
import { run as exec } from '../../core/shell.ts';

export const NET_PAGE = '/steps/03-net';

export interface IpCommand {
  /** `-n NAME`: run inside the named network namespace (/run/netns/NAME) */
  netns?: string;
  /** arguments after `ip` (and after `-n NAME`) */
  args: string[];
  /** the step file's line that wrote it (for the trace) */
  origin?: SourceLocation;
}

export type IpMode = 'batch' | 'each';

// a batch line is split on whitespace by ip itself, so a value must be one
// plain token: this also makes injecting a second command impossible
const TOKEN = /^[A-Za-z0-9_.:/@%+-]+$/;

/**
 * Tagged template: literal text is split on whitespace; a value becomes part of
 * the word it is written in (`${address}/${prefix}` is one argument).
 */
export function ip(strings: TemplateStringsArray, ...values: (string | number)[]): IpCommand {
  const args: string[] = [];
  let word: string | undefined;
  const literal = (text: string) => {
    for (const ch of text) {
      if (/\s/.test(ch)) {
        if (word !== undefined) args.push(word);
        word = undefined;
      } else word = (word ?? '') + ch;
    }
  };
  strings.forEach((text, i) => {
    literal(text);
    if (i < values.length) {
      const v = String(values[i]);
      if (!TOKEN.test(v)) throw new KitError(`ip: ${JSON.stringify(v)} is not a valid argument (one word expected)`, { page: NET_PAGE });
      word = (word ?? '') + v;
    }
  });
  if (word !== undefined) args.push(word);
  const origin = callerLocation();
  return origin ? { ...parseGlobal(args), origin } : parseGlobal(args);
}

/** Accept `-n NAME` / `-netns NAME` in front, like the real ip. */
function parseGlobal(args: string[]): IpCommand {
  if ((args[0] === '-n' || args[0] === '-netns') && args[1]) return { netns: args[1], args: args.slice(2) };
  return { args };
}

export const formatIpCommand = (c: IpCommand): string => ['ip', ...(c.netns ? ['-n', c.netns] : []), ...c.args].join(' ');

/** Consecutive commands with the same namespace, in order: one `ip -batch` each. */
export function groupByNetns(commands: IpCommand[]): IpCommand[][] {
  const groups: IpCommand[][] = [];
  for (const c of commands) {
    const last = groups[groups.length - 1];
    if (last && last[0].netns === c.netns) last.push(c);
    else groups.push([c]);
  }
  return groups;
}

export interface IpRunStats {
  /** how many `ip` processes were started */
  processes: number;
  ms: number;
}

/**
 * Run the commands in order; the first failure throws a KitError naming the
 * command. The trace shows each command as the student would type it, with
 * its own status, whether it ran alone or as a line of an `ip -batch`.
 */
export async function runIp(commands: IpCommand[], mode: IpMode = 'batch'): Promise<IpRunStats> {
  const t0 = performance.now();
  let processes = 0;
  if (mode === 'each') {
    for (const c of commands) {
      processes++;
      const traced = traceCommand(formatIpCommand(c), c.origin);
      const r = await exec('ip', [...(c.netns ? ['-n', c.netns] : []), ...c.args], { trace: false });
      traced?.(r.code ?? 'not started');
      if (r.code !== 0) throw ipError(c, r.stderr);
    }
  } else {
    for (const group of groupByNetns(commands)) {
      processes++;
      const input = group.map((c) => c.args.join(' ')).join('\n') + '\n';
      const ns = group[0].netns;
      const traced = group.map((c) => traceCommand(formatIpCommand(c), c.origin));
      const r = await exec('ip', [...(ns ? ['-n', ns] : []), '-batch', '-'], { input, trace: false });
      // ip reports "Command failed -:N" (N = line of the batch that failed); the lines after it did not run
      const line = r.code === 0 ? null : /Command failed -:(\d+)/.exec(r.stderr);
      const failedAt = line ? Number(line[1]) - 1 : r.code === 0 ? group.length : -1;
      traced.forEach((done, i) => done?.(i < failedAt ? 0 : i === failedAt || failedAt < 0 ? (r.code ?? 'not started') : 'not run'));
      if (r.code !== 0) {
        const failed = line ? group[Number(line[1]) - 1] : undefined;
        throw ipError(failed ?? group[0], r.stderr.replace(/Command failed -:\d+\s*/g, ''));
      }
    }
  }
  return { processes, ms: performance.now() - t0 };
}

/** An ip command the kernel refused; names the command and says why. */
export class IpCommandError extends KitError {
  /** the run's names and addresses, when the kit's setup ran the command (for checks) */
  net?: unknown;
  constructor(
    readonly command: IpCommand,
    readonly reason: string,
  ) {
    super(`\`${formatIpCommand(command)}\` failed: ${reason}`, { hint: hintFor(command, reason), page: `${NET_PAGE}#common-errors` });
    this.name = 'IpCommandError';
  }
}

function ipError(c: IpCommand, stderr: string): IpCommandError {
  return new IpCommandError(c, stderr.trim().split('\n').filter(Boolean).join('; ') || 'failed');
}

function hintFor(c: IpCommand, reason: string): string {
  if (/File exists/.test(reason) && c.args[0] === 'link')
    return 'An interface with this name already exists: a run was killed before its teardown. Run `npm run clean`.';
  if (/File exists/.test(reason) && c.args[0] === 'route') return 'The namespace already has a default route; add it once.';
  if (/Network is unreachable|Nexthop has invalid gateway/.test(reason))
    return 'The gateway is not on a connected network: give the container end its address and bring it up before adding the route.';
  if (/Cannot find device/.test(reason))
    return c.netns
      ? "That interface is not in the container's namespace: was it moved there with `link set NAME netns PID`?"
      : "That interface is not on the host: it may already have been moved into the container's namespace (use `-n NETNS`).";
  if (/Cannot open network namespace|No such file/.test(reason))
    return 'The named namespace does not exist yet: `netns attach NAME PID` (a bind mount of /proc/PID/ns/net on /run/netns/NAME) must come first.';
  if (/Invalid "netns" value|No such process/.test(reason))
    return 'The pid is not a running process: move the interface while the child is paused (in setup).';
  return 'Try the same command by hand as root to see what the kernel says (`man ip-link`, `man ip-address`, `man ip-route`).';
}
