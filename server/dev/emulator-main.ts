/**
 * The Stripe emulator alone, in its own process (as Stripe is not in the workspace's):
 * `node --import tsx server/dev/emulator-main.ts`. Environment: EMULATOR_PORT (0: any free port),
 * EMULATOR_AUTO_APPROVE (an account email approved at once, for benchmarks). Prints
 * {"ready": true, "emulatorUrl": …} when it listens.
 */
import { startStripeEmulator } from './stripe-emulator';

const emulator = await startStripeEmulator({
  host: '127.0.0.1',
  port: Number(process.env.EMULATOR_PORT ?? 0),
  ...(process.env.EMULATOR_AUTO_APPROVE ? { autoApprove: process.env.EMULATOR_AUTO_APPROVE } : {}),
});
console.log(JSON.stringify({ ready: true, emulatorUrl: emulator.url }));
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
