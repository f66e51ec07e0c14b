// The files `npm run release` generates, on their own.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importClosure, relativeImports } from '../../kit/tools/release/closure.ts';
import { editionGitignore, editionWorkflow } from '../../kit/tools/release/generate.ts';

describe('release generators', () => {
  it('the workflow refuses a classroom.yml whose trusted-kit step it does not recognise', () => {
    const wf = [
      'env:',
      '  CW_TRUSTED_KIT: ""',
      'jobs:',
      '  j:',
      '    steps:',
      '      - name: Use the trusted kit',
      "        if: env.CW_TRUSTED_KIT != ''",
      '        run: |',
      '          git fetch x',
    ].join('\n');
    expect(editionWorkflow(wf, 'o/k@v1')).toMatch(
      /CW_TRUSTED_KIT: "o\/k@v1"[\s\S]*run: \|\n {10}if \[ -z "\$CW_TRUSTED_KIT" \][\s\S]*exit 1; fi\n {10}git fetch x/,
    );
    expect(() => editionWorkflow(wf.replace("if: env.CW_TRUSTED_KIT != ''", ''), undefined)).toThrow(/no longer has/);
    expect(() => editionWorkflow(wf.replace('        run: |', '        shell: bash\n        run: |'), undefined)).toThrow(
      /no longer has the shape/,
    );
  });

  it('the edition does not ignore results/ (the report goes to Classroom with the work)', () => {
    const g = editionGitignore('node_modules/\nstate/\nresults/\ngrades/\nsubmission-*.zip\n');
    expect(g).not.toMatch(/^results\/$/m);
    expect(g).toMatch(/^state\/$/m);
  });

  it('the import closure follows static and dynamic imports, never into what the manifest forbids', () => {
    expect(
      relativeImports("import a from './a.ts';\nexport { b } from '../b.ts';\nconst c = await import('./c.ts');\nimport 'node:fs';"),
    ).toEqual(['./a.ts', '../b.ts', './c.ts']);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-closure-'));
    try {
      const w = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      w('kit/main.ts', "import './a.ts';\nconst g = () => import('./grade/command.ts');");
      w('kit/a.ts', "import '../solutions/01.ts';\nimport './b.ts';");
      w('kit/b.ts', "import './a.ts';");
      w('kit/tools/grade/command.ts', "import './secret.ts';");
      w('kit/tools/grade/secret.ts', '');
      w('solutions/01.ts', '');
      expect(importClosure(root, ['kit/main.ts'], ['kit/tools/grade/command.ts', 'solutions/'])).toEqual([
        'kit/a.ts',
        'kit/b.ts',
        'kit/main.ts',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
