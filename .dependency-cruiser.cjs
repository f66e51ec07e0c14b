// The import rules of the kit's three layers (site/guide/design.md#import-rules):
// tools → host → core, and each outside folder through its one door
// (steps/ and solutions/ through kit/student.ts, checks/ through kit/check.ts).
// `npm test` runs `depcruise`, and test/unit/architecture.test.ts shows that
// each rule fails on an import that goes the wrong way.
// Type-only imports count (tsPreCompilationDeps): a type ties two modules too.
// Node's own modules (dependency type 'core') are allowed everywhere.

/** npm packages (also where node_modules is a link elsewhere, as in a copy of the tree) */
const npm = '(^|/)node_modules/';

/**
 * Known exceptions, each with its owner and its way out; the list only
 * shrinks. A rule leaves the one file out, and a copy of the rule for that
 * file allows only the one import more.
 */
const KNOWN = {
  // the type BenchStep (step 5's shape) is built on the bench's own types
  // (sysbench commands, run evidence): it moves down with the student API
  // (the issue on students doing the lab's work).
  benchStep: { from: '^kit/student\\.ts$', to: '^kit/tools/bench/step\\.ts$' },
};

const toolsAllowed = [npm, '^kit/(core|host|tools)/'];
const studentAllowed = [npm, '^kit/(core|host)/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment:
        'kit/core is the bottom layer: it imports nothing else of the project (no host, tools, façades, site, steps, checks, solutions).',
      severity: 'error',
      from: { path: '^kit/core/' },
      to: { dependencyTypesNot: ['core'], pathNot: [npm, '^kit/core/'] },
    },
    {
      name: 'host-imports-only-core',
      comment: 'kit/host may import kit/core and itself, nothing above it.',
      severity: 'error',
      from: { path: '^kit/host/' },
      to: { dependencyTypesNot: ['core'], pathNot: [npm, '^kit/(core|host)/'] },
    },
    {
      name: 'tools-import-host-and-core',
      comment: 'kit/tools may import kit/host, kit/core and itself; never site/ (the site imports the kit, not the other way round).',
      severity: 'error',
      from: { path: '^kit/tools/' },
      to: { dependencyTypesNot: ['core'], pathNot: toolsAllowed },
    },
    {
      name: 'student-api-imports-core-and-host',
      comment: 'kit/student.ts, the student API, is built on kit/core and kit/host only.',
      severity: 'error',
      from: { path: '^kit/student\\.ts$' },
      to: { dependencyTypesNot: ['core'], pathNot: [...studentAllowed, KNOWN.benchStep.to] },
    },
    {
      name: 'check-context-imports-core-host-tools',
      comment:
        "kit/check.ts, the check context, and kit/check-bench.ts, step 5's bench for check 5, are built on kit/core, kit/host and kit/tools.",
      severity: 'error',
      from: { path: '^kit/check(-bench)?\\.ts$' },
      to: { dependencyTypesNot: ['core'], pathNot: [npm, '^kit/(core|host|tools)/'] },
    },
    {
      name: 'steps-import-only-the-student-api',
      comment: "steps/ and solutions/ import only kit/student.ts (and Node's own modules): the tools of the lab, never its answers.",
      severity: 'error',
      from: { path: '^(steps|solutions)/' },
      to: { dependencyTypesNot: ['core'], pathNot: '^kit/student\\.ts$' },
    },
    {
      name: 'checks-import-only-the-check-context',
      comment: "checks/ import only kit/check.ts and kit/check-bench.ts (and Node's own modules, and their own probes).",
      severity: 'error',
      from: { path: '^checks/' },
      to: { dependencyTypesNot: ['core'], pathNot: ['^kit/check(-bench)?\\.ts$', '^checks/'] },
    },
    {
      name: 'koffi-through-core-koffi',
      comment:
        "koffi is loaded by kit/core/koffi.ts only: the package's own entry also loads its installer (https, zlib), about 15 ms of every start.",
      severity: 'error',
      from: { path: '^kit/', pathNot: '^kit/core/koffi\\.ts$' },
      to: { path: '(^|/)node_modules/koffi/' },
    },
    {
      name: 'no-cycles-in-kit',
      comment: 'No module of kit/ reaches itself through its imports (type-only imports included).',
      severity: 'error',
      from: { path: '^kit/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
    skipAnalysisNotInRules: true,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
