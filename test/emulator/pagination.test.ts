import { DEMO, useHarness } from './helpers';

const h = useHarness(false);

const names = (r: any) => r.body.data.map((u: any) => u.username);

/** The All Staff group's members, page by page with nextToken, each page checked to say `served` as its maxResults. */
async function walkAllStaff(
	maxResults: number,
	served: number,
): Promise<{ ids: string[]; pages: number }> {
	const ids: string[] = [];
	let nextToken = '';
	let pages = 0;
	do {
		const r = await h.call('ListUsersForGroup', {
			path: { groupId: DEMO.allStaff },
			query: { maxResults, ...(nextToken && { nextToken }) },
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ totalCount: 9, maxResults: served });
		ids.push(...r.body.data.map((m: any) => m.userId));
		nextToken = r.body.nextToken;
		pages++;
	} while (nextToken);
	return { ids, pages };
}

describe('pageNumber / pageSize', () => {
	test('exactly one page, last partial page, page past the end', async () => {
		const all = await h.call('ListUsers', { query: { pageSize: 10 } });
		expect(all.body.totalCount).toBe(10);
		expect(all.body.data).toHaveLength(10);
		expect(Object.keys(all.body).sort()).toEqual(['data', 'totalCount']);
		const third = await h.call('ListUsers', { query: { pageSize: 4, pageNumber: 3 } });
		expect(names(third)).toEqual(['isabel.garcia', 'jack.taylor']);
		const past = await h.call('ListUsers', { query: { pageSize: 4, pageNumber: 9 } });
		expect(past.body).toEqual({ totalCount: 10, data: [] });
	});

	test('pages concatenate to the whole list in creation order', async () => {
		const seen: string[] = [];
		for (let page = 1; page <= 4; page++)
			seen.push(...names(await h.call('ListUsers', { query: { pageSize: 3, pageNumber: page } })));
		expect(seen).toEqual(names(await h.call('ListUsers', { query: { pageSize: 100 } })));
	});

	test('an empty listing', async () => {
		const ou = h.emu.store.createOu({ organizationalUnitName: 'Empty', parentId: DEMO.hr });
		expect(
			(await h.call('ListUsers', { query: { organizationalUnitId: ou.organizationalUnitId } }))
				.body,
		).toEqual({ totalCount: 0, data: [] });
		expect(
			(await h.call('ListOrganizationalUnits', { query: { parentId: ou.organizationalUnitId } }))
				.body,
		).toEqual({ totalCount: 0, data: [] });
		h.emu.store.deleteOu(ou.organizationalUnitId);
	});

	test.each([['0'], ['101'], ['abc']])('pageSize=%s is refused', async (pageSize) => {
		const r = await h.call('ListUsers', { query: { pageSize } });
		expect(r).toMatchObject({ status: 400, body: { code: 'InvalidParameter.PageSize' } });
	});

	test('pageNumber=0 is refused; the default page size is 20', async () => {
		expect((await h.call('ListUsers', { query: { pageNumber: 0 } })).body.code).toBe(
			'InvalidParameter.PageNumber',
		);
		for (let i = 0; i < 15; i++)
			h.emu.store.createUser({ username: `bulk${i}`, primaryOrganizationalUnitId: DEMO.hr });
		expect((await h.call('ListUsers')).body.data).toHaveLength(20);
		h.emu.reset();
		h.token = h.emu.issueAppToken();
	});

	test('ListOrganizationalUnits requires parentId', async () => {
		expect((await h.call('ListOrganizationalUnits')).body.code).toBe('MissingParameter.ParentId');
	});
});

