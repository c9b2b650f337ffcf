import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMoneyLikeName, secretLabelOf } from '../../../server/src/analysis/prisma/naming';
import { audit } from '../../../server/src/analysis/engine';
import { applyFixText, assertValid, checkFix, findings } from './util';
import { findingsOf, ready } from '../../sql/helpers';

// ---------------------------------------------------------------- float-for-money

test('isMoneyLikeName: money words, not ids, rates, counts or scores', () => {
  for (const n of ['price', 'unitPrice', 'amount', 'payAmount', 'totalRevenue', 'totalProfit', 'depositFee', 'serviceFee', 'balance', 'cost', 'costInCents', 'creditsUsd', 'tax', 'subtotal', 'paidFiat', 'valuation', 'marketPrice', 'discount'])
    assert.ok(isMoneyLikeName(n), n);
  for (const n of ['priceId', 'taxRate', 'feePercent', 'totalCount', 'tokenCount', 'machinePresetCentsPerMs', 'currency', 'returnOnAdSpend', 'score', 'latitude', 'sizeKB', 'order', 'clickToLeadRate', 'priceVersion'])
    assert.ok(!isMoneyLikeName(n), n);
});

test('float-for-money: a Float price is a warning; the fix makes it Decimal @db.Decimal(19, 4)', async () => {
  const text = 'model Product {\n  id        Int     @id\n  price     Float   @default(0)\n  priceId   String\n  taxRate   Float\n  amount    Decimal\n  cents     Int\n  tokens    Float\n  discount  Float?  @db.DoublePrecision\n}\n';
  await assertValid(text);
  const got = findings(text, 'float-for-money');
  assert.deepEqual(got.map((f) => f.subject.field), ['price', 'discount']);
  assert.equal(got[0].severity, 'warning');
  assert.match(got[0].message, /0\.1 \+ 0\.2 ≠ 0\.3/);
  assert.match(got[0].data?.precision ?? '', /Decimal\(12, 2\)/);
  const fixed = await checkFix(text, got[0], got[0].fixes[0]);
  assert.match(fixed, /  price     Decimal @db\.Decimal\(19, 4\)   @default\(0\)\n/);
  const fixed2 = await checkFix(text, got[1], got[1].fixes[0]);
  assert.match(fixed2, /  discount  Decimal\?  @db\.Decimal\(19, 4\)\n/);
});

test('float-for-money: fees that are rates (comment or fractional default) are not money', () => {
  const text = 'model Project {\n  id         Int   @id\n  payoutFee  Float @default(0.05) // processing fee (in decimals) for partner payouts\n  serviceFee Float @default(0.1)\n  vatFee     Float // percentage\n  flatFee    Float @default(2)\n}\n';
  assert.deepEqual(findings(text, 'float-for-money').map((f) => f.subject.field), ['flatFee']);
});

test('float-for-money: cents names suggest Int; on SQLite (whose DECIMAL is floating point) only Int, and no Decimal fix', async () => {
  const pg = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Run {\n  id          Int   @id\n  costInCents Float\n}\n';
  const [c] = findings(pg, 'float-for-money');
  assert.match(c.message, /whole cents in `Int`\/`BigInt`/);
  const fixed = await checkFix(pg, c, c.fixes[0]);
  assert.match(fixed, /costInCents Decimal @db\.Decimal\(19, 4\)\n/);
  const lite = pg.replace('"postgresql"', '"sqlite"').replace('env("DATABASE_URL")', '"file:dev.db"');
  const [f] = findings(lite, 'float-for-money');
  assert.match(f.message, /Store whole cents in an `Int`: SQLite keeps `Decimal` values as floating point too\./);
  assert.equal(f.fixes.length, 0);
});

test('float-for-money: the message names the type the fix writes (no @db.Decimal on SQLite; the datasource\'s own name elsewhere)', () => {
  const model = '\nmodel Order {\n  id    Int   @id\n  total Float\n}\n';
  const [none] = findings(model, 'float-for-money');
  assert.match(none.message, /Use `Decimal @db\.Decimal\(19, 4\)`/);
  const [lite] = findings('datasource db {\n  provider = "sqlite"\n  url      = "file:dev.db"\n}\n' + model, 'float-for-money');
  assert.doesNotMatch(lite.message, /@db\./);
  const [pg] = findings('datasource store {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' + model, 'float-for-money');
  assert.match(pg.message, /Use `Decimal @store\.Decimal\(19, 4\)`/);
  assert.equal(pg.fixes[0].title, 'Change to Decimal @store.Decimal(19, 4)');
});

