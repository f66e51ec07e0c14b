// The import rules of the three layers (.dependency-cruiser.cjs, the design
// page's rule table): the real tree keeps them, and each kind of wrong import
// fails with its rule's name. The wrong imports are made in a small tree of
// the same shape in a temporary folder (the real tree stays untouched), next
// to the imports the rules allow, so that a rule too broad fails here too.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

const ROOTS = ['kit', 'steps', 'solutions', 'checks'];

let options: ICruiseOptions;
let tsConfig: ReturnType<typeof extractTSConfig>;
let fixture: string;

async function violations(baseDir: string): Promise<string[]> {
  const r = await cruise(
    ROOTS.filter((d) => fs.existsSync(path.join(baseDir, d))),
    { ...options, baseDir },
    {},
    { tsConfig },
  );
  const out = r.output as ICruiseResult;
  return out.summary.violations
    .map((v) =>
      v.cycle?.length ? `${v.rule.name}: ${v.from} ↻ ${v.cycle.map((c) => c.name).join(' → ')}` : `${v.rule.name}: ${v.from} → ${v.to}`,
    )
    .sort();
}

/** A tree of the real one's shape: `files` maps a path to the modules it imports (`node_modules/x/…`: the package x). */
function writeTree(dir: string, files: Record<string, string[]>): void {
  for (const [file, imports] of Object.entries(files)) {
    const at = path.join(dir, file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    const spec = (to: string): string =>
      to.startsWith('node_modules/') ? to.split('/')[1] : path.relative(path.dirname(file), to).replace(/^(?!\.)/, './');
    const lines = imports.map((to, i) => `import * as m${i} from '${spec(to)}';\nvoid m${i};`);
    fs.writeFileSync(at, `${lines.join('\n')}\nexport const here = '${file}';\n`);
  }
}

beforeAll(async () => {
  options = await extractDepcruiseOptions(path.join(projectRoot, '.dependency-cruiser.cjs'));
  tsConfig = extractTSConfig(path.join(projectRoot, 'tsconfig.json'));
  fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-architecture-'));
  fs.copyFileSync(path.join(projectRoot, 'tsconfig.json'), path.join(fixture, 'tsconfig.json'));
  writeTree(fixture, {
    // allowed: tools → host → core, the two façades, each folder through its door
    'kit/core/ledger.ts': [],
    'kit/core/lifecycle.ts': ['kit/core/ledger.ts'],
    'kit/host/proc.ts': ['kit/core/ledger.ts'],
    'kit/tools/bench/runner.ts': ['kit/host/proc.ts', 'kit/core/lifecycle.ts'],
    'kit/student.ts': ['kit/core/lifecycle.ts', 'kit/host/proc.ts'],
    'kit/check.ts': ['kit/host/proc.ts'],
    'kit/check-bench.ts': ['kit/tools/bench/runner.ts'],
    'steps/01-pid.ts': ['kit/student.ts'],
    'solutions/01-pid.ts': ['kit/student.ts'],
    'checks/01-pid.ts': ['kit/check.ts'],
    'checks/05-bench.ts': ['kit/check.ts', 'kit/check-bench.ts'],
    'kit/core/koffi.ts': ['node_modules/koffi/index.js'],
    'kit/core/native.ts': ['kit/core/koffi.ts'],
    'node_modules/koffi/index.js': [],
    // injected: the wrong way, and a cycle
    'kit/core/reclaim.ts': ['kit/tools/bench/runner.ts'],
    'kit/host/lxc.ts': ['kit/tools/bench/runner.ts'],
    'kit/tools/cli/commands.ts': ['kit/tools/cli/step.ts'],
    'kit/tools/cli/step.ts': ['kit/tools/cli/commands.ts'],
    'kit/tools/ux/hints.ts': ['site/pages.ts'],
    'site/pages.ts': [],
    'checks/02-mount.ts': ['kit/host/proc.ts'],
    'solutions/02-mount.ts': ['kit/core/ledger.ts'],
    'kit/host/netlink.ts': ['node_modules/koffi/index.js'],
  });
}, 30_000);

afterAll(() => {
  if (fixture) fs.rmSync(fixture, { recursive: true, force: true });
});

describe('the import rules (.dependency-cruiser.cjs)', () => {
  it('hold in the real tree', async () => {
    expect(await violations(projectRoot)).toEqual([]);
  }, 60_000);

  it('fail on each wrong-way import and on a cycle, with the rule that forbids it, and on nothing else', async () => {
    expect(await violations(fixture)).toEqual([
      'checks-import-only-the-check-context: checks/02-mount.ts → kit/host/proc.ts',
      'core-imports-only-core: kit/core/reclaim.ts → kit/tools/bench/runner.ts',
      'host-imports-only-core: kit/host/lxc.ts → kit/tools/bench/runner.ts',
      // koffi without its installer, through the one module that loads it so
      'koffi-through-core-koffi: kit/host/netlink.ts → node_modules/koffi/index.js',
      'no-cycles-in-kit: kit/tools/cli/commands.ts ↻ kit/tools/cli/step.ts → kit/tools/cli/commands.ts',
      'steps-import-only-the-student-api: solutions/02-mount.ts → kit/core/ledger.ts',
      // the kit never imports the site
      'tools-import-host-and-core: kit/tools/ux/hints.ts → site/pages.ts',
    ]);
  }, 60_000);
});
