/**
 * The n8n editor as a person uses it, for the browser walk (test/e2e/walk.e2e.test.ts): sign in, open and run a
 * workflow, open a node, read its output panel, search the nodes panel, fill parameters, open credentials. Every
 * selector is a data-test-id the editor ships in both 2.8.4 and 2.41.1 where one exists, else visible text; a
 * step that differs between the versions says so here, not in the walk.
 *
 * The guard records what a person would see go wrong: error toasts (captured by a MutationObserver, since toasts
 * fade) and REST calls answered >= 400.
 */
import type { Locator, Page, Response } from 'playwright-core';

export const LONG = 90_000; // the machine is shared: waits are generous, never asserted on
const ndvSel = '[data-test-id="ndv"]';

export function testId(id: string): string {
	return `[data-test-id="${id}"]`;
}

/** Runs in the page before its scripts: keeps the text of every error toast n8n shows (element-plus notifications). */
const TOAST_RECORDER = `
	window.__errorToasts = [];
	new MutationObserver(() => {
		for (const n of document.querySelectorAll('.el-notification')) {
			if (n.__seen || !n.querySelector('.el-notification--error')) continue;
			n.__seen = true;
			window.__errorToasts.push(n.innerText.replace(/\\s+/g, ' ').trim());
		}
	}).observe(document, { childList: true, subtree: true });
`;

/** Error toasts and failed REST calls seen since the last take(); `allow` lists the ones a step expects. */
export class EditorGuard {
	private failedCalls: string[] = [];
	private allowed: Array<{ pattern: RegExp; why: string }> = [];

	constructor(private readonly page: Page) {
		page.on('response', (r: Response) => {
			const url = new URL(r.url());
			if (!url.pathname.startsWith('/rest/') || r.status() < 400) return;
			const call = `${r.request().method()} ${url.pathname} → ${r.status()}`;
			if (!this.allowed.some((a) => a.pattern.test(call))) this.failedCalls.push(call);
		});
	}

	/** Before the page loads: keep the text of every error toast shown. */
	static async install(page: Page): Promise<EditorGuard> {
		// A string: this file compiles without the DOM library.
		await page.addInitScript({ content: TOAST_RECORDER });
		return new EditorGuard(page);
	}

	allow(pattern: RegExp, why: string): void {
		this.allowed.push({ pattern, why });
	}

	/** What went wrong since the last call (toasts of the current document only). */
	async take(): Promise<string[]> {
		const toasts: string[] = (await this.page
			.evaluate('(window.__errorToasts || []).splice(0)')
			.catch(() => [])) as string[];
		const calls = this.failedCalls.splice(0);
		return [
			...toasts.map((t) => `error toast: ${t}`),
			...calls.map((c) => `REST call failed: ${c}`),
		];
	}
}

export async function signIn(
	page: Page,
	baseUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page
		.locator('input[name="emailOrLdapLoginId"], input[name="email"]')
		.first()
		.fill(owner.email);
	await page.locator('input[name="password"]').fill(owner.password);
	await page.keyboard.press('Enter');
	await page.waitForURL(/\/(home|workflows)/, { timeout: LONG });
}

export function canvasNode(page: Page, name: string): Locator {
	return page.locator(`${testId('canvas-node')}[data-node-name="${name}"]`);
}

