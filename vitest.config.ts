import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts the real test servers (s3rver, sshd, radosgw when REVREC_TEST_RADOSGW=1) once per run.
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
