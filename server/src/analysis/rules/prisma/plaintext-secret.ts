import { defineRule } from '../../rule';
import { memoModel, NO_DEPS } from '../../prisma/memo';
import { rangeOf, type Field } from '../../prisma/schema';
import { commentsShowProtection, namesOpaqueToken, ownComments, secretLabelOf, withArticle } from '../../prisma/naming';

/** Auth.js / NextAuth adapter models (`Account` with provider + providerAccountId). */
function isAuthJsAccount(field: Field): boolean {
  const m = field.model;
  return m.fieldByName.has('providerAccountId') || m.fieldByName.has('provider_account_id');
}

/** Auth.js `VerificationToken.token`: the adapter stores a SHA-256 hash of the emailed token, not the token. */
function isAuthJsVerificationToken(field: Field): boolean {
  const m = field.model;
  return field.name === 'token' && m.fieldByName.has('identifier') && m.fieldByName.has('expires');
}

/** Auth.js database session: `sessionToken` is the cookie's random lookup key, rotated and expiring. */
function isAuthJsSessionToken(field: Field): boolean {
  return field.name === 'sessionToken' && field.model.fieldByName.has('expires') && field.model.fieldByName.has('userId');
}

export default defineRule({
  id: 'plaintext-secret',
  title: 'Credential stored in clear',
  category: 'Security',
  defaultSeverity: 'info',
  language: 'prisma',
  docs: {
    whatItDoes:
      'Reports a `String` field whose name ends in a credential — password, secret, token, apiKey, accessToken, refreshToken, privateKey, secretKey, clientSecret, credentials, otp — when neither the name nor its comments show hashing or encryption (Hash, Hashed, Digest, Encrypted, Cipher, bcrypt, argon2, SHA-256, KMS, vault). Not reported: metadata about a credential (`tokenCount`, `tokenType`, `passwordUpdatedAt`, `resetTokenExpiresAt`, `apiKeyId`, `tokenUrl`), previews (`partialKey`, `displaySecretKey`, `maskedSecret`), non-String fields, a `password` declared `@db.VarChar(60)`/`@db.Char(60)` (the length of a bcrypt hash), domain-verification tokens (published in DNS), opaque tokens that grant nothing (pagination and sync cursors such as `nextPageToken`/`syncToken`, `fencingToken`, `idempotencyToken`, push-notification addresses such as `pushToken`/`fcmToken`), and the two Auth.js (NextAuth) fields that are not secrets at rest: `VerificationToken.token` (the adapter stores a hash) and the database-session `sessionToken` (a short-lived random lookup key). Auth.js `Account.access_token`/`refresh_token`/`id_token` are the provider\'s real tokens in clear and are reported.',
    whyItMatters:
      'Anyone who can read the table — a leaked backup, a read replica, an SQL injection, a support tool, a log of a failed query — gets working credentials: user passwords that are reused elsewhere, API keys and OAuth refresh tokens that keep working until revoked.',
    example: 'model User {\n  id       Int    @id\n  email    String @unique\n  password String\n}\n',
    useInstead: 'model User {\n  id           Int    @id\n  email        String @unique\n  passwordHash String\n}\n',
    fixSafety:
      'No automatic fix: the application must change. Passwords: store only a slow hash (argon2id or bcrypt) and compare with the library\'s verify function. Tokens and API keys you issue: store a SHA-256 hash (they are random, so a fast hash is enough) and show the key once. Third-party credentials you must use later (OAuth refresh tokens, SMTP passwords): encrypt them in the application with AES-256-GCM using a key from a KMS or secret manager, and store the ciphertext in a field named e.g. `refreshTokenEncrypted`.',
  },
  check(ctx, report) {
    const schema = ctx.prisma;
    if (!schema) return;
    for (const model of schema.models) {
      if (model.kind === 'view' || model.isIgnored) continue;
      memoModel(schema, 'plaintext-secret', model, NO_DEPS, report, (report) => {
        for (const field of model.fields) {
          if (field.type !== 'String' || field.kind !== 'scalar' || field.isIgnored || !field.decl.type) continue;
          const label = secretLabelOf(field.name);
          if (!label) continue;
          if (commentsShowProtection(ownComments(field))) continue;
          if (isAuthJsVerificationToken(field) || isAuthJsSessionToken(field)) continue;
          // `MobilePushToken.token`: the model says what kind of token it is.
          if (label === 'token' && field.name.toLowerCase() === 'token' && namesOpaqueToken(model.name)) continue;
          // A password column of exactly 60 characters holds a bcrypt hash (`$2b$10$…` is 60 long).
          if (label === 'password' && field.nativeType && /^(VarChar|Char)$/.test(field.nativeType.name) && field.nativeType.args[0] === '60') continue;
          // A domain-verification token is published in DNS: it is not a secret.
          if (/domain/i.test(model.name) && /verification/i.test(field.name)) continue;
          const where = `\`${model.name}.${field.name}\``;
          let advice: string;
          if (label === 'password' || label === 'passphrase') advice = 'Store only an argon2id or bcrypt hash (e.g. in `passwordHash`) and verify against it.';
          else if (isAuthJsAccount(field))
            advice = `These are the OAuth provider's tokens, saved by the Auth.js adapter: drop them if you never call the provider's API, otherwise encrypt them (AES-256-GCM) in a Prisma Client extension or adapter wrapper.`;
          else if (label === 'token' || label === 'API key' || label === 'secret' || label === 'secret key' || label === 'access key')
            advice = 'If you issue it, store a SHA-256 hash and show the value once; if you must use it later (a third-party credential), encrypt it with AES-256-GCM and a key from a secret manager.';
          else advice = 'Encrypt it in the application with AES-256-GCM and a key from a secret manager, or keep it out of the database.';
          report({
            file: field.file.path,
            range: rangeOf(field.file, field.decl.name.span),
            message: `${where} looks like ${withArticle(label)} stored in clear: anyone who can read the table (a backup, a replica, an SQL injection) can use it. ${advice} If it is already hashed or encrypted, say so in the name (\`…Hash\`, \`…Encrypted\`) or a comment.`,
            subject: { model: model.name, field: field.name },
            data: { credential: label },
          });
        }
      });
    }
  },
});