describe('nextToken / maxResults', () => {
	test('walk to the end; the last page has an empty nextToken', async () => {
		const { ids, pages } = await walkAllStaff(4, 4);
		expect(pages).toBe(3);
		expect(ids).toEqual([...h.emu.store.groups.get(DEMO.allStaff)!.members]);
	});

	test('exactly one page', async () => {
		const r = await h.call('ListGroups', { query: { maxResults: 3 } });
		expect(r.body).toMatchObject({ totalCount: 3, nextToken: '', maxResults: 3 });
	});

	test('garbled tokens and tokens of another listing are refused', async () => {
		const first = await h.call('ListGroups', { query: { maxResults: 1 } });
		expect(first.body.nextToken).toMatch(/^NT/);
		for (const nextToken of ['garbage', 'NT!!!', first.body.nextToken.slice(0, -2)]) {
			const r = await h.call('ListGroups', { query: { nextToken } });
			expect(r).toMatchObject({ status: 400, body: { code: 'InvalidParameter.NextToken' } });
		}
		const elsewhere = await h.call('ListGroupsForUser', {
			path: { userId: DEMO.alice },
			query: { nextToken: first.body.nextToken },
		});
		expect(elsewhere.body.code).toBe('InvalidParameter.NextToken');
		expect((await h.call('ListGroups', { query: { maxResults: 101 } })).body.code).toBe(
			'InvalidParameter.MaxResults',
		);
	});
});

describe('a gateway page cap', () => {
	afterEach(() => h.emu.paging.set());

	test('pageNumber pages serve at most the cap and stay contiguous at the served size', async () => {
		h.emu.paging.set(3);
		const pages: string[][] = [];
		for (let pageNumber = 1; pageNumber <= 5; pageNumber++) {
			const r = await h.call('ListUsers', { query: { pageSize: 100, pageNumber } });
			expect(r.body.totalCount).toBe(10);
			pages.push(names(r));
		}
		expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 1, 0]);
		// A page smaller than the cap is served as asked; no cap, no limit.
		expect(names(await h.call('ListUsers', { query: { pageSize: 2 } }))).toEqual(
			pages[0].slice(0, 2),
		);
		h.emu.paging.set();
		expect(pages.flat()).toEqual(names(await h.call('ListUsers', { query: { pageSize: 100 } })));
	});

	test('nextToken answers say the served size in maxResults', async () => {
		h.emu.paging.set(4);
		const { ids, pages } = await walkAllStaff(100, 4);
		expect(pages).toBe(3);
		expect(ids).toEqual([...h.emu.store.groups.get(DEMO.allStaff)!.members]);
	});

	test('the cap applies to the default page size too, and the client is still checked against the API bounds', async () => {
		h.emu.paging.set(5);
		expect((await h.call('ListUsers')).body.data).toHaveLength(5);
		expect((await h.call('ListUsers', { query: { pageSize: 101 } })).body.code).toBe(
			'InvalidParameter.PageSize',
		);
	});

	test('over HTTP: PUT sets it, GET shows it, DELETE and reset lift it', async () => {
		expect((await h.control('GET', 'paging')).body).toEqual({ maxPageSize: null });
		expect((await h.control('PUT', 'paging', { maxPageSize: 2 })).body).toEqual({ maxPageSize: 2 });
		expect((await h.control('GET', 'state')).body.paging).toEqual({ maxPageSize: 2 });
		expect((await h.call('ListGroups', { query: { maxResults: 100 } })).body).toMatchObject({
			maxResults: 2,
			data: [{}, {}],
		});
		expect((await h.control('PUT', 'paging', { maxPageSize: 0 })).body.code).toBe(
			'InvalidParameter.MaxPageSize',
		);
		expect((await h.control('DELETE', 'paging')).body).toEqual({ maxPageSize: null });
		expect((await h.call('ListGroups', { query: { maxResults: 100 } })).body.data).toHaveLength(3);
		h.emu.paging.set(1);
		h.emu.reset();
		h.token = h.emu.issueAppToken();
		expect(h.emu.paging.maxPageSize).toBeUndefined();
		expect((await h.call('ListGroups', { query: { maxResults: 100 } })).body.data).toHaveLength(3);
	});
});
