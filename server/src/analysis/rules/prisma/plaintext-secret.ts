import { defineRule } from '../../rule';
import { memoModel, NO_DEPS } from '../../prisma/memo';
import { rangeOf } from '../../prisma/schema';
import type { AuditContext } from '../../engine';
import type { Report } from '../../rule';
import { columnSite, ownSqlTables, TEXT_TYPES, typeName } from '../sql/columns';
import { commentsShowProtection, credentialWords, groupComments, namesOpaqueToken, ownComments, secretLabelOf, withArticle, wordsOf } from '../../prisma/naming';

/**
 * The credential a column (or field) holds in clear, with advice, or null when it is not one: what
 * the rule documents, judged on names. `has(name)`: whether the table (or model) has a column (or
 * field) of that name; `length60`: declared with exactly 60 characters.
 */
/**
 * The `value` of a model named for a credential (`Secret.value`, `ProviderApiKey.value`) is the
 * credential itself. Not when the model keeps the pieces of an encryption (`iv`, `nonce`, `authTag`)
 * beside it. (`ApiKey.key` is left alone: many apps keep the key's hash there, to look it up.)
 */
function credentialOfModel(name: string, table: string, has: (name: string) => boolean): string | null {
  if (name.toLowerCase() !== 'value') return null;
  if (namesOpaqueToken(table) || ['iv', 'nonce', 'authTag', 'auth_tag', 'salt'].some(has)) return null;
  return secretLabelOf(table);
}

/** The token fields of the Auth.js (NextAuth) adapter's `Account` model. */
const AUTHJS_TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'oauth_token', 'oauth_token_secret', 'session_state']);

/**
 * Words of a field or model name saying its password is one the application sends to another system
 * (`smtpPassword`, `EmailQueue.password`, `PostgreSQLDataSource.password`, `registry_password`): it
 * cannot be hashed. `app`, `api` and `service` only in the field's own name (`appPassword`), where they
 * qualify the password; a model `App` or `ApiUser` may keep its users' own passwords.
 */
const OUTBOUND_WORDS = new Set([
  'smtp', 'imap', 'pop', 'pop3', 'mail', 'email', 'mailbox', 'registry', 'database', 'db', 'datasource', 'sql', 'postgres', 'postgresql', 'mysql', 'mongo', 'mongodb', 'redis',
  'ldap', 'ftp', 'sftp', 'ssh', 'proxy', 'vpn', 'git', 'github', 'gitlab', 'bitbucket', 'docker', 'mqtt', 'broker', 'wifi', 'connection', 'integration', 'remote', 'upstream',
]);
const OUTBOUND_FIELD_WORDS = new Set(['app', 'api', 'service', 'bot']);
/** Fields beside a password that make the model the settings for logging in to another system. */
const HOST_FIELDS = ['host', 'hostname', 'server', 'port', 'endpoint'];

function outboundPassword(name: string, table: string, has: (name: string) => boolean): boolean {
  const fw = credentialWords(name).slice(0, -1);
  if (fw.some((x) => OUTBOUND_WORDS.has(x) || OUTBOUND_FIELD_WORDS.has(x))) return true;
  const mw = wordsOf(table);
  if (mw.some((x) => OUTBOUND_WORDS.has(x)) || mw.some((x, i) => x === 'data' && mw[i + 1] === 'source')) return true;
  return HOST_FIELDS.some(has);
}

function judgeSecret(name: string, table: string, has: (name: string) => boolean, comments: string[], length60: boolean): { label: string; advice: string } | null {
  const label = secretLabelOf(name) ?? credentialOfModel(name, table, has);
  if (!label) return null;
  if (commentsShowProtection(comments)) return null;
  // Auth.js `VerificationToken.token`: the adapter stores a SHA-256 hash of the emailed token, not the token.
  if (name === 'token' && has('identifier') && has('expires')) return null;
  // Auth.js database session: `sessionToken` is the cookie's random lookup key, rotated and expiring.
  if ((name === 'sessionToken' || name === 'session_token') && has('expires') && (has('userId') || has('user_id'))) return null;
  // `MobilePushToken.token`: the model says what kind of token it is.
  if (label === 'token' && name.toLowerCase() === 'token' && namesOpaqueToken(table)) return null;
  // A password column of exactly 60 characters holds a bcrypt hash (`$2b$10$…` is 60 long).
  if (label === 'password' && length60) return null;
  // A domain-verification token is published in DNS: it is not a secret.
  if (/domain/i.test(table) && /verification/i.test(name)) return null;
  let advice: string;
  if ((label === 'password' || label === 'passphrase') && outboundPassword(name, table, has))
    advice = 'It looks like a password the application uses to log in to another system (mail, database, registry …), so it cannot be hashed: encrypt it in the application with AES-256-GCM and a key from a secret manager, or keep it in the secret manager and store only a reference.';
  else if (label === 'password' || label === 'passphrase') advice = 'Store only an argon2id or bcrypt hash (e.g. in `passwordHash`) and verify against it.';
  else if (has('providerAccountId') || has('provider_account_id'))
    // The Auth.js adapter's own column names; other OAuth account tables (Passport's `providerRefreshToken`) are not its.
    advice = `These are the OAuth provider's tokens${AUTHJS_TOKEN_FIELDS.has(name) ? ', saved by the Auth.js adapter' : ''}: drop them if you never call the provider's API, otherwise encrypt them (AES-256-GCM) in a Prisma Client extension or adapter wrapper.`;
  else if (label === 'token' || label === 'API key' || label === 'secret' || label === 'secret key' || label === 'access key')
    advice = 'If you issue it, store a SHA-256 hash and show the value once; if you must use it later (a third-party credential), encrypt it with AES-256-GCM and a key from a secret manager.';
  else advice = 'Encrypt it in the application with AES-256-GCM and a key from a secret manager, or keep it out of the database.';
  return { label, advice };
}

