/**
 * Integration health in the toolbar: polls the workspace (ETag: an unchanged list costs a 304 and
 * no storage write), sets the badge, and notifies each break once.
 */
import browser from './browser';
import { accountLabel, statusLabel, translator } from '../shared/translate';
import { badgeFor, noticesFor, notificationsDue } from '../shared/alerts';
import type { Integration } from '../shared/schemas';
import { appError, type AppErrorCode } from '../shared/errors';
import { DEFAULT_HEALTH_CHECK_MINUTES, type HealthState } from '../shared/state';

/** No list yet: what a failed first check is written over. */
const EMPTY_HEALTH: HealthState = { integrations: [], etag: null, checkedAt: 0 };
import { POPUP_PATH } from './outcome';
import { readState, writeState } from './storage';
import { workspaceClient } from './workspace';

export const HEALTH_ALARM = 'health-check';
/** A test seam (test builds only): an alarm the end-to-end tests create to check now. */
export const HEALTH_CHECK_NOW_ALARM = 'health-check-now';
export const NOTIFICATION_PREFIX = 'integration-broken:';
const WARNING_COLOUR = '#B45309';

const t = translator((key, substitutions) => browser.i18n.getMessage(key, substitutions));

const NOT_A_CHECK: ReadonlySet<AppErrorCode> = new Set(['not-configured', 'permission-denied', 'signed-out']);

let inFlight: Promise<void> | null = null;

/** One health check at a time: popup opening, alarms and flows may all ask at once. */
export function checkHealth(): Promise<void> {
  inFlight ??= runHealthCheck().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function runHealthCheck(): Promise<void> {
  const { settings, health, profile } = await readState();
  const client = await workspaceClient(settings);
  const answer = client.ok ? await client.value.listIntegrations(health?.etag ?? null) : client;
  if (!answer.ok) {
    // Signed out or not set up: nothing to check, and the profile says why. Anything else (the
    // workspace unreachable, even while renewing a sign-in) is a failed check, shown on the list.
    if (NOT_A_CHECK.has(answer.error.code)) {
      // The browser restarted and the admin chose not to stay signed in: the token went with the
      // session, so the profile must stop saying "Signed in as" (the list stays as last known).
      if (settings?.token === '' && profile?.status === 'ready') {
        const error = appError(settings.credential === 'sign-in' ? 'signed-out' : 'not-configured');
        await writeState({ profile: { status: 'failed', error, checkedAt: Date.now() } });
      }
      return;
    }
    if (health?.error?.code !== answer.error.code) {
      await writeState({ health: { ...(health ?? EMPTY_HEALTH), error: answer.error } });
    }
    return;
  }
  if (!answer.value.changed) {
    // Unchanged: nothing to write, nothing to re-render; only a previous error is cleared.
    if (health?.error) {
      const { error: _cleared, ...rest } = health;
      await writeState({ health: rest });
    }
    return;
  }
  const { integrations, unreadable, etag } = answer.value;
  const next: HealthState = { integrations, etag, checkedAt: Date.now(), ...(unreadable ? { unreadable } : {}) };
  await writeState({ health: next });
  await showBadge(next.integrations);
  await notifyBreaks(next.integrations);
}

export async function showBadge(integrations: readonly Integration[]): Promise<void> {
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

async function notifyBreaks(integrations: readonly Integration[]): Promise<void> {
  const { notified = [], policy } = await readState();
  const { due, notified: next } = notificationsDue(integrations, notified);
  // Remember before showing: a worker stopped in between must not notify twice.
  if (next.join() !== [...notified].sort().join()) await writeState({ notified: next });
  // The organization turned notifications off: the badge still counts what needs attention.
  if (policy?.notifications === false) return;
  for (const notice of noticesFor(due, next.length)) {
    const [id, title, message] =
      notice.kind === 'one'
        ? [
            notice.integration.id,
            t('notificationTitle', accountLabel(t, notice.integration)),
            notice.integration.reason ?? statusLabel(t, notice.integration.status),
          ]
        : ['many', t('notificationManyTitle', String(notice.count)), t('notificationManyMessage', notice.names.join(', '))];
    await browser.notifications.create(`${NOTIFICATION_PREFIX}${id}`, {
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

export async function scheduleHealthChecks(minutes?: number): Promise<void> {
  const { settings, policy } = await readState();
  // The organization's interval, where its policy sets one, over the admin's.
  const period = policy?.healthCheckMinutes ?? minutes ?? settings?.healthCheckMinutes ?? DEFAULT_HEALTH_CHECK_MINUTES;
  const existing = await browser.alarms.get(HEALTH_ALARM);
  if (existing?.periodInMinutes === period) return;
  await browser.alarms.create(HEALTH_ALARM, { periodInMinutes: period, delayInMinutes: period });
}
