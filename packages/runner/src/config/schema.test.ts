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
    expect(parsed.store).toEqual({ type: 'memory', events: [], loadThreads: 1 });
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

describe('alert entries', () => {
  it('refuse a package that is not a package name, and a relative path that leaves the installation', () => {
    const issues = (alert: Record<string, unknown>) =>
      installationConfigSchema.safeParse({ alerts: [alert] }).error?.issues.map((i) => i.message) ??
      [];
    expect(issues({ package: '../../../elsewhere/alerts/x' })[0]).toMatch(
      /^must be an npm package name/,
    );
    expect(issues({ path: '../elsewhere/alerts/x' })[0]).toMatch(
      /^a relative path that leaves the installation is refused/,
    );
    expect(issues({ path: 'alerts/../../x' })[0]).toMatch(/leaves the installation/);
    expect(issues({ package: '@acme/alert-x' })).toEqual([]);
    expect(issues({ path: 'alerts/x' })).toEqual([]);
    expect(issues({ path: '/opt/alerts/x' })).toEqual([]);
  });
});
