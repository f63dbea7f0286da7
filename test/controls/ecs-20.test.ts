import { ecs20 } from '../../src/controls/ecs-20.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

const linux = { runtimePlatform: { operatingSystemFamily: 'LINUX' } };
const ok = (user: string) => ({ name: `user ${JSON.stringify(user)} passes`, properties: taskDef([container({ user })], linux), status: 'PASSED' as const, messageId: 'allNonRoot' });
const root = (user: string) => ({ name: `user ${JSON.stringify(user)} is root`, properties: taskDef([container({ user })], linux), status: 'FAILED' as const, messageId: 'userIsRoot', path: 'containerDefinitions[0].user' });
const none = (user: unknown, what: string) => ({ name: `${what} is no user`, properties: taskDef([container({ user })], linux), status: 'FAILED' as const, messageId: 'noUser', path: 'containerDefinitions[0].user' });

testControl(ecs20, [
  // Every form of the user field (uid, uid:gid, user, user:group, uid:group, user:gid).
  ok('1000'), ok('1000:1000'), ok('nginx'), ok('app:app'), ok('1000:app'), ok('app:0'), ok('10001'), ok('Root'), ok('rooted'), ok('100:0'),
  root('root'), root('0'), root('00'), root('0:0'), root('root:root'), root('0:1000'), root('root:app'), root(' root '), root(' 0 :0'),
  none(undefined, 'missing user'), none(null, 'null user'), none('', 'empty user'), none('   ', 'blank user'), none(':1000', 'a group without a user'),
  // Operating system scoping: unset and LINUX are in scope, every Windows family is not.
  { name: 'unset OS with no user fails and says both controls apply', properties: taskDef([container()]), status: 'FAILED', messageId: 'noUser', notesInclude: ['ECS.20 and ECS.21 both apply'] },
  { name: 'runtimePlatform without operatingSystemFamily is unset', properties: taskDef([container({ user: '0' })], { runtimePlatform: { cpuArchitecture: 'ARM64' } }), status: 'FAILED', messageId: 'userIsRoot' },
  ...['WINDOWS_SERVER_2016_FULL', 'WINDOWS_SERVER_2019_FULL', 'WINDOWS_SERVER_2019_CORE', 'WINDOWS_SERVER_2004_CORE', 'WINDOWS_SERVER_20H2_CORE', 'WINDOWS_SERVER_2022_CORE', 'WINDOWS_SERVER_2022_FULL', 'WINDOWS_SERVER_2025_CORE', 'WINDOWS_SERVER_2025_FULL'].map((os) => ({
    name: `${os} is not in scope`, properties: taskDef([container()], { runtimePlatform: { operatingSystemFamily: os } }), status: 'NOT_APPLICABLE' as const,
  })),
  { name: 'LINUX with root has no unset-OS note', properties: taskDef([container({ user: 'root' })], linux), status: 'FAILED', messageId: 'userIsRoot', reasonIncludes: ["'root'"] },
  // Several containers: one failing container decides; each failing one is listed.
  { name: 'only the second of three containers fails', properties: taskDef([container({ name: 'a', user: '1000' }), container({ name: 'b', user: '0:0' }), container({ name: 'c', user: 'app' })], linux), status: 'FAILED', messageId: 'userIsRoot', path: 'containerDefinitions[1].user', reasonIncludes: ["'b'"] },
  { name: 'two failing containers are both reported', properties: taskDef([container({ name: 'a' }), container({ name: 'b', user: 'root' })], linux), status: 'FAILED', path: 'containerDefinitions[0].user', violations: ['containerDefinitions[1].user'] },
  { name: 'privileged plays no part', properties: taskDef([container({ user: '1000', privileged: true })], linux), status: 'PASSED' },
  // Unknown values are never guessed.
  { name: 'unresolved user is NOT_AVAILABLE', properties: taskDef([container({ user: unresolved('Ref to parameter AppUser, which has no Default') })], linux), status: 'NOT_AVAILABLE', messageId: 'userUnknown', reasonIncludes: ['AppUser'] },
  { name: 'a known root beats an unknown user', properties: taskDef([container({ name: 'a', user: unresolved('x') }), container({ name: 'b', user: 'root' })], linux), status: 'FAILED', path: 'containerDefinitions[1].user', violations: ['containerDefinitions[0].user'] },
  { name: 'unresolved OS is NOT_AVAILABLE', properties: taskDef([container({ user: '0' })], { runtimePlatform: { operatingSystemFamily: unresolved('Ref to parameter Os') } }), status: 'NOT_AVAILABLE', messageId: 'osUnknown' },
  { name: 'missing containerDefinitions is NOT_AVAILABLE, never PASSED', properties: { family: 'partial', ...linux }, status: 'NOT_AVAILABLE', messageId: 'containersUnknown' },
  { name: 'an empty container list passes', properties: taskDef([], linux), status: 'PASSED' },
]);
