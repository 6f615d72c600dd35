import type {
	AbsentPolicy,
	DirectoryUser,
	MatchKey,
	PlanStep,
	SourcePerson,
} from '../../nodes/AlibabaIdaas/operations/reconcilePlan';
import {
	customFieldChanges,
	keyDriftsOf,
	keyOf,
	planReconcile,
	removalsOf,
	verificationDue,
} from '../../nodes/AlibabaIdaas/operations/reconcilePlan';

/**
 * The reconcile plan as a pure function: source rows and the directory in scope in, one step per
 * person out, compared whole (action, changes, the values before, waves and reasons). The
 * emulator suites (reconcile.test.ts, keyDrift.test.ts and the randomized ones) check that the
 * node carries the plan out; these check every decision of the plan itself.
 */

const ENG = 'ou_eng';
const OPS = 'ou_ops';
const OUTSIDE = 'ou_outside';
const SCOPE = new Set([ENG, OPS]);

function account(id: string, extra: Partial<DirectoryUser> = {}): DirectoryUser {
	return {
		userId: `user_${id}`,
		username: id,
		status: 'enabled',
		primaryOrganizationalUnitId: ENG,
		userExternalId: `X${id}`,
		email: `${id}@acme.example`,
		displayName: id.toUpperCase(),
		...extra,
	};
}

function row(
	itemIndex: number,
	id: string,
	extra: Record<string, unknown> = {},
	active = true,
): SourcePerson {
	return {
		itemIndex,
		active,
		values: {
			userExternalId: `X${id}`,
			username: id,
			primaryOrganizationalUnitId: ENG,
			displayName: id.toUpperCase(),
			email: `${id}@acme.example`,
			...extra,
		},
	};
}

function plan(
	people: SourcePerson[],
	directory: DirectoryUser[],
	options: { matchKey?: MatchKey; absent?: AbsentPolicy; markVerified?: boolean } = {},
): PlanStep[] {
	return planReconcile({
		people,
		directory,
		matchKey: options.matchKey ?? 'userExternalId',
		absent: options.absent ?? 'nothing',
		scopeOus: SCOPE,
		markVerified: options.markVerified,
	});
}

const one = (steps: PlanStep[]) => {
	expect(steps).toHaveLength(1);
	return steps[0];
};

describe('keys', () => {
	it('compares usernames and e-mails in any case, external IDs as given, all trimmed', () => {
		expect(keyOf('username', ' Jane.Doe ')).toBe('jane.doe');
		expect(keyOf('email', 'Jane@ACME.example')).toBe('jane@acme.example');
		expect(keyOf('userExternalId', ' E-1001a ')).toBe('E-1001a');
		expect(keyOf('username', undefined)).toBe('');
		expect(keyOf('userExternalId', '  ')).toBe('');
		expect(keyOf('userExternalId', 1001)).toBe('1001');
	});
});

describe('a row with no account', () => {
	it('is created with its values when active', () => {
		const person = row(3, 'ann');
		expect(plan([person], [])).toEqual([
			{
				action: 'created',
				itemIndex: 3,
				username: 'ann',
				key: 'Xann',
				create: true,
				changes: person.values,
				changedFields: Object.keys(person.values),
				wave: 1,
			},
		]);
	});

	it('is left alone when inactive', () => {
		expect(plan([row(0, 'ann', {}, false)], [])).toEqual([
			{
				action: 'unchanged',
				itemIndex: 0,
				username: 'ann',
				key: 'Xann',
				changes: {},
				changedFields: [],
				reason: 'Inactive in the source and has no account',
				wave: 1,
			},
		]);
	});

	it('is a conflict when its unit is outside the authority', () => {
		expect(plan([row(0, 'ann', { primaryOrganizationalUnitId: OUTSIDE })], [])).toEqual([
			{
				action: 'conflict',
				itemIndex: 0,
				username: 'ann',
				key: 'Xann',
				changes: {},
				changedFields: [],
				reason: 'Primary organizational unit ou_outside is outside the authority of this reconcile',
				wave: 1,
				userId: undefined,
			},
		]);
	});
});

