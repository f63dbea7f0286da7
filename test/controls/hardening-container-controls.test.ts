/** Case tables for the hardening checks on what a container may do to its host: ECSG.1 to ECSG.4. */
import { ecsg01 } from '../../src/controls/ecsg-01.js';
import { ecsg02 } from '../../src/controls/ecsg-02.js';
import { ecsg03 } from '../../src/controls/ecsg-03.js';
import { ecsg04 } from '../../src/controls/ecsg-04.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

const caps = (c: Record<string, unknown>) => container({ linuxParameters: { capabilities: c } });
const windows = { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' } };

testControl(ecsg01, [
  { name: 'no linuxParameters passes', properties: taskDef([container()]), status: 'PASSED', messageId: 'noDangerousCapability' },
  { name: 'adding a harmless capability passes', properties: taskDef([caps({ add: ['NET_BIND_SERVICE', 'CHOWN'] })]), status: 'PASSED' },
  { name: 'SYS_ADMIN fails at the add entry', properties: taskDef([caps({ add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] })]), status: 'FAILED', messageId: 'capabilityAdded', path: 'containerDefinitions[0].linuxParameters.capabilities.add[1]', reasonIncludes: ["'app'", 'SYS_ADMIN', 'mounts'] },
  ...['ALL', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'BPF', 'DAC_READ_SEARCH'].map((cap) => ({
    name: `${cap} fails`, properties: taskDef([caps({ add: [cap] })]), status: 'FAILED' as const, messageId: 'capabilityAdded', reasonIncludes: [cap],
  })),
  { name: 'the CAP_ prefix and lower case are read as the ECS spelling', properties: taskDef([caps({ add: [' cap_sys_admin '] })]), status: 'FAILED', reasonIncludes: ['SYS_ADMIN'] },
  { name: 'every dangerous capability of every container is listed', properties: taskDef([caps({ add: ['SYS_ADMIN', 'NET_ADMIN'] }), container({ name: 'agent', linuxParameters: { capabilities: { add: ['SYS_PTRACE'] } } })]), status: 'FAILED', path: 'containerDefinitions[0].linuxParameters.capabilities.add[0]', violations: ['containerDefinitions[0].linuxParameters.capabilities.add[1]', 'containerDefinitions[1].linuxParameters.capabilities.add[0]'] },
  { name: 'dropping a capability is not adding it', properties: taskDef([caps({ drop: ['SYS_ADMIN', 'ALL'] })]), status: 'PASSED' },
  { name: 'a custom dangerousCapabilities list replaces the default', params: { dangerousCapabilities: ['NET_RAW'] }, properties: taskDef([caps({ add: ['SYS_ADMIN', 'NET_RAW'] })]), status: 'FAILED', path: 'containerDefinitions[0].linuxParameters.capabilities.add[1]', violations: [], reasonIncludes: ['dangerousCapabilities'] },
  { name: 'explicit Windows is out of scope', properties: taskDef([caps({ add: ['SYS_ADMIN'] })], windows), status: 'NOT_APPLICABLE' },
  { name: 'an unknown capability is NOT_AVAILABLE', properties: taskDef([caps({ add: [unresolved('Ref to parameter ExtraCap, which has no Default')] })]), status: 'NOT_AVAILABLE', messageId: 'capabilityUnknown', reasonIncludes: ['ExtraCap'] },
  { name: 'a known dangerous capability beats an unknown one', properties: taskDef([caps({ add: [unresolved('x'), 'SYS_MODULE'] })]), status: 'FAILED', violations: ['containerDefinitions[0].linuxParameters.capabilities.add[0]'] },
  { name: 'an unknown add list is NOT_AVAILABLE', properties: taskDef([caps({ add: unresolved('Fn::If on condition Debug, which cannot be decided') })]), status: 'NOT_AVAILABLE', messageId: 'valueUnknown', path: 'containerDefinitions[0].linuxParameters.capabilities.add' },
  { name: 'unknown linuxParameters is NOT_AVAILABLE', properties: taskDef([container({ linuxParameters: unresolved('x') })]), status: 'NOT_AVAILABLE', path: 'containerDefinitions[0].linuxParameters' },
  { name: 'missing containerDefinitions is NOT_AVAILABLE', properties: { family: 'x' }, status: 'NOT_AVAILABLE', messageId: 'containersUnknown' },
]);

