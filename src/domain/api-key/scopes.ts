/** The scope vocabulary credentials carry: `<resource>:read` / `<resource>:write`, and `admin` for all. */
export const scopeResources = [
  'payments',
  'charges',
  'terminals',
  'webhooks',
  'infrastructure',
  'tariffs',
  'audit',
] as const;
export type ScopeResource = (typeof scopeResources)[number];
export type Scope = `${ScopeResource}:${'read' | 'write'}` | 'admin';

const knownScopes: ReadonlySet<string> = new Set<string>([
  'admin',
  ...scopeResources.flatMap((resource) => [`${resource}:read`, `${resource}:write`]),
]);

export const isScope = (value: string): value is Scope => knownScopes.has(value);