test('float-for-money: a cryptocurrency amount (field, model or comment) gets Decimal(36, 18), which does not round it to 4 decimals', async () => {
  const text =
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel CryptoDeposit {\n  id        Int   @id\n  payAmount Float\n  paidFiat  Float\n}\n\n' +
    'model Wallet {\n  id        Int   @id\n  amountEth Float\n  fee       Float // network fee in BTC\n  price     Float\n  method    String\n  costResolution Float\n}\n';
  await assertValid(text);
  const got = findings(text, 'float-for-money');
  assert.deepEqual(
    got.map((f) => [f.subject.field, /Decimal\((\d+, \d+)\)/.exec(f.message)?.[1]]),
    [
      ['payAmount', '36, 18'],
      ['paidFiat', '19, 4'],
      ['amountEth', '36, 18'],
      ['fee', '36, 18'],
      ['price', '19, 4'],
      ['costResolution', '19, 4'],
    ],
  );
  const fixed = await checkFix(text, got[0], got[0].fixes[0]);
  assert.match(fixed, /  payAmount Decimal @db\.Decimal\(36, 18\)\n/);
  assert.equal(got[0].fixes[0].title, 'Change to Decimal @db.Decimal(36, 18)');
  assert.match(got[0].message, /Use `Decimal @db\.Decimal\(36, 18\)`: cryptocurrency amounts have up to 18 decimals\.$/);
});

// ---------------------------------------------------------------- missing-updated-at

test('missing-updated-at: updatedAt without @updatedAt and createdAt without a default', async () => {
  const text =
    'model Post {\n  id        Int       @id\n  createdAt DateTime\n  updatedAt DateTime  @default(now())\n}\n\nmodel Tag {\n  id         Int       @id\n  created_at DateTime? @map("created")\n  updated_at DateTime?\n}\n';
  const got = findings(text, 'missing-updated-at');
  assert.deepEqual(got.map((f) => `${f.subject.model}.${f.subject.field}:${f.data?.missing}`), [
    'Post.createdAt:@default(now())',
    'Post.updatedAt:@updatedAt',
    'Tag.created_at:@default(now())',
    'Tag.updated_at:@updatedAt',
  ]);
  assert.match(got[1].message, /set on insert and never changes afterwards/);
  assert.equal(got[0].fixes[0].safe, true); // required createdAt: nothing that worked before changes
  assert.equal(got[2].fixes[0].safe, false);
  for (const f of got) await checkFix(text, f, f.fixes[0]);
  const fixed = applyFixText(text, got[1].fixes[0]);
  assert.match(fixed, /updatedAt DateTime  @default\(now\(\)\) @updatedAt\n/);
});

test('missing-updated-at: negatives (correct fields, other types, trigger comments, views)', () => {
  const text =
    'model A {\n  id        Int      @id\n  createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt\n  created   DateTime\n  updatedBy String\n  /// maintained by the set_updated_at trigger\n  updated_at DateTime\n}\n\nmodel B {\n  id        Int @id\n  createdAt Int\n}\n\nview V {\n  id        Int      @unique\n  updatedAt DateTime\n}\n';
  assert.deepEqual(findings(text, 'missing-updated-at').map((f) => f.subject.field), []);
});

test('missing-updated-at: the comments heading a schema file speak for its models (a table another library writes)', () => {
  const jackson = '// Jackson SAML tables\n// These are managed by @boxyhq/saml-jackson internally.\n\nmodel jackson_store {\n  key        String    @id\n  modifiedAt DateTime?\n}\n';
  const main = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
  const run = (head: string) =>
    audit({ prismaFiles: [{ path: 'prisma/schema/schema.prisma', text: main }, { path: 'prisma/schema/jackson.prisma', text: head + jackson.slice(jackson.indexOf('\nmodel')) }] }).findings.filter((f) => f.rule === 'missing-updated-at');
  assert.deepEqual(run(jackson.slice(0, jackson.indexOf('\nmodel'))), []);
  assert.deepEqual(run('// Jackson SAML tables\n').map((f) => f.subject.field), ['modifiedAt']);
});

