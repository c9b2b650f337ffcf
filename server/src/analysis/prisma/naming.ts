import type { Comment } from './ast';
import type { Field } from './schema';
/**
 * Name heuristics shared by the audit rules (issue 3), kept in one place so they can be tuned together:
 * words of PascalCase/camelCase/snake_case names, history-like model names, enum-like, money-like and
 * secret-like field names.
 */

/**
 * Bounded memo for pure functions of a name: names repeat across rules and audits (the language
 * server re-audits on every keystroke), and the regex-based splitting below is what dominates.
 */
const MEMO_LIMIT = 20000;
export function memo<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) return hit as T;
  if (cache.size >= MEMO_LIMIT) cache.clear();
  const v = compute(key);
  cache.set(key, v);
  return v;
}

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const wordsCache = new Map<string, readonly string[]>();
/** The shared (memoised, never mutated) words of a name. */
function sharedWords(name: string): readonly string[] {
  return memo(wordsCache, name, splitWords);
}

/** Splits `WorkflowRunLog`, `user_id`, `AIRouterLogs`, `usdAmountCents` into lower-case words. */
export function wordsOf(name: string): string[] {
  return sharedWords(name).slice();
}

const singularWordsCache = new Map<string, readonly string[]>();
/** `wordsOf(name).map(singular)`, shared (never mutated). */
function singularWords(name: string): readonly string[] {
  return memo(singularWordsCache, name, (n) => sharedWords(n).map(singular));
}

/** `histories` → `history`, `logs` → `log`, `purchases` → `purchase`, `status` stays. */
export function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('s') && word.length > 3) return word.slice(0, -1);
  return word;
}

const pascalCache = new Map<string, string>();

/** PascalCase of a name: `user_role` → `UserRole`, `status` → `Status`. */
export function pascalCase(name: string): string {
  return memo(pascalCache, name, (n) => {
    const words = n
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean);
    return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  });
}

// ---------------------------------------------------------------------------------------------------
// History-like models (cascade-deletes-history)

/** Head nouns of financial records that must be kept (tax, accounting, disputes). */
const FINANCIAL_WORDS = new Set([
  'transaction',
  'payment',
  'invoice',
  'ledger',
  'redemption',
  'order',
  'refund',
  'purchase',
  'payout',
  'withdrawal',
  'deposit',
  'receipt',
  'charge',
  'chargeback',
  'commission',
  'sale',
  'dispute',
  'earning',
]);

/** Words naming a line of a financial document when they follow a financial word (`OrderItem`). */
const LINE_WORDS = new Set(['item', 'line', 'entry', 'record', 'detail', 'row']);

/** Head nouns of history/log records. */
const HISTORY_WORDS = new Set(['log', 'history', 'event', 'trail', 'journal']);

/** Models that are whole tenants: deleting one deliberately deletes everything in it. */
const TENANT_WORDS = new Set(['workspace', 'organization', 'organisation', 'org', 'team', 'tenant', 'project', 'company']);

/** Models of people/actors whose deletion must not erase what they did. */
const ACTOR_WORDS = new Set(['user', 'member', 'customer', 'admin', 'account', 'partner', 'employee', 'staff', 'person', 'profile', 'actor', 'moderator']);

/** Relation field names that point at the actor who did something (not the owner of the row). */
const ACTOR_FIELD = /^(actor|admin|moderator|performedBy|createdBy|updatedBy|deletedBy|changedBy|approvedBy|reviewedBy|initiatedBy|triggeredBy|executedBy|by)$/i;

export type HistoryKind = 'financial' | 'audit' | 'history';

/**
 * Whether a model name denotes a record that must outlive the rows it references, judged by its head
 * noun (last word, singular): `CryptoTransaction`, `OrderItem`, `AuditLog`, `DownloadHistory`.
 * `PaymentMethod`, `UserPaymentConfiguration`, `AuditSession`, `NewOrderPlayer`, `Catalog`, `Blog`
 * and `Prevention` are not.
 */
export function historyKindOf(modelName: string): { kind: HistoryKind; word: string } | null {
  return memo(historyCache, modelName, computeHistoryKind);
}

const historyCache = new Map<string, { kind: HistoryKind; word: string } | null>();