describe('a row matching its account', () => {
	it('changes nothing when the account already is as the row says', () => {
		const step = one(plan([row(0, 'bob')], [account('bob')]));
		expect(step).toEqual({
			action: 'unchanged',
			itemIndex: 0,
			userId: 'user_bob',
			username: 'bob',
			key: 'Xbob',
			changes: {},
			changedFields: [],
			previous: {},
			wave: 1,
		});
		expect(verificationDue([step])).toEqual([]);
	});

	it('changes only the fields that differ, keeping what they were', () => {
		const step = one(
			plan([row(0, 'bob', { displayName: 'Robert', phoneNumber: '' })], [account('bob')]),
		);
		expect(step).toEqual({
			action: 'updated',
			itemIndex: 0,
			userId: 'user_bob',
			username: 'bob',
			key: 'Xbob',
			changes: { displayName: 'Robert' },
			changedFields: ['displayName'],
			previous: { displayName: 'BOB' },
			wave: 1,
		});
		expect(verificationDue([step])).toEqual(['user_bob']);
	});

	it('compares a number with its text', () => {
		expect(
			one(
				plan(
					[row(0, 'bob', { phoneRegion: 86, phoneNumber: 13800000000 })],
					[account('bob', { phoneRegion: '86', phoneNumber: '13800000000' })],
				),
			).action,
		).toBe('unchanged');
	});

	it('marks a changed e-mail verified only when the row or the user says so', () => {
		const bob = account('bob');
		const changed = { email: 'robert@acme.example' };
		expect(one(plan([row(0, 'bob', changed)], [bob])).changes).toEqual({
			email: 'robert@acme.example',
			emailVerified: false,
		});
		expect(one(plan([row(0, 'bob', changed)], [bob], { markVerified: true })).changes).toEqual({
			email: 'robert@acme.example',
			emailVerified: true,
		});
		expect(
			one(
				plan([row(0, 'bob', { ...changed, emailVerified: false })], [bob], { markVerified: true }),
			).changes,
		).toEqual({ email: 'robert@acme.example', emailVerified: false });
		expect(one(plan([row(0, 'bob', { ...changed, emailVerified: true })], [bob])).changes).toEqual({
			email: 'robert@acme.example',
			emailVerified: true,
		});
		expect(
			one(plan([row(0, 'bob', { ...changed, emailVerified: 'true' })], [bob])).changes,
		).toEqual({ email: 'robert@acme.example', emailVerified: false });
		const step = one(plan([row(0, 'bob', changed)], [bob]));
		expect(step.changedFields).toEqual(['email']);
		expect(step.previous).toEqual({ email: 'bob@acme.example' });
	});

	it('sends the whole phone number when either half changes', () => {
		const bob = account('bob', { phoneRegion: '86', phoneNumber: '13800000000' });
		const region = one(
			plan([row(0, 'bob', { phoneRegion: '852', phoneNumber: '13800000000' })], [bob]),
		);
		expect(region.changes).toEqual({
			phoneRegion: '852',
			phoneNumber: '13800000000',
			phoneNumberVerified: false,
		});
		// Both halves are sent, and both are listed: the report shows the whole number before.
		expect(region.changedFields).toEqual(['phoneRegion', 'phoneNumber']);
		expect(region.previous).toEqual({ phoneRegion: '86', phoneNumber: '13800000000' });
		const number = one(
			plan(
				[
					row(0, 'bob', {
						phoneRegion: '86',
						phoneNumber: '13900000000',
						phoneNumberVerified: true,
					}),
				],
				[bob],
			),
		);
		expect(number.changes).toEqual({
			phoneRegion: '86',
			phoneNumber: '13900000000',
			phoneNumberVerified: true,
		});
		expect(
			one(
				plan([row(0, 'bob', { phoneRegion: '86', phoneNumber: '13900000000' })], [bob], {
					markVerified: true,
				}),
			).changes.phoneNumberVerified,
		).toBe(true);
		expect(
			one(
				plan(
					[
						row(0, 'bob', {
							phoneRegion: '86',
							phoneNumber: '13900000000',
							phoneNumberVerified: 'yes',
						}),
					],
					[bob],
				),
			).changes.phoneNumberVerified,
		).toBe(false);
	});

	it('sets a field the account does not have', () => {
		const bob = account('bob');
		delete bob.displayName;
		const step = one(plan([row(0, 'bob', { displayName: 'Bob' })], [bob]));
		expect(step.changes).toEqual({ displayName: 'Bob' });
		expect(step.previous).toEqual({ displayName: '' });
	});

	it('moves the account to the unit the row names', () => {
		const step = one(plan([row(0, 'bob', { primaryOrganizationalUnitId: OPS })], [account('bob')]));
		expect(step).toEqual({
			action: 'moved',
			itemIndex: 0,
			userId: 'user_bob',
			username: 'bob',
			key: 'Xbob',
			changes: {},
			changedFields: ['primaryOrganizationalUnitId'],
			moveTo: OPS,
			previousPrimaryOrganizationalUnitId: ENG,
			previous: { primaryOrganizationalUnitId: ENG },
			wave: 1,
		});
	});

	it('enables and disables as the row is active, named before a move or an update', () => {
		const enabled = one(
			plan(
				[row(0, 'bob', { primaryOrganizationalUnitId: OPS, displayName: 'B' })],
				[account('bob', { status: 'disabled' })],
			),
		);
		expect(enabled).toMatchObject({
			action: 'enabled',
			status: 'enabled',
			moveTo: OPS,
			changedFields: ['displayName', 'primaryOrganizationalUnitId', 'status'],
			previous: { displayName: 'BOB', primaryOrganizationalUnitId: ENG, status: 'disabled' },
		});
		const disabled = one(
			plan([row(0, 'bob', { primaryOrganizationalUnitId: OPS }, false)], [account('bob')]),
		);
		expect(disabled).toMatchObject({
			action: 'disabled',
			status: 'disabled',
			changedFields: ['primaryOrganizationalUnitId', 'status'],
			previous: { primaryOrganizationalUnitId: ENG, status: 'enabled' },
		});
		expect(
			one(plan([row(0, 'bob', {}, false)], [account('bob', { status: 'disabled' })])).action,
		).toBe('unchanged');
		expect(removalsOf([enabled, disabled])).toBe(1);
	});

	it('is a conflict when the row moves the account outside the authority', () => {
		expect(
			one(plan([row(0, 'bob', { primaryOrganizationalUnitId: OUTSIDE })], [account('bob')])),
		).toEqual({
			action: 'conflict',
			itemIndex: 0,
			userId: 'user_bob',
			username: 'bob',
			key: 'Xbob',
			changes: {},
			changedFields: [],
			reason: 'Primary organizational unit ou_outside is outside the authority of this reconcile',
			wave: 1,
		});
	});

	it('matches on username or e-mail in any letter case', () => {
		expect(
			one(
				plan([row(0, 'bob', { username: 'BOB', userExternalId: 'other' })], [account('bob')], {
					matchKey: 'username',
				}),
			),
		).toMatchObject({
			action: 'updated',
			userId: 'user_bob',
			key: 'bob',
			changes: { username: 'BOB' },
		});
		expect(
			one(
				plan(
					[row(0, 'bob', { email: 'Bob@ACME.example', userExternalId: 'other' })],
					[account('bob')],
					{ matchKey: 'email' },
				),
			),
		).toMatchObject({ userId: 'user_bob', key: 'bob@acme.example' });
	});
});

