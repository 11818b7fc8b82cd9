/**
 * The workspace side as a module a workspace team mounts: the API (a Hono app, Web-standard
 * `Request → Response`), its storage, and Stripe behind one gateway. README › "Mounting the API".
 */
export { createWorkspaceApi, servicesOf, type WorkspaceApiOptions } from './app';
export { openStorage, type StorageOptions, type WorkspaceStorage } from './workspace';
export { createStripeGateway, type StripeConfig, type StripeGateway, type StripeMode, type StripeProvider } from './stripe-gateway';
export { startTokenRefresher, refreshDueTokens } from './token-refresh';
export { createWorkspace, ensureWorkspace, type NewWorkspace } from './data/workspaces';
export { listen, type NodeServer } from './node';
