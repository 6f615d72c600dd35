import { recordSecret } from '../../setup/leakGuard';
import { byId, fromList } from '../support';
import type { OperationCase } from './types';

const ROOT = 'ou_demoroot01';
const ENG = 'ou_demoengineering01';
const ALICE = 'user_demoalicechen01';
const BOB = 'user_demobobsmith01';
const ou = (operation: string, extra: object = {}) => ({
	resource: 'organizationalUnit',
	operation,
	...extra,
});
const group = (operation: string, extra: object = {}) => ({
	resource: 'group',
	operation,
	...extra,
});

export const organizationalUnitCases: Record<string, OperationCase> = {
	CreateOrganizationalUnit: {
		params: () =>
			ou('create', {
				organizationalUnitName: 'Legal',
				parentId: fromList(ROOT),
				additionalFields: { organizationalUnitExternalId: 'DEP-LEGAL', description: 'Contracts' },
			}),
		check(emu, [out]) {
			expect(emu.store.ou(String(out.organizationalUnitId))).toMatchObject({
				organizationalUnitName: 'Legal',
				parentId: ROOT,
				organizationalUnitExternalId: 'DEP-LEGAL',
				description: 'Contracts',
			});
		},
	},
	GetOrganizationalUnit: {
		params: () => ou('get', { organizationalUnitId: byId(ENG) }),
		check(emu, [out]) {
			const eng = emu.store.ou(ENG);
			expect(out).toEqual({
				organizationalUnitId: ENG,
				organizationalUnitName: 'Engineering',
				parentId: ROOT,
				organizationalUnitExternalId: 'DEP-ENG',
				organizationalUnitSourceType: eng.organizationalUnitSourceType,
				description: eng.description,
				createTime: new Date(eng.createTime).toISOString(),
				updateTime: new Date(eng.updateTime).toISOString(),
			});
		},
	},
	ListOrganizationalUnits: {
		params: () => ou('getAll', { parentId: byId(ROOT), returnAll: true, simplify: false }),
		check(emu, output) {
			const children = [...emu.store.ous.values()]
				.filter((o) => o.parentId === ROOT)
				.map((o) => o.organizationalUnitId);
			expect(output.map((o) => o.organizationalUnitId).sort()).toEqual(children.sort());
			expect(output[0]).toHaveProperty('instanceId', emu.instanceId);
		},
	},
	PatchOrganizationalUnit: {
		params: () =>
			ou('update', {
				organizationalUnitId: byId(ENG),
				updateFields: { organizationalUnitName: 'R&D' },
			}),
		check(emu) {
			expect(emu.store.ou(ENG)).toMatchObject({
				organizationalUnitName: 'R&D',
				description: 'Product engineering',
			});
		},
	},
	DeleteOrganizationalUnit: {
		setup: (emu) =>
			void emu.store.createOu({
				organizationalUnitId: 'ou_empty01',
				organizationalUnitName: 'Empty',
				parentId: ROOT,
			}),
		params: () => ou('delete', { organizationalUnitId: byId('ou_empty01') }),
		check(emu, [out]) {
			expect(emu.store.ous.has('ou_empty01')).toBe(false);
			expect(out).toEqual({
				success: true,
				operation: 'delete',
				organizationalUnitId: 'ou_empty01',
			});
		},
	},
	ListOrganizationalUnitParentIds: {
		params: () => ou('getParentIds', { organizationalUnitId: byId('ou_demoplatform01') }),
		check: (emu, [out]) =>
			expect(out.parentIds).toEqual(emu.store.ancestorIds('ou_demoplatform01')),
	},
	GetOrganizationalUnitIdByExternalId: {
		params: (emu) =>
			ou('getIdByExternalId', {
				organizationalUnitExternalId: 'DEP-SALES',
				organizationalUnitSourceType: 'build_in',
				organizationalUnitSourceId: emu.instanceId,
			}),
		check: (_emu, [out]) => expect(out.organizationalUnitId).toBe('ou_demosales01'),
	},
};