describe('conflicts in the source and the directory', () => {
	it('two rows with one key: both conflict, the account is kept', () => {
		const steps = plan(
			[row(0, 'bob'), row(1, 'bob', { username: 'bobby', email: 'bobby@acme.example' })],
			[account('bob')],
			{ absent: 'delete' },
		);
		expect(steps).toEqual(
			[0, 1].map((itemIndex) => ({
				action: 'conflict',
				itemIndex,
				userId: 'user_bob',
				username: itemIndex === 0 ? 'bob' : 'bobby',
				key: 'Xbob',
				changes: {},
				changedFields: [],
				reason: 'Duplicate in the source: 2 rows have userExternalId "Xbob"',
				wave: 1,
			})),
		);
	});

	it('two rows wanting one username: the row of the account holding it keeps it', () => {
		const steps = plan([row(0, 'bob'), row(1, 'new', { username: 'Bob' })], [account('bob')]);
		expect(steps[0]).toMatchObject({ action: 'unchanged', userId: 'user_bob' });
		expect(steps[1]).toEqual({
			action: 'conflict',
			itemIndex: 1,
			userId: undefined,
			username: 'Bob',
			key: 'Xnew',
			changes: {},
			changedFields: [],
			reason: 'Duplicate in the source: 2 rows want username "Bob" (user_bob has it)',
			wave: 1,
		});
	});

	it('two rows wanting one e-mail no account has: both conflict', () => {
		const steps = plan(
			[row(0, 'ann', { email: 'x@acme.example' }), row(1, 'bob', { email: 'X@acme.example' })],
			[account('bob')],
		);
		expect(steps.map((s) => [s.action, s.userId, s.reason])).toEqual([
			[
				'conflict',
				undefined,
				'Duplicate in the source: 2 rows want email "x@acme.example" (no account has it yet)',
			],
			[
				'conflict',
				'user_bob',
				'Duplicate in the source: 2 rows want email "X@acme.example" (no account has it yet)',
			],
		]);
	});

	it('rows wanting one e-mail in another case or with spaces around it: both conflict', () => {
		const steps = plan(
			[row(0, 'ann', { email: ' X@acme.example' }), row(1, 'cat', { email: 'x@acme.example ' })],
			[],
		);
		expect(steps.map((s) => s.action)).toEqual(['conflict', 'conflict']);
	});

	it('two rows with one key and no account: both conflict, naming no account', () => {
		const steps = plan(
			[row(0, 'ann'), row(1, 'ann', { username: 'anne', email: 'anne@acme.example' })],
			[],
		);
		expect(steps.map((s) => [s.action, s.userId, s.reason])).toEqual([
			['conflict', undefined, 'Duplicate in the source: 2 rows have userExternalId "Xann"'],
			['conflict', undefined, 'Duplicate in the source: 2 rows have userExternalId "Xann"'],
		]);
	});

	it('rows without a match key are not duplicates of each other', () => {
		const steps = plan(
			[row(0, 'ann', { userExternalId: '' }), row(1, 'cat', { userExternalId: ' ' })],
			[account('dan', { userExternalId: '' })],
			{ absent: 'delete' },
		);
		expect(steps.map((s) => [s.action, s.key])).toEqual([
			['created', ''],
			['created', ''],
			['deleted', ''],
		]);
	});

	it('rows without an e-mail do not share one', () => {
		const steps = plan([row(0, 'ann', { email: '' }), row(1, 'cat', { email: '' })], []);
		expect(steps.map((s) => s.action)).toEqual(['created', 'created']);
	});

	it('two accounts with the row key: a conflict naming both, neither removed', () => {
		const directory = [account('bob'), account('bob2', { userExternalId: 'Xbob' })];
		const steps = plan([row(0, 'bob')], directory, { absent: 'delete' });
		expect(steps).toEqual([
			{
				action: 'conflict',
				itemIndex: 0,
				userId: undefined,
				username: 'bob',
				key: 'Xbob',
				changes: {},
				changedFields: [],
				reason: '2 accounts in scope have userExternalId "Xbob": user_bob, user_bob2',
				wave: 1,
			},
		]);
	});
});

