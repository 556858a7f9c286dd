// server-flag-unknown: the Velero server or node-agent is started with a flag its release does not define (removed, renamed, or newer than the image).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { KubeObject, ObjectRef } from '../../src/model/kube.js';
import { refOf } from '../../src/model/kube.js';
import { FLAGS, type FlagLife } from '../../src/rules/data/server-flags.js';
import { containerArgs, inRange, objectEvidence, parseVersion } from '../../src/rules/support.js';

type Command = FlagLife['command'];

/** Why a release refuses a flag, or null when it defines it (or the table does not know the flag or the version). */
function refusal(name: string, command: Command, version: string | null): { kind: 'removed' | 'too-new'; flag: FlagLife } | null {
  const flag = FLAGS.find((f) => f.name === name && f.command === command);
  const v = parseVersion(version);
  if (!flag || !v) return null;
  if (flag.removedIn && inRange(v, `>=${flag.removedIn}`)) return { kind: 'removed', flag };
  if (flag.since && inRange(v, `<${flag.since}`)) return { kind: 'too-new', flag };
  return null;
}

/** The long flags (`--name` or `--name=value`) of a container's command line. */
function flagNames(args: string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0] ?? '');
}

function label(command: Command): string {
  return command === 'server' ? 'The Velero server' : 'The node-agent';
}

/** Why one flag is refused, and what to do about it. */
function explain(name: string, command: Command, version: string | null, why: ReturnType<typeof refusal>): { reason: string; fix: string } {
  const where = command === 'server' ? 'Deployment' : 'DaemonSet';
  if (why?.kind === 'removed') {
    return {
      reason: `--${name} was removed in Velero ${why.flag.removedIn}`,
      fix: `Remove \`--${name}\` from the ${where}'s args${why.flag.instead ? `; use ${why.flag.instead} instead` : ''}.`,
    };
  }
  if (why?.kind === 'too-new') {
    return {
      reason: `--${name} first appeared in Velero ${why.flag.since} (the arguments come from a newer chart or installer than the image)`,
      fix: `Run the image the arguments were written for (Velero ${why.flag.since} or later), or remove \`--${name}\`${why.flag.instead ? ` (before ${why.flag.since}: ${why.flag.instead})` : ''}.`,
    };
  }
  return {
    reason: `--${name} is not a flag of ${version ? `Velero ${version}` : 'this release'}`,
    fix: `Remove \`--${name}\` from the ${where}'s args, or run the image whose release defines it (see \`velero ${command === 'server' ? 'server' : 'node-agent server'} --help\` in that image).`,
  };
}

export const serverFlagUnknown: RuleModule = {
  meta: {
    id: 'server-flag-unknown',
    title: 'Velero is started with a flag its release does not have',
    severity: Severity.CRITICAL,
    category: 'install',
    summary: 'The Velero server or node-agent exits with "unknown flag" because its arguments name a flag that release removed (1.10 restic flags, 1.17 maintenance-job flags) or does not have yet (a chart newer than the image).',
  },
  logPatterns: [{ regex: 'unknown flag: --(?<flag>[A-Za-z0-9][\\w-]*)', literals: ['unknown flag: --'], components: ['server', 'node-agent', 'other'] }],
  check(ctx) {
    const { bundle } = ctx;
    type Refused = { name: string; why: ReturnType<typeof refusal> };
    type Problem = { command: Command; version: string | null; flags: Refused[]; evidence: Evidence[]; resources: ObjectRef[]; lines: number };
    const problems = new Map<Command, Problem>();
    const problemOf = (command: Command, version: string | null): Problem => {
      const p = problems.get(command) ?? { command, version, flags: [], evidence: [], resources: [], lines: 0 };
      problems.set(command, p);
      return p;
    };
    const addFlag = (p: Problem, name: string) => {
      if (!p.flags.some((f) => f.name === name)) p.flags.push({ name, why: refusal(name, p.command, p.version) });
    };
    const addResource = (p: Problem, workload: KubeObject | undefined) => {
      if (workload && !p.resources.some((r) => r.kind === workload.kind && r.name === workload.metadata.name)) p.resources.push(refOf(workload));
    };

    // What the containers said: the line cobra prints before the command exits.
    for (const { file, hit } of ctx.hits()) {
      const name = hit.groups.flag;
      if (!name) continue;
      const command: Command = file.component === 'node-agent' ? 'node-agent' : 'server';
      const p = problemOf(command, command === 'node-agent' ? (bundle.versions.nodeAgent ?? bundle.versions.velero) : bundle.versions.velero);
      addFlag(p, name);
      addResource(p, command === 'server' ? bundle.workloads.veleroDeployment : bundle.workloads.nodeAgentDaemonSet);
      if (p.evidence.length < 3) p.evidence.push({ file: file.path, line: hit.line, text: hit.text });
      p.lines++;
    }

    // What the workloads will say at their next start: arguments the running release refuses.
    const workloads: [KubeObject | undefined, Command, string, string | null][] = [
      [bundle.workloads.veleroDeployment, 'server', 'velero', bundle.versions.velero],
      [bundle.workloads.nodeAgentDaemonSet, 'node-agent', 'node-agent', bundle.versions.nodeAgent ?? bundle.versions.velero],
    ];
    for (const [workload, command, container, version] of workloads) {
      if (!workload) continue;
      const args = containerArgs(workload, container);
      const refused = flagNames(args).filter((name) => refusal(name, command, version));
      if (refused.length === 0) continue;
      const p = problemOf(command, version);
      for (const name of refused) addFlag(p, name);
      addResource(p, workload);
      p.evidence.push(objectEvidence(bundle, workload, { args: args.join(' '), release: version ?? undefined }));
    }

    for (const p of problems.values()) {
      const explained = p.flags.map((f) => explain(f.name, p.command, p.version, f.why));
      const who = `${label(p.command)}${p.version ? ` (${p.version})` : ''}`;
      ctx.report({
        message: `${who} is started with ${p.flags.length === 1 ? 'a flag' : `${p.flags.length} flags`} its release does not define, so it exits with "unknown flag" and the pod crash-loops: ${explained.map((e) => e.reason).join('; ')}.`,
        resources: p.resources,
        evidence: p.evidence,
        count: Math.max(p.flags.length, p.lines),
        remediation: explained.map((e) => `- ${e.fix}`).join('\n'),
      });
    }
  },
};
