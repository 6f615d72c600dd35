import type { IDataObject } from 'n8n-workflow';

import {
	simpleGroup,
	simpleOrganizationalUnit,
	simpleUser,
	USER_FIELDS,
} from '../../nodes/AlibabaIdaas/output/shapes';
import { simplify } from '../../nodes/AlibabaIdaas/output/simplify';
import { toItem as eventItem } from '../../nodes/AlibabaIdaasEventTrigger/items';
import { describeCode } from '../../nodes/AlibabaIdaasEventTrigger/eventTypes';
import { toItem as triggerItem, toOuItem } from '../../nodes/AlibabaIdaasTrigger/items';

/** One user, unit and group shape for the IDaaS node, the IDaaS Trigger and the Event Trigger. */

const T = 1_700_000_000_000;
const ISO = '2023-11-14T22:13:20.000Z';

/** A GetUser answer with every field the user shape names, and some it leaves out. */
const USER: IDataObject = {
	instanceId: 'idaas_x',
	userId: 'user_1',
	username: 'alice',
	displayName: 'Alice',
	email: 'alice@example.com',
	emailVerified: true,
	phoneRegion: '86',
	phoneNumber: '13800000000',
	phoneNumberVerified: false,
	status: 'enabled',
	userExternalId: 'ext-1',
	userSourceType: 'build_in',
	userSourceId: 'idaas_x',
	primaryOrganizationalUnitId: 'ou_1',
	passwordSet: true,
	description: 'Sales lead',
	createTime: T,
	updateTime: String(T + 1000),
	accountExpireTime: -1,
	lockExpireTime: Number('9223372036854775807'),
	organizationalUnits: [
		{ organizationalUnitId: 'ou_1', primary: true },
		{ organizationalUnitId: 'ou_2' },
	],
	groups: [{ groupId: 'group_1' }],
};

const SIMPLE_USER = {
	userId: 'user_1',
	username: 'alice',
	displayName: 'Alice',
	email: 'alice@example.com',
	emailVerified: true,
	phoneRegion: '86',
	phoneNumber: '13800000000',
	phoneNumberVerified: false,
	status: 'enabled',
	userExternalId: 'ext-1',
	userSourceType: 'build_in',
	userSourceId: 'idaas_x',
	primaryOrganizationalUnitId: 'ou_1',
	passwordSet: true,
	description: 'Sales lead',
	createTime: ISO,
	updateTime: '2023-11-14T22:13:21.000Z',
	accountExpireTime: -1,
	lockExpireTime: Number('9223372036854775807'),
	organizationalUnitIds: ['ou_1', 'ou_2'],
	groupIds: ['group_1'],
};

const context = {
	applicationId: 'app_1',
	instanceId: 'idaas_x',
	simplify: true,
	includePasswords: false,
};
const event = (bizData: IDataObject) => ({
	eventId: 'e1',
	eventType: 'urn:alibaba:idaas:app:event:ud:user:update_info',
	eventTime: T,
	bizId: 'x',
	bizData,
});

