// Step 1: a PID namespace, with its own /proc and its own hostname.
//
// The container's first process becomes PID 1 of a new PID namespace. To see
// only its own processes it needs its own /proc, which needs a mount namespace
// of its own (so the new /proc does not cover the host's); and to have its own
// name it needs a UTS namespace (and an IPC one, for its own System V IPC).
// The theory: site/theory/namespaces.md; the task: site/steps/01-pid.md.

import { mount, sethostname, todo, type StepDefinition, type StepOptions } from '../kit/student.ts';

/** Step 1's option, --hostname NAME: `npm run step 1 -- --help` shows it, and the CLI checks it. */
const options = {
  hostname: { type: 'string', default: 'container', placeholder: 'NAME', help: "the container's hostname" },
} satisfies StepOptions;

const step: StepDefinition = {
  id: 1,
  name: 'pid',
  title: 'PID namespace: PID 1, its own /proc and hostname',
  page: '/steps/01-pid',
  options,

  configure(ctx, spec) {
    todo("namespaces", "Ask clone() for new PID, mount, UTS and IPC namespaces (one flag name each in spec.cloneFlags).");

    const hostname = ctx.options.hostname ?? options.hostname.default;
    ctx.facts.hostname = hostname;

    todo("private-root", "Make every mount private (recursively, from /) so the container's mounts never propagate to the host.");

    todo("proc", "Mount a fresh procfs on /proc, so ps and /proc show only this PID namespace.");

    todo("hostname", "Give the container its own hostname (the value of the variable hostname).");
  },
};

export default step;