function computeHistoryKind(modelName: string): { kind: HistoryKind; word: string } | null {
  const words = singularWords(modelName);
  if (!words.length) return null;
  const head = words[words.length - 1];
  const prev = words.length > 1 ? words[words.length - 2] : '';
  if (FINANCIAL_WORDS.has(head)) return { kind: 'financial', word: head };
  if (LINE_WORDS.has(head) && FINANCIAL_WORDS.has(prev)) return { kind: 'financial', word: prev };
  if (head === 'audit' || (words.includes('audit') && (HISTORY_WORDS.has(head) || LINE_WORDS.has(head)))) return { kind: 'audit', word: 'audit' };
  if (HISTORY_WORDS.has(head)) return { kind: 'history', word: head };
  return null;
}

/**
 * Whether `child` is a part of `parent` rather than a record about it: `WorkflowRunLog` of
 * `WorkflowRun`, `OrderItem` of `Order`, `FraudEvent` of `FraudEventGroup`, `ActionLog` of
 * `ActionStep`, `UserHistory` of `User`. Deleting the whole deletes its parts on purpose.
 */
export function isPartOf(child: string, parent: string): boolean {
  const c = singularWords(child);
  const p = singularWords(parent);
  if (!c.length || !p.length) return false;
  const cs = c.join(' ');
  const ps = p.join(' ');
  if (cs.startsWith(ps + ' ') || ps.startsWith(cs + ' ') || cs === ps) return true;
  const qualifier = c.slice(0, -1).filter((w) => w.length >= 3);
  return qualifier.some((w) => p.includes(w));
}

/**
 * Whether a record with these fields (or columns) is a scheduled entry (a calendar event, a booking
 * slot): it has both a start and an end time (`start`/`end`, `startTime`/`endTime`, `starts_at`/
 * `ends_at`, `startDate`/`endDate`). Such an `…Event` is the user's own content, not a log of what
 * happened.
 */
export function isScheduledEntry(fieldNames: Iterable<string>): boolean {
  let start = false;
  let end = false;
  for (const f of fieldNames) {
    const n = f.replace(/_/g, '').toLowerCase();
    if (/^(start|starts|begin|begins)(at|time|date|datetime|on)?$/.test(n)) start = true;
    else if (/^(end|ends)(at|time|date|datetime|on)?$/.test(n)) end = true;
  }
  return start && end;
}

export function isTenantModel(name: string): boolean {
  const w = singularWords(name);
  return w.length > 0 && TENANT_WORDS.has(w[w.length - 1]);
}

export function isActorModel(name: string): boolean {
  const w = singularWords(name);
  return w.length > 0 && ACTOR_WORDS.has(w[w.length - 1]);
}

export function isActorRelationField(fieldName: string): boolean {
  return ACTOR_FIELD.test(fieldName);
}

// ---------------------------------------------------------------------------------------------------
// Enum-like fields (string-enum-candidate, enum-drift)

/** Last words of field names that usually hold one of a fixed set of values. */
const ENUM_WORDS = new Set([
  'status',
  'role',
  'type',
  'tier',
  'state',
  'kind',
  'plan',
  'level',
  'priority',
  'mode',
  'stage',
  'phase',
  'visibility',
  'severity',
  'frequency',
  'interval',
  'direction',
  'category',
  'gender',
  'environment',
  'env',
  'permission',
  'access',
  'scope',
  'period',
  'cadence',
  'strategy',
]);

/** Enum-like last words that, when they end a longer name, describe something else (`contentType` is a MIME type). */
const NOT_ENUM_NAMES = /(payload|metadata|content|mime|media|file|media|token|grant|response|request|key|hash|algorithm|encoding|data|value|field|column|event|entity|resource|object|target|source|model|node|block|item|doc|document|input|output|param|parameter|attribute|auth|id|external|provider|sub|session|storage|blob|asset|image)Type$/i;

/** Whether a field name says it holds an enum-like value: `status`, `subscriptionTier`, `user_role`. */
export function isEnumLikeName(fieldName: string): boolean {
  return memo(enumLikeCache, fieldName, computeEnumLike);
}

const enumLikeCache = new Map<string, boolean>();

