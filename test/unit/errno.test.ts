import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errnoHint, errnoName } from '../../kit/core/errno.ts';
import { ERRNO_CAUSES, STEP_ERRNO_ROWS, allErrnoRows, causeOf } from '../../kit/core/errno-table.ts';
import { projectRoot } from '../../kit/core/paths.ts';

describe('errno names and hints', () => {
  it('names errno values from the C headers', () => {
    expect(errnoName(os.constants.errno.EINVAL)).toBe('EINVAL');
    expect(errnoName(os.constants.errno.ENOENT)).toBe('ENOENT');
    expect(errnoName(os.constants.errno.EPERM)).toBe('EPERM');
    expect(errnoName(99999)).toBe('errno 99999');
  });

  it('gives the usual cause for a syscall and errno', () => {
    expect(errnoHint('pivot_root', 'EINVAL')).toMatch(/mount point/);
    expect(errnoHint('execve', 'ENOENT')).toMatch(/not found/);
    expect(errnoHint('mount', 'ENOENT')).toMatch(/mkdir/);
    expect(errnoHint('chdir', 'EXDEV')).toBeUndefined();
  });

  it('says what pivot_root without the bind mount says on this kernel: EBUSY, and that the bind mount is missing', () => {
    // verified on the course's kernel: test/integration/errno-kernel.test.ts
    expect(errnoHint('pivot_root', 'EBUSY')).toMatch(/[Bb]ind-mount the rootfs onto itself/);
    expect(errnoHint('pivot_root', 'EINVAL')).toMatch(/bind-mount the rootfs onto itself/);
  });
});

describe("the site's common errors tables are the kit's table", () => {
  const site = path.join(projectRoot, 'site');
  const pages = [
    ...fs
      .readdirSync(path.join(site, 'steps'))
      .filter((f) => /^\d\d-.*\.md$/.test(f))
      .map((f) => path.join(site, 'steps', f)),
    path.join(site, 'guide', 'troubleshooting.md'),
  ];
  const calls = Object.keys(ERRNO_CAUSES);
  // a hand-written table row naming one of the kit's syscalls and an errno: `| `pivot_root(".", ".")` failed | `EINVAL` | ... |`
  const handWritten = new RegExp(String.raw`^\|\s*\`?(${calls.join('|')})\(.*\|\s*\`(E[A-Z]+)\`\s*\|`, 'm');

  it.each(pages.map((p) => [path.relative(projectRoot, p), p]))('%s has no hand-written errno row for a call of the kit', (_name, file) => {
    const md = fs.readFileSync(file, 'utf8');
    expect(handWritten.exec(md)?.[0]).toBeUndefined();
  });

  it('every step with rows in the table shows them on its page, and only those', () => {
    for (const file of pages.filter((p) => p.includes(`${path.sep}steps${path.sep}`))) {
      const step = Number(path.basename(file).slice(0, 2));
      const md = fs.readFileSync(file, 'utf8');
      expect(md.includes(`<ErrnoTable :step="${step}" />`), `${path.basename(file)}`).toBe(step in STEP_ERRNO_ROWS);
    }
    const troubleshooting = fs.readFileSync(path.join(site, 'guide', 'troubleshooting.md'), 'utf8');
    expect(troubleshooting).toContain('<ErrnoTable all />'); // the child's calls
    expect(troubleshooting).toContain(`<ErrnoTable :syscalls="['clone']" />`);
  });

  it('every row of a page has a cause in the table', () => {
    for (const rows of Object.values(STEP_ERRNO_ROWS))
      for (const r of rows) expect(causeOf(r.syscall, r.errno), `${r.syscall} ${r.errno}`).toBeTruthy();
    expect(allErrnoRows().length).toBe(Object.values(ERRNO_CAUSES).reduce((n, c) => n + Object.keys(c).length, 0));
  });

  it('the table component reads the same module the kit does', () => {
    const vue = fs.readFileSync(path.join(site, '.vitepress', 'theme', 'components', 'ErrnoTable.vue'), 'utf8');
    expect(vue).toMatch(/from '(\.\.\/)+kit\/core\/errno-table\.ts'/);
    expect(fs.readFileSync(path.join(projectRoot, 'kit', 'core', 'errno.ts'), 'utf8')).toMatch(/from '\.\/errno-table\.ts'/);
  });
});
