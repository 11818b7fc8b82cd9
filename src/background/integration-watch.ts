/**
 * Integration health in the toolbar: polls every workspace added (ETag: an unchanged list costs a
 * 304 and no storage write), sets the badge across them, and notifies each break once, naming its
 * workspace when there are several.
 */
import browser from './browser';
import { accountLabel, statusLabel, translator } from '../shared/translate';
import { badgeFor, noticesFor, notificationsDue } from '../shared/alerts';
import type { Integration } from '../shared/schemas';
import { appError, type AppErrorCode } from '../shared/errors';
import { DEFAULT_HEALTH_CHECK_MINUTES, splitWorkspaceKey, workspaceKey, workspaceLabel, type HealthState } from '../shared/state';
import { POPUP_PATH } from './outcome';
import { readState, readWorkspace, writeWorkspace } from './storage';
import { workspaceClient } from './workspace';

/** No list yet: what a failed first check is written over. */
const EMPTY_HEALTH: HealthState = { integrations: [], etag: null, checkedAt: 0 };

export const HEALTH_ALARM = 'health-check';
/** A test seam (test builds only): an alarm the end-to-end tests create to check now. */
export const HEALTH_CHECK_NOW_ALARM = 'health-check-now';
export const NOTIFICATION_PREFIX = 'integration-broken:';
/** A test seam (test builds only): an alarm named this and a notification's id clicks that notification. */
export const NOTIFICATION_CLICK_ALARM_PREFIX = 'click-notification:';
const WARNING_COLOUR = '#B45309';

const t = translator((key, substitutions) => browser.i18n.getMessage(key, substitutions));

const NOT_A_CHECK: ReadonlySet<AppErrorCode> = new Set(['not-configured', 'permission-denied', 'signed-out']);

let inFlight: Promise<void> | null = null;

/** While a popup is open and a first import runs, the list is checked this often: its progress moves. */
export const IMPORT_CHECK_MS = 2000;
let openPopups = 0;
let importCheck: ReturnType<typeof setTimeout> | null = null;

/** An open popup (its port): checked again every `IMPORT_CHECK_MS` while it shows an import under way. */
export function watchPopup(port: { onDisconnect: { addListener(listener: () => void): void } }): void {
  openPopups += 1;
  port.onDisconnect.addListener(() => {
    openPopups -= 1;
  });
}

