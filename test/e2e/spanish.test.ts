/**
 * The admin's language: with the browser in Spanish (Chromium `--lang=es`, Firefox with Debian's
 * language pack), every screen speaks Spanish, through the real flows.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  BROWSERS,
  breakIntegration,
  clickConnectLabelled,
  openOptions,
  openPopup,
  signInOnEmulator,
  startWorld,
  textOf,
  waitForStripeWindow,
  waitForText,
  workspaceIntegrations,
  type World,
  useApiToken,
} from './support';

describe.each(BROWSERS)('en español (%s)', (browserName) => {
  let world: World;
  beforeEach(async () => {
    if (browserName === 'firefox') expect(inject('firefoxSpanish'), 'Debian firefox-esr-l10n-es-es is missing').toBe(true);
    world = await startWorld({ lang: 'es', browser: browserName });
  });
  afterEach(async () => {
    await world.close();
  });

  it('configura, conecta, muestra «Conexión correcta» y explica una integración caducada', async () => {
    const options = await openOptions(world);
    expect(await textOf(options)).toContain('Configuración de Workspace Connect');
    expect(await options.$eval('html', (h) => h.lang)).toBe('es');
    await options.locator('#workspace-url').fill('no es una url');
    await useApiToken(options);
    await options.locator('#api-token').fill('x');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Eso no es una dirección web');
    await options.locator('#workspace-url').fill(world.server.url);
    await options.locator('#api-token').fill('wc_demo_admin_token');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Sesión iniciada como Ana García en Acme Analytics');
    expect(await textOf(options)).toContain('Es administrador');

    const popup = await openPopup(world);
    const popupText = await textOf(popup);
    expect(popupText).toContain('Añadir una fuente de datos');
    expect(popupText).toContain('Todavía no hay fuentes de datos');
    const stripe = waitForStripeWindow(world);
    await clickConnectLabelled(popup, 'Conectar con Stripe');
    await waitForText(popup, 'Para continuar, inicie sesión en la ventana de Stripe');
    await signInOnEmulator(await stripe);
    const shown = await waitForText(popup, 'Conexión correcta');
    expect(shown).toContain('Cuenta de Stripe');
    expect(shown).toContain('Modo real');

    const [integration] = await workspaceIntegrations(world);
    await breakIntegration(world, integration!.id as string, 'expired');
    const again = await openPopup(world);
    const list = await waitForText(again, 'Caducada', '[data-testid=integration-list]');
    // The workspace words its reason in the admin's language too (Accept-Language).
    expect(list).toContain('Stripe ya no acepta las credenciales de esta conexión');
    expect(list).toContain('Volver a autenticar');
  });

  it('dice en español que se canceló la conexión', async () => {
    const options = await openOptions(world);
    await options.locator('#workspace-url').fill(world.server.url);
    await useApiToken(options);
    await options.locator('#api-token').fill('wc_demo_admin_token');
    await options.keyboard.press('Enter');
    await waitForText(options, 'Sesión iniciada como');
    const popup = await openPopup(world);
    const stripe = waitForStripeWindow(world);
    await clickConnectLabelled(popup, 'Conectar con Stripe');
    await (await stripe).close();
    await waitForText(popup, 'Se canceló la conexión: la ventana de Stripe se cerró antes de terminar');
    // What the browser said about it (in English) stays out of sight; the details are in Spanish.
    await popup.locator('summary ::-p-text(Detalles)').click();
    const outcome = await waitForText(popup, 'Código del error', '[data-testid=flow-status]');
    expect(outcome).toContain('window-closed');
    expect(outcome).toContain('Copiar los detalles para el soporte');
    expect(outcome.replace('window-closed', '')).not.toMatch(/\b(the|user|did|not|approve|closed|window)\b/i);
  });
});
