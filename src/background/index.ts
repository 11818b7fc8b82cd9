/**
 * The service worker (Firefox: event page). It owns the connect flow, health checks and every
 * side effect, and writes state to `storage.local` for the pages to render. This file only wires:
 * it creates the parts from each other and registers every listener in `main()`; the logic lives
 * in the modules beside it and in `src/shared`.
 */
import type Browser from 'webextension-polyfill';
import browser from './browser';
import { POPUP_PORT, type FlowState } from '../shared/state';
import { createAccount } from './account';
import { createCommandHandler } from './command-handler';
import { createFlowRunner, RETRY_ALARM } from './flows';
import { createIntegrations } from './integrations';
import {
  checkHealth,
  HEALTH_ALARM,
  HEALTH_CHECK_NOW_ALARM,
  NOTIFICATION_CLICK_ALARM_PREFIX,
  NOTIFICATION_PREFIX,
  openIntegrationList,
  scheduleHealthChecks,
  showBadge,
  watchPopup,
  workspaceOfNotification,
} from './integration-watch';
import { OUTCOME_NOTIFICATION_PREFIX } from './outcome';
import { applyPolicy } from './policy';

function main(): void {
  const integrations = createIntegrations({ checkHealth, showBadge });
  const afterFlow = async (final: FlowState): Promise<void> => {
    if (final.phase === 'succeeded') await checkHealth();
    if (final.phase === 'failed' && final.error.code === 'integration-gone' && final.integrationId) {
      await integrations.forget(final.integrationId);
    }
  };
  const flows = createFlowRunner({ afterFlow });
  const account = createAccount({
    isFlowRunning: flows.isRunning,
    stopFlow: flows.stop,
    checkHealth,
    showBadge,
    scheduleHealthChecks,
  });
  const refresh = async () => {
    await checkHealth();
    return { ok: true } as const;
  };

  const handle = createCommandHandler(
    {
      connect: ({ mode }) => flows.start({ kind: 'connect', ...(mode ? { mode } : {}) }),
      reauthenticate: ({ integrationId }) => flows.start({ kind: 'reauthenticate', integrationId }),
      'focus-flow': flows.focus,
      'cancel-flow': flows.cancel,
      'dismiss-flow': flows.dismiss,
      'sign-in': ({ workspaceUrl, keepSignedIn }) => account.signIn(workspaceUrl, keepSignedIn ?? true),
      'save-settings': ({ workspaceUrl, token, keepSignedIn }) => account.saveSettings(workspaceUrl, token, keepSignedIn ?? true),
      'check-profile': account.checkProfile,
      'sign-out': ({ workspaceUrl }) => account.signOut(workspaceUrl),
      'switch-workspace': ({ workspaceUrl }) => account.switchTo(workspaceUrl),
      'rename-workspace': ({ workspaceUrl, name }) => account.rename(workspaceUrl, name),
      'set-health-interval': ({ minutes }) => account.setHealthInterval(minutes),
      'popup-opened': refresh,
      'check-health': refresh,
      disconnect: ({ integrationId }) => integrations.disconnect(integrationId),
    },
    browser.runtime.id,
  );
  browser.runtime.onMessage.addListener((message: unknown, sender: Browser.Runtime.MessageSender) => handle(message, sender));
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === POPUP_PORT) watchPopup(port);
  });

  /** A notification brings the admin to the list, in the workspace it is about. */
  const onNotificationClicked = async (notificationId: string) => {
    if (!notificationId.startsWith(NOTIFICATION_PREFIX) && !notificationId.startsWith(OUTCOME_NOTIFICATION_PREFIX)) return;
    void browser.notifications.clear(notificationId);
    const workspaceUrl = workspaceOfNotification(notificationId);
    // Refused while a flow runs: the list then shows that flow, in its own workspace.
    if (workspaceUrl) await account.switchTo(workspaceUrl);
    await openIntegrationList();
  };

  browser.alarms.onAlarm.addListener((alarm) => {
    // The periodic check; test builds also take `health-check-now`, which tests fire to run it at once.
    if (alarm.name === HEALTH_ALARM || (__TEST_HOOKS__ && alarm.name === HEALTH_CHECK_NOW_ALARM)) void checkHealth();
    if (alarm.name === RETRY_ALARM) void flows.recoverInterrupted();
    // Test builds: headless browsers show no notification to click, so tests click one this way.
    if (__TEST_HOOKS__ && alarm.name.startsWith(NOTIFICATION_CLICK_ALARM_PREFIX)) {
      void onNotificationClicked(alarm.name.slice(NOTIFICATION_CLICK_ALARM_PREFIX.length));
    }
  });
  // The browser forgets the badge when it restarts or updates the extension: it is set again
  // from what was kept, then checked.
  browser.runtime.onStartup.addListener(() => void showBadge().then(checkHealth));
  browser.runtime.onInstalled.addListener(({ reason }) => {
    void showBadge().then(checkHealth);
    // First run: the admin's next step is pointing the extension at a workspace.
    if (reason === 'install') void browser.runtime.openOptionsPage();
  });
  browser.notifications.onClicked.addListener((notificationId) => void onNotificationClicked(notificationId));

  void flows.recoverInterrupted();
  void account.recoverSignIn();
  // The organization's policy, then the health checks' schedule (which it may set): on every start
  // of the worker or event page (install and startup events are not always delivered to a listener
  // registered by a module: Firefox's temporary installs), and whenever IT changes the policy.
  const applyManaged = () => void applyPolicy().then(() => scheduleHealthChecks());
  applyManaged();
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') applyManaged();
  });
}

main();
