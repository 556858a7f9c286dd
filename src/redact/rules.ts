// The default redactors: secrets found by their shape (key ids, JWTs, PEM blocks, URL credentials) and by the key that holds them.

export const MASK = '***HIDDEN***';

/** A redactor that finds secrets by their shape anywhere in a line; `v` (or the whole match) is masked. */
export interface ShapeRule {
  name: string;
  description: string;
  /** Global, with indices (`dg`). */
  regex: RegExp;
  /** A cheap test a line must pass before the regex runs. */
  hint: (line: string) => boolean;
  /** An extra check on the masked text (fewer false positives than a longer regex). */
  accept?: (value: string) => boolean;
}

export const SHAPE_RULES: readonly ShapeRule[] = [
  {
    name: 'aws-access-key-id',
    description: 'AWS access key ids (AKIA… long-term, ASIA… temporary) wherever they appear',
    regex: /(?<![A-Za-z0-9])(?<v>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])/dg,
    hint: (l) => l.includes('AKIA') || l.includes('ASIA'),
  },
  {
    name: 'jwt',
    description: 'JSON Web Tokens (service-account tokens, OIDC id tokens)',
    regex: /(?<![A-Za-z0-9_-])(?<v>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/dg,
    hint: (l) => l.includes('eyJ'),
  },
  {
    name: 'bearer-token',
    description: 'the token after "Bearer" (HTTP Authorization headers, curl command lines)',
    regex: /\b[Bb](?:earer|EARER)\s+(?<v>[A-Za-z0-9._~+/-]{8,}=*)/dg,
    hint: (l) => /bearer/i.test(l),
  },
  {
    name: 'url-credentials',
    description: 'the password in scheme://user:password@host URLs (object stores, databases, proxies)',
    regex: /\b[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/?#@"'\\]*:(?<v>[^\s@/"'\\]+)@/dg,
    hint: (l) => l.includes('://'),
  },
  {
    name: 'url-credentials',
    description: 'the password in user:password@tcp(host:port)/db MySQL DSNs',
    regex: /(?<![^\s"'=])[^\s:@"'/=]+:(?<v>[^\s@"']+)@tcp\(/dg,
    hint: (l) => l.includes('@tcp('),
  },
  {
    name: 'presigned-url',
    description: 'the signature, credential and security token of pre-signed object-store URLs (AWS, GCS, Azure SAS)',
    // Query parameters after ?, &, ;, or & escaped as \u0026 (Go's JSON), %26 or &amp;; the value ends at the next separator.
    regex:
      /(?:(?<![A-Za-z0-9_])|(?<=\\u0026)|(?<=%26))(?:X-Amz-(?:Signature|Credential|Security-Token)|X-Goog-(?:Signature|Credential)|Signature|sig)=(?<v>[^&\s"'\\<>#,;]+)/dgi,
    hint: (l) => /sig(?:nature)?=|x-(?:amz|goog)-(?:credential|security)/i.test(l),
  },
  {
    name: 'pem-private-key',
    description: 'PEM private key blocks written on one line (escaped \\n)',
    // A block ends at its END, or where the next block begins: a value that could run over later BEGINs
    // would be searched again from each of them, quadratic in a line of many.
    regex:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?<v>(?:(?!-----(?:BEGIN|END) (?:[A-Z0-9]+ )*PRIVATE KEY).)*?)(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|(?=-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY))/dg,
    hint: (l) => l.includes('PRIVATE KEY'),
  },
];

/** A 40-character AWS secret access key beside an access key id on the same line. */
export const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

export function looksLikeAwsSecret(value: string): boolean {
  // Mixed case rules out hex digests (sha1, git commits, request ids), which share the length.
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9/+]/.test(value);
}

export const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
export const PEM_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/** Descriptions of every redactor name the engine reports, for redactions.json and the README. */
export const REDACTOR_DESCRIPTIONS: Record<string, string> = {
  'aws-access-key-id': 'AWS access key ids, by shape (AKIA…/ASIA…) and by key name (aws_access_key_id, AWS_ACCESS_KEY_ID, accessKeyId)',
  'aws-secret-access-key': 'AWS secret access keys by key name, and 40-character keys beside an access key id',
  'aws-session-token': 'AWS session and security tokens (AWS_SESSION_TOKEN, X-Amz-Security-Token)',
  'azure-storage-key': 'Azure storage account keys (AZURE_STORAGE_ACCOUNT_ACCESS_KEY, AccountKey= in connection strings, SAS tokens)',
  'client-secret': 'OAuth / Azure service-principal client secrets (AZURE_CLIENT_SECRET, client-secret, clientSecret)',
  'gcp-private-key-id': 'the private_key_id of a GCP service-account JSON key',
  'private-key': 'private_key fields (GCP service-account JSON, also escaped inside JSON strings)',
  'pem-private-key': 'PEM private key blocks (-----BEGIN … PRIVATE KEY----- to -----END …), multi-line or escaped',
  'kubeconfig-client-key': 'kubeconfig client-key-data',
  'repository-password': 'restic / kopia repository passwords (RESTIC_PASSWORD, KOPIA_PASSWORD, repository-password)',
  'registry-password': 'container registry passwords (KOTS registry settings, --registry-password)',
  'kots-license-id': 'KOTS license ids (licenseID, license_id)',
  password: 'any other password, passwd, passphrase or pwd value',
  token: 'any other token value (kubeconfig token:, bootstrap tokens, access and refresh tokens)',
  'api-key': 'API keys (apiKey, api_key, X-API-Key)',
  secret: 'any other secret value (secret=, webhookSecret, secretKey)',
  credential: 'authorization headers, credentials, signatures and signing keys (auth, Authorization, X-Amz-Signature, sig=)',
  jwt: 'JSON Web Tokens, by shape',
  'bearer-token': 'the token after "Bearer"',
  'url-credentials': 'passwords in scheme://user:password@host URLs and user:password@tcp(…) DSNs',
  'presigned-url': 'pre-signed URLs: X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, X-Goog-Signature, X-Goog-Credential, Signature= and Azure SAS sig= (also with & written as \\u0026 in JSON)',
  'secret-name': 'environment variables and flags whose name ends in _KEY, _SECRET, _TOKEN, _PASSWORD, _PASSWD, _PASSPHRASE or _CREDENTIALS (-key, -secret, … for flags), not holding a file path',
  'secret-collector-value': "the value of a troubleshoot secret collector's output with includeValue (secrets/<namespace>/<name>/<key>.json)",
  'kubernetes-secret': 'every value under data and stringData of a Kubernetes Secret, whatever its key (YAML blocks and flow maps, JSON, one-line JSON, last-applied-configuration); base64 data values of an object whose kind is not in sight',
  'base64-encoded-secret': 'base64 values (Secret data, docker configs) whose decoded text holds a secret',
};
