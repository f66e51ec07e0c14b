// A readers-writer gate for grading children. Most steps may run side by side
// (--jobs); a step whose check measures CPU time (step 4 compares a busy
// loop's share with its quota) must have the machine to itself, or a student
// would lose points because another student was graded at the same time.

type Release = () => void;

export class Gate {
  private shared = 0;
  private exclusive = false;
  private queue: { exclusive: boolean; go: () => void }[] = [];

  /** Run alongside other shared holders. */
  enterShared(): Promise<Release> {
    return this.enter(false);
  }

  /** Run alone: waits for every holder to leave, and keeps new ones out. */
  enterExclusive(): Promise<Release> {
    return this.enter(true);
  }

  private enter(exclusive: boolean): Promise<Release> {
    return new Promise((resolve) => {
      this.queue.push({ exclusive, go: () => resolve(this.releaser(exclusive)) });
      this.pump();
    });
  }

  private releaser(exclusive: boolean): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.pump();
    };
  }

  /** First come, first served: a waiting exclusive holder is not starved by later shared ones. */
  private pump(): void {
    while (this.queue.length) {
      const next = this.queue[0];
      if (next.exclusive ? this.exclusive || this.shared > 0 : this.exclusive) return;
      this.queue.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.go();
    }
  }
}
