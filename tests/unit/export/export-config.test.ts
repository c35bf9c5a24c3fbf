import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { DEFAULT_CONTINUOUS_SCHEDULE, readExportConfig } from '../../../src/export/export-config.js';
import { closeFileName, closeManifestName, continuousFileName, continuousManifestName } from '../../../src/export/export-names.js';
import { redact } from '../../../src/reporter/redaction.js';

const ROOT = '/projects/acme';

describe('exports: in pipeline.yml', () => {
  it('is off without an exports section', () => {
    const config = readExportConfig({}, ROOT);
    expect(config.closePeriod.enabled).toBe(false);
    expect(config.continuous).toMatchObject({ enabled: false, schedule: DEFAULT_CONTINUOUS_SCHEDULE });
  });

  it('configures the two jobs separately, sharing named destinations, with formats and a continuous schedule', () => {
    const config = readExportConfig(
      {
        exports: {
          destinations: [
            { name: 'outbox', kind: 'local', folder: 'outbox' },
            { name: 'lake', kind: 's3', bucket: 'acme-finance', prefix: 'revrec/exports', access_key_id: 'AKIA1', secret_access_key: 's3-secret-value' },
          ],
          close_period: { formats: ['csv', 'parquet'], destinations: ['outbox', 'lake'] },
          continuous: { formats: 'parquet', destinations: ['lake'], schedule: { at: '22:30' } },
        },
      },
      ROOT,
    );
    expect(config.closePeriod).toMatchObject({ enabled: true, formats: ['csv', 'parquet'] });
    expect(config.closePeriod.destinations.map((d) => d.name)).toEqual(['outbox', 'lake']);
    // A relative local folder is the project's.
    expect(config.closePeriod.destinations[0]!.store).toEqual({ kind: 'local', folder: '/projects/acme/outbox' });
    expect(config.closePeriod.destinations[1]!.store).toMatchObject({ kind: 's3', bucket: 'acme-finance', prefix: 'revrec/exports', region: 'us-east-1', accessKeyId: 'AKIA1' });
    expect(config.continuous).toMatchObject({ enabled: true, formats: ['parquet'], schedule: { every: 'daily', at: '22:30', timezone: 'UTC' } });
    // Credentials are registered for redaction as soon as they are read.
    expect(redact('failed with s3-secret-value')).not.toContain('s3-secret-value');
  });

  it('takes inline destinations too (SFTP needs a pinned host key)', () => {
    const config = readExportConfig(
      {
        exports: {
          continuous: {
            destinations: [{ name: 'erp', kind: 'sftp', host: 'sftp.example.com', port: '2222', username: 'revrec', password: 'sftp-pass-1', folder: 'in', host_key: 'SHA256:abc' }],
          },
        },
      },
      ROOT,
    );
    expect(config.continuous.destinations[0]!.store).toMatchObject({ kind: 'sftp', host: 'sftp.example.com', port: 2222, folder: 'in', hostKey: 'SHA256:abc' });
    expect(config.continuous.formats).toEqual(['csv']);
    expect(config.closePeriod.enabled).toBe(false);
    expect(() =>
      readExportConfig({ exports: { continuous: { destinations: [{ name: 'erp', kind: 'sftp', host: 'h', username: 'u', password: 'p' }] } } }, ROOT),
    ).toThrow(/host_key is required for SFTP/);
  });

  it('says what is wrong, where', () => {
    const bad = (exports: unknown) => () => readExportConfig({ exports }, ROOT);
    expect(bad({ close_period: { destinations: ['nowhere'] } })).toThrow(/exports.close_period: no destination named "nowhere"/);
    expect(bad({ close_period: { formats: ['xlsx'], destinations: [] } })).toThrow(ConfigError);
    expect(bad({ destinations: [{ name: 'a', kind: 'ftp' }] })).toThrow(/exports.destinations.0/);
    expect(bad({ continuous: { schedule: { at: '25:00' } } })).toThrow(/HH:MM/);
    expect(bad([{ close_period: {} }])).toThrow(/one mapping/);
    expect(bad({ destinations: [{ name: 'a', kind: 'local', folder: 'x' }, { name: 'a', kind: 'local', folder: 'y' }] })).toThrow(/two export destinations are named "a"/);
  });

  it('can disable a job (e.g. from the environment) while keeping its settings', () => {
    const config = readExportConfig({ exports: { destinations: [{ name: 'o', kind: 'local', folder: '/tmp/o' }], close_period: { enabled: 'false', destinations: ['o'] } } }, ROOT);
    expect(config.closePeriod.enabled).toBe(false);
  });
});

describe('export file names (exports.md)', () => {
  it('tells the jobs apart by prefix', () => {
    expect(closeFileName('unearned_revenue_rollforward', 202401, 'csv')).toBe('closedperiodexport-unearned_revenue_rollforward-202401.csv');
    expect(closeManifestName(202412)).toBe('closedperiodexport-manifest-202412.json');
    expect(continuousFileName('journals', 1234n, 'parquet')).toBe('continuousexport-journals-1234.parquet');
    expect(continuousManifestName(7n)).toBe('continuousexport-manifest-7.json');
  });
});
