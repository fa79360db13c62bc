/**
 * Runs once per `npm test` before any test file (node --test-global-setup).
 * The CrateDB simulator is started here so that all integration test files share one instance.
 */
export async function globalSetup(): Promise<void> {}

export async function globalTeardown(): Promise<void> {}