describe('accounts no row names', () => {
	const directory = [
		account('bob'),
		account('cat', { status: 'disabled', email: '' }),
		account('dan'),
	];

	it('are left alone, disabled or deleted as chosen', () => {
		expect(plan([row(0, 'bob')], directory)).toHaveLength(1);
		expect(plan([row(0, 'bob')], directory, { absent: 'disable' }).slice(1)).toEqual([
			{
				action: 'disabled',
				userId: 'user_dan',
				username: 'dan',
				key: 'Xdan',
				changes: {},
				changedFields: ['status'],
				previous: { status: 'enabled' },
				remove: 'disable',
				status: 'disabled',
				wave: 1,
			},
		]);
		const deleted = plan([row(0, 'bob')], directory, { absent: 'delete' }).slice(1);
		expect(deleted).toEqual([
			{
				action: 'deleted',
				userId: 'user_cat',
				username: 'cat',
				key: 'Xcat',
				changes: {},
				changedFields: [],
				remove: 'delete',
				wave: 1,
			},
			{
				action: 'deleted',
				userId: 'user_dan',
				username: 'dan',
				key: 'Xdan',
				changes: {},
				changedFields: [],
				remove: 'delete',
				wave: 1,
			},
		]);
		expect(removalsOf(deleted)).toBe(2);
		expect(verificationDue(deleted)).toEqual(['user_cat', 'user_dan']);
	});

	it('are keyed by the match key', () => {
		expect(plan([], [account('Dan')], { matchKey: 'username', absent: 'delete' })[0].key).toBe(
			'dan',
		);
	});

	it('are kept when a conflicting row claims them', () => {
		expect(
			plan([row(0, 'bob', { primaryOrganizationalUnitId: OUTSIDE })], [account('bob')], {
				absent: 'delete',
			}),
		).toHaveLength(1);
	});
});

