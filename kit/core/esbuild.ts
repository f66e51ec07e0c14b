// esbuild, for the TypeScript the kit compiles while it runs (step files and
// checks: kit/core/ts-import.ts, and the import rule: student-imports.ts).
// Its asynchronous API runs a service process, started on the first transform;
// the kit stops it once the step files are loaded, so that no helper process
// of the kit's runs beside the student's container (`ps -ef --forest` in step
// 1 shows the container alone under the kit's Node).

type Esbuild = typeof import('esbuild');

let loaded: Promise<Esbuild> | undefined;

/** esbuild's module, loaded on first use. */
export function esbuild(): Promise<Esbuild> {
  loaded ??= import('esbuild');
  return loaded;
}

/** Stop esbuild's service process if one runs (the next transform starts another). */
export async function stopEsbuild(): Promise<void> {
  if (loaded) await (await loaded).stop();
}
