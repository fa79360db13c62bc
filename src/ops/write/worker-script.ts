/**
 * Where a prepare thread's code is. From the sources: prepare-worker.ts beside this file.
 * tools/build.ts replaces this module: the npm package points at dist/prepare-worker.js, the
 * executable hands over the code it carries as an asset.
 */
export type WorkerScript = { readonly url: URL } | { readonly code: string };

export function prepareWorkerScript(): WorkerScript {
  return { url: new URL("./prepare-worker.ts", import.meta.url) };
}
