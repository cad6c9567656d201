import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTRACT_DIR, renderContract } from './contract.js';

/** `npm run openapi`: writes the contract files from the code. Run it after changing a route or the protocol. */
async function main(): Promise<void> {
  const files = await renderContract();
  await mkdir(CONTRACT_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(CONTRACT_DIR, name), text);
    process.stdout.write(`wrote ${join(CONTRACT_DIR, name)}\n`);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
