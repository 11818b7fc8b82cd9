/**
 * Every screen and state of the popup and the settings, as the stored state the service worker
 * would have written (the pages render storage, so that is all a screen depends on) and the list
 * the workspace answers meanwhile. Shared by `npm run screenshots` and the end-to-end test that
 * reads every screen in Spanish for untranslated text.
 */
import type { Page } from 'puppeteer-core';
import { DEMO_ADMIN_TOKEN } from '../server/src/model';
import { describeProblem, describeSyncError, type Language, type ProblemCode } from '../server/src/reasons';
import type { SyncedObject } from '../server/src/sync/objects';
import { workspaceKey, type StoredState, type WorkspaceState } from '../src/shared/state';
import { migrate, SCHEMA_VERSION } from '../src/shared/stored-state';

export interface Scene {
  name: string;
  page: 'popup' | 'options';
  /** The shown workspace's state and the extension's, in one object (as one workspace's release wrote it). */
  state(workspaceUrl: string): Partial<StoredState> | Record<string, unknown>;
  /** Other workspaces the admin added, behind the shown one. */
  others?: WorkspaceState[];
  /** What the workspace answers to the list while the scene is shown. */
  list?: unknown[];
  /** Or: the list fails with this HTTP status while the scene is shown. */
  listFails?: number;
  /** Done on the page before the picture. */
  act?(page: Page): Promise<void>;
}