const ec2 = { requiresCompatibilities: ['EC2'] };
const fargate = { requiresCompatibilities: ['FARGATE'] };
const dropAll = { linuxParameters: { capabilities: { drop: ['ALL'] } } };
const nnp = { dockerSecurityOptions: ['no-new-privileges'] };
testControl(ecsg02, [
  { name: 'Fargate, drop ALL passes (no-new-privileges is not available on Fargate)', properties: taskDef([container(dropAll)], fargate), status: 'PASSED', messageId: 'hardened' },
  { name: 'Fargate, nothing dropped fails at capabilities.drop', properties: taskDef([container()], fargate), status: 'FAILED', messageId: 'noCapabilitiesDropped', path: 'containerDefinitions[0].linuxParameters.capabilities.drop' },
  { name: 'an empty drop list fails', properties: taskDef([caps({ drop: [] })], fargate), status: 'FAILED', messageId: 'noCapabilitiesDropped' },
  { name: 'dropping some but not ALL fails', properties: taskDef([caps({ drop: ['NET_RAW', 'MKNOD'] })], fargate), status: 'FAILED', messageId: 'notAllDropped', reasonIncludes: ['2 capabilities'] },
  { name: 'requireDropAll false accepts a partial drop list', params: { requireDropAll: false }, properties: taskDef([caps({ drop: ['NET_RAW'] })], fargate), status: 'PASSED' },
  { name: 'requireDropAll false still fails an empty one', params: { requireDropAll: false }, properties: taskDef([container()], fargate), status: 'FAILED', messageId: 'noCapabilitiesDropped' },
  { name: 'all in lower case counts', properties: taskDef([caps({ drop: ['all'] })], fargate), status: 'PASSED' },
  { name: 'EC2 with drop ALL and no-new-privileges passes', properties: taskDef([container({ ...dropAll, ...nnp })], ec2), status: 'PASSED', reasonIncludes: ['no-new-privileges'] },
  { name: 'EC2 without no-new-privileges fails', properties: taskDef([container(dropAll)], ec2), status: 'FAILED', messageId: 'noNewPrivilegesMissing', path: 'containerDefinitions[0].dockerSecurityOptions' },
  ...['no-new-privileges:true', 'no-new-privileges=true', 'NO-NEW-PRIVILEGES'].map((o) => ({
    name: `'${o}' counts as no-new-privileges`, properties: taskDef([container({ ...dropAll, dockerSecurityOptions: ['label:type:svirt_apache_t', o] })], ec2), status: 'PASSED' as const,
  })),
  { name: "'no-new-privileges:false' does not count", properties: taskDef([container({ ...dropAll, dockerSecurityOptions: ['no-new-privileges:false'] })], ec2), status: 'FAILED', messageId: 'noNewPrivilegesMissing' },
  { name: 'EXTERNAL is in scope', properties: taskDef([container(dropAll)], { requiresCompatibilities: ['FARGATE', 'EXTERNAL'] }), status: 'FAILED', messageId: 'noNewPrivilegesMissing' },
  { name: 'unset requiresCompatibilities with bridge networking can only run on instances', properties: taskDef([container(dropAll)], { networkMode: 'bridge' }), status: 'FAILED', messageId: 'noNewPrivilegesMissing' },
  { name: 'unset requiresCompatibilities and unset networkMode (bridge) is in scope', properties: taskDef([container(dropAll)], { networkMode: undefined }), status: 'FAILED', messageId: 'noNewPrivilegesMissing' },
  { name: 'unset requiresCompatibilities with awsvpc may be Fargate: not required', properties: taskDef([container(dropAll)]), status: 'PASSED' },
  { name: 'requireNoNewPrivileges false turns that half off', params: { requireNoNewPrivileges: false }, properties: taskDef([container(dropAll)], ec2), status: 'PASSED' },
  { name: 'both problems of two containers are listed', properties: taskDef([container(), container({ name: 'side', ...dropAll })], ec2), status: 'FAILED', path: 'containerDefinitions[0].linuxParameters.capabilities.drop', violations: ['containerDefinitions[0].dockerSecurityOptions', 'containerDefinitions[1].dockerSecurityOptions'] },
  { name: 'unknown requiresCompatibilities is NOT_AVAILABLE when no-new-privileges is missing', properties: taskDef([container(dropAll)], { requiresCompatibilities: unresolved('Ref to parameter LaunchType') }), status: 'NOT_AVAILABLE', messageId: 'placementUnknown', reasonIncludes: ['LaunchType'] },
  { name: 'unknown requiresCompatibilities changes nothing when no-new-privileges is set', properties: taskDef([container({ ...dropAll, ...nnp })], { requiresCompatibilities: unresolved('x') }), status: 'PASSED' },
  { name: 'an unknown security option is NOT_AVAILABLE', properties: taskDef([container({ ...dropAll, dockerSecurityOptions: [unresolved('Ref to parameter SecOpt')] })], ec2), status: 'NOT_AVAILABLE', messageId: 'securityOptionUnknown' },
  { name: 'an unknown drop entry is NOT_AVAILABLE unless ALL is there', properties: taskDef([caps({ drop: [unresolved('x')] })], fargate), status: 'NOT_AVAILABLE', messageId: 'dropUnknown' },
  { name: 'ALL beside an unknown drop entry passes', properties: taskDef([caps({ drop: [unresolved('x'), 'ALL'] })], fargate), status: 'PASSED' },
  { name: 'explicit Windows is out of scope', properties: taskDef([container()], windows), status: 'NOT_APPLICABLE' },
]);

