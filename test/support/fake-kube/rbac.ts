// An RBAC authorizer for the fake API server: Roles and ClusterRoles (with their bindings taken as granted) decide each request.
import type { KubeObject } from '../../../src/model/kube.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

export interface Grant {
  /** Undefined: a ClusterRole (every namespace and cluster scope). */
  namespace?: string;
  rules: PolicyRule[];
}

export interface Attributes {
  verb: string;
  group: string;
  /** `pods` or `pods/log`. */
  resource: string;
  namespace?: string;
}

/** Grants from the Role and ClusterRole objects of an RBAC manifest (bindings are assumed to bind them to the caller). */
export function grantsFrom(objects: KubeObject[]): Grant[] {
  return objects
    .filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')
    .map((o) => ({ namespace: o.kind === 'Role' ? o.metadata.namespace : undefined, rules: (o.rules as PolicyRule[] | undefined) ?? [] }));
}

const matches = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

export function allowed(grants: Grant[], request: Attributes): boolean {
  return grants.some(
    (grant) =>
      (grant.namespace === undefined || grant.namespace === request.namespace) &&
      grant.rules.some((rule) => matches(rule.apiGroups, request.group) && matches(rule.resources, request.resource) && matches(rule.verbs, request.verb)),
  );
}

/** The API server's wording for a denial. */
export function forbiddenMessage(request: Attributes, user: string, name?: string): string {
  const [resource, sub] = request.resource.split('/');
  const what = `${resource}${request.group ? `.${request.group}` : ''}${name ? ` "${name}"` : ''}`;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  return `${what} is forbidden: User "${user}" cannot ${request.verb} resource "${resource}"${sub ? ` with subresource "${sub}"` : ''} in API group "${request.group}" ${scope}`;
}
