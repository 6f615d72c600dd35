/** Where an emulator answers, and an application it knows (an Emulator, or the bench's emulator process). */
export interface EmulatorTarget {
	url: string;
	instanceId: string;
	application: { applicationId: string; clientId: string; clientSecret: string };
}

/**
 * The credential data for an emulator: its URL as the custom endpoint, and the application.
 * Kept apart from the n8n harness so that tests which run n8n in another process (e2e) and the
 * benchmarks can use it without loading n8n-core.
 */
export function emulatorCredential(target: EmulatorTarget) {
	const app = target.application;
	return {
		region: 'custom',
		customEndpoint: target.url,
		instanceId: target.instanceId,
		applicationId: app.applicationId,
		clientId: app.clientId,
		clientSecret: app.clientSecret,
	};
}