export const groupCases: Record<string, OperationCase> = {
	CreateGroup: {
		params: () =>
			group('create', {
				groupName: 'Contractors',
				additionalFields: { groupExternalId: 'GRP-CON' },
			}),
		check(emu, [out]) {
			expect(emu.store.group(String(out.groupId))).toMatchObject({
				groupName: 'Contractors',
				groupExternalId: 'GRP-CON',
			});
		},
	},
	GetGroup: {
		params: () => group('get', { groupId: fromList('group_demosales01') }),
		check: (emu, [out]) =>
			expect(out).toMatchObject({
				groupId: 'group_demosales01',
				groupName: emu.store.group('group_demosales01').groupName,
				groupExternalId: 'GRP-SALES',
			}),
	},
	ListGroups: {
		params: () => group('getAll', { returnAll: true, filters: { groupNameStartWith: 'Eng' } }),
		check: (_emu, output) => expect(output.map((o) => o.groupName)).toEqual(['Engineers']),
	},
	PatchGroup: {
		params: () =>
			group('update', {
				groupId: byId('group_demosales01'),
				updateFields: { groupName: 'Sales EMEA' },
			}),
		check: (emu) => expect(emu.store.group('group_demosales01').groupName).toBe('Sales EMEA'),
	},
	DeleteGroup: {
		params: () => group('delete', { groupId: byId('group_demosales01') }),
		check: (emu) => expect(emu.store.groups.has('group_demosales01')).toBe(false),
	},
	AddUsersToGroup: {
		params: () =>
			group('addUsers', { groupId: byId('group_demosales01'), userIds: `${ALICE},${BOB}` }),
		check(emu, [out]) {
			expect([...emu.store.group('group_demosales01').members]).toEqual(
				expect.arrayContaining([ALICE, BOB]),
			);
			expect(out).toEqual({
				success: true,
				operation: 'addUsers',
				groupId: 'group_demosales01',
				userIds: [ALICE, BOB],
			});
		},
	},
	RemoveUsersFromGroup: {
		params: () => group('removeUsers', { groupId: byId('group_demosales01'), userIds: [BOB] }),
		check: (emu) => expect(emu.store.group('group_demosales01').members.has(BOB)).toBe(false),
	},
	ListUsersForGroup: {
		params: () => group('getUsers', { groupId: byId('group_demoengineers01'), returnAll: true }),
		check: (emu, output) =>
			expect(output.map((o) => o.userId).sort()).toEqual(
				[...emu.store.group('group_demoengineers01').members].sort(),
			),
	},
};

export const otherCases: Record<string, OperationCase> = {
	GetApplicationProvisioningScope: {
		params: () => ({ resource: 'application', operation: 'getProvisioningScope' }),
		check: (emu, [out]) => expect(out).toMatchObject(emu.application.provisioningScope as never),
	},
	GenerateToken: {
		params: () => ({ resource: 'token', operation: 'generate', grant_type: 'client_credentials' }),
		check(emu, [out]) {
			// GenerateToken sends no bearer token, so the node fetches none of its own: one token issued.
			expect(emu.stats.tokensIssued).toBe(1);
			expect(out).toMatchObject({ token_type: 'Bearer', access_token: '[redacted]' });
			expect(out.expires_in).toBeGreaterThan(0);
		},
	},
	RevokeToken: {
		setup: (emu) => recordSecret(emu.issueAppToken()),
		params: (emu) => ({
			resource: 'token',
			operation: 'revoke',
			token: [...emu.store.tokens.keys()][0],
		}),
		check(emu, [out]) {
			expect([...emu.store.tokens.values()][0].revoked).toBe(true);
			expect(out).toEqual({ success: true, operation: 'revoke' });
		},
	},
	GenerateDeviceCode: {
		setup: (emu) => void (emu.store.application.deviceFlowEnabled = true),
		params: () => ({
			resource: 'token',
			operation: 'generateDeviceCode',
			additionalFields: { scope: 'openid' },
		}),
		check: (_emu, [out]) =>
			expect(out).toMatchObject({ user_code: expect.stringMatching(/^\w{4}-\w{4}$/), interval: 5 }),
	},
	ObtainCloudAccountRoleAccessCredential: {
		params: (emu) => ({
			resource: 'cloudAccountRole',
			operation: 'obtainAccessCredential',
			accessToken: emu.issuePamToken(),
			cloudAccountRoleExternalId: 'acs:ram::1234567890123456:role/demo-readonly',
			additionalFields: { durationSeconds: 900 },
		}),
		check(_emu, [out]) {
			expect(out).toMatchObject({
				cloudAccountRoleId: 'carole_demoreadonly01',
				cloudAccountVendorType: 'alibaba_cloud',
			});
			const credential = out.cloudAccountRoleAccessCredential as {
				accessCredentialExpiresAt: number;
			};
			expect(credential.accessCredentialExpiresAt - Date.now() / 1000).toBeLessThanOrEqual(901);
		},
	},
};
