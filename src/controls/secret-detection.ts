/**
 * Finds credentials in plain text the way secret scanners do (detect-secrets, gitleaks, the
 * detectors Checkov and Prowler run): known key formats anywhere in a value, and, for a value
 * assigned to a name that says "password", "token", "api key" ..., a value that looks random
 * rather than like a reference or a placeholder.
 *
 * Every function returns only the *kind* of secret found (`AWS access key ID`, `password`) and
 * where (an index, a flag name): never the value or a part of it, so callers cannot leak one
 * into a message, note or report.
 */

/** A known credential format: its kind, for humans, and the pattern that finds it anywhere in a text. */
interface KnownFormat {
  kind: string;
  pattern: RegExp;
}

/** Formats with a recognisable shape, from the providers' documentation of their key formats. */
const KNOWN_FORMATS: readonly KnownFormat[] = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  // AKIA: long-term IAM user keys; ASIA: temporary (STS) keys; ABIA, ACCA: other AWS access keys. AIDA, AROA ... are IDs, not credentials.
  { kind: 'AWS access key ID', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  { kind: 'GitHub token', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'GitLab token', pattern: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}/ },
  { kind: 'Slack token', pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]{16,}/ },
  { kind: 'Stripe live key', pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}/ },
  { kind: 'Google API key', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/ },
  { kind: 'SendGrid API key', pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/ },
  { kind: 'npm token', pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/ },
  { kind: 'JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  // user:password@ in a URL, unless the password is a placeholder (${VAR}, $VAR, {{...}}, <...>, ***).
  { kind: 'password in a URL', pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:(?![$<{*%])[^\s@/]{3,}@[^\s@]/i },
  { kind: 'HTTP authorization credential', pattern: /\b(?:Bearer|Basic)\s+(?![$<{])[A-Za-z0-9._~+/-]{20,}=*/ },
];

/** `a password`, `an API key`, `an npm token`: a kind with its indefinite article, for messages. */
export function withArticle(kind: string): string {
  return `${/^([aeiou]|npm\b|HTTP\b|SSH\b)/i.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * One cheap pass for the fixed text every known format starts with: most values (`info`,
 * `eu-west-1`, image names) have none, and then no format pattern needs to run.
 */
const ANCHORS = /-----BEGIN|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack\.com|k_live_|AIza|SG\.|npm_|eyJ|:\/\/|Bearer|Basic/i;

/** The kind of the first known credential format found anywhere in `text`, or null. */
export function knownSecretIn(text: string): string | null {
  if (!ANCHORS.test(text)) return null;
  return knownSecretInAnchored(text);
}

const knownSecretInAnchored = memo((text: string): string | null => {
  for (const f of KNOWN_FORMATS) if (f.pattern.test(text)) return f.kind;
  return null;
});

/** The lower-case words of a name: `DB_PASSWORD` → db, password; `apiKey` → api, key; `splunk-token` → splunk, token. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Words that make a name a credential wherever they stand, and the kind they name. */
const CREDENTIAL_WORDS: Readonly<Record<string, string>> = {
  password: 'password', passwd: 'password', pwd: 'password', passphrase: 'password',
  secret: 'secret', secrets: 'secret', clientsecret: 'secret', secretkey: 'secret key',
  token: 'token', tokens: 'token', authtoken: 'token', accesstoken: 'token', apitoken: 'token',
  apikey: 'API key', accesskey: 'access key', privatekey: 'private key',
  credential: 'credential', credentials: 'credential',
};

/** Two-word spellings of the same (`api_key`, `PRIVATE-KEY`), by their first word, when the second is `key`. */
const KEY_PREFIXES: Readonly<Record<string, string>> = {
  api: 'API key', access: 'access key', secret: 'secret key', private: 'private key', signing: 'signing key',
  encryption: 'encryption key', master: 'master key', license: 'license key', app: 'app key', client: 'client key',
};

/**
 * Last words that make a name describe *about* a credential rather than hold one: `SECRET_ARN`,
 * `PASSWORD_FILE`, `TOKEN_TTL`, `API_KEY_HEADER`, `SECRET_NAME` ...
 */
const NOT_A_VALUE = new Set([
  'arn', 'arns', 'file', 'files', 'path', 'paths', 'dir', 'directory', 'url', 'uri', 'endpoint', 'host', 'port', 'name', 'names',
  'id', 'ids', 'length', 'len', 'ttl', 'timeout', 'expiry', 'expires', 'expiration', 'lifetime', 'enabled', 'enable', 'disabled',
  'required', 'region', 'version', 'type', 'header', 'param', 'parameter', 'ref', 'policy', 'rotation', 'min', 'max', 'count',
  'size', 'location', 'user', 'username', 'mode', 'algorithm', 'algo', 'prefix', 'suffix', 'format', 'bucket', 'store', 'vault',
  'provider', 'source', 'kind', 'env', 'var', 'field', 'hash', 'salt', 'rounds', 'cost', 'hint', 'pattern',
  'regex', 'complexity', 'reset', 'changed', 'age', 'interval', 'refresh', 'audience', 'issuer', 'scope', 'scopes',
]);

/**
 * Remembers a pure function's answers for the strings it sees most (variable names and values
 * repeat across task definitions); bounded so a scan of unique strings does not grow it forever.
 */
function memo<T>(fn: (s: string) => T): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    const hit = cache.get(s);
    if (hit !== undefined || cache.has(s)) return hit as T;
    const v = fn(s);
    if (cache.size > 20_000) cache.clear();
    cache.set(s, v);
    return v;
  };
}

/** The credential a name announces (`password`, `API key` ...), or null. */
export const credentialKindOfName: (name: string) => string | null = memo(credentialKindOfNameUncached);

function credentialKindOfNameUncached(name: string): string | null {
  const w = words(name);
  if (w.length === 0) return null;
  const last = w[w.length - 1];
  if (NOT_A_VALUE.has(last)) return null;
  if (last === 'key' && w.length >= 2 && KEY_PREFIXES[w[w.length - 2]]) return KEY_PREFIXES[w[w.length - 2]];
  for (const word of w) if (CREDENTIAL_WORDS[word]) return CREDENTIAL_WORDS[word];
  if (last === 'pass') return 'password';
  // A bare `..._KEY` (STRIPE_KEY, SENDGRID_KEY) is a credential only when its value is clearly random; see weakCredentialName.
  return null;
}

/** Names ending in `key` or `auth` that hold a credential only when the value is clearly random (`STRIPE_KEY`, not `CACHE_KEY=users`). */
const weakCredentialName = memo((name: string): boolean => {
  const w = words(name);
  const last = w[w.length - 1];
  return last === 'key' || last === 'auth' || last === 'dsn';
});

/** Shannon entropy of `s` in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Whether a value assigned to a credential name looks like a real secret rather than a reference,
 * a placeholder or a setting: at least 8 characters, no whitespace, not an ARN, path, URL without
 * credentials, number, boolean or variable reference, and not repetitive (its entropy at least 85%
 * of the most a value of its length can have, capped at 3 bits per character).
 * `strict` asks for a clearly random value (16+ characters, letters and digits, 3.5 bits).
 */
export function looksLikeSecretValue(value: string, strict = false): boolean {
  const v = value.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (v.length < (strict ? 16 : 8) || /\s/.test(v)) return false;
  if (/^(arn:|https?:\/\/|s3:\/\/|file:|\/|\.\.?\/|~\/|[A-Za-z]:\\)/i.test(v)) return false;
  if (/^(ssm|secretsmanager|vault|awskms|kms|aws-?secrets?):/i.test(v)) return false;
  if (/^\$\{?[A-Za-z_]|^\{\{.*\}\}$|^<.*>$|^%[A-Za-z_]+%$|^\*+$/.test(v)) return false;
  if (/^(true|false|yes|no|on|off|null|none|nil|undefined)$/i.test(v)) return false;
  if (/^[-+]?\d+(\.\d+)?$/.test(v)) return false;
  const h = entropy(v);
  if (strict) return /[A-Za-z]/.test(v) && /\d/.test(v) && h >= 3.5;
  return h >= Math.min(3, Math.log2(v.length)) * 0.85;
}

/**
 * The kind of secret that `value` holds when assigned to `name` (an environment variable, a
 * label, a log option, a `--flag=`), or null: a known format anywhere in the value, else a
 * credential name with a value that looks like a real secret. `name` null: formats only.
 */
export function secretOfAssignment(name: string | null, value: string): string | null {
  const known = knownSecretIn(value);
  if (known) return known;
  if (name === null) return null;
  const kind = credentialKindOfName(name);
  if (kind) return looksLikeSecretValue(value) ? kind : null;
  if (weakCredentialName(name) && looksLikeSecretValue(value, true)) return 'key';
  return null;
}

/** Whether an unknown value assigned to `name` could decide a verdict: the name announces a credential. */
export function isCredentialName(name: string): boolean {
  return credentialKindOfName(name) !== null;
}

/** A secret found in a list of command-line arguments. */
export interface ArgumentSecret {
  /** Index of the argument that holds the value. */
  index: number;
  kind: string;
  /** The flag or variable name it was assigned to (`--db-password`, `API_TOKEN`), when there is one. */
  via: string | null;
}

/** A flag that takes a value: `--password`, `-token`, `--api-key`. */
const FLAG = /^-{1,2}([A-Za-z][\w.-]*)$/;
/** `--password=VALUE`, `-p=VALUE`, or a shell assignment `DB_PASSWORD=VALUE`. */
const ASSIGNMENT = /^(-{1,2}[A-Za-z][\w.-]*|[A-Za-z_][A-Za-z0-9_]*)=(.+)$/s;

/** Splits a shell-ish argument into words, keeping quoted strings together (quotes removed). */
const shellWords = memo(shellWordsUncached);

function shellWordsUncached(arg: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s'"]+|'[^']*'|"(?:\\.|[^"\\])*")+/g;
  for (const m of arg.match(re) ?? []) out.push(m.replace(/'([^']*)'|"((?:\\.|[^"\\])*)"/g, (_x, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return out;
}

/**
 * Secrets in a command line (`command`, `entryPoint`, `healthCheck.command`): known formats in any
 * argument, `--flag=value` and `NAME=value` words whose name announces a credential, and a
 * credential flag followed by its value (in the same argument, as in `sh -c "... --password x"`,
 * or in the next one). `unknown` lists the arguments that are not known (null) and follow a
 * credential flag, which could decide the verdict.
 */
export function secretsInArguments(args: readonly (string | null)[]): { found: ArgumentSecret[]; unknownAfterFlag: { index: number; via: string }[] } {
  const found: ArgumentSecret[] = [];
  const unknownAfterFlag: { index: number; via: string }[] = [];
  // A credential flag whose value is the next word, possibly in the next argument.
  let pending: string | null = null;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === null) {
      if (pending) unknownAfterFlag.push({ index, via: pending });
      pending = null;
      continue;
    }
    const known = knownSecretIn(arg);
    let hit: ArgumentSecret | null = known ? { index, kind: known, via: null } : null;
    for (const w of shellWords(arg)) {
      if (pending !== null) {
        const flag: string = pending;
        pending = null;
        const kind = hit ? null : secretOfAssignment(flag, w);
        if (kind) hit = { index, kind, via: flag };
        continue;
      }
      const a = ASSIGNMENT.exec(w);
      if (a) {
        const kind = hit ? null : secretOfAssignment(a[1], a[2]);
        if (kind) hit = { index, kind, via: a[1] };
        continue;
      }
      const f = FLAG.exec(w);
      if (f && isCredentialName(f[1])) pending = w;
    }
    if (hit) found.push(hit);
  }
  return { found, unknownAfterFlag };
}