describe('the user shape', () => {
	test('keeps who, where and state; memberships as IDs; times as ISO, "never" as sent', () => {
		expect(simpleUser(USER)).toStrictEqual(SIMPLE_USER);
	});

	test('is the same in the IDaaS node, the IDaaS Trigger and the Event Trigger', () => {
		const type = describeCode('urn:alibaba:idaas:app:event:ud:user:update_info');
		expect(simplify('user', USER)).toStrictEqual(SIMPLE_USER);
		expect(
			triggerItem({ event: 'created', userId: 'user_1', user: USER }, undefined, true).user,
		).toStrictEqual(SIMPLE_USER);
		expect(eventItem(event(USER), type, context).data).toStrictEqual(SIMPLE_USER);
	});

	test('the Event Trigger reads the V1.0 names into the same shape', () => {
		const type = describeCode('urn:alibaba:idaas:app:event:ud:user:update_info');
		const v1 = {
			...USER,
			phoneNumberVerified: undefined,
			phoneVerified: false,
			userExternalId: '',
			externalId: 'ext-1',
			userSourceType: undefined,
			sourceType: 'build_in',
			userSourceId: undefined,
			sourceId: 'idaas_x',
			updateTime: undefined,
			lastUpdatedTime: String(T + 1000),
			primaryOrganizationalUnitId: undefined,
			organizationalUnits: undefined,
			userOrganizationalUnits: USER.organizationalUnits,
		};
		expect(
			eventItem(event(JSON.parse(JSON.stringify(v1)) as IDataObject), type, context).data,
		).toStrictEqual(SIMPLE_USER);
	});

	test('keeps what the record has, blank and null included, and leaves out what it has not', () => {
		expect(
			simpleUser({
				userId: 'user_1',
				email: '',
				phoneNumber: null,
				displayName: undefined,
				createTime: 0,
			}),
		).toStrictEqual({
			userId: 'user_1',
			email: '',
			phoneNumber: null,
			createTime: 0,
		});
		// Memberships given as something other than a list are not guessed at; an empty list is kept.
		expect(simpleUser({ userId: 'user_1', organizationalUnits: 'ou_1', groups: [] })).toStrictEqual(
			{ userId: 'user_1', groupIds: [] },
		);
	});

	test('names every field once', () => {
		expect(new Set(USER_FIELDS).size).toBe(USER_FIELDS.length);
	});
});

describe('the organizational unit shape', () => {
	const OU = {
		instanceId: 'idaas_x',
		organizationalUnitId: 'ou_2',
		organizationalUnitName: 'Sales',
		parentId: 'ou_1',
		organizationalUnitExternalId: 'e2',
		organizationalUnitSourceType: 'build_in',
		description: 'EMEA',
		leaf: false,
		createTime: T,
		updateTime: T,
	};
	const SIMPLE_OU = {
		organizationalUnitId: 'ou_2',
		organizationalUnitName: 'Sales',
		parentId: 'ou_1',
		organizationalUnitExternalId: 'e2',
		organizationalUnitSourceType: 'build_in',
		description: 'EMEA',
		createTime: ISO,
		updateTime: ISO,
	};

	test('is the same in the IDaaS node, the IDaaS Trigger and the Event Trigger', () => {
		expect(simpleOrganizationalUnit(OU)).toStrictEqual(SIMPLE_OU);
		expect(simplify('organizationalUnit', OU)).toStrictEqual(SIMPLE_OU);
		const current = { id: 'ou_2', name: 'Sales', parentId: 'ou_1' };
		expect(
			toOuItem({ event: 'ouCreated', id: 'ou_2', current }, OU, true).organizationalUnit,
		).toStrictEqual(SIMPLE_OU);
		const type = describeCode('urn:alibaba:idaas:app:event:ud:organizational_unit:update');
		expect(eventItem({ ...event(OU), eventType: type.code }, type, context).data).toStrictEqual(
			SIMPLE_OU,
		);
	});
});

describe('the group shape', () => {
	test('is the same in the IDaaS node and the Event Trigger, which keeps the other fields too', () => {
		const group = {
			groupId: 'group_1',
			groupName: 'Admins',
			groupExternalId: 'g',
			description: 'd',
			createTime: T,
			updateTime: T,
		};
		const SIMPLE_GROUP = {
			groupId: 'group_1',
			groupName: 'Admins',
			groupExternalId: 'g',
			description: 'd',
			createTime: ISO,
			updateTime: ISO,
		};
		expect(simpleGroup({ ...group, instanceId: 'x' })).toStrictEqual(SIMPLE_GROUP);
		expect(simplify('group', group)).toStrictEqual(SIMPLE_GROUP);
		const type = describeCode('urn:alibaba:idaas:app:event:ud:group:update');
		expect(eventItem({ ...event(group), eventType: type.code }, type, context).data).toStrictEqual(
			SIMPLE_GROUP,
		);
	});
});
