import { describe, expect, it } from 'vitest';
import { collectSecrets } from '../src/index.js';

describe('collectSecrets', () => {
  it('collects credential-like header values and the tokens of Bearer / Basic values', () => {
    expect(
      collectSecrets({
        authorization: 'Bearer abc123456',
        'x-team': 'search',
        'x-api-key': 'k-1234',
      }),
    ).toEqual(['Bearer abc123456', 'abc123456', 'k-1234']);
    expect(collectSecrets({ 'proxy-authorization': 'Basic dXNlcjpwYXNz' })).toEqual([
      'Basic dXNlcjpwYXNz',
      'dXNlcjpwYXNz',
    ]);
  });

  it('takes a scheme token from any header, and nothing from harmless ones', () => {
    expect(collectSecrets({ 'x-forwarded-auth': ' token t0k3n-value ' })).toEqual([
      'token t0k3n-value',
      't0k3n-value',
    ]);
    expect(collectSecrets({ 'x-team': 'search', accept: 'application/json' })).toEqual([]);
  });

  it('lists the longest first, once each, so a secret holding another is removed whole', () => {
    const secrets = collectSecrets({ authorization: 'Bearer same-token', cookie: 'same-token' });
    expect(secrets).toEqual(['Bearer same-token', 'same-token']);
  });
});
