import assert from 'node:assert/strict';
import { isScope, scopeResources } from '../../../src/domain/api-key/scopes';
import { hasScope, parseScopes } from '../../../src/http/auth/principal';

const withScopes = (...scopes: string[]) => ({ scopes: new Set(scopes) });

describe('principal scopes', () => {
  it('grants exactly the scopes held', () => {
    const principal = withScopes('payments:write', 'terminals:read');
    assert.equal(hasScope(principal, 'payments:write'), true);
    assert.equal(hasScope(principal, 'terminals:read'), true);
    assert.equal(hasScope(principal, 'terminals:write'), false);
    assert.equal(hasScope(principal, 'charges:write'), false);
  });

  it('does not let write imply read', () => {
    assert.equal(hasScope(withScopes('payments:write'), 'payments:read'), false);
    assert.equal(hasScope(withScopes('payments:read'), 'payments:write'), false);
  });

  it('lets admin grant every scope', () => {
    const admin = withScopes('admin');
    for (const resource of scopeResources) {
      assert.equal(hasScope(admin, `${resource}:read`), true);
      assert.equal(hasScope(admin, `${resource}:write`), true);
    }
    assert.equal(hasScope(admin, 'admin'), true);
  });

  it('grants nothing without scopes, and nothing for look-alike scopes', () => {
    assert.equal(hasScope(withScopes(), 'payments:read'), false);
    assert.equal(
      hasScope(withScopes('payments:*', 'payments', 'PAYMENTS:READ', 'Admin'), 'payments:read'),
      false,
    );
  });

  it('parses a space-separated scope claim', () => {
    assert.deepEqual([...parseScopes('payments:read  payments:write ')], ['payments:read', 'payments:write']);
    assert.equal(parseScopes('').size, 0);
  });

  it('recognises the known scopes', () => {
    assert.equal(isScope('audit:read'), true);
    assert.equal(isScope('tariffs:write'), true);
    assert.equal(isScope('admin'), true);
    assert.equal(isScope('audit:delete'), false);
  });
});
