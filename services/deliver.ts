/**
 * Runs one delivery to the Bot Connector so that its failure fails only itself: reported on the console
 * (never to the person whose action caused it), resolving to undefined. A sender that throws at once counts too.
 */
export async function deliver<T>(what: string, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (err) {
    console.error(`Could not ${what}: ${(err as Error).message}`);
    return undefined;
  }
}
