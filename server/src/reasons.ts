/**
 * Why an integration needs attention, in the admin's language (from `Accept-Language`). Stored as a
 * code with an optional technical detail; worded only when answered.
 */
import type { ObjectErrorCode } from './data/sync-state';
import type { SyncedObject } from './sync/objects';

export type ProblemCode = 'revoked' | 'expired' | 'sync_failed' | 'refresh_refused' | 'refresh_failing' | 'installed_elsewhere';

export interface IntegrationProblem {
  code: ProblemCode;
  detail?: string;
}

export type Language = 'en' | 'es';

const TEXTS: Record<Language, Record<ProblemCode, (detail: string) => string>> = {
  en: {
    revoked: () => 'Access was revoked in Stripe: the account owner disconnected this workspace. Reauthenticate to reconnect it.',
    expired: () => 'Stripe no longer accepts this connection’s credentials. Reauthenticate to resume syncing.',
    // Stripe's own message stays out: it is English, and for support, not for the admin.
    sync_failed: () => 'The last sync failed. The workspace retries; reauthenticate if it persists.',
    refresh_refused: () =>
      'Stripe stopped renewing this connection’s access (the app was uninstalled or its access ran out). Reauthenticate to resume syncing.',
    refresh_failing: () =>
      'The workspace cannot renew this connection’s Stripe access right now. It keeps trying; reauthenticate if it persists.',
    installed_elsewhere: () =>
      'This Stripe account was connected again elsewhere (another workspace or connection), which ended this connection. Reauthenticate to use it here.',
  },
  es: {
    revoked: () =>
      'Se revocó el acceso en Stripe: el titular de la cuenta desconectó este espacio de trabajo. Vuelva a autenticarla para reconectarla.',
    expired: () => 'Stripe ya no acepta las credenciales de esta conexión. Vuelva a autenticarla para reanudar la sincronización.',
    sync_failed: () => 'La última sincronización falló. El espacio de trabajo lo reintenta; vuelva a autenticarla si continúa.',
    refresh_refused: () =>
      'Stripe dejó de renovar el acceso de esta conexión (se desinstaló la aplicación o su acceso caducó). Vuelva a autenticarla para reanudar la sincronización.',
    refresh_failing: () =>
      'El espacio de trabajo no puede renovar ahora el acceso a Stripe de esta conexión. Lo sigue intentando; vuelva a autenticarla si continúa.',
    installed_elsewhere: () =>
      'Esta cuenta de Stripe se conectó de nuevo en otro lugar (otro espacio de trabajo u otra conexión), lo que terminó esta conexión. Vuelva a autenticarla para usarla aquí.',
  },
};

export function describeProblem(problem: IntegrationProblem | null, language: Language): string | null {
  return problem ? TEXTS[language][problem.code](problem.detail ?? '') : null;
}

/** The objects a sync reads, as an admin names them (sync/objects.ts). */
const OBJECT_NAMES: Record<Language, Record<SyncedObject, string>> = {
  en: {
    customers: 'customers',
    charges: 'charges',
    coupons: 'coupons',
    invoices: 'invoices',
    plans: 'plans',
    prices: 'prices',
    products: 'products',
    subscriptions: 'subscriptions',
    events: 'events',
  },
  es: {
    customers: 'clientes',
    charges: 'cargos',
    coupons: 'cupones',
    invoices: 'facturas',
    plans: 'planes',
    prices: 'precios',
    products: 'productos',
    subscriptions: 'suscripciones',
    events: 'eventos',
  },
};

const SYNC_ERROR_TEXTS: Record<Language, Record<ObjectErrorCode, (object: string) => string>> = {
  en: {
    // Stripe Apps: the app's permissions as the account accepted them do not cover this object.
    permission_missing: (object) =>
      `Stripe does not let this connection read ${object}. Reauthenticate and accept the permissions Stripe asks for (or ask the Stripe account’s owner to); the other data keeps syncing.`,
    sync_failed: (object) => `Syncing ${object} failed. The workspace retries; reauthenticate if it persists.`,
  },
  es: {
    permission_missing: (object) =>
      `Stripe no permite que esta conexión lea ${object}. Vuelva a autenticarla y acepte los permisos que pide Stripe (o pídaselo al titular de la cuenta de Stripe); el resto de los datos se sigue sincronizando.`,
    sync_failed: (object) => `Falló la sincronización de ${object}. El espacio de trabajo lo reintenta; vuelva a autenticarla si continúa.`,
  },
};

/** Why an object's sync stopped, in the admin's language (Stripe's own message stays in the logs). */
export const describeSyncError = (code: ObjectErrorCode, object: SyncedObject, language: Language): string =>
  SYNC_ERROR_TEXTS[language][code](OBJECT_NAMES[language][object]);

/** The first supported language in `Accept-Language` order (q-values respected), else English. */
export function pickLanguage(header: string | undefined): Language {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}
