// Which key names hold secrets: one classifier shared by every key/value syntax (JSON, YAML, env, logfmt, ini, flags).

/**
 * Keys whose values are references or settings, not secrets (`secretName`, `tokenFile`,
 * `credentialsFile`, `secretKeyRef`): keeping them readable keeps the diagnosis readable.
 * Tested against the normalized key (lower case, letters and digits only).
 */
const NOT_SECRET_SUFFIX =
  /(?:name|names|ref|keyref|namespace|file|path|dir|type|kind|mode|version|selector|count|length|size|provider|enabled|required|expiry|expiration|expires|expiresat|ttl|url|uri|endpoint|template|policy|format|label|labels|annotations|source|sources|store|location|algorithm|fingerprint|set|present|exists|configured|status|phase|reason|message|msg|error|field|fields|header|prefix|suffix|rotation|duration|timeout|period|length|lifetime|age)$/;

/** Ordered: the first rule whose pattern matches the normalized key names the redactor. */
const KEY_RULES: readonly (readonly [RegExp, string])[] = [
  [/(?:secretaccesskey|awssecretkey)$/, 'aws-secret-access-key'],
  [/accesskeyid$/, 'aws-access-key-id'],
  [/(?:sessiontoken|securitytoken)$/, 'aws-session-token'],
  [/(?:storageaccountaccesskey|storageaccountkey|accountkey|storagekey|sharedkey|sharedaccesskey|sharedaccesssignature|sastoken)$/, 'azure-storage-key'],
  [/clientsecret$/, 'client-secret'],
  [/^privatekeyid$/, 'gcp-private-key-id'],
  [/privatekey$/, 'private-key'],
  [/^(?:clientkeydata|clientkey|clientkeypem)$/, 'kubeconfig-client-key'],
  [/(?:restic|kopia|repository|repo)(?:password|passwd|passphrase)$/, 'repository-password'],
  [/registry\w*(?:password|passwd)$|^(?:registrypassword|dockerpassword)$/, 'registry-password'],
  [/(?:licenseid|licensekey)$/, 'kots-license-id'],
  [/password|passwd|passphrase|pwd$/, 'password'],
  [/tokens?$/, 'token'],
  [/apikey$|apisecret$|^xapikey$/, 'api-key'],
  [/secret$|^secret$|^secretkey$|secretvalue$/, 'secret'],
  [/^(?:auth|authorization|proxyauthorization|credential|credentials|certkey|encryptionkey|signingkey|hmackey|masterkey|sig|signature|xamzsignature|xamzcredential|xgoogsignature|xgoogcredential)$/, 'credential'],
];

/**
 * Environment variables and command-line flags named for a secret (`SESSION_KEY`, `API_ENCRYPTION_KEY`,
 * `--encryption-key`): upper-case snake or kebab names only, so that log fields such as `object_key` or a
 * Secret's `key: cloud` stay readable.
 */
const SECRET_ENV_NAME = /^[A-Z][A-Z0-9_]*_(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS)$/;
const SECRET_FLAG_NAME = /^-{0,2}[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:key|secret|token|password|passwd|passphrase|credentials)$/;

const cache = new Map<string, string | null>();

/** The redactor responsible for a key's value, or null when the key is not secret. */
export function classifyKey(key: string): string | null {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  let result: string | null = null;
  // `--no-secret`, `--no-default-token`: a boolean flag turning something off, never followed by its value.
  if (normalized && !NOT_SECRET_SUFFIX.test(normalized) && !/^-{0,2}no-/.test(key)) {
    for (const [pattern, name] of KEY_RULES) {
      if (pattern.test(normalized)) {
        result = name;
        break;
      }
    }
    if (!result && (SECRET_ENV_NAME.test(key) || SECRET_FLAG_NAME.test(key))) result = 'secret-name';
  }
  // Bounded: hostile input may carry millions of distinct keys.
  if (cache.size > 10_000) cache.clear();
  cache.set(key, result);
  return result;
}

/**
 * An absolute path of lower-case segments (`/credentials/cloud`, what GOOGLE_APPLICATION_CREDENTIALS
 * holds): a file name, not its contents. Base64 and generated secrets have upper case, `+` or `=`.
 */
const FILE_PATH = /^\/[a-z0-9._-]+(?:\/[a-z0-9._-]+)+\/?$/;

/** Values that are no secret whatever their key says (flags, placeholders, references, file paths, our own mask). */
export function isPlaceholderValue(value: string, mask: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (v.includes(mask)) return true;
  if (FILE_PATH.test(v)) return true;
  return /^(?:true|false|null|nil|<nil>|none|~|yes|no|on|off|\*+|<set to the key .*|<hidden>|<redacted>|redacted|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{.*\}\}|\{\}|\[\])$/i.test(v);
}
