// plugin-version-mismatch: a provider, CSI or local-volume-provider plugin's version does not go with the Velero version (plugin README tables).
import { Severity } from '../../src/constants.js';
import type { Evidence, RuleModule } from '../../src/engine/types.js';
import type { Bundle } from '../../src/model/bundle.js';
import { refOf } from '../../src/model/kube.js';
import { checkPlugin, pluginFamily } from '../../src/rules/data/plugin-compat.js';
import { listOf, nameOf, parseVersion } from '../../src/rules/support.js';

/** Evidence for a plugin: the init container of the Velero Deployment that runs its image. */
function pluginEvidence(bundle: Bundle, name: string, image: string | undefined): Evidence {
  const deployment = bundle.workloads.veleroDeployment;
  const text = `plugin ${name}${image ? ` (image ${image})` : ''}; Velero server ${bundle.versions.velero}`;
  if (!deployment) return { file: bundle.inputs[0]?.path ?? 'input', text };
  const init = listOf<{ name?: string; image?: string }>(deployment.spec?.template?.spec?.initContainers).find(
    (c) => (image && c.image === image) || pluginFamily(String(c.image ?? '')) === pluginFamily(name),
  );
  return {
    file: bundle.sourceOf(deployment) ?? `Deployment/${nameOf(deployment)}`,
    text: `Deployment ${nameOf(deployment)}: initContainers[${init?.name ?? name}].image=${init?.image ?? image ?? 'unknown'}; velero image ${bundle.versions.velero}`,
  };
}

export const pluginVersionMismatch: RuleModule = {
  meta: {
    id: 'plugin-version-mismatch',
    title: 'A Velero plugin does not match the Velero version',
    severity: Severity.WARNING,
    category: 'plugins',
    summary: 'A provider plugin (AWS, GCP, Azure), the CSI plugin or the local-volume-provider is not the version made for the running Velero.',
    otherSeverities: [
      { severity: Severity.ERROR, when: 'when velero-plugin-for-csi is installed on a Velero that has CSI support built in (1.14 or later)' },
    ],
  },
  check(ctx) {
    const { bundle } = ctx;
    const velero = parseVersion(bundle.versions.velero);
    if (!velero) return;
    const resources = bundle.workloads.veleroDeployment ? [refOf(bundle.workloads.veleroDeployment)] : [];
    for (const plugin of bundle.versions.plugins) {
      const family = pluginFamily(plugin.name) ?? pluginFamily(plugin.image ?? '');
      if (!family) continue;
      const verdict = checkPlugin(family, plugin.version, velero);
      const label = `${plugin.name}${plugin.version ? ` ${plugin.version}` : ''}`;
      if (verdict.kind === 'csi-built-in') {
        ctx.report({
          message: `${label} is installed on Velero ${bundle.versions.velero}, where CSI support is built in: the server registers the CSI actions twice and refuses to start, or runs them twice. Remove the plugin.`,
          severity: Severity.ERROR,
          resources,
          evidence: [pluginEvidence(bundle, plugin.name, plugin.image)],
          remediation: `Remove the plugin: \`velero plugin remove ${plugin.image ?? 'velero/velero-plugin-for-csi'}\` (or delete its init container from the Deployment), and keep \`--features=EnableCSI\` on the server.`,
        });
      } else if (verdict.kind === 'mismatch' && family === 'lvp') {
        const wanted = verdict.expected === '0.4' ? 'v0.4.x (its table for Velero 1.6–1.9)' : 'v0.5 or later (its table for Velero 1.10–1.16)';
        const repository = plugin.image ? plugin.image.replace(/@.*$/, '').replace(/:[^:/]+$/, '') : 'replicated/local-volume-provider';
        ctx.report({
          message: `${label} does not match Velero ${bundle.versions.velero}: the local-volume-provider README pairs it with ${wanted}; the plugin mounts its volume into the Velero and node-agent pods by the names of its own era (v0.5 added Velero 1.10's node-agent), so file-system backups to its locations can miss it.`,
          resources,
          evidence: [pluginEvidence(bundle, plugin.name, plugin.image)],
          remediation: `Install local-volume-provider ${verdict.expected === '0.4' ? 'v0.4.x' : 'v0.5 or later'}: \`velero plugin remove ${plugin.image ?? plugin.name}\`, then \`velero plugin add ${repository}:<tag>\` (KOTS and kURL install the version made for their Velero).`,
        });
      } else if (verdict.kind === 'mismatch') {
        ctx.report({
          message: `${label} does not match Velero ${bundle.versions.velero}: its README pairs Velero ${velero.major}.${velero.minor} with ${plugin.name} v${verdict.expected}.x.`,
          resources,
          evidence: [pluginEvidence(bundle, plugin.name, plugin.image)],
          remediation: `Install ${plugin.name} v${verdict.expected}.x (the newest patch) in place of ${plugin.version}: \`velero plugin remove ${plugin.image ?? plugin.name}\`, then \`velero plugin add velero/${plugin.name}:v${verdict.expected}.<patch>\`.`,
        });
      }
    }
  },
};
