// The questions of the report, one set per step and for the benchmark: the
// student answers each in their own words, in report.md, outside the kit's
// regions (so `npm run report` never touches the answers). A question is
// unanswered while its placeholder line is still there.

/** The line the student replaces with their answer. */
export const ANSWER_PLACEHOLDER = '_✎ Your answer, in your own words (replace this line)._';

/** Other placeholders of the template (the title block). */
export const PLACEHOLDERS = ['_your name_', '_your group_', '_date_', ANSWER_PLACEHOLDER];

export const STEP_QUESTIONS: Record<number, string[]> = {
  1: [
    'Why is your probe PID 1, and why does the container need a /proc of its own for `ps` to show only its processes?',
    "Your container changed its hostname: why did the host's hostname not change?",
  ],
  2: [
    'Why pivot_root and not chroot? What could a process do after a chroot that it cannot after your pivot_root and the unmount of the old root?',
    'Why make every mount private (MS_PRIVATE, MS_REC) before mounting anything?',
    "What is the loop device, and why does a file written in the container's /home still exist after the container is gone?",
  ],
  3: [
    'What does each end of the veth pair do, and why does the container see only `lo` and its own end?',
    'What did the default route make possible, and what would fail without it?',
  ],
  4: [
    'What did each cgroup file you wrote do (the memory, CPU and pids limits), and what did the kernel do when the container went past each one?',
    "Why must the container's pid be in the cgroup before it runs its command, not after?",
  ],
  5: ['Why are host, container and LXC runs interleaved rather than run one after the other?'],
};

export const BENCH_QUESTIONS = [
  'Explain the numbers: why do CPU and memory cost nothing in a namespace, what does the CPU quota do, and why does file I/O on the loop device differ (two page caches; what O_DIRECT bypasses)?',
  'How do you know a difference is not noise? If you kept a second run (`npm run bench -- --label NAME ...`), what changed between them, and why?',
];

/** A question and the placeholder for its answer, as Markdown. */
export const question = (q: string): string => `**Question:** ${q}\n\n${ANSWER_PLACEHOLDER}`;

export interface Unanswered {
  line: number;
  /** the heading the placeholder is under */
  section: string;
  placeholder: string;
}

/** Every placeholder still in the report, with its line and section (outside the kit's regions). */
export function unanswered(md: string): Unanswered[] {
  const out: Unanswered[] = [];
  let section = '(top)';
  let inRegion = false;
  md.split('\n').forEach((l, i) => {
    if (/^<!-- kit:begin /.test(l)) inRegion = true;
    if (/^<!-- kit:end /.test(l)) inRegion = false;
    const h = /^#{1,6}\s+(.*)$/.exec(l);
    if (h && !inRegion) section = h[1].trim();
    if (inRegion) return;
    for (const p of PLACEHOLDERS) if (l.includes(p)) out.push({ line: i + 1, section, placeholder: p });
  });
  return out;
}
