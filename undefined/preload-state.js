globalThis.workspaceConnectStoredState = (globalThis.browser ?? chrome).storage.local.get(null);