testControl(ecsg03, [
  { name: 'nothing set passes', properties: taskDef([container()]), status: 'PASSED', messageId: 'confined' },
  { name: 'ipcMode task and none pass', properties: taskDef([container()], { ipcMode: 'task' }), status: 'PASSED' },
  { name: 'ipcMode host fails at ipcMode', properties: taskDef([container()], { ipcMode: 'host' }), status: 'FAILED', messageId: 'ipcModeHost', path: 'ipcMode' },
  { name: 'a host device fails at its hostPath', properties: taskDef([container({ linuxParameters: { devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse' }] } })]), status: 'FAILED', messageId: 'hostDevice', path: 'containerDefinitions[0].linuxParameters.devices[0].hostPath', reasonIncludes: ['/dev/fuse'] },
  { name: 'an empty device list passes', properties: taskDef([container({ linuxParameters: { devices: [] } })]), status: 'PASSED' },
  ...['seccomp=unconfined', 'seccomp:unconfined', 'apparmor:unconfined', 'APPARMOR=unconfined', 'label:disable', 'label=disable', 'systempaths=unconfined'].map((o) => ({
    name: `dockerSecurityOptions '${o}' fails`, properties: taskDef([container({ dockerSecurityOptions: ['no-new-privileges', o] })]), status: 'FAILED' as const, messageId: 'confinementOff', path: 'containerDefinitions[0].dockerSecurityOptions[1]',
  })),
  { name: 'a named AppArmor profile and SELinux labels pass', properties: taskDef([container({ dockerSecurityOptions: ['apparmor:docker-default', 'label:type:svirt_apache_t', 'no-new-privileges'] })]), status: 'PASSED' },
  { name: 'ipcMode host comes first, the container problems follow', properties: taskDef([container({ dockerSecurityOptions: ['seccomp=unconfined'] })], { ipcMode: 'host' }), status: 'FAILED', path: 'ipcMode', violations: ['containerDefinitions[0].dockerSecurityOptions[0]'] },
  { name: 'unknown ipcMode is NOT_AVAILABLE', properties: taskDef([container()], { ipcMode: unresolved('Ref to parameter Ipc') }), status: 'NOT_AVAILABLE', path: 'ipcMode' },
  { name: 'a device with an unknown hostPath still maps a device', properties: taskDef([container({ linuxParameters: { devices: [{ hostPath: unresolved('Ref to parameter Dev') }] } })]), status: 'FAILED', messageId: 'hostDevice', reasonIncludes: ['Dev'] },
  { name: 'an unknown device list is NOT_AVAILABLE', properties: taskDef([container({ linuxParameters: { devices: unresolved('x') } })]), status: 'NOT_AVAILABLE' },
  { name: 'an unknown security option is NOT_AVAILABLE', properties: taskDef([container({ dockerSecurityOptions: [unresolved('x')] })]), status: 'NOT_AVAILABLE', messageId: 'securityOptionUnknown' },
  { name: 'explicit Windows is out of scope', properties: taskDef([container()], { ...windows, ipcMode: 'host' }), status: 'NOT_APPLICABLE' },
]);

const vol = (name: string, sourcePath: unknown) => ({ name, host: { sourcePath } });
const mount = (sourceVolume: string, readOnly?: unknown) => ({ sourceVolume, containerPath: '/mnt/x', ...(readOnly === undefined ? {} : { readOnly }) });
const mounting = (...mps: Record<string, unknown>[]) => container({ mountPoints: mps });
testControl(ecsg04, [
  { name: 'no volumes: no finding', properties: taskDef([container()]), status: 'NOT_APPLICABLE' },
  { name: 'EFS and Docker volumes only: no finding', properties: taskDef([container()], { volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }, { name: 'scratch', dockerVolumeConfiguration: { scope: 'task' } }] }), status: 'NOT_APPLICABLE' },
  { name: 'a harmless bind mount passes', properties: taskDef([mounting(mount('logs'))], { volumes: [vol('logs', '/var/log/app')] }), status: 'PASSED', messageId: 'noSensitiveMount' },
  { name: 'the Docker socket fails even read-only', properties: taskDef([mounting(mount('sock', true))], { volumes: [vol('sock', '/var/run/docker.sock')] }), status: 'FAILED', messageId: 'runtimeSocketMounted', path: 'volumes[0].host.sourcePath', reasonIncludes: ["'sock'", "'app'", 'read-only or not'] },
  { name: 'the Docker socket fails even with allowReadOnly', params: { allowReadOnly: true }, properties: taskDef([mounting(mount('sock', true))], { volumes: [vol('sock', '/run/docker.sock')] }), status: 'FAILED', messageId: 'runtimeSocketMounted' },
  { name: 'the containerd socket directory fails', properties: taskDef([mounting(mount('c', true))], { volumes: [vol('c', '/run/containerd/containerd.sock')] }), status: 'FAILED', messageId: 'runtimeSocketMounted' },
  { name: '/var/run contains the socket', properties: taskDef([mounting(mount('run', true))], { volumes: [vol('run', '/var/run')] }), status: 'FAILED', messageId: 'runtimeSocketMounted', reasonIncludes: ['which contains /var/run/docker.sock'] },
  { name: 'the root file system contains everything', properties: taskDef([mounting(mount('root', true))], { volumes: [vol('root', '/')] }), status: 'FAILED', messageId: 'runtimeSocketMounted' },
  { name: 'the Windows engine pipe fails', properties: taskDef([mounting(mount('pipe'))], { volumes: [vol('pipe', '\\\\.\\pipe\\docker_engine')] }), status: 'FAILED', messageId: 'runtimeSocketMounted' },
  { name: '/etc writable fails', properties: taskDef([mounting(mount('etc'))], { volumes: [vol('etc', '/etc')] }), status: 'FAILED', messageId: 'sensitivePathWritable', reasonIncludes: ['/etc', 'writable'] },
  { name: 'readOnly false is writable', properties: taskDef([mounting(mount('etc', false))], { volumes: [vol('etc', '/etc/')] }), status: 'FAILED', messageId: 'sensitivePathWritable' },
  { name: '/etc read-only fails as read-only', properties: taskDef([mounting(mount('etc', true))], { volumes: [vol('etc', '/etc')] }), status: 'FAILED', messageId: 'sensitivePathReadOnly' },
  { name: 'allowReadOnly accepts a read-only sensitive path', params: { allowReadOnly: true }, properties: taskDef([mounting(mount('proc', true))], { volumes: [vol('proc', '/proc')] }), status: 'PASSED' },
  { name: 'allowReadOnly does not accept a writable one', params: { allowReadOnly: true }, properties: taskDef([mounting(mount('proc'))], { volumes: [vol('proc', '/proc')] }), status: 'FAILED', messageId: 'sensitivePathWritable' },
  { name: 'a path inside a sensitive one counts', properties: taskDef([mounting(mount('k', true))], { volumes: [vol('k', '/sys/kernel/debug')] }), status: 'FAILED', reasonIncludes: ['(inside /sys)'] },
  { name: 'dot segments are resolved', properties: taskDef([mounting(mount('x', true))], { volumes: [vol('x', '/srv/../etc/./ssh')] }), status: 'FAILED', reasonIncludes: ['(inside /etc)'] },
  { name: 'a similar name outside is not sensitive', properties: taskDef([mounting(mount('x'))], { volumes: [vol('x', '/etcetera'), vol('y', '/rootfs-cache')] }), status: 'PASSED' },
  { name: 'a sensitive volume that no container mounts passes', properties: taskDef([container()], { volumes: [vol('sock', '/var/run/docker.sock')] }), status: 'PASSED' },
  { name: 'the socket and a writable path come before read-only ones', properties: taskDef([mounting(mount('proc', true), mount('sock', true), mount('etc'))], { volumes: [vol('proc', '/proc'), vol('sock', '/var/run/docker.sock'), vol('etc', '/etc')] }), status: 'FAILED', path: 'volumes[1].host.sourcePath', violations: ['volumes[2].host.sourcePath', 'volumes[0].host.sourcePath'] },
  { name: 'volumesFrom inherits the mount, writable when both sides allow it', properties: taskDef([mounting(mount('etc', true)), container({ name: 'sidecar', volumesFrom: [{ sourceContainer: 'app' }] })], { volumes: [vol('etc', '/etc')] }), status: 'FAILED', messageId: 'sensitivePathReadOnly', reasonIncludes: ["'app', 'sidecar'"] },
  { name: 'a local-driver bind volume is a bind mount too', properties: taskDef([mounting(mount('b'))], { volumes: [{ name: 'b', dockerVolumeConfiguration: { driver: 'local', driverOpts: { type: 'none', o: 'bind', device: '/root' } } }] }), status: 'FAILED', messageId: 'sensitivePathWritable', path: 'volumes[0].dockerVolumeConfiguration.driverOpts.device' },
  { name: 'a custom list replaces the default', params: { sensitiveHostPaths: ['/data/secrets'] }, properties: taskDef([mounting(mount('e'), mount('d', true))], { volumes: [vol('e', '/etc'), vol('d', '/data/secrets/db')] }), status: 'FAILED', path: 'volumes[1].host.sourcePath', violations: [] },
  { name: 'an unknown sourcePath is NOT_AVAILABLE', properties: taskDef([mounting(mount('x'))], { volumes: [vol('x', unresolved('Ref to parameter HostPath, which has no Default'))] }), status: 'NOT_AVAILABLE', messageId: 'hostPathUnknown', reasonIncludes: ['HostPath'] },
  { name: 'unknown readOnly on /etc fails without saying read-only', properties: taskDef([mounting(mount('etc', unresolved('x')))], { volumes: [vol('etc', '/etc')] }), status: 'FAILED', messageId: 'sensitivePathMounted' },
  { name: 'unknown readOnly on /etc with allowReadOnly is NOT_AVAILABLE', params: { allowReadOnly: true }, properties: taskDef([mounting(mount('etc', unresolved('x')))], { volumes: [vol('etc', '/etc')] }), status: 'NOT_AVAILABLE', messageId: 'mountUnknown' },
  { name: 'unknown mount points are NOT_AVAILABLE for a sensitive volume', properties: taskDef([container({ mountPoints: unresolved('x') })], { volumes: [vol('etc', '/etc')] }), status: 'NOT_AVAILABLE', messageId: 'mountUnknown' },
  { name: 'unknown volumes are NOT_AVAILABLE', properties: taskDef([container()], { volumes: unresolved('x') }), status: 'NOT_AVAILABLE', path: 'volumes' },
]);
