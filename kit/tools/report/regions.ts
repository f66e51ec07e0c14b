// The report is the student's document: the kit owns only the regions between
//   <!-- kit:begin NAME --> and <!-- kit:end NAME -->
// and regenerates those; every other line is kept as the student left it.

const BEGIN = /^<!-- kit:begin ([\w-]+) -->\s*$/;
const END = /^<!-- kit:end ([\w-]+) -->\s*$/;

export const region = (name: string, body: string): string => `<!-- kit:begin ${name} -->\n${body.trim()}\n<!-- kit:end ${name} -->`;

/** Names of the kit regions in a document, in order. */
export function regionNames(doc: string): string[] {
  return doc.split('\n').flatMap((l) => {
    const m = BEGIN.exec(l);
    return m ? [m[1]] : [];
  });
}

/**
 * Replace the body of each region of `doc` found in `bodies`. Regions the
 * student deleted stay deleted; an unclosed region is left as it is (better
 * than eating the rest of their text).
 */
export function fillRegions(doc: string, bodies: Record<string, string>): string {
  const lines = doc.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN.exec(lines[i]);
    const name = m?.[1];
    const end = name ? lines.findIndex((l, j) => j > i && END.exec(l)?.[1] === name) : -1;
    if (!name || end < 0 || bodies[name] === undefined) {
      out.push(lines[i]);
      continue;
    }
    out.push(region(name, bodies[name]));
    i = end;
  }
  return out.join('\n');
}
