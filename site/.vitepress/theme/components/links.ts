import { withBase } from 'vitepress';

/** '/namespaces#pid' -> '/namespaces.html#pid' (the site is built without cleanUrls). */
export function pageHref(page: string): string {
  const [path, hash] = page.split('#', 2);
  const file = path.endsWith('/') || /\.\w+$/.test(path) ? path : `${path}.html`;
  return withBase(hash ? `${file}#${hash}` : file);
}
