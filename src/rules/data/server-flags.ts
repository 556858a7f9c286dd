// Which Velero server and node-agent flags exist in which releases, from `git grep` of the flag definitions at each release tag.

export interface FlagLife {
  /** The flag without its dashes. */
  name: string;
  /** `server` (`velero server`) or `node-agent` (`velero node-agent server`). */
  command: 'server' | 'node-agent';
  /** The first release that defines it (absent: every release this table covers, 1.6 on). */
  since?: string;
  /** The first release that no longer defines it. */
  removedIn?: string;
  /** What replaces it, in words a remediation can use. */
  instead?: string;
}

/**
 * pkg/cmd/server/server.go (≤1.15) and pkg/cmd/server/config/config.go (1.16+), pkg/cmd/cli/nodeagent/server.go,
 * at tags v1.6.0 … v1.18.0; CHANGELOG-1.10 / 1.17 and upgrade-to-1.17 for the replacements.
 */
export const FLAGS: readonly FlagLife[] = [
  { name: 'restic-timeout', command: 'server', removedIn: '1.10.0', instead: '`--fs-backup-timeout`' },
  { name: 'default-restic-prune-frequency', command: 'server', removedIn: '1.10.0', instead: '`--default-repo-maintain-frequency`' },
  { name: 'default-volumes-to-restic', command: 'server', removedIn: '1.10.0', instead: '`--default-volumes-to-fs-backup`' },
  { name: 'fs-backup-timeout', command: 'server', since: '1.10.0', instead: '`--restic-timeout` before 1.10' },
  { name: 'default-repo-maintain-frequency', command: 'server', since: '1.10.0', instead: '`--default-restic-prune-frequency` before 1.10' },
  { name: 'default-volumes-to-fs-backup', command: 'server', since: '1.10.0', instead: '`--default-volumes-to-restic` before 1.10' },
  { name: 'uploader-type', command: 'server', since: '1.10.0', instead: 'nothing before 1.10 (restic is the only uploader)' },
  { name: 'disable-informer-cache', command: 'server', since: '1.13.0' },
  { name: 'default-snapshot-move-data', command: 'server', since: '1.13.0' },
  ...['keep-latest-maintenance-jobs', 'maintenance-job-cpu-request', 'maintenance-job-mem-request', 'maintenance-job-cpu-limit', 'maintenance-job-mem-limit'].map(
    (name): FlagLife => ({
      name,
      command: 'server',
      since: '1.14.0',
      removedIn: '1.17.0',
      instead: 'the repository maintenance job ConfigMap (`--repo-maintenance-job-configmap`, keys `keepLatestMaintenanceJobs` and `podResources`)',
    }),
  ),
  { name: 'repo-maintenance-job-configmap', command: 'server', since: '1.15.0' },
  { name: 'backup-repository-configmap', command: 'server', since: '1.15.0' },
  { name: 'item-block-worker-count', command: 'server', since: '1.16.0' },
  { name: 'concurrent-backups', command: 'server', since: '1.18.0' },
  { name: 'data-mover-prepare-timeout', command: 'node-agent', since: '1.12.0' },
  { name: 'node-agent-configmap', command: 'node-agent', since: '1.15.0' },
];
