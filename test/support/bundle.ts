// A Bundle made straight from objects, for tests of rules and report code that need no reader.
import type { Bundle } from '../../src/model/bundle.js';
import { ObjectIndex } from '../../src/model/bundle.js';
import type { KubeObject } from '../../src/model/kube.js';

/** A kubectl-dump Bundle holding `objects` and nothing else (no logs, workloads or versions). */
export function bundleOf(objects: readonly KubeObject[], fields: Partial<Omit<Bundle, 'objects'>> = {}): Bundle {
  const index = new ObjectIndex();
  for (const o of objects) index.add(o);
  return {
    inputs: [{ path: 'dump.yaml', format: 'kubectl-dump' }],
    collectedAt: null,
    veleroNamespace: 'velero',
    versions: { kubernetes: null, velero: null, kots: null, nodeAgent: null, plugins: [] },
    objects: index,
    logs: [],
    workloads: { veleroPods: [], nodeAgentPods: [], kotsadmDeployments: [], kotsadmPods: [] },
    problems: [],
    sourceOf: () => 'dump.yaml',
    ...fields,
  };
}