export function scenes(language: Language, now = Date.now()): Scene[] {
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const ana = {
    user: { id: 'usr_admin', name: 'Ana García', email: 'ana@acme.test' },
    // The reference workspace offers Stripe's live and test modes: the popup shows Test mode beside Connect.
    workspace: { id: 'ws_acme', name: 'Acme Analytics', stripeModes: ['live', 'test'] },
  };
  const admin = { status: 'ready', me: { ...ana, role: 'admin' }, checkedAt: now } as const;
  const standard = {
    status: 'ready',
    me: { user: { id: 'usr_std', name: 'Sam Rivera', email: 'sam@acme.test' }, workspace: ana.workspace, role: 'standard' },
    checkedAt: now,
  } as const;
  const reason = (code: ProblemCode) => describeProblem({ code }, language);

  function integration(id: string, name: string | null, status: string, extra: Record<string, unknown> = {}) {
    return {
      id,
      provider: 'stripe',
      status,
      stripeAccountId: `acct_1${id.replace(/\W/g, '')}`,
      stripeAccountName: name,
      livemode: id.length % 2 === 0,
      connectedAt: ago(60 * 24 * 30),
      lastSyncAt: status === 'active' ? ago(6) : ago(60 * 24 * 3),
      reason: null,
      ...extra,
    };
  }

  const acme = integration('AcmeStore', 'Acme Store', 'active');

  /** What the workspace's sync reports (issue #16): an import under way, one done with a denied object, one paused. */
  const OBJECT_ROWS: Array<[SyncedObject, number]> = [
    ['customers', 1500],
    ['charges', 2400],
    ['coupons', 12],
    ['invoices', 1200],
    ['plans', 8],
    ['prices', 16],
    ['products', 8],
    ['subscriptions', 600],
    ['events', 400],
  ];
  const syncOf = (done: number, current: { rows: number; expectedRows: number | null }, denied?: SyncedObject) => ({
    importing: done < OBJECT_ROWS.length,
    objects: OBJECT_ROWS.map(([name, rows], index) => ({
      name,
      rows: name === denied ? 0 : index < done ? rows : index === done ? current.rows : 0,
      importing: index >= done || name === denied,
      expectedRows: index < done ? rows : index === done ? current.expectedRows : null,
      lastSuccessAt: index < done && name !== denied ? ago(2) : null,
      error: name === denied ? { code: 'permission_missing', message: describeSyncError('permission_missing', name, language) } : null,
    })),
  });
  const syncing = [
    integration('AcmeStore', 'Acme Store', 'active', { lastSyncAt: null, sync: syncOf(1, { rows: 1200, expectedRows: 2400 }) }),
    integration('Globex', 'Globex Shop', 'active', {
      lastSyncAt: ago(2),
      sync: syncOf(OBJECT_ROWS.length, { rows: 0, expectedRows: null }, 'invoices'),
    }),
  ];
  const paused = [
    integration('Northwind', 'Northwind Traders', 'expired', {
      reason: reason('expired'),
      sync: syncOf(1, { rows: 400, expectedRows: 2400 }),
    }),
  ];
  const everyState = [
    integration('Contoso', 'Contoso Marketplace', 'revoked', { reason: reason('revoked') }),
    integration('Northwind', 'Northwind Traders', 'expired', { reason: reason('expired') }),
    integration('Globex', 'Globex Shop', 'error', { reason: reason('sync_failed') }),
    acme,
    integration('Paused', 'Paused Store', 'paused'),
    // A Stripe App that may not read the account's name: shown by its id.
    integration('Unnamed', null, 'expired', { reason: reason('refresh_refused') }),
    integration('Initech', 'Initech Payments', 'revoked', { reason: reason('installed_elsewhere') }),
    integration('LongName', 'Fabrikam Holdings International GmbH & Co. KG — Europe Subscriptions', 'active'),
    integration('NoSpaces', 'wideworldimporters-subscriptions-eu-production', 'active'),
  ];
  const hostile = [
    integration('Long', 'A'.repeat(400), 'expired', { reason: 'z'.repeat(600) }),
    integration('Rtl', '\u202Eevil.exe Store', 'active'),
    integration('Arabic', 'متجر الأمل للإلكترونيات', 'active'),
    integration('Emoji', '🚀 Rocket Store 🇪🇸 ✨', 'active'),
    integration('Markup', '<img src=x> Markup Store', 'active'),
  ];

  const flowBase = { flowId: 'f1', kind: 'connect', startedAt: now } as const;
  // Signed in with the workspace (the refresh token is a stand-in: stageScene gives the worker an
  // access token that lasts the scene, so it never renews); or with an API token.
  const settings = (url: string) => ({ workspaceUrl: url, token: 'scene-refresh-token', credential: 'sign-in', keepSignedIn: true });
  const tokenSettings = (url: string) => ({ workspaceUrl: url, token: DEMO_ADMIN_TOKEN, credential: 'api-token', keepSignedIn: true });
  const signInEnded = (url: string) => ({
    settings: { ...settings(url), token: '' },
    profile: { status: 'failed', error: { code: 'signed-out', detail: 'invalid_grant: grant request is invalid' }, checkedAt: now },
  });
  const health = (integrations: unknown[], error?: unknown) => ({
    integrations,
    etag: '"scene"',
    checkedAt: now - 3 * 60_000,
    ...(error ? { error } : {}),
  });
  // What browsers, Stripe and workspaces really say, in English whatever the admin's language.
  const badToken = {
    status: 'failed',
    error: { code: 'unauthorized', detail: 'The API token is not valid for this workspace.' },
    checkedAt: now,
  };
  const openDetails = async (page: Page) => {
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  };

  // An agency's other clients: Beta with a break to see to, Gamma renamed by the admin.
  const otherWorkspace = (host: string, name: string, list: unknown[], extra: Record<string, unknown> = {}): WorkspaceState =>
    ({
      settings: { workspaceUrl: `https://${host}/`, token: 'scene-token', credential: 'api-token', addedAt: now, ...extra },
      profile: { status: 'ready', me: { ...ana, workspace: { id: `ws_${host}`, name }, role: 'admin' }, checkedAt: now },
      health: health(list),
    }) as WorkspaceState;
  const agencyWorkspaces = [
    otherWorkspace('beta-analytics.example', 'Beta Analytics', [everyState[1], acme]),
    otherWorkspace('gamma.example', 'Gamma Insights', [acme], { name: 'Gamma (client since 2024)' }),
  ];

  /** The popup of an admin whose workspace lists `list`, while a flow is in this phase. */
  const flowScene = (name: string, flow: Record<string, unknown>, list: unknown[], act?: Scene['act']): Scene => ({
    name,
    page: 'popup',
    state: (url) => ({ settings: settings(url), profile: admin, health: health(list), flow: { ...flowBase, ...flow } }),
    list,
    ...(act ? { act } : {}),
  });

  return [
    { name: 'popup-not-configured', page: 'popup', state: () => ({}) },
    { name: 'popup-empty', page: 'popup', state: (url) => ({ settings: settings(url), profile: admin, health: health([]) }), list: [] },
    { name: 'popup-bad-token', page: 'popup', state: (url) => ({ settings: tokenSettings(url), profile: badToken, health: health([]) }) },
    // The workspace ended the sign-in: the list as last known, and the way back in.
    { name: 'popup-sign-in-ended', page: 'popup', state: (url) => ({ ...signInEnded(url), health: health(everyState.slice(2, 4)) }) },
    // Several workspaces: the switcher names each, with what needs attention there.
    {
      name: 'popup-workspaces',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health([acme]) }),
      others: agencyWorkspaces,
      list: [acme],
    },
    {
      name: 'popup-non-admin',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: standard, health: health([acme]) }),
      list: [acme],
    },
    flowScene('popup-connecting', { phase: 'authorizing', sessionId: 'cs_1' }, [acme]),
    flowScene(
      'popup-saving-retrying',
      {
        phase: 'completing',
        pending: {
          sessionId: 'cs_1',
          body: { code: 'ac_x', state: 's' },
          idempotencyKey: 'k',
          grantedAt: now,
          attempts: 2,
          lastError: { code: 'in-progress' },
        },
      },
      [acme],
    ),
    flowScene('popup-success', { phase: 'succeeded', integration: acme, finishedAt: now }, [acme]),
    flowScene(
      'popup-failed-window-closed',
      { phase: 'failed', error: { code: 'window-closed', detail: 'The user did not approve access.' }, finishedAt: now },
      [],
      openDetails,
    ),
    flowScene(
      'popup-failed-access-denied',
      { phase: 'failed', error: { code: 'access-denied', detail: 'access_denied: The user denied your request' }, finishedAt: now },
      [acme],
      openDetails,
    ),
    {
      name: 'popup-list-every-state',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health(everyState) }),
      list: everyState,
    },
    {
      name: 'popup-disconnect-confirm',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health([acme]) }),
      list: [acme],
      act: async (page) => {
        await page.locator('button[aria-label="Disconnect Acme Store"], button[aria-label="Desconectar Acme Store"]').click();
      },
    },
    {
      name: 'popup-refresh-failed',
      page: 'popup',
      state: (url) => ({
        settings: settings(url),
        profile: admin,
        health: health(everyState.slice(0, 3), { code: 'server-error', detail: 'HTTP 503 Service Unavailable' }),
      }),
      listFails: 503,
    },
    {
      name: 'popup-sync',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health(syncing) }),
      list: syncing,
      // The synced one's table list, open.
      act: async (page) => {
        await page.locator('button[aria-label="Tables of Globex Shop"], button[aria-label="Tablas de Globex Shop"]').click();
      },
    },
    {
      name: 'popup-sync-paused',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health(paused) }),
      list: paused,
    },
    {
      name: 'popup-hostile-names',
      page: 'popup',
      state: (url) => ({ settings: settings(url), profile: admin, health: health(hostile) }),
      list: hostile,
    },
    { name: 'options-empty', page: 'options', state: () => ({}) },
    { name: 'options-admin', page: 'options', state: (url) => ({ settings: settings(url), profile: admin }) },
    {
      name: 'options-workspaces',
      page: 'options',
      state: (url) => ({ settings: settings(url), profile: admin }),
      others: agencyWorkspaces,
    },
    { name: 'options-non-admin', page: 'options', state: (url) => ({ settings: settings(url), profile: standard }) },
    { name: 'options-api-token', page: 'options', state: (url) => ({ settings: tokenSettings(url), profile: admin }) },
    { name: 'options-bad-token', page: 'options', state: (url) => ({ settings: tokenSettings(url), profile: badToken }), act: openDetails },
    { name: 'options-signing-in', page: 'options', state: () => ({ signIn: { status: 'running', startedAt: now } }) },
    {
      name: 'options-sign-in-declined',
      page: 'options',
      state: () => ({ signIn: { status: 'failed', error: { code: 'sign-in-declined', detail: 'access_denied' } } }),
    },
    { name: 'options-sign-in-ended', page: 'options', state: signInEnded },
    // Deployed by IT: the preset workspace, API tokens ruled out, the interval set by policy.
    {
      name: 'options-managed',
      page: 'options',
      state: (url) => ({
        settings: settings(url),
        profile: admin,
        policy: {
          workspaces: [{ url: `${url}/`, name: 'Acme Analytics' }],
          allowOtherWorkspaces: false,
          allowApiTokens: false,
          healthCheckMinutes: 30,
        },
      }),
    },
    {
      name: 'options-unreachable',
      page: 'options',
      state: (url) => ({
        settings: settings(url),
        profile: { status: 'failed', error: { code: 'workspace-unreachable', detail: 'Failed to fetch' }, checkedAt: now },
      }),
      act: openDetails,
    },
  ];
}

