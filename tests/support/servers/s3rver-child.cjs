'use strict';
// Runs s3rver 3.7.1 for the tests with credentials of this run only (s3rver's CLI knows only S3RVER/S3RVER).
// Arguments: <dataDir> <bucket>; credentials come in the environment so they do not show in `ps`.
// Prints one JSON line {"port":N} when listening; exits when its parent closes stdin (the test run ended or died).
const S3rver = require('s3rver');
const Account = require('s3rver/lib/models/account');

const [directory, bucket] = process.argv.slice(2);
const accessKeyId = process.env.REVREC_S3RVER_ACCESS_KEY_ID;
const secretAccessKey = process.env.REVREC_S3RVER_SECRET_ACCESS_KEY;
if (!directory || !bucket || !accessKeyId || !secretAccessKey) {
  process.stderr.write('usage: REVREC_S3RVER_ACCESS_KEY_ID=… REVREC_S3RVER_SECRET_ACCESS_KEY=… s3rver-child.cjs <dir> <bucket>\n');
  process.exit(2);
}
Account.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
Account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] })
  .run()
  .then(({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`))
  .catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
