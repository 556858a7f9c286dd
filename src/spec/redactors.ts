// troubleshoot redactors for the secrets snapshot-doctor masks and troubleshoot's built-in redactors do not.

/**
 * One troubleshoot `removals.regex` entry. troubleshoot compiles it with Go's regexp (RE2: no
 * look-around, no back-references) and rebuilds the match from its groups: `mask` groups become
 * `***HIDDEN***`, every other group is kept. Each regex here has exactly one `mask` group.
 */
export interface RedactorRegex {
  redactor: string;
  /** For a two-line secret: the line before the one `redactor` masks. */
  selector?: string;
}

export interface SpecRedactor {
  name: string;
  /** What it masks: the YAML comment above it. */
  comment: string;
  regex: RedactorRegex[];
}

/**
 * troubleshoot already masks env variables named like passwords, tokens and AWS keys, and passwords
 * in URLs and connection strings; these add the secrets found by their shape or key name in Velero,
 * plugin, node-agent and kotsadm logs and objects.
 */
export const SPEC_REDACTORS: readonly SpecRedactor[] = [
  {
    name: 'snapshot-doctor: AWS access key ids',
    comment: 'AWS access key ids by their shape (AKIA... long-term, ASIA... temporary), wherever they appear',
    regex: [{ redactor: '(?P<mask>\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b)' }],
  },
  {
    name: 'snapshot-doctor: AWS secret keys in credentials files',
    comment: 'aws_secret_access_key and aws_session_token in AWS credentials files (the cloud-credentials Secret\'s format)',
    regex: [{ redactor: '(?i)(\\baws_(?:secret_access_key|session_token)\\s*[=:]\\s*"?)(?P<mask>[^\\s"]+)' }],
  },
  {
    name: 'snapshot-doctor: pre-signed URL signatures',
    comment: 'signatures and credentials in pre-signed object-store URLs (S3, GCS, Azure SAS) that Velero logs and DownloadRequests carry',
    regex: [{ redactor: '(?i)([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential|sig)=)(?P<mask>[^&\\s"\'\\\\]+)' }],
  },
  {
    name: 'snapshot-doctor: Azure storage account keys',
    comment: 'Azure storage account keys in connection strings and credentials files',
    regex: [{ redactor: '(?i)((?:AccountKey=|AZURE_STORAGE_ACCOUNT_ACCESS_KEY\\s*[=:]\\s*"?))(?P<mask>[^;\\s"]+)' }],
  },
  {
    name: 'snapshot-doctor: client secrets',
    comment: 'OAuth and Azure service-principal client secrets (AZURE_CLIENT_SECRET, client-secret, clientSecret)',
    regex: [{ redactor: '(?i)(\\b(?:AZURE_CLIENT_SECRET|client[_-]?secret)"?\\s*[=:]\\s*"?)(?P<mask>[^\\s",]+)' }],
  },
  {
    name: 'snapshot-doctor: GCP service-account keys',
    comment: 'private_key_id and private_key of GCP service-account JSON keys',
    regex: [{ redactor: '("private_key(?:_id)?"\\s*:\\s*")(?P<mask>[^"]+)' }],
  },
  {
    name: 'snapshot-doctor: PEM private keys',
    comment: 'PEM private key blocks written on one line (escaped newlines inside JSON or logs)',
    regex: [{ redactor: '(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?P<mask>.+?)(-----END [A-Z0-9 ]*PRIVATE KEY-----)' }],
  },
  {
    name: 'snapshot-doctor: repository passwords',
    comment: 'restic and kopia repository passwords (RESTIC_PASSWORD, KOPIA_PASSWORD, repository-password)',
    regex: [{ redactor: '(?i)(\\b(?:RESTIC_PASSWORD|KOPIA_PASSWORD|repository-password)"?\\s*[=:]\\s*"?)(?P<mask>[^\\s",]+)' }],
  },
  {
    name: 'snapshot-doctor: bearer tokens',
    comment: 'the token after "Bearer" in Authorization headers and command lines',
    regex: [{ redactor: '(?i)(\\bbearer\\s+)(?P<mask>[A-Za-z0-9._~+/-]{8,}=*)' }],
  },
  {
    name: 'snapshot-doctor: JSON Web Tokens',
    comment: 'JSON Web Tokens (service-account and OIDC tokens) by their shape',
    regex: [{ redactor: '(?P<mask>\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*)' }],
  },
  {
    name: 'snapshot-doctor: KOTS registry passwords',
    comment: 'registry passwords given to kotsadm or the kots CLI (--registry-password, registryPassword)',
    regex: [{ redactor: '(?i)((?:--registry-password[= ]|registry_?password"?\\s*[=:]\\s*"?))(?P<mask>[^\\s",]+)' }],
  },
];