test('missing-updated-at: a field comment saying the value comes from elsewhere (its fix would overwrite it)', () => {
  const text =
    'model Payment {\n  id        String   @id\n  createdAt DateTime // from processor\n  updatedAt DateTime // from processor\n}\n\n' +
    'model Snapshot {\n  id        String   @id\n  createdAt DateTime @default(now())\n  // the `updated_at` field will not record the time of record changed,\n  // but the created time of last seen update that has been merged into snapshot.\n  updatedAt DateTime\n}\n\n' +
    'model Sub {\n  id        String   @id\n  createdAt DateTime /// synced from Stripe\n  updatedAt DateTime // provided by the billing webhook\n}\n\n' +
    // Still reported: comments about the field that do not say where the value comes from, and a model
    // comment about where the rows come from.
    '/// Messages sent by the mail worker\nmodel Msg {\n  id        String   @id\n  createdAt DateTime // when the row was created\n  updatedAt DateTime // time of the last update\n}\n';
  assert.deepEqual(
    findings(text, 'missing-updated-at').map((f) => `${f.subject.model}.${f.subject.field}`),
    ['Msg.createdAt', 'Msg.updatedAt'],
  );
});

// ---------------------------------------------------------------- plaintext-secret

test('secretLabelOf: credentials vs metadata, previews and protected values', () => {
  const yes: Record<string, string> = {
    password: 'password',
    access_token: 'token',
    refreshToken: 'token',
    apiKey: 'API key',
    privateKey: 'private key',
    clientSecret: 'secret',
    twoFactorSecret: 'secret',
    secretAccessKey: 'access key',
    openAiApiKey: 'API key',
    resetToken: 'token',
    secretKey: 'secret key',
    mfaSecret: 'MFA secret',
    // An opaque-token word counts only right before `token`.
    pageAccessToken: 'token',
    syncRefreshToken: 'token',
    fcmApiKey: 'API key',
    apnsPrivateKey: 'private key',
    syncPassword: 'password',
    pushSecret: 'secret',
    cancellationToken: 'token',
  };
  for (const [n, label] of Object.entries(yes)) assert.equal(secretLabelOf(n), label, n);
  for (const n of ['passwordHash', 'hashedPassword', 'encryptedToken', 'tokenCount', 'tokenType', 'token_type', 'passwordUpdatedAt', 'resetTokenExpiresAt', 'apiKeyId', 'tokenUrl', 'secretProvisioning', 'partialToken', 'displaySecretKey', 'maskedSecret', 'maxTokens', 'publicKey', 'key', 'hashedKey', 'tokenHash', 'passwordDigest', 'forgejoTokenEncrypted', 'refreshTokenCipher', 'fencingToken', 'nextPageToken', 'page_token', 'syncToken', 'idempotencyToken', 'lockToken', 'pushToken', 'fcmToken', 'expoPushToken', 'apnsToken', 'fcmDeviceToken', 'apnsDeviceToken', 'fcmRegistrationToken', 'pushNotificationToken', 'expoPushNotificationToken'])
    assert.equal(secretLabelOf(n), null, n);
});

test('plaintext-secret: reported as info without a fix, with advice that fits the credential', () => {
  const text =
    'model User {\n  id           Int     @id\n  password     String\n  passwordHash String\n  apiKey       String? @unique\n  tokenCount   Int\n  isSecret     Boolean\n  /// bcrypt hash of the password\n  legacyPass   String\n  /// AES-256-GCM encrypted\n  githubToken  String\n}\n';
  const got = findings(text, 'plaintext-secret');
  assert.deepEqual(got.map((f) => f.subject.field), ['password', 'apiKey']);
  assert.equal(findings(text.replace('password     String\n', 'password     String @db.VarChar(60)\n'), 'plaintext-secret').length, 1);
  assert.equal(findings('model VerifiedDomain {\n  id                Int    @id\n  verificationToken String\n}\n', 'plaintext-secret').length, 0);
  assert.equal(got[0].severity, 'info');
  assert.equal(got[0].fixes.length, 0);
  assert.match(got[0].message, /argon2id or bcrypt/);
  assert.match(got[1].message, /SHA-256 hash/);
  assert.equal(got[1].data?.credential, 'API key');
  assert.match(got[1].message, /looks like an API key stored in clear/);
  assert.match(got[0].message, /looks like a password stored in clear/);
});

