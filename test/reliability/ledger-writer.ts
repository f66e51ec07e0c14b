// A busy ledger owner, for the concurrency test: records, updates and forgets
// `path` entries (nothing is created) as fast as it can, in RUNS_DIR, prints
// the ids it still holds, and tears down when its stdin closes.
// Usage: node --import tsx ledger-writer.ts RUNS_DIR RUN_ID COUNT

import { Ledger } from '../../kit/core/ledger.ts';

const [runsDir, runId, count] = process.argv.slice(2);
const ledger = new Ledger(runsDir, runId);
const ids: number[] = [];
for (let i = 0; i < Number(count); i++) {
  ids.push(ledger.record({ kind: 'path', path: `/nonexistent/${runId}/${i}` }));
  if (i % 3 === 0) ledger.update(ids[ids.length - 1], { path: `/nonexistent/${runId}/${i}-renamed` });
  if (i % 5 === 4) ledger.forget(ids.splice(0, 1)[0]);
  // let the event loop breathe: readers in other processes interleave with us
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
process.stdout.write(`${JSON.stringify(ledger.entries().map((e) => e.id))}\n`);
process.stdin.resume();
await new Promise((r) => process.stdin.on('end', r));
const errors = await ledger.teardown({ path: async () => undefined });
process.exitCode = errors.length ? 1 : 0;