/** Makes the workspace answer the list as the scene needs, and writes the scene's stored state from an extension page. */
export async function stageScene(page: Page, workspaceUrl: string, scene: Scene): Promise<void> {
  const faults = `${workspaceUrl}/__test/faults`;
  await fetch(faults, { method: 'DELETE' });
  const answer = scene.list
    ? { status: 200, body: { integrations: scene.list }, headers: { ETag: '"scene"' } }
    : scene.listFails
      ? { status: scene.listFails, body: { error: { code: 'unavailable', message: 'Service Unavailable' } } }
      : null;
  if (answer) {
    await fetch(faults, {
      method: 'POST',
      body: JSON.stringify({ method: 'GET', path: '^/api/v1/integrations$', kind: 'respond', times: 1000, ...answer }),
    });
  }
  const state = scene.state(workspaceUrl) as Record<string, unknown>;
  const settings = state.settings as { credential?: string; workspaceUrl?: string } | undefined;
  // Laid out as the worker keeps it: the one-workspace shape goes through the migration the
  // worker runs (a sign-in's message then names its workspace), the other workspaces beside it.
  const { state: laidOut } = migrate({ ...state, schemaVersion: 2 });
  const stored: Record<string, unknown> = { ...laidOut, schemaVersion: SCHEMA_VERSION };
  if (state.signIn) stored.signIn = { workspaceUrl: settings?.workspaceUrl ?? `${workspaceUrl}/`, ...state.signIn };
  for (const other of scene.others ?? []) {
    for (const [key, value] of Object.entries(other)) stored[workspaceKey(key, other.settings.workspaceUrl)] = value;
  }
  const signedIn = settings?.credential === 'sign-in';
  // A signed-in scene's access token outlasts the scene: the worker has nothing to renew.
  const accessKey = workspaceKey('access', settings?.workspaceUrl ?? '');
  const access = {
    workspaceUrl: settings?.workspaceUrl,
    token: 'scene-access-token',
    expiresAt: Date.now() + 3600_000,
    server: { issuer: workspaceUrl, token_endpoint: `${workspaceUrl}/token`, revocation_endpoint: `${workspaceUrl}/token/revocation` },
  };
  await page.evaluate(
    async (state, session) => {
      const storage = ((globalThis as unknown as { browser?: typeof chrome }).browser ?? chrome).storage;
      await storage.session.clear();
      await storage.session.set(session);
      await storage.local.clear();
      await storage.local.set(state);
    },
    stored,
    signedIn ? { [accessKey]: access } : {},
  );
}
