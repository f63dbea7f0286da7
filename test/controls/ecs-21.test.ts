import { ecs21 } from '../../src/controls/ecs-21.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

const win = (os = 'WINDOWS_SERVER_2022_CORE') => ({ runtimePlatform: { operatingSystemFamily: os } });
const WINDOWS_FAMILIES = ['WINDOWS_SERVER_2016_FULL', 'WINDOWS_SERVER_2019_FULL', 'WINDOWS_SERVER_2019_CORE', 'WINDOWS_SERVER_2004_CORE', 'WINDOWS_SERVER_20H2_CORE', 'WINDOWS_SERVER_2022_CORE', 'WINDOWS_SERVER_2022_FULL', 'WINDOWS_SERVER_2025_CORE', 'WINDOWS_SERVER_2025_FULL'];

testControl(ecs21, [
  { name: 'ContainerUser passes', properties: taskDef([container({ user: 'ContainerUser' })], win()), status: 'PASSED', messageId: 'allNonAdmin' },
  { name: 'a named domain-less user passes', properties: taskDef([container({ user: 'appuser' })], win()), status: 'PASSED' },
  ...['ContainerAdministrator', 'containeradministrator', 'CONTAINERADMINISTRATOR', 'ContainerADMINistrator', '  ContainerAdministrator  '].map((user) => ({
    name: `${JSON.stringify(user)} is the admin in any case`, properties: taskDef([container({ user })], win()), status: 'FAILED' as const, messageId: 'userIsAdmin', path: 'containerDefinitions[0].user',
  })),
  { name: 'missing user fails (Windows defaults to ContainerAdministrator)', properties: taskDef([container()], win()), status: 'FAILED', messageId: 'noUser' },
  { name: 'blank user fails', properties: taskDef([container({ user: ' ' })], win()), status: 'FAILED', messageId: 'noUser' },
  // Every Windows family is in scope.
  ...WINDOWS_FAMILIES.map((os) => ({ name: `${os} is in scope`, properties: taskDef([container({ user: 'ContainerAdministrator' })], win(os)), status: 'FAILED' as const, messageId: 'userIsAdmin' })),
  { name: 'explicit LINUX is not in scope', properties: taskDef([container()], { runtimePlatform: { operatingSystemFamily: 'LINUX' } }), status: 'NOT_APPLICABLE' },
  { name: 'unset OS is in scope and notes it', properties: taskDef([container()]), status: 'FAILED', messageId: 'noUser', notesInclude: ['ECS.20 and ECS.21 both apply'] },
  { name: 'unset OS with a non-admin user passes', properties: taskDef([container({ user: '1000' })]), status: 'PASSED' },
  { name: 'Linux root is not the Windows admin', properties: taskDef([container({ user: 'root' })], win()), status: 'PASSED' },
  { name: 'one of two containers runs as admin', properties: taskDef([container({ name: 'iis', user: 'ContainerUser' }), container({ name: 'logmonitor', user: 'ContainerAdministrator' })], win()), status: 'FAILED', path: 'containerDefinitions[1].user', reasonIncludes: ["'logmonitor'"] },
  { name: 'unresolved user is NOT_AVAILABLE', properties: taskDef([container({ user: unresolved('Terraform variable var.user has no value') })], win()), status: 'NOT_AVAILABLE', messageId: 'userUnknown' },
  { name: 'unresolved OS is NOT_AVAILABLE', properties: taskDef([container({ user: 'ContainerUser' })], { runtimePlatform: unresolved('Fn::If on condition IsWindows') }), status: 'NOT_AVAILABLE', messageId: 'osUnknown' },
]);