describe('a username or e-mail another account holds', () => {
	it('waits for the account deleted in this run to free it', () => {
		const steps = plan([row(0, 'bob', { username: 'dan' })], [account('bob'), account('dan')], {
			absent: 'delete',
		});
		expect(steps.map((s) => [s.action, s.wave])).toEqual([
			['updated', 2],
			['deleted', 1],
		]);
		const email = plan(
			[row(0, 'bob', { email: 'dan@acme.example' })],
			[account('bob'), account('dan')],
			{ absent: 'delete' },
		);
		expect(email.map((s) => [s.action, s.wave])).toEqual([
			['updated', 2],
			['deleted', 1],
		]);
	});

	it('does not wait for an account disabled in this run', () => {
		const steps = plan([row(0, 'bob', { username: 'dan' })], [account('bob'), account('dan')], {
			absent: 'disable',
		});
		expect(steps.map((s) => [s.action, s.wave])).toEqual([
			['conflict', 1],
			['disabled', 1],
		]);
	});

	it('waits for the account renamed in this run', () => {
		const steps = plan(
			[row(0, 'bob', { username: 'robert' }), row(1, 'ann', { username: 'bob' })],
			[account('bob')],
		);
		expect(steps.map((s) => [s.action, s.wave])).toEqual([
			['updated', 1],
			['created', 2],
		]);
		const email = plan(
			[
				row(0, 'bob', { email: 'robert@acme.example' }),
				row(1, 'ann', { email: 'bob@acme.example' }),
			],
			[account('bob')],
		);
		expect(email.map((s) => [s.action, s.wave])).toEqual([
			['updated', 1],
			['created', 2],
		]);
	});

	it('is a conflict when nothing frees it, naming the holder', () => {
		const steps = plan([row(0, 'bob', { username: 'Dan' })], [account('bob'), account('dan')]);
		expect(steps).toEqual([
			{
				action: 'conflict',
				itemIndex: 0,
				userId: 'user_bob',
				username: 'Dan',
				key: 'Xbob',
				changes: {},
				changedFields: [],
				previous: { username: 'bob' },
				create: undefined,
				moveTo: undefined,
				status: undefined,
				reason: 'The username "dan" belongs to user_dan (external ID Xdan)',
				wave: 1,
			},
		]);
		const email = plan(
			[row(0, 'bob', { email: 'Dan@acme.example', primaryOrganizationalUnitId: OPS }, false)],
			[account('bob'), account('dan', { userExternalId: '' })],
			{ absent: 'disable' },
		);
		expect(email[0]).toEqual({
			action: 'conflict',
			itemIndex: 0,
			userId: 'user_bob',
			username: 'bob',
			key: 'Xbob',
			changes: {},
			changedFields: [],
			previous: { email: 'bob@acme.example', primaryOrganizationalUnitId: ENG, status: 'enabled' },
			previousPrimaryOrganizationalUnitId: ENG,
			create: undefined,
			moveTo: undefined,
			status: undefined,
			reason: 'The email "dan@acme.example" belongs to user_dan',
			wave: 1,
		});
		expect(removalsOf(email)).toBe(1);
		expect(verificationDue(email)).toEqual(['user_dan']);
	});

	it('is a conflict when the account freeing it conflicts itself', () => {
		const steps = plan(
			[
				row(0, 'bob', { username: 'robert', primaryOrganizationalUnitId: OUTSIDE }),
				row(1, 'ann', { username: 'bob' }),
			],
			[account('bob')],
		);
		expect(steps.map((s) => s.action)).toEqual(['conflict', 'conflict']);
		expect(steps[1].reason).toBe('The username "bob" belongs to user_bob (external ID Xbob)');
	});

	it('is a conflict when the account freeing it waits itself', () => {
		// bob becomes dan once dan is deleted (wave 2); ann wants bob's old name, which frees only then.
		const steps = plan(
			[row(0, 'bob', { username: 'dan' }), row(1, 'ann', { username: 'bob' })],
			[account('bob'), account('dan')],
			{ absent: 'delete' },
		);
		expect(steps.map((s) => [s.action, s.wave])).toEqual([
			['updated', 2],
			['conflict', 1],
			['deleted', 1],
		]);
	});

	it('is a conflict when its holder keeps it (the holder row gives no e-mail)', () => {
		const steps = plan(
			[row(0, 'bob', { email: '' }), row(1, 'ann', { email: 'bob@acme.example' })],
			[account('bob')],
		);
		expect(steps.map((s) => [s.action, s.wave, s.reason])).toEqual([
			['unchanged', 1, undefined],
			['conflict', 1, 'The email "bob@acme.example" belongs to user_bob (external ID Xbob)'],
		]);
	});

	it('is a conflict when the account freeing it turns out to conflict', () => {
		// bob wants dan's username, which nothing frees: bob conflicts, so his own name stays his.
		const steps = plan(
			[row(0, 'bob', { username: 'dan' }), row(1, 'ann', { username: 'bob' })],
			[account('bob'), account('dan')],
		);
		expect(steps.map((s) => [s.action, s.wave, s.reason])).toEqual([
			['conflict', 1, 'The username "dan" belongs to user_dan (external ID Xdan)'],
			['conflict', 1, 'The username "bob" belongs to user_bob (external ID Xbob)'],
		]);
	});

	it('is kept by the account holding it, whatever the case', () => {
		const steps = plan([row(0, 'bob', { username: 'BOB' })], [account('bob')]);
		expect(steps[0]).toMatchObject({ action: 'updated', wave: 1, changes: { username: 'BOB' } });
	});

	it('is not checked for an e-mail the row does not change', () => {
		const steps = plan(
			[row(0, 'bob', { displayName: 'B' })],
			[account('bob'), account('dan', { email: 'bob@acme.example' })],
		);
		expect(steps[0]).toMatchObject({ action: 'updated', wave: 1 });
	});
});