/** One health check at a time, of every workspace: popup opening, alarms and flows may all ask at once. */
export function checkHealth(): Promise<void> {
  inFlight ??= checkEveryWorkspace().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function checkEveryWorkspace(): Promise<void> {
  const { workspaces } = await readState();
  let changed = false;
  // One after another: a slow workspace delays the others' checks, never their results.
  for (const { settings } of workspaces) changed = (await checkWorkspace(settings.workspaceUrl)) || changed;
  if (changed) await showBadge();
  // Someone is watching an import: check again soon (one timer at most; none once the popup
  // closes). Read only then: with no popup open, a check costs no more than before.
  if (openPopups === 0 || importCheck) return;
  const importing = (await readState()).health?.integrations.some(
    (integration) => integration.sync?.importing && integration.status === 'active',
  );
  if (importing) {
    importCheck = setTimeout(() => {
      importCheck = null;
      if (openPopups > 0) void checkHealth();
    }, IMPORT_CHECK_MS);
  }
}

/** Checks one workspace's integrations; whether its list changed. */
async function checkWorkspace(workspaceUrl: string): Promise<boolean> {
  const workspace = await readWorkspace(workspaceUrl);
  if (!workspace) return false;
  const { settings, health, profile } = workspace;
  const client = await workspaceClient(settings);
  const answer = client.ok ? await client.value.listIntegrations(health?.etag ?? null) : client;
  if (!answer.ok) {
    // Signed out or not set up: nothing to check, and the profile says why. Anything else (the
    // workspace unreachable, even while renewing a sign-in) is a failed check, shown on the list.
    if (NOT_A_CHECK.has(answer.error.code)) {
      // The browser restarted and the admin chose not to stay signed in: the token went with the
      // session, so the profile must stop saying "Signed in as" (the list stays as last known).
      if (settings.token === '' && profile?.status === 'ready') {
        const error = appError(settings.credential === 'sign-in' ? 'signed-out' : 'not-configured');
        await writeWorkspace(workspaceUrl, { profile: { status: 'failed', error, checkedAt: Date.now() } });
      }
      return false;
    }
    if (health?.error?.code !== answer.error.code) {
      await writeWorkspace(workspaceUrl, { health: { ...(health ?? EMPTY_HEALTH), error: answer.error } });
    }
    return false;
  }
  if (!answer.value.changed) {
    // Unchanged: nothing to write, nothing to re-render; only a previous error is cleared.
    if (health?.error) {
      const { error: _cleared, ...rest } = health;
      await writeWorkspace(workspaceUrl, { health: rest });
    }
    return false;
  }
  const { integrations, unreadable, etag } = answer.value;
  const next: HealthState = { integrations, etag, checkedAt: Date.now(), ...(unreadable ? { unreadable } : {}) };
  // Forgotten meanwhile (signed out while the answer was on its way): nothing of it is written back.
  if (!(await readWorkspace(workspaceUrl))) return false;
  await writeWorkspace(workspaceUrl, { health: next });
  await notifyBreaks(workspaceUrl, next.integrations);
  return true;
}

/**
 * The badge counts what needs attention in every workspace; with more than one, the tooltip names
 * the workspace beside each account.
 */
export async function showBadge(): Promise<void> {
  const { workspaces, policy } = await readState();
  const several = workspaces.length > 1;
  const integrations = workspaces.flatMap((workspace) =>
    (workspace.health?.integrations ?? []).map((integration) =>
      several
        ? { ...integration, stripeAccountName: `${accountLabel(t, integration)} (${workspaceLabel(workspace, policy)})` }
        : integration,
    ),
  );
  const badge = badgeFor(integrations);
  await browser.action.setBadgeText({ text: badge.text });
  if (badge.text) await browser.action.setBadgeBackgroundColor({ color: WARNING_COLOUR });
  await browser.action.setTitle({
    title: !badge.names.length
      ? t('actionTitle')
      : badge.more
        ? t('badgeTitleAttentionMore', [badge.names.join(', '), String(badge.more)])
        : t('badgeTitleAttention', badge.names.join(', ')),
  });
}

/** A notification's id: what it is about, and in which workspace (`integration-broken:<id>@<workspace URL>`). */
const notificationId = (subject: string, workspaceUrl: string) => `${NOTIFICATION_PREFIX}${workspaceKey(subject, workspaceUrl)}`;

/** The workspace a break notification is about; null for any other notification. */
export const workspaceOfNotification = (id: string): string | null =>
  id.startsWith(NOTIFICATION_PREFIX) ? (splitWorkspaceKey(id.slice(NOTIFICATION_PREFIX.length))?.workspaceUrl ?? null) : null;

async function notifyBreaks(workspaceUrl: string, integrations: readonly Integration[]): Promise<void> {
  const { workspaces, policy } = await readState();
  const workspace = workspaces.find((w) => w.settings.workspaceUrl === workspaceUrl);
  if (!workspace) return;
  const { notified = [] } = workspace;
  const { due, notified: next } = notificationsDue(integrations, notified);
  // Remember before showing: a worker stopped in between must not notify twice.
  if (next.join() !== [...notified].sort().join()) await writeWorkspace(workspaceUrl, { notified: next });
  // The organization turned notifications off: the badge still counts what needs attention.
  if (policy?.notifications === false) return;
  // With several workspaces, each notification says which one: its Reauthenticate is there.
  const where = workspaces.length > 1 ? workspaceLabel(workspace, policy) : null;
  for (const notice of noticesFor(due, next.length)) {
    const [id, title, message] =
      notice.kind === 'one'
        ? [
            notice.integration.id,
            where
              ? t('notificationTitleIn', [accountLabel(t, notice.integration), where])
              : t('notificationTitle', accountLabel(t, notice.integration)),
            notice.integration.reason ?? statusLabel(t, notice.integration.status),
          ]
        : [
            'many',
            where ? t('notificationManyTitleIn', [String(notice.count), where]) : t('notificationManyTitle', String(notice.count)),
            t('notificationManyMessage', notice.names.join(', ')),
          ];
    await browser.notifications.create(notificationId(id, workspaceUrl), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title,
      message,
    });
  }
}

/** Brings the admin to the list: the popup where the browser allows it, else the same page in a tab. */
export async function openIntegrationList(): Promise<void> {
  try {
    await browser.action.openPopup();
  } catch {
    await browser.tabs.create({ url: browser.runtime.getURL(`${POPUP_PATH}?view=tab`) });
  }
}

export async function scheduleHealthChecks(): Promise<void> {
  const { healthCheckMinutes, policy } = await readState();
  // The organization's interval, where its policy sets one, over the admin's.
  const period = policy?.healthCheckMinutes ?? healthCheckMinutes ?? DEFAULT_HEALTH_CHECK_MINUTES;
  const existing = await browser.alarms.get(HEALTH_ALARM);
  if (existing?.periodInMinutes === period) return;
  await browser.alarms.create(HEALTH_ALARM, { periodInMinutes: period, delayInMinutes: period });
}
