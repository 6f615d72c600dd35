/**
 * The `npm start` sandbox's copy of a shipped example workflow. The sandbox has one credential, the emulator's;
 * a node that needs any other (the examples' Slack and Send Email steps) would stop every run of the example at
 * that step, after the IDaaS work is done. So the sandbox copy has such nodes disabled, with a note on the canvas
 * saying how to turn them on. The files in examples/ stay as they are, for importing into a real n8n.
 * CommonJS so that jest can test it (as n8n-settings.cjs).
 */

/** How the editor names the credential types the shipped examples use; any other shows its type name. */
const CREDENTIAL_LABELS = {
	slackApi: 'Slack',
	slackOAuth2Api: 'Slack',
	smtp: 'SMTP',
	alibabaIdaasEventsApi: 'IDaaS Events',
	alibabaIdaasScimApi: 'IDaaS SCIM',
	httpHeaderAuth: 'Header Auth',
	openAiApi: 'OpenAI',
};

/**
 * @param {{ nodes?: Array<{ credentials?: Record<string, unknown>, disabled?: boolean, notes?: string, notesInFlow?: boolean }> }} workflow
 * @param {string} availableCredentialType the one credential type the sandbox has
 * @returns the workflow (a copy) and the names of the nodes it disabled
 */
function forSandbox(workflow, availableCredentialType) {
	const copy = JSON.parse(JSON.stringify(workflow));
	const disabled = [];
	for (const node of copy.nodes ?? []) {
		const missing = Object.keys(node.credentials ?? {}).filter(
			(type) => type !== availableCredentialType,
		);
		if (missing.length === 0) continue;
		node.disabled = true;
		// The canvas shows a note's first line under the node, cut at about 30 characters: keep it that short.
		node.notes = `Needs your ${missing.map((type) => CREDENTIAL_LABELS[type] ?? type).join(' or ')} credential\nThe npm start sandbox has only the emulator's credential. Add yours, select it here, then enable this node.`;
		node.notesInFlow = true;
		disabled.push(node.name);
	}
	return { workflow: copy, disabled };
}

module.exports = { forSandbox };
