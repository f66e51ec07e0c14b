// The course site. Theory pages are written here; the step pages in steps/ are
// listed in the sidebar as they appear (a step page that does not exist yet is
// simply not listed), so the site always builds. Dead links fail the build.

import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type DefaultTheme } from 'vitepress';
import { listStepPages, siteDir } from '../../kit/tools/ux/step-pages.ts';

/** A page written alongside a step (e.g. the benchmarking guide): listed once it exists. */
function ifExists(text: string, link: string): DefaultTheme.SidebarItem[] {
  return fs.existsSync(path.join(siteDir, `${link}.md`)) ? [{ text, link }] : [];
}

/** Steps 6 and up go "beyond the lab": optional in grading, in a section of their own. */
export const BEYOND_FROM = 6;

function stepItems(beyond: boolean): DefaultTheme.SidebarItem[] {
  return listStepPages()
    .filter((p) => p.step >= BEYOND_FROM === beyond)
    .map((p) => ({ text: p.title, link: p.link }));
}

const sidebar: DefaultTheme.SidebarItem[] = [
  { text: 'Introduction', link: '/guide/introduction' },
  {
    text: 'Theory',
    items: [
      { text: 'Namespaces', link: '/theory/namespaces' },
      { text: 'cgroups', link: '/theory/cgroups' },
      { text: 'procfs', link: '/theory/procfs' },
      { text: 'Loop devices', link: '/theory/loop-devices' },
      { text: 'veth pairs', link: '/theory/veth' },
      { text: 'pivot_root vs chroot', link: '/theory/pivot-root' },
      ...ifExists('Benchmarking', '/guide/benchmarking'),
    ],
  },
  { text: 'Steps', items: [{ text: 'Overview', link: '/steps/' }, ...stepItems(false)] },
  { text: 'Beyond the lab', items: [...stepItems(true), ...ifExists('exec and ps', '/guide/exec-ps')] },
  {
    text: 'Reference',
    items: [
      { text: 'Kit design', link: '/guide/design' },
      { text: 'Instructor guide', link: '/guide/instructor' },
      { text: 'Grading', link: '/guide/instructor-grading' },
      { text: 'Troubleshooting', link: '/guide/troubleshooting' },
      { text: 'Glossary', link: '/guide/glossary' },
    ],
  },
];

export default defineConfig({
  title: 'container-workshop',
  description: 'Build a real Linux container one step at a time, with a checker that inspects the kernel’s real state.',
  lang: 'en-GB',
  // FORMAT.md documents the step pages for their authors; it is not a page
  srcExclude: ['**/FORMAT.md', '**/README.md'],
  ignoreDeadLinks: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  markdown: {
    lineNumbers: false,
  },
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Introduction', link: '/guide/introduction' },
      { text: 'Steps', link: '/steps/' },
      { text: 'Kit design', link: '/guide/design' },
      { text: 'Instructors', link: '/guide/instructor' },
      { text: 'Troubleshooting', link: '/guide/troubleshooting' },
    ],
    sidebar,
    outline: { level: [2, 3], label: 'On this page' },
    search: { provider: 'local' },
    docFooter: { prev: 'Previous', next: 'Next' },
    footer: {
      message: 'Everything here runs on a real Linux kernel: try it.',
    },
  },
});
