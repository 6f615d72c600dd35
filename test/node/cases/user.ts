import { byEmail, byId, byUsername } from '../support';
import type { OperationCase } from './types';

const ALICE = 'user_demoalicechen01';
const BOB = 'user_demobobsmith01';
const user = (operation: string, extra: object = {}) => ({ resource: 'user', operation, ...extra });

export const userCases: Record<string, OperationCase> = {
	CreateUser: {
		params: () =>
			user('create', {
				username: 'dana.lee',
				primaryOrganizationalUnitId: byId('ou_demosales01'),
				displayName: 'Dana Lee',
				additionalFields: {
					email: 'dana.lee@acme.example',
					password: 'Dana-Initial-Passw0rd!',
					userExternalId: 'E2001',
					customFields: { values: [{ fieldName: 'costCenter', fieldValue: 'CC-900' }] },
				},
			}),
		check(emu, [out]) {
			const created = emu.store.user(String(out.userId));
			expect(created).toMatchObject({
				username: 'dana.lee',
				displayName: 'Dana Lee',
				email: 'dana.lee@acme.example',
				// The API demands the flag with an email; the catalog default (true) fills it.
				emailVerified: true,
				primaryOrganizationalUnitId: 'ou_demosales01',
				userExternalId: 'E2001',
				password: 'Dana-Initial-Passw0rd!',
				customFields: [{ fieldName: 'costCenter', fieldValue: 'CC-900' }],
			});
			expect(out).toMatchObject({
				userId: created.userId,
				username: 'dana.lee',
				primaryOrganizationalUnitId: 'ou_demosales01',
			});
			expect(JSON.stringify(out)).not.toContain('Dana-Initial-Passw0rd!');
		},
	},
	GetUser: {
		params: () => user('get', { userId: byUsername('alice.chen') }),
		check(emu, [out]) {
			const alice = emu.store.user(ALICE);
			expect(out).toEqual({
				userId: ALICE,
				username: alice.username,
				displayName: alice.displayName,
				email: alice.email,
				emailVerified: alice.emailVerified,
				phoneRegion: alice.phoneRegion,
				phoneNumber: alice.phoneNumber,
				phoneNumberVerified: alice.phoneNumberVerified,
				status: 'enabled',
				userExternalId: alice.userExternalId,
				userSourceType: alice.userSourceType,
				userSourceId: alice.userSourceId,
				primaryOrganizationalUnitId: alice.primaryOrganizationalUnitId,
				passwordSet: alice.passwordSet,
				description: alice.description,
				organizationalUnitIds: emu.store.organizationalUnitIdsOf(alice),
				groupIds: emu.store.groupIdsOf(ALICE),
				createTime: new Date(alice.createTime).toISOString(),
				updateTime: new Date(alice.updateTime).toISOString(),
				// "Never" (-1) is passed on as sent.
				accountExpireTime: -1,
				lockExpireTime: -1,
			});
		},
	},
	ListUsers: {
		params: () =>
			user('getAll', {
				returnAll: true,
				filters: { organizationalUnitId: byId('ou_demosales01') },
			}),
		check(emu, output) {
			const expected = [...emu.store.users.values()]
				.filter((u) => u.primaryOrganizationalUnitId === 'ou_demosales01')
				.map((u) => u.userId);
			expect(expected.length).toBeGreaterThan(0);
			expect(output.map((o) => o.userId).sort()).toEqual(expected.sort());
		},
	},
	PatchUser: {
		params: () =>
			user('update', {
				userId: byId(ALICE),
				updateFields: {
					displayName: 'Alice Chen-Wu',
					phoneNumber: '13900000009',
					phoneRegion: '86',
				},
			}),
		check(emu, [out]) {
			expect(emu.store.user(ALICE)).toMatchObject({
				displayName: 'Alice Chen-Wu',
				phoneNumber: '13900000009',
				phoneNumberVerified: true,
				email: 'alice.chen@acme.example',
			});
			expect(out).toMatchObject({
				success: true,
				operation: 'update',
				userId: ALICE,
				displayName: 'Alice Chen-Wu',
			});
		},
	},
	DeleteUser: {
		params: () => user('delete', { userId: byEmail('bob.smith@acme.example') }),
		check(emu, [out]) {
			expect(emu.store.users.has(BOB)).toBe(false);
			expect(out).toEqual({ success: true, operation: 'delete', userId: BOB });
		},
	},
	EnableUser: {
		setup: (emu) => emu.store.setStatus(BOB, 'disabled'),
		params: () => user('enable', { userId: byId(BOB) }),
		check(emu, [out]) {
			expect(emu.store.user(BOB).status).toBe('enabled');
			expect(out).toEqual({ success: true, operation: 'enable', userId: BOB });
		},
	},
	DisableUser: {
		params: () => user('disable', { userId: byId(BOB) }),
		check(emu) {
			expect(emu.store.user(BOB).status).toBe('disabled');
		},
	},
	UpdateUserPassword: {
		params: () => user('updatePassword', { userId: byId(BOB), password: 'Bob-New-Passw0rd!' }),
		check(emu, [out]) {
			expect(emu.store.user(BOB).password).toBe('Bob-New-Passw0rd!');
			expect(out).toEqual({ success: true, operation: 'updatePassword', userId: BOB });
		},
	},
	GetUserPasswordPolicy: {
		params: () => user('getPasswordPolicy'),
		check(emu, [out]) {
			expect(out).toMatchObject({ instanceId: emu.instanceId, activeCycle: -1 });
		},
	},
	GetUserIdByEmail: {
		params: () => user('getIdByEmail', { email: 'bob.smith@acme.example' }),
		check: (emu, [out]) =>
			expect(out).toEqual({
				email: 'bob.smith@acme.example',
				userId: emu.store.findUserId('email', 'bob.smith@acme.example'),
			}),
	},
	GetUserIdByPhoneNumber: {
		params: () => user('getIdByPhoneNumber', { phoneNumber: '13800000001' }),
		check: (_emu, [out]) => expect(out).toEqual({ phoneNumber: '13800000001', userId: ALICE }),
	},
	GetUserIdByUsername: {
		params: () => user('getIdByUsername', { username: 'bob.smith' }),
		check: (_emu, [out]) => expect(out).toEqual({ username: 'bob.smith', userId: BOB }),
	},
	GetUserIdByUserExternalId: {
		params: (emu) =>
			user('getIdByExternalId', {
				userExternalId: 'E1002',
				userSourceType: 'build_in',
				userSourceId: emu.instanceId,
			}),
		check: (_emu, [out]) => expect(out).toMatchObject({ userExternalId: 'E1002', userId: BOB }),
	},
	SetUserPrimaryOrganizationalUnit: {
		params: () =>
			user('setPrimaryOrganizationalUnit', {
				userId: byId(ALICE),
				organizationalUnitId: byId('ou_demohr01'),
			}),
		check(emu, [out]) {
			expect(emu.store.user(ALICE).primaryOrganizationalUnitId).toBe('ou_demohr01');
			expect(out).toEqual({
				success: true,
				operation: 'setPrimaryOrganizationalUnit',
				userId: ALICE,
				organizationalUnitId: 'ou_demohr01',
			});
		},
	},
	AddUserToOrganizationalUnits: {
		params: () =>
			user('addToOrganizationalUnits', {
				userId: byId(ALICE),
				organizationalUnitIds: 'ou_demohr01, ou_demosales01',
			}),
		check(emu, [out]) {
			expect(emu.store.user(ALICE).secondaryOrganizationalUnitIds).toEqual([
				'ou_demohr01',
				'ou_demosales01',
			]);
			expect(out.organizationalUnitIds).toEqual(['ou_demohr01', 'ou_demosales01']);
		},
	},
	RemoveUserFromOrganizationalUnits: {
		setup: (emu) => emu.store.addUserToOus(ALICE, ['ou_demohr01', 'ou_demosales01']),
		params: () =>
			user('removeFromOrganizationalUnits', {
				userId: byId(ALICE),
				organizationalUnitIds: ['ou_demohr01'],
			}),
		check(emu) {
			expect(emu.store.user(ALICE).secondaryOrganizationalUnitIds).toEqual(['ou_demosales01']);
		},
	},
	ListGroupsForUser: {
		params: () => user('getGroups', { userId: byId(ALICE), returnAll: true }),
		check(emu, output) {
			expect(output.map((o) => o.groupId).sort()).toEqual(emu.store.groupIdsOf(ALICE).sort());
			expect(output.length).toBe(2);
		},
	},
	GetUserInfo: {
		params: (emu) => user('getUserInfo', { userAccessToken: emu.issueUserToken(ALICE) }),
		check: (emu, [out]) =>
			expect(out).toMatchObject({
				sub: ALICE,
				preferred_username: 'alice.chen',
				email: emu.store.user(ALICE).email,
			}),
	},
};
