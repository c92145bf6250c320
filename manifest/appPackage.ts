import { readFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { teamsManifest, type ManifestSettings, type TeamsManifest } from './teamsManifest.ts';
import { validateManifest } from './validateManifest.ts';

const iconsFolder = new URL('./icons/', import.meta.url);

/** The Teams app package: manifest.json and its two icons at the root of a zip, as Teams uploads it. */
export async function appPackage(settings: ManifestSettings): Promise<{ manifest: TeamsManifest; zip: Uint8Array }> {
  const manifest = teamsManifest(settings);
  const problems = await validateManifest(manifest);
  if (problems.length > 0) {
    throw new Error(`The Teams app manifest does not match schema v${manifest.manifestVersion}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const [color, outline] = await Promise.all([readFile(new URL(manifest.icons.color, iconsFolder)), readFile(new URL(manifest.icons.outline, iconsFolder))]);
  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    [manifest.icons.color]: color,
    [manifest.icons.outline]: outline,
  });
  return { manifest, zip };
}
