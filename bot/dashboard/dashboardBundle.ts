import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('./web/dashboard.ts', import.meta.url));

let bundle: Promise<string> | undefined;

/** The page's script with @microsoft/teams-js, bundled for the browser once per process, on first use. */
export function dashboardScript(): Promise<string> {
  bundle ??= build({ entryPoints: [entry], bundle: true, format: 'esm', target: 'es2022', minify: true, write: false, legalComments: 'none' }).then((result) => result.outputFiles[0]!.text);
  bundle.catch(() => (bundle = undefined));
  return bundle;
}