export async function openWorkflow(page: Page, baseUrl: string, id: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`);
	await page.locator(testId('canvas-node')).first().waitFor({ timeout: LONG });
	// The canvas can still show its "Loading" overlay over the nodes for a moment.
	await page
		.getByText(/^\s*Loading\s*$/)
		.first()
		.waitFor({ state: 'hidden', timeout: LONG });
}

/** Presses "Execute workflow" and waits until every listed node shows its success mark. */
export async function executeWorkflow(page: Page, nodes: string[]): Promise<void> {
	await page.locator(testId('execute-workflow-button')).click();
	for (const name of nodes)
		await canvasNode(page, name)
			.locator(testId('canvas-node-status-success'))
			.waitFor({ timeout: LONG });
}

export function ndv(page: Page): Locator {
	return page.locator(ndvSel);
}

/** 2.8.4 names the output panel `output-panel`; later versions `ndv-output-panel`. */
export function outputPanel(page: Page): Locator {
	return ndv(page)
		.locator(`${testId('output-panel')}, ${testId('ndv-output-panel')}`)
		.first();
}

export async function openNode(page: Page, name: string): Promise<Locator> {
	await canvasNode(page, name).dblclick();
	await ndv(page).waitFor({ timeout: LONG });
	return ndv(page);
}

export async function closeNode(page: Page): Promise<void> {
	await ndv(page).locator(testId('ndv-close-button')).first().click();
	await ndv(page).waitFor({ state: 'hidden', timeout: LONG });
}

/** The output panel's text once it shows items ("N item(s)"), and that count. */
export async function outputItems(page: Page): Promise<{ text: string; count: number }> {
	const panel = outputPanel(page);
	await panel
		.getByText(/^\s*\d+ items?\s*$/)
		.first()
		.waitFor({ timeout: LONG });
	// 2.41.1 shows the count a moment before the items (table, JSON or schema view).
	await panel
		.locator(`table td, .json-data, ${testId('run-data-schema-item')}`)
		.first()
		.waitFor({ timeout: LONG });
	const text = await panel.innerText();
	const m = text.match(/(\d+) items?/);
	return { text, count: m ? Number(m[1]) : 0 };
}

/** Opens the nodes panel: from the canvas "+" on an empty workflow, else from the top-right "+". */
export async function openNodesPanel(page: Page): Promise<Locator> {
	if (await ndv(page).isVisible()) await closeNode(page);
	const add = page.locator(testId('canvas-add-button'));
	if (await add.isVisible()) await add.click();
	else await page.locator(testId('node-creator-plus-button')).click();
	const creator = page.locator(testId('node-creator'));
	await creator.locator(testId('node-creator-search-bar')).waitFor({ timeout: LONG });
	return creator;
}

export async function searchNodes(creator: Locator, text: string): Promise<void> {
	const bar = creator.locator(testId('node-creator-search-bar'));
	await bar.fill(text);
}

export function creatorItem(creator: Locator, text: string | RegExp): Locator {
	return creator.locator(testId('item-iterator-item'), { hasText: text }).first();
}

/** A node's entry in the nodes panel by its exact name ("Alibaba Cloud IDaaS" also starts the event trigger's). */
export function nodeEntry(creator: Locator, name: string): Locator {
	const exact = new RegExp(`^\\s*${name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')}\\s*$`);
	const label = creator.page().locator(testId('node-creator-item-name'), { hasText: exact });
	return creator.locator(testId('item-iterator-item')).filter({ has: label }).first();
}

/** Picks an option of an n8n select parameter (resource, region, …) by its visible label. */
export async function selectOption(
	page: Page,
	scope: Locator,
	parameter: string,
	label: string | RegExp,
): Promise<void> {
	await scope.locator(testId(`parameter-input-${parameter}`)).click();
	await page
		.locator('.el-select-dropdown__item:visible, .el-select-dropdown li:visible', {
			hasText: label,
		})
		.first()
		.click();
}

export async function fillParameter(
	scope: Locator,
	parameter: string,
	value: string,
): Promise<void> {
	const input = scope
		.locator(
			`${testId(`parameter-input-${parameter}`)} input, ${testId(`parameter-input-${parameter}`)} textarea`,
		)
		.first();
	await input.fill(value);
}

/** The credential a node uses, picked by name in its "Credential to connect with" select. */
export async function selectCredential(page: Page, name: string): Promise<void> {
	const select = ndv(page).locator(testId('node-credentials-select'));
	if ((await select.locator('input').inputValue()) === name) return;
	await select.click();
	await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click();
}

/** Turns a boolean parameter on (n8n renders them as switches). */
export async function switchOn(scope: Locator, parameter: string): Promise<void> {
	const sw = scope.locator(`${testId(`parameter-input-${parameter}`)} [role="switch"]`);
	if ((await sw.getAttribute('aria-checked')) !== 'true')
		await scope.locator(`${testId(`parameter-input-${parameter}`)} .el-switch`).click();
	// The checkbox behind the switch is hidden: wait for its state, not its visibility.
	await scope
		.locator(`${testId(`parameter-input-${parameter}`)} [role="switch"][aria-checked="true"]`)
		.waitFor({ state: 'attached', timeout: LONG });
}

/** "Execute step" (or, on a trigger, "Fetch Test Event") in the open node; returns the button's label. */
export async function executeStep(page: Page): Promise<string> {
	const button = ndv(page).locator(testId('node-execute-button')).first();
	const label = (await button.innerText()).trim();
	await button.click();
	return label;
}

/**
 * Picks a value in a resource-locator ("From list") parameter by the label the list shows; `whileOpen` runs with
 * the list on screen (a screenshot).
 */
export async function pickFromList(
	page: Page,
	parameter: string,
	label: string,
	whileOpen?: () => Promise<unknown>,
): Promise<void> {
	const locator = ndv(page).locator(testId(`resource-locator-${parameter}`));
	await locator.locator(testId('rlc-input')).click();
	const item = page.locator(`${testId('rlc-item')}:visible`, { hasText: label }).first();
	await item.waitFor({ timeout: LONG });
	await whileOpen?.();
	await item.click();
}
