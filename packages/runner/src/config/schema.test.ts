import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { installationConfigJsonSchema, installationConfigSchema } from './schema.js';

const schemaFile = new URL('./alertkit.config.schema.json', import.meta.url);

describe('installationConfigSchema', () => {
  it('accepts the documented minimal installation and fills in MozDef defaults', () => {
    const parsed = installationConfigSchema.parse({
      sinks: [{ type: 'rabbitmq', url: 'amqp://guest:guest@localhost:5672/' }],
    });
    expect(parsed.sinks[0]).toMatchObject({ exchange: 'alerts', routingKey: 'mozdef.alert' });
    expect(parsed.store).toEqual({ type: 'memory', events: [] });
  });

  it('rejects a version range on a directory entry', () => {
    const result = installationConfigSchema.safeParse({
      alerts: [{ path: 'alerts/x', version: '^1' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['alerts', 0, 'version']);
  });

  // The emitted JSON schema (for editors) must match the zod schema. To regenerate after a
  // schema change: ALERTKIT_UPDATE_SCHEMA=1 pnpm vitest run src/config/schema.test.ts
  it('alertkit.config.schema.json is up to date', async () => {
    const expected = `${JSON.stringify(installationConfigJsonSchema(), null, 2)}\n`;
    if (process.env['ALERTKIT_UPDATE_SCHEMA'] === '1') await writeFile(schemaFile, expected);
    expect(await readFile(schemaFile, 'utf8')).toBe(expected);
  });
});
