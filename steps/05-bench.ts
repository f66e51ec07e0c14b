// Step 5: measure what the container costs. sysbench runs the same five
// workloads on the host, in our container (steps 1 to 4: its namespaces, its
// cgroup, its loop-backed /home) and in an LXC container, and the kit
// compares them with the noise in mind (`npm run bench`, then `npm run report`).
//
// The container itself is steps 1 to 4: this step adds nothing to it. What it
// adds is the experiment: which sysbench command measures what, how one runs
// inside the container, and which number of sysbench's report matters.
// The method: site/guide/benchmarking.md; the task: site/steps/05-bench.md.

import { todo, type BenchStep } from '../kit/student.ts';

const step: BenchStep = {
  id: 5,
  name: 'bench',
  title: 'Benchmark: sysbench on the host, in our container and in LXC',
  page: '/steps/05-bench',

  // Each command starts with 'sysbench' and stops before the amount of work:
  // the kit adds --events (or --memory-total-size), --time and `run`, so that
  // every environment does exactly the same work. `man sysbench` is short;
  // `sysbench <test> help` lists a test's options.
  sysbench: {
    cpu() {
      todo("cpu", "The CPU workload: the cpu test, checking primes up to 20000, on one thread.");
    },

    fileio(files, mode, direct) {
      todo("fileio", "The file I/O workload: the fileio test on files.files files of files.totalSize in total (the same options as the kit's `prepare`), in test mode `mode`, opened with O_DIRECT (--file-extra-flags=direct) when `direct` is true.");
    },

    memory() {
      todo("memory", "The memory workload: the memory test writing 1 MiB blocks sequentially, on one thread.");
    },

    threads() {
      todo("threads", "The thread workload: the threads test with 4 threads, 8 mutexes and 1000 yields per loop.");
    },
  },

  workDir() {
    todo("work-dir", "Where fileio's files go inside the container: a folder on /home, the loop-backed ext4 of step 2 (the rest of the rootfs is a folder of the host's own disk).");
  },

  async run(tools, argv, cwd) {
    // tools.container(command) starts a container of steps 1..5 with
    // `command` as its PID 1, waits for it, tears it down and returns its
    // output. The folder may not exist yet, and the container has no
    // working directory of its own choosing: its command must make and enter it.
    todo("in-container", "Run argv inside a container, in the folder cwd (create it if needed), and return what tools.container gives back. Tip: sh -c 'mkdir -p \"$1\" && cd \"$1\" && shift && exec \"$@\"' sh DIR COMMAND... keeps every argument intact, and exec makes sysbench the container's PID 1.");
  },

  read(workload, stdout) {
    const number = (pattern: RegExp): number | undefined => {
      const m = pattern.exec(stdout);
      return m ? Number(m[1]) : undefined;
    };
    todo("read", "The number each workload is judged by, from sysbench 1.0's report: cpu \"events per second:\"; fileio-read \"read, MiB/s:\"; fileio-write \"written, MiB/s:\"; memory the MiB/sec in \"... MiB transferred (N MiB/sec)\"; threads \"total number of events:\" divided by \"total time:\".");
  },
};

export default step;