describe('key drift', () => {
	it('updates the account whose other key the row shares, never deleting it', () => {
		const steps = plan([row(0, 'bob', { email: 'robert@acme.example' })], [account('bob')], {
			matchKey: 'email',
			absent: 'delete',
		});
		expect(steps).toEqual([
			{
				action: 'updated',
				itemIndex: 0,
				userId: 'user_bob',
				username: 'bob',
				key: 'robert@acme.example',
				keyDrift: true,
				changes: { email: 'robert@acme.example', emailVerified: false },
				changedFields: ['email'],
				previous: { email: 'bob@acme.example' },
				wave: 1,
			},
		]);
		expect(keyDriftsOf(steps)).toBe(1);
		expect(removalsOf(steps)).toBe(0);
	});

	it('follows the username as well as the external ID', () => {
		const steps = plan(
			[row(0, 'bob', { userExternalId: '', email: 'robert@acme.example' })],
			[account('bob')],
			{ matchKey: 'email', absent: 'delete' },
		);
		expect(steps).toHaveLength(1);
		expect(steps[0]).toMatchObject({ action: 'updated', keyDrift: true, userId: 'user_bob' });
	});

	it('follows the e-mail alone', () => {
		const steps = plan(
			[row(0, 'bobby', { userExternalId: '' })],
			[account('bob', { email: 'bobby@acme.example' })],
			{ matchKey: 'username', absent: 'delete' },
		);
		expect(steps).toHaveLength(1);
		expect(steps[0]).toMatchObject({
			action: 'updated',
			keyDrift: true,
			userId: 'user_bob',
			changes: { username: 'bobby' },
		});
	});

	it('takes no account another row matches', () => {
		const steps = plan(
			[
				row(0, 'bob'),
				row(1, 'new', { username: 'bob2', userExternalId: 'Xbob', email: 'new@acme.example' }),
			],
			[account('bob')],
			{ matchKey: 'email' },
		);
		expect(steps[1]).toMatchObject({ action: 'created', create: true });
		expect(steps[1]).not.toHaveProperty('keyDrift');
		expect(keyDriftsOf(steps)).toBe(0);
	});

	it('is a conflict when the row keys name several accounts', () => {
		const steps = plan(
			[row(0, 'bob', { userExternalId: 'Xcat', email: 'robert@acme.example' })],
			[account('bob'), account('cat')],
			{ matchKey: 'email', absent: 'delete' },
		);
		expect(steps).toEqual([
			{
				action: 'conflict',
				itemIndex: 0,
				username: 'bob',
				key: 'robert@acme.example',
				keyDrift: true,
				userId: undefined,
				changes: {},
				changedFields: [],
				reason:
					'Key drift: the email "robert@acme.example" names no account, and the row\'s other keys name 2: user_cat (userExternalId), user_bob (username)',
				wave: 1,
			},
		]);
	});

	it('is a conflict when several rows share keys with one account', () => {
		const steps = plan(
			[
				row(0, 'bob', { email: 'robert@acme.example' }),
				row(1, 'x', { username: 'bob', userExternalId: '', email: 'x@acme.example' }),
			],
			[account('bob')],
			{ matchKey: 'email', absent: 'delete' },
		);
		expect(steps.map((s) => [s.action, s.reason])).toEqual([
			['conflict', 'Key drift: 2 rows share keys with user_bob (userExternalId, username)'],
			['conflict', 'Key drift: 2 rows share keys with user_bob (username)'],
		]);
	});

	it('is a conflict when the external IDs differ, which the API cannot change', () => {
		const steps = plan(
			[row(0, 'bob', { userExternalId: 'E2', email: 'robert@acme.example' })],
			[account('bob')],
			{ matchKey: 'email', absent: 'delete' },
		);
		expect(steps.map((s) => [s.action, s.reason])).toEqual([
			[
				'conflict',
				'Key drift: user_bob (username) has external ID "Xbob", the row "E2"; the API cannot change an external ID',
			],
		]);
	});

	it('takes an account without an external ID', () => {
		const steps = plan(
			[row(0, 'bob', { userExternalId: 'E2', email: 'robert@acme.example' })],
			[account('bob', { userExternalId: '' })],
			{ matchKey: 'email' },
		);
		expect(steps[0]).toMatchObject({ action: 'updated', keyDrift: true, userId: 'user_bob' });
	});

	it('is not looked for when the match key names an account', () => {
		expect(
			plan(
				[row(0, 'bob', { username: 'robert' })],
				[account('bob'), account('robert', { userExternalId: 'Y' })],
				{ matchKey: 'userExternalId' },
			)[0],
		).not.toHaveProperty('keyDrift');
	});
});