test('secretLabelOf: lower-case names run together (Mattermost mfasecret, PostgreSQL-folded refreshtoken)', async () => {
  await ready;
  const yes: Record<string, string> = {
    mfasecret: 'MFA secret',
    refreshtoken: 'token',
    accesstoken: 'token',
    openaiapikey: 'API key',
    secretkey: 'secret key',
    awsaccesskey: 'access key',
    adminpassword: 'password',
    user_refreshtoken: 'token',
    smsotp: 'one-time password',
    totp: 'TOTP seed',
  };
  for (const [n, label] of Object.entries(yes)) assert.equal(secretLabelOf(n), label, n);
  for (const n of ['tokenizer', 'secretary', 'passwordless', 'passwordhash', 'hashedpassword', 'hashedrefreshtoken', 'encryptedtoken', 'maxtoken', 'maxtokens', 'inputtokens', 'lastpassword', 'haspassword', 'nextpagetoken', 'synctoken', 'fcmtoken', 'expopushtoken', 'pushnotificationtoken', 'partialtoken', 'maskedsecret', 'publickey'])
    assert.equal(secretLabelOf(n), null, n);
  // SQL: unquoted names are folded to lower case.
  const sql = findingsOf({ 'db/migrations/001_init.sql': 'CREATE TABLE users (id text PRIMARY KEY, MfaSecret text, refreshToken text, smtppassword text);' }, 'plaintext-secret');
  assert.deepEqual(sql.map((f) => [f.subject.column, f.data?.credential]), [['mfasecret', 'MFA secret'], ['refreshtoken', 'token'], ['smtppassword', 'password']]);
  assert.match(sql[2].message, /cannot be hashed: encrypt it/);
});

test('plaintext-secret: a password the application sends to another system gets encryption advice, not hashing', () => {
  const text =
    'model Settings {\n  id               Int    @id\n  smtpPassword     String\n  databasePassword String\n  appPassword      String\n  registry_password String\n}\n\n' +
    'model Email {\n  id       Int    @id\n  user     String\n  password String\n}\n\n' +
    'model PostgreSQLDataSource {\n  id       Int    @id\n  password String\n}\n\n' +
    'model Mailbox {\n  id       Int    @id\n  hostname String\n  password String\n}\n\n' +
    // The users' own passwords keep the hashing advice.
    'model User {\n  id       Int    @id\n  password String\n}\n\nmodel Link {\n  id       Int    @id\n  url      String\n  password String\n}\n\nmodel AppUser {\n  id       Int    @id\n  accountPassword String\n}\n';
  const got = findings(text, 'plaintext-secret').map((f) => [`${f.subject.model}.${f.subject.field}`, /cannot be hashed: encrypt it/.test(f.message), /argon2id or bcrypt/.test(f.message)]);
  assert.deepEqual(got, [
    ['Settings.smtpPassword', true, false],
    ['Settings.databasePassword', true, false],
    ['Settings.appPassword', true, false],
    ['Settings.registry_password', true, false],
    ['Email.password', true, false],
    ['PostgreSQLDataSource.password', true, false],
    ['Mailbox.password', true, false],
    ['User.password', false, true],
    ['Link.password', false, true],
    ['AppUser.accountPassword', false, true],
  ]);
});

test('plaintext-secret: the bare token of a model named for an opaque token (MobilePushToken.token) is not a credential', () => {
  const model = (name: string) => `model ${name} {\n  id    Int    @id\n  token String @unique\n}\n`;
  for (const name of ['MobilePushToken', 'PageToken', 'PushTokens', 'FcmDevice', 'PushSubscription', 'PushNotificationToken']) assert.equal(findings(model(name), 'plaintext-secret').length, 0, name);
  for (const name of ['EmailToken', 'Page', 'GitSyncProvider', 'CalendarSync', 'PushProvider', 'ApiTokenVersion']) assert.equal(findings(model(name), 'plaintext-secret').length, 1, name);
});