function computeEnumLike(fieldName: string): boolean {
  const w = sharedWords(fieldName);
  if (!w.length) return false;
  const last = w[w.length - 1];
  if (!ENUM_WORDS.has(last)) return false;
  if (NOT_ENUM_NAMES.test(fieldName) || NOT_ENUM_NAMES.test(pascalCase(fieldName).replace(/^./, (c) => c.toLowerCase()))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Money-like fields (float-for-money)

const MONEY_WORDS = new Set([
  'price',
  'amount',
  'cost',
  'balance',
  'total',
  'subtotal',
  'fee',
  'tax',
  'revenue',
  'credit',
  'debit',
  'payout',
  'payment',
  'salary',
  'wage',
  'income',
  'profit',
  'earning',
  'spend',
  'budget',
  'discount',
  'refund',
  'tip',
  'fiat',
  'money',
  'valuation',
  'mrr',
  'arr',
  'ltv',
]);

const CURRENCY_WORDS = new Set(['usd', 'eur', 'gbp', 'jpy', 'cents', 'cent', 'dollar', 'dollars', 'euro', 'euros', 'currency', 'fiat']);

/** Words that turn a money word into something that is not an amount: `taxRate`, `priceId`, `totalCount`. */
const NOT_MONEY_WORDS = new Set([
  'id',
  'ids',
  'rate',
  'ratio',
  'percent',
  'percentage',
  'pct',
  'count',
  'number',
  'num',
  'url',
  'currency',
  'code',
  'name',
  'type',
  'key',
  'at',
  'date',
  'time',
  'version',
  'multiplier',
  'factor',
  'score',
  'token',
  'tokens',
  'bps',
  'per',
  'ms',
  'seconds',
  'cpu',
  'memory',
  'return',
  'roas',
  'roi',
  'similarity',
]);

/**
 * Whether a numeric field name says it holds an amount of money: `price`, `unitPrice`, `totalRevenue`,
 * `depositFee`, `creditsUsd`, `costInCents`. Not: `priceId`, `taxRate`, `totalCount`, `tokenCount`,
 * `machinePresetCentsPerMs` (a rate), `currency`.
 */
export function isMoneyLikeName(fieldName: string): boolean {
  return memo(moneyLikeCache, fieldName, computeMoneyLike);
}

const moneyLikeCache = new Map<string, boolean>();

function computeMoneyLike(fieldName: string): boolean {
  const w = singularWords(fieldName);
  if (!w.length) return false;
  if (w.some((x) => NOT_MONEY_WORDS.has(x))) return false;
  return w.some((x) => MONEY_WORDS.has(x) || CURRENCY_WORDS.has(x));
}

// ---------------------------------------------------------------------------------------------------
// Secret-like fields (plaintext-secret)

/** Word sequences naming a credential (matched longest first: `mfaSecret` is an MFA secret). */
const SECRET_PATTERNS: Array<{ words: string[]; label: string }> = [
  { words: ['password'], label: 'password' },
  { words: ['passwd'], label: 'password' },
  { words: ['passphrase'], label: 'passphrase' },
  { words: ['secret'], label: 'secret' },
  { words: ['token'], label: 'token' },
  { words: ['api', 'key'], label: 'API key' },
  { words: ['apikey'], label: 'API key' },
  { words: ['private', 'key'], label: 'private key' },
  { words: ['privatekey'], label: 'private key' },
  { words: ['secret', 'key'], label: 'secret key' },
  { words: ['access', 'key'], label: 'access key' },
  { words: ['signing', 'key'], label: 'signing key' },
  { words: ['credential'], label: 'credentials' },
  { words: ['pin', 'code'], label: 'PIN' },
  { words: ['otp'], label: 'one-time password' },
  { words: ['totp'], label: 'TOTP seed' },
  { words: ['mfa', 'secret'], label: 'MFA secret' },
].sort((a, b) => b.words.length - a.words.length);

/** The label with its article, as a message says it: `an API key`, `a password`, `credentials`. */
export function withArticle(label: string): string {
  if (label === 'credentials') return label;
  return `${/^(API|MFA|[aeiou])/i.test(label) && !/^one-/i.test(label) ? 'an' : 'a'} ${label}`;
}

/** Words that show the value is protected (or is not the secret itself). */
const PROTECTED_WORDS = new Set([
  'hash',
  'hashed',
  'digest',
  'encrypted',
  'encrypt',
  'encryption',
  'cipher',
  'ciphertext',
  'crypted',
  'bcrypt',
  'argon',
  'argon2',
  'scrypt',
  'sha',
  'sha256',
  'sha512',
  'hmac',
  'salt',
  'iv',
  'nonce',
  'kms',
  'vault',
  'masked',
  'mask',
  'redacted',
  'obfuscated',
  'wrapped',
]);

/** Words before the credential words that make the field a preview, a limit or a flag, not the credential. */
const NOT_SECRET_BEFORE = new Set(['max', 'min', 'num', 'total', 'input', 'output', 'prompt', 'completion', 'public', 'has', 'is', 'use', 'require', 'allow', 'partial', 'display', 'masked', 'obfuscated', 'preview', 'last', 'revoked']);

/**
 * Words that, right before `token`, name an opaque token that grants nothing: pagination and sync
 * cursors (`nextPageToken`, `syncToken`), fencing/lock/concurrency tokens, idempotency and
 * correlation ids, push-notification device addresses (`pushToken`, `fcmToken`). Only the word right
 * before counts: `pageAccessToken` and `fcmApiKey` are credentials.
 */
const OPAQUE_TOKEN_WORDS = new Set(['page', 'cursor', 'continuation', 'pagination', 'sync', 'fencing', 'lock', 'lease', 'concurrency', 'version', 'idempotency', 'correlation', 'push', 'fcm', 'apns', 'expo']);
const PUSH_WORDS = new Set(['push', 'fcm', 'apns', 'expo']);
/** Words that may sit between an opaque-token word and `token`: `fcmDeviceToken`, `pushNotificationToken`. */
const TOKEN_QUALIFIERS = new Set(['device', 'registration', 'notification', 'notifications']);

/** Whether the words before `token` name an opaque token: the word right before, past device/registration/notification. */
function opaqueBefore(before: string[]): boolean {
  let i = before.length - 1;
  while (i >= 0 && TOKEN_QUALIFIERS.has(before[i])) i--;
  return i >= 0 && OPAQUE_TOKEN_WORDS.has(before[i]);
}
const DEVICE_WORDS = new Set(['device', 'subscription', 'registration', 'token']);

/**
 * A model that is itself an opaque token (`MobilePushToken`, `PageToken`) or a push-notification
 * device (`FcmDevice`, `PushSubscription`): its bare `token` field is that token, not a credential.
 */
export function namesOpaqueToken(modelName: string): boolean {
  const w = sharedWords(modelName);
  const last = w[w.length - 1]?.replace(/s$/, '');
  if (last === 'token' && opaqueBefore(w.slice(0, -1))) return true;
  return DEVICE_WORDS.has(last) && w.some((x) => PUSH_WORDS.has(x));
}

/**
 * The credential a `String` field name stores in clear, or null: `password` → 'password',
 * `access_token` → 'token', `apiKey` → 'API key', `twoFactorSecret` → 'secret'. The credential words
 * must end the name: `tokenCount`, `tokenType`, `passwordUpdatedAt`, `resetTokenExpiresAt`, `apiKeyId`,
 * `tokenUrl`, `secretProvisioning` are metadata about a credential. Null for `passwordHash`,
 * `encryptedToken`, `hashedKey`, `partialToken`, `displaySecretKey`, `maxTokens`.
 */
export function secretLabelOf(fieldName: string): string | null {
  return memo(secretLabelCache, fieldName, computeSecretLabel);
}

const secretLabelCache = new Map<string, string | null>();

/**
 * Credential words that may end a lower-case word run together (`refreshtoken`, `mfasecret`,
 * `openaiapikey`: PostgreSQL folds unquoted names, Mattermost writes them so), longest first, with the
 * words they stand for. `tokenizer`, `secretary`, `passwordless` do not end with one.
 */
const RUN_TOGETHER: Array<[string, string[]]> = (
  [
    ['privatekey', ['privatekey']],
    ['signingkey', ['signing', 'key']],
    ['credentials', ['credentials']],
    ['passphrase', ['passphrase']],
    ['credential', ['credential']],
    ['accesskey', ['access', 'key']],
    ['secretkey', ['secret', 'key']],
    ['password', ['password']],
    ['apikey', ['apikey']],
    ['passwd', ['passwd']],
    ['secret', ['secret']],
    ['token', ['token']],
    ['totp', ['totp']],
    ['otp', ['otp']],
  ] as Array<[string, string[]]>
).sort((a, b) => b[0].length - a[0].length);

/** Words recognised at the end of the rest of a run-together name (`nextpage` → next, page; `maxtoken`). */
const PREFIX_WORDS = new Set(['mfa', 'api', 'private', 'secret', 'access', 'signing', 'refresh', 'reset', 'verification', 'page']);

/**
 * A run-together lower-case last word split into words: `refreshtoken` → refresh, token;
 * `nextpagetoken` → next, page, token. Words of the rest are peeled off its end when they are known
 * (four letters at least, so `adminpassword` keeps `admin`); the rest as a whole may be any known word
 * (`maxtoken` → max, token).
 */
function splitRunTogether(word: string): string[] | null {
  if (!/^[a-z]+$/.test(word)) return null;
  for (const [suffix, sw] of RUN_TOGETHER) {
    if (word === suffix && sw.length === 1) return null; // a word of its own (`totp`, not t + otp)
    if (!word.endsWith(suffix)) continue;
    let rest = word.slice(0, -suffix.length);
    const known = (x: string) => PREFIX_WORDS.has(x) || NOT_SECRET_BEFORE.has(x) || PROTECTED_WORDS.has(x) || OPAQUE_TOKEN_WORDS.has(x) || TOKEN_QUALIFIERS.has(x);
    const head: string[] = [];
    while (rest && !known(rest)) {
      let peeled = '';
      for (let n = rest.length - 1; n >= 4; n--) {
        const tail = rest.slice(rest.length - n);
        if (known(tail)) {
          peeled = tail;
          break;
        }
      }
      if (!peeled) break;
      head.unshift(peeled);
      rest = rest.slice(0, -peeled.length);
    }
    return [...(rest ? [rest] : []), ...head, ...sw];
  }
  return null;
}

/** The words of a name with a run-together credential word split (`smtppassword` → smtp, password). */
export function credentialWords(name: string): string[] {
  const w = wordsOf(name);
  const split = w.length ? splitRunTogether(w[w.length - 1]) : null;
  return split ? [...w.slice(0, -1), ...split] : w;
}

function computeSecretLabel(fieldName: string): string | null {
  let w = sharedWords(fieldName);
  if (!w.length) return null;
  const split = splitRunTogether(w[w.length - 1]);
  if (split) {
    w = [...w.slice(0, -1), ...split];
    // `hashedrefreshtoken`, `tokenencrypted…`: a protection word inside the run counts too.
    if (split.some((x) => [...PROTECTED_WORDS].some((p) => p.length >= 4 && x.includes(p)))) return null;
  }
  if (w.some((x) => PROTECTED_WORDS.has(x))) return null;
  for (const p of SECRET_PATTERNS) {
    const n = p.words.length;
    if (n > w.length) continue;
    const tail = w.slice(w.length - n);
    if (!p.words.every((pw, j) => tail[j] === pw || (pw !== 'key' && tail[j] === pw + 's' && p.words.length === 1 && pw !== 'token'))) continue;
    const before = w.slice(0, w.length - n);
    if (before.some((x) => NOT_SECRET_BEFORE.has(x))) return null;
    if (p.label === 'token' && opaqueBefore(before)) return null;
    return p.label;
  }
  return null;
}

/** Whether comments say the value is hashed or encrypted (`// bcrypt hash`, `/// AES-256-GCM encrypted`). */
export function commentsShowProtection(comments: string[]): boolean {
  return comments.some((c) => /\b(hash(ed|es)?|digest|encrypt(ed|ion)?|cipher(text)?|bcrypt|argon2?|scrypt|sha-?(1|256|512)|hmac|kms|vault|secret ?store|secretreference|reference to)\b/i.test(c));
}

// ---------------------------------------------------------------------------------------------------
// Value lists in comments (string-enum-candidate, enum-drift)

export interface CommentValues {
  values: string[];
  /** False when the list says it is open-ended (`etc`, `...`, `e.g.` with commas). */
  complete: boolean;
  /** Why the list is not complete: it ends with `etc`/`...`, or it gives examples (`e.g. 'openai' or 'anthropic'`). */
  openReason?: 'etc' | 'examples';
  /** The comment text the values came from. */
  comment: string;
}

const QUOTED = /^(?:'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`)/;
const BARE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*/;
const SEP = /^\s*(\||,\s*or\b|,|\/|\bor\b)\s*/i;
const OPEN_ENDED = /^\s*(?:\||,|\/|\bor\b)?\s*(?:etc\b\.?|\.{2,}|…)/i;
const EXAMPLE_MARK = 'EXAMPLES_FOLLOW';
const EXAMPLE_PREFIX = /(?:EXAMPLES_FOLLOW|\bfor example|\bsuch as|\blike)[\s,:]*$/;
const PAREN = /^\s*\([^()\n]*\)/;
const NOT_VALUE_WORDS = new Set(['null', 'undefined', 'none', 'if', 'the', 'a', 'an', 'is', 'are', 'to', 'of', 'for', 'and', 'with', 'when', 'this', 'that']);

interface Run {
  values: string[];
  seps: string[];
  quoted: boolean;
  start: number;
  end: number;
  /** The end of the run with its open-ended mark (`, etc.`, `...`), if any. */
  tail: number;
  openEnded: boolean;
}

function readItem(text: string, at: number): { value: string; quoted: boolean; end: number } | null {
  const rest = text.slice(at);
  const q = QUOTED.exec(rest);
  if (q) return { value: q[1] ?? q[2] ?? q[3] ?? '', quoted: true, end: at + q[0].length };
  const b = BARE.exec(rest);
  if (b) {
    const v = b[0].replace(/[.:]+$/, '');
    if (v === EXAMPLE_MARK) return null;
    return { value: v, quoted: false, end: at + v.length };
  }
  return null;
}

function runsIn(text: string): Run[] {
  const runs: Run[] = [];
  let i = 0;
  while (i < text.length) {
    const prev = i > 0 ? text[i - 1] : ' ';
    if (/[A-Za-z0-9_]/.test(prev) && /[A-Za-z0-9_]/.test(text[i])) {
      i++;
      continue;
    }
    const first = readItem(text, i);
    if (!first) {
      i++;
      continue;
    }
    const run: Run = { values: [first.value], seps: [], quoted: first.quoted, start: i, end: first.end, tail: first.end, openEnded: false };
    let pos = first.end;
    // Where the last value starts and where the run ended before it (a run is cut there when slashes follow commas).
    let lastStart = i;
    let endBeforeLast = first.end;
    let restartAt = -1;
    for (;;) {
      const paren = PAREN.exec(text.slice(pos));
      const afterParen = paren ? pos + paren[0].length : pos;
      const open = OPEN_ENDED.exec(text.slice(afterParen));
      if (open) {
        run.openEnded = true;
        run.tail = afterParen + open[0].length;
        break;
      }
      const sep = SEP.exec(text.slice(afterParen));
      if (!sep) break;
      const next = readItem(text, afterParen + sep[0].length);
      if (!next) break;
      const s = sep[1].toLowerCase().replace(/\s+/g, ' ');
      // Slashes bind tighter than commas: `subscription.status, active/past_due/canceled` is a label and
      // the list `active/past_due/canceled`; `monthly/yearly, in days` is the list `monthly/yearly`.
      if (run.seps.length && (s === '/') !== (run.seps[0] === '/')) {
        if (s === '/') {
          run.values.pop();
          run.seps.pop();
          run.end = run.tail = endBeforeLast;
          restartAt = lastStart;
        }
        break;
      }
      endBeforeLast = run.end;
      lastStart = afterParen + sep[0].length;
      run.values.push(next.value);
      run.seps.push(s);
      run.quoted = run.quoted || next.quoted;
      run.end = run.tail = next.end;
      pos = next.end;
    }
    runs.push(run);
    i = restartAt > i ? restartAt : Math.max(run.end, i + 1);
  }
  return runs;
}

/** Whether any item of the run is a bare word (not quoted). */
function runsHaveBare(text: string, run: Run): boolean {
  let pos = run.start;
  for (let k = 0; k < run.values.length; k++) {
    while (pos < run.end && !/['"`A-Za-z_]/.test(text[pos])) pos++;
    if (!/['"`]/.test(text[pos])) return true;
    const item = readItem(text, pos);
    if (!item) return true;
    pos = item.end;
    const paren = PAREN.exec(text.slice(pos));
    if (paren) pos += paren[0].length;
    // The separator (`or` is a word, not a bare item).
    const sep = SEP.exec(text.slice(pos));
    if (sep) pos += sep[0].length;
  }
  return false;
}

function isValueLike(v: string): boolean {
  return v.length > 0 && v.length <= 40 && !/\s/.test(v) && !NOT_VALUE_WORDS.has(v.toLowerCase());
}

/**
 * Finds a list of allowed values in comments: `'user' | 'admin'`, `"generation", "purchase"`,
 * `draft, scheduled, published, failed` (a whole comment or clause), `draft|pending|approved`,
 * `e.g. ACTIVE or INACTIVE`. Returns the longest list of at least two values, or null.
 * `enumLikeName`: the field or column is named like an enum (`type`, `status`), so examples joined by
 * commas are example values (`type String // e.g., "like", "dislike", "love", etc.`).
 */
export function valuesFromComments(comments: string[], enumLikeName = false): CommentValues | null {
  if (comments.length === 0) return null;
  // Memoised by the comments' texts (the result is a fresh copy).
  const r =
    comments.length === 1 && !enumLikeName
      ? memo(valuesCache, comments[0], () => computeValuesFromComments(comments, false))
      : memo(valuesListCache, JSON.stringify([enumLikeName, comments]), () => computeValuesFromComments(comments, enumLikeName));
  return r ? { ...r, values: r.values.slice() } : null;
}

const valuesCache = new Map<string, CommentValues | null>();
const valuesListCache = new Map<string, CommentValues | null>();

function computeValuesFromComments(comments: string[], enumLikeName: boolean): CommentValues | null {
  let best: CommentValues | null = null;
  for (const comment of comments) {
    // Clauses: the comment is split at sentence ends and colons so `Lifecycle: a|b|c. Validated …` works.
    const text = comment.replace(/\be\.g\.?,?/gi, EXAMPLE_MARK).replace(/\bi\.e\.?,?/gi, '');
    const clauses = text.split(/(?<=[.;:!?])\s+|\s+[—–]\s+|\s+-\s+/);
    for (const clause of clauses) {
      // A final `.` or `;` ends the sentence; `...` says the list goes on.
      const trimmed = clause.trim().replace(/(?<!\.)[.;]$/, '');
      for (const run of runsIn(trimmed)) {
        if (run.values.length < 2) continue;
        if (!run.values.every(isValueLike)) continue;
        if (new Set(run.values).size !== run.values.length) continue;
        const pipes = run.seps.every((s) => s === '|');
        const allQuoted = run.quoted && !runsHaveBare(trimmed, run);
        const before = trimmed.slice(0, run.start);
        const after = trimmed.slice(run.tail).replace(/^\s*\([^()]*\)\s*/, '').trim();
        const example = EXAMPLE_PREFIX.test(before);
        const slashes = run.seps.every((s) => s === '/');
        if (!allQuoted && !pipes) {
          // Bare words separated by commas, slashes or "or": only a list that is the whole clause
          // (optionally after a `label:`, `e.g.`, or for slashes a one-word `label,`), e.g.
          // `// draft, scheduled, published, failed`, `// subscription.status, active/past_due/canceled`.
          const prefixOk =
            before.trim() === '' ||
            /:\s*$/.test(before) ||
            example ||
            /^(one of|values?|possible values?|either|can be|allowed)\b/i.test(before.trim()) ||
            (slashes && /^[\w.]+\s*,\s*$/.test(before));
          if (!prefixOk || (after !== '' && !/^\(.*\)$/.test(after))) continue;
          // Two words are a list only when they are the whole comment (`// yearly/monthly` over
          // `recurring`), not a phrase of it ("Who received/returned the items").
          const whole = clauses.length === 1 && before.trim() === '' && after === '' && run.values.every((v) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(v));
          if (run.seps.includes('/') && run.values.length < 3 && !(whole && slashes)) continue;
          // Plain prose ("read, write") has lower-case words too; require value-like spelling or 3+ items.
          if (run.values.length < 3 && !run.values.every((v) => /^[A-Z0-9_]+$/.test(v) || /_|-/.test(v)) && !example && !(whole && slashes)) continue;
        }
        // Examples joined by commas are examples of free text (`e.g. "referrers", "entry-pages"`), unless
        // the field's name or the comment says they are values of a status, type, … (`Stripe status (e.g.,
        // 'active', 'trialing')`) and they are words (`Period like "7d", "24h", etc.` is a format).
        if (example && run.seps.some((s) => s === ',') && !((enumLikeName || splitWords(before).some((w) => ENUM_WORDS.has(w))) && run.values.every((v) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(v)))) continue;
        const openReason = run.openEnded ? ('etc' as const) : example ? ('examples' as const) : undefined;
        if (!best || run.values.length > best.values.length) best = { values: run.values, complete: !openReason, ...(openReason ? { openReason } : {}), comment };
      }
    }
  }
  return best;
}

/**
 * A field's own comments: `///` docs, `//` lines directly above, and its trailing comment — without the
 * previous member's trailing comment (which the parser also hands to the next field as a leading one).
 */
export function ownComments(field: Field): string[] {
  const decl = field.decl;
  // Most fields have no comments at all.
  if (decl.docs.length === 0 && decl.leadingComments.length === 0 && !decl.trailingComment) return [];
  let out = ownCommentsCache.get(field);
  if (!out) ownCommentsCache.set(field, (out = computeOwnComments(field)));
  return out.slice();
}

/**
 * The comments of the group a field without comments of its own belongs to: the fields on the lines
 * right above it (no blank line, no comment in between) up to one with comments above it, whose
 * comments then head the group (`// Encrypted with KMS` over `accessToken` and `refreshToken`).
 * Its trailing comment is about that field alone.
 */
export function groupComments(field: Field): string[] {
  const lines = field.file.lines;
  const members = field.model.block.members;
  let i = members.indexOf(field.decl);
  if (i < 0 || field.decl.docs.length || field.decl.leadingComments.length) return [];
  while (i > 0) {
    const prev = members[i - 1];
    if (prev.kind !== 'field' || lines.positionAt(members[i].lineSpan.start).line !== lines.positionAt(prev.lineSpan.end).line + 1) return [];
    i--;
    if (prev.docs.length || prev.leadingComments.length) {
      const head = field.model.fields.find((f) => f.decl === prev);
      return head ? ownComments(head).filter((c) => c !== prev.trailingComment?.text.trim()) : [];
    }
  }
  return [];
}

/** Per field (a schema is rebuilt on every audit, so entries die with it). */
const ownCommentsCache = new WeakMap<Field, string[]>();

function computeOwnComments(field: Field): string[] {
  const decl = field.decl;
  const lines = field.file.lines;
  const members = field.model.block.members;
  const idx = members.indexOf(decl);
  const prev = idx > 0 ? members[idx - 1] : null;
  const prevLine = prev ? lines.positionAt(prev.lineSpan.end).line : -1;
  const prevTrailing = prev && 'trailingComment' in prev ? prev.trailingComment : null;
  const out: string[] = [];
  const add = (c: Comment | null | undefined) => {
    if (!c) return;
    if (prevTrailing && c.span.start === prevTrailing.span.start) return;
    if (lines.positionAt(c.span.start).line === prevLine) return;
    const t = c.text.trim();
    if (t) out.push(t);
  };
  for (const c of decl.docs) add(c);
  for (const c of decl.leadingComments) add(c);
  add(decl.trailingComment);
  return out;
}

/** `a User`, `an Organization`, `an Invoice`, `a UserProfile`, `a Unit`. */
export function aOrAn(name: string): string {
  const vowelSound = /^[AEIOUaeiou]/.test(name) && !/^(us|uni|uti|ur|eu|one)/i.test(name);
  return `${vowelSound ? 'an' : 'a'} ${name}`;
}