/** SQL migrations: a text column of a table that is not a Prisma model, judged as a field is. */
function checkSql(ctx: AuditContext, report: (r: Report) => void): void {
  for (const { project, table: t } of ownSqlTables(ctx)) {
    for (const col of t.columns.values()) {
      if (!TEXT_TYPES.has(typeName(col))) continue;
      const judged = judgeSecret(col.name, t.name, (n) => t.columns.has(n), [], /\(\s*60\s*\)/.test(col.type));
      if (!judged) continue;
      const site = columnSite(project, col);
      if (!site) continue;
      report({
        ...site,
        message: `\`${t.name}.${col.name}\` looks like ${withArticle(judged.label)} stored in clear: anyone who can read the table (a backup, a replica, an SQL injection, a policy that lets too much through) can use it. ${judged.advice.replace(' in a Prisma Client extension or adapter wrapper', ' in the application')} If it is already hashed or encrypted, say so in the name (\`…_hash\`, \`…_encrypted\`).`,
        subject: { table: t.name, column: col.name },
        data: { credential: judged.label },
      });
    }
  }
}

export default defineRule({
  id: 'plaintext-secret',
  title: 'Credential stored in clear',
  category: 'Security',
  defaultSeverity: 'info',
  language: 'cross',
  docs: {
    whatItDoes:
      'Reports a `String` field whose name ends in a credential — password, secret, token, apiKey, accessToken, refreshToken, privateKey, secretKey, clientSecret, credentials, otp, also run together in lower case (`refreshtoken`, `mfasecret`, as PostgreSQL folds unquoted names) — or the `value` of a model named for one (`Secret.value`, `ProviderApiKey.value`, unless `iv`/`nonce`/`authTag` fields sit beside it) — when neither the name nor its comments (or the comment heading its group of fields, with no blank line between) show hashing or encryption (Hash, Hashed, Digest, Encrypted, Cipher, bcrypt, argon2, SHA-256, KMS, vault). Not reported: metadata about a credential (`tokenCount`, `tokenType`, `passwordUpdatedAt`, `resetTokenExpiresAt`, `apiKeyId`, `tokenUrl`), previews (`partialKey`, `displaySecretKey`, `maskedSecret`), non-String fields, a `password` declared `@db.VarChar(60)`/`@db.Char(60)` (the length of a bcrypt hash), domain-verification tokens (published in DNS), opaque tokens that grant nothing (pagination and sync cursors such as `nextPageToken`/`syncToken`, `fencingToken`, `idempotencyToken`, push-notification addresses such as `pushToken`/`fcmToken`), and the two Auth.js (NextAuth) fields that are not secrets at rest: `VerificationToken.token` (the adapter stores a hash) and the database-session `sessionToken` (a short-lived random lookup key). Auth.js `Account.access_token`/`refresh_token`/`id_token` are the provider\'s real tokens in clear and are reported. In SQL migrations: a `text`, `varchar`, `char` or `citext` column with such a name (`api_key`, `refresh_token`, `password`) in a table that is not a Prisma model, with the same exceptions.',
    whyItMatters:
      'Anyone who can read the table — a leaked backup, a read replica, an SQL injection, a support tool, a log of a failed query — gets working credentials: user passwords that are reused elsewhere, API keys and OAuth refresh tokens that keep working until revoked.',
    example: 'model User {\n  id       Int    @id\n  email    String @unique\n  password String\n}\n',
    useInstead: 'model User {\n  id           Int    @id\n  email        String @unique\n  passwordHash String\n}\n',
    fixSafety:
      'No automatic fix: the application must change. Passwords: store only a slow hash (argon2id or bcrypt) and compare with the library\'s verify function. Tokens and API keys you issue: store a SHA-256 hash (they are random, so a fast hash is enough) and show the key once. Third-party credentials you must use later (OAuth refresh tokens, SMTP passwords): encrypt them in the application with AES-256-GCM using a key from a KMS or secret manager, and store the ciphertext in a field named e.g. `refreshTokenEncrypted`. A password is taken for such a credential, and gets this advice instead of hashing, when its own name or its model\'s name names another system (`smtpPassword`, `databasePassword`, `appPassword`, `registry_password`, `Email.password`, `PostgreSQLDataSource.password`) or the model has a `host`, `hostname`, `server`, `port` or `endpoint` field.',
  },
  check(ctx, report) {
    checkSql(ctx, report);
    const schema = ctx.prisma;
    if (!schema) return;
    for (const model of schema.models) {
      if (model.kind === 'view' || model.isIgnored) continue;
      memoModel(schema, 'plaintext-secret', model, NO_DEPS, report, (report) => {
        for (const field of model.fields) {
          if (field.type !== 'String' || field.kind !== 'scalar' || field.isIgnored || !field.decl.type) continue;
          const native = field.nativeType;
          const judged = judgeSecret(field.name, model.name, (n) => model.fieldByName.has(n), [...ownComments(field), ...groupComments(field)], !!native && /^(VarChar|Char)$/.test(native.name) && native.args[0] === '60');
          if (!judged) continue;
          const where = `\`${model.name}.${field.name}\``;
          report({
            file: field.file.path,
            range: rangeOf(field.file, field.decl.name.span),
            message: `${where} looks like ${withArticle(judged.label)} stored in clear: anyone who can read the table (a backup, a replica, an SQL injection) can use it. ${judged.advice} If it is already hashed or encrypted, say so in the name (\`…Hash\`, \`…Encrypted\`) or a comment.`,
            subject: { model: model.name, field: field.name },
            data: { credential: judged.label },
          });
        }
      });
    }
  },
});