test('plaintext-secret: a comment over a group of fields covers the group, up to a blank line', () => {
  const text =
    'model Integration {\n  id           Int    @id\n  // OAuth tokens, encrypted with the app key (AES-256-GCM)\n  accessToken  String\n  refreshToken String // rotated daily\n  clientSecret String\n\n  webhookToken String\n  // Token of the bot\n  botToken     String\n}\n';
  assert.deepEqual(findings(text, 'plaintext-secret').map((f) => f.subject.field), ['webhookToken', 'botToken']);
  // A trailing comment is about its own field only.
  const trailing = 'model A {\n  id          Int    @id\n  accessToken String // encrypted\n  apiKey      String\n}\n';
  assert.deepEqual(findings(trailing, 'plaintext-secret').map((f) => f.subject.field), ['apiKey']);
});

test('plaintext-secret: the value of a model named for a credential (Secret.value, ProviderApiKey.value)', () => {
  const text =
    'model Secret {\n  id    String  @id\n  name  String\n  key   String\n  value String?\n}\n\nmodel ProviderApiKey {\n  id    String @id\n  value String\n}\n\nmodel ApiKey {\n  id  String @id\n  key String\n}\n\n' +
    'model EncryptedSecret {\n  id    String @id\n  value String\n  iv    String\n}\n\nmodel MobilePushToken {\n  id    String @id\n  value String\n}\n\nmodel Setting {\n  id    String @id\n  value String\n}\n';
  const got = findings(text, 'plaintext-secret').map((f) => `${f.subject.model}.${f.subject.field}: ${f.data?.credential}`);
  // ApiKey.key often holds the key's hash (looked up by it): left alone, like Secret.key (its name).
  assert.deepEqual(got, ['Secret.value: secret', 'ProviderApiKey.value: API key']);
});

test('plaintext-secret: the article fits the credential', () => {
  const text = 'model Aws {\n  id              Int    @id\n  awsAccessKey    String\n  userCredentials String\n  mfaSecret       String\n  otp             String\n}\n';
  const got = findings(text, 'plaintext-secret').map((f) => f.message.replace(/ stored in clear.*/, ''));
  assert.deepEqual(got, [
    '`Aws.awsAccessKey` looks like an access key',
    '`Aws.userCredentials` looks like credentials',
    '`Aws.mfaSecret` looks like an MFA secret',
    '`Aws.otp` looks like a one-time password',
  ]);
});

test('plaintext-secret: Auth.js Account tokens are reported with useful advice; VerificationToken and sessionToken are not', () => {
  const text =
    'model Account {\n  id                String  @id\n  userId            String\n  type              String\n  provider          String\n  providerAccountId String\n  refresh_token     String? @db.Text\n  access_token      String? @db.Text\n  token_type        String?\n  id_token          String? @db.Text\n\n  @@unique([provider, providerAccountId])\n}\n\nmodel Session {\n  id           String   @id\n  sessionToken String   @unique\n  userId       String\n  expires      DateTime\n}\n\nmodel VerificationToken {\n  identifier String\n  token      String   @unique\n  expires    DateTime\n\n  @@unique([identifier, token])\n}\n';
  const got = findings(text, 'plaintext-secret');
  assert.deepEqual(got.map((f) => f.subject.field), ['refresh_token', 'access_token', 'id_token']);
  assert.match(got[0].message, /Auth\.js adapter: drop them if you never call the provider's API, otherwise encrypt them/);
  // Another OAuth account table (hoppscotch's, Passport): the provider's tokens, not Auth.js's.
  const passport = 'model Account {\n  id                   String  @id\n  provider             String\n  providerAccountId    String\n  providerRefreshToken String?\n  providerAccessToken  String?\n}\n';
  const other = findings(passport, 'plaintext-secret');
  assert.deepEqual(other.map((f) => f.subject.field), ['providerRefreshToken', 'providerAccessToken']);
  assert.match(other[0].message, /These are the OAuth provider's tokens: drop them if you never call/);
  assert.doesNotMatch(other[0].message, /Auth\.js/);
});
