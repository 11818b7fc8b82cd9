/** The organization's policy as the worker reads it from `storage.managed`: what it sets, and what it ignores. */
import { describe, expect, it } from 'vitest';
import { parsePolicy, workspaceAllowed } from '../../src/shared/policy';

describe('policy', () => {
  it('no policy, an empty one, or one of nothing this release knows is nothing managed', () => {
    expect(parsePolicy(undefined)).toBeNull();
    expect(parsePolicy({})).toBeNull();
    expect(parsePolicy({ somethingElse: true, allowApiTokens: 'no' })).toBeNull();
  });

  it('presets are normalized; ones that are not workspace URLs are left out', () => {
    const policy = parsePolicy({
      workspaces: [
        { url: ' https://analytics.acme.example ', name: ' Acme ' },
        { url: 'http://analytics.acme.example' }, // plain HTTP off loopback
        { url: 'not a url' },
        { name: 'no url' },
        'https://a-string.example',
        { url: 'https://b.example/analytics', name: '' },
      ],
    });
    expect(policy).toEqual({
      workspaces: [{ url: 'https://analytics.acme.example/', name: 'Acme' }, { url: 'https://b.example/analytics/' }],
    });
  });

  it('locks only with presets; each flag only when it is a boolean false; the interval within bounds', () => {
    expect(parsePolicy({ allowOtherWorkspaces: false })).toBeNull();
    expect(
      parsePolicy({
        workspaces: [{ url: 'https://a.example' }],
        allowOtherWorkspaces: false,
        allowApiTokens: false,
        healthCheckMinutes: 30,
        notifications: false,
      }),
    ).toEqual({
      workspaces: [{ url: 'https://a.example/' }],
      allowOtherWorkspaces: false,
      allowApiTokens: false,
      healthCheckMinutes: 30,
      notifications: false,
    });
    expect(parsePolicy({ allowApiTokens: true, notifications: true, healthCheckMinutes: 0 })).toBeNull();
    expect(parsePolicy({ healthCheckMinutes: 2.5 })).toBeNull();
    expect(parsePolicy({ healthCheckMinutes: 60 })).toEqual({ workspaces: [], healthCheckMinutes: 60 });
  });

  it('a locked policy allows its presets only', () => {
    const policy = parsePolicy({ workspaces: [{ url: 'https://a.example' }], allowOtherWorkspaces: false })!;
    expect(workspaceAllowed(policy, 'https://a.example/')).toBe(true);
    expect(workspaceAllowed(policy, 'https://b.example/')).toBe(false);
    expect(workspaceAllowed(undefined, 'https://b.example/')).toBe(true);
    expect(workspaceAllowed(parsePolicy({ workspaces: [{ url: 'https://a.example' }] })!, 'https://b.example/')).toBe(true);
  });
});
