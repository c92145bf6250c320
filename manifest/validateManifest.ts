import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { manifestSchemaUrl, manifestVersion } from './teamsManifest.ts';

/** The package's schema type, without importing ajv (not a dependency of this app). */
type Schema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]> & { properties?: { manifestVersion?: { const?: string } } };

const schemaFile = createRequire(import.meta.url).resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`);

/** The Teams manifest schema bundled in @microsoft/app-manifest, read from disk so nothing is downloaded. */
async function loadSchema(): Promise<Schema> {
  const text = await readFile(schemaFile, 'utf8');
  // The package's own loader rewrites \a and \v escapes (some schema versions have \a in regex
  // patterns, which unicode regexes reject); doing the same keeps both validations equal.
  // The v1.24 file needs none of it today.
  return JSON.parse(text.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as Schema;
}

/** The problems of a Teams app manifest against the bundled v1.24 schema, offline; empty when it is valid. */
export async function validateManifest(manifest: object): Promise<string[]> {
  const schema = await loadSchema();
  const problems: string[] = [];
  const loadedVersion = schema.properties?.manifestVersion?.const;
  if (loadedVersion !== manifestVersion) {
    problems.push(`${schemaFile} is the schema of manifest version ${String(loadedVersion)}, not ${manifestVersion}`);
  }
  const { $schema, manifestVersion: version } = manifest as { $schema?: unknown; manifestVersion?: unknown };
  if (version !== loadedVersion) problems.push(`/manifestVersion is ${JSON.stringify(version)} but the schema checked against is version ${String(loadedVersion)}`);
  if ($schema !== manifestSchemaUrl) problems.push(`/$schema is ${JSON.stringify($schema)} but the schema checked against is ${manifestSchemaUrl}`);
  problems.push(...(await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, schema)));
  return problems;
}