describe('custom fields', () => {
	it('lists the fields that differ from the stored account, as replacements', () => {
		const current = {
			customFields: [
				{ fieldName: 'dept', fieldValue: 'sales' },
				{ fieldName: 'level', fieldValue: '3' },
				{ fieldName: 'site' },
			],
		};
		const wanted = {
			customFields: [
				{ fieldName: 'dept', fieldValue: 'sales' },
				{ fieldName: 'level', fieldValue: 4 },
				{ fieldName: 'site', fieldValue: '' },
				{ fieldName: 'badge' },
				{ fieldName: 'room', fieldValue: 'B2' },
			],
		};
		expect(customFieldChanges(current, wanted)).toEqual([
			{ fieldName: 'level', fieldValue: 4, operation: 'replace' },
			{ fieldName: 'room', fieldValue: 'B2', operation: 'replace' },
		]);
	});

	it('reads an account without custom fields as empty, and a row without them as no change', () => {
		expect(
			customFieldChanges({}, { customFields: [{ fieldName: 'dept', fieldValue: 'ops' }] }),
		).toEqual([{ fieldName: 'dept', fieldValue: 'ops', operation: 'replace' }]);
		expect(
			customFieldChanges(
				{ customFields: 'x' },
				{ customFields: [{ fieldName: 'dept', fieldValue: 'ops' }] },
			),
		).toHaveLength(1);
		expect(
			customFieldChanges({ customFields: [{ fieldName: 'dept', fieldValue: 'ops' }] }, {}),
		).toEqual([]);
		expect(
			customFieldChanges(
				{ customFields: [{ fieldName: 'dept', fieldValue: 'ops' }] },
				{ customFields: 'dept' },
			),
		).toEqual([]);
	});
});
