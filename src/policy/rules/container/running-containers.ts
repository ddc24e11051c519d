import { arrayField, field, objectField, show, stringField } from '../../json';
import { inspectRule } from './daemon';

const RUN_DOCS = 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities';

export const containerPrivileged = inspectRule({
  id: 'docker-container-privileged',
  title: 'Running containers must not be privileged',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'docker run --privileged gives the container every capability, every device and no seccomp or AppArmor '
    + 'confinement: it is root on the host. The guide\'s audit scripts flag HostConfig.Privileged (lines 408, 524-525 and '
    + '597-598) and fail on it.',
  remediation: 'Recreate the container without --privileged (HostConfig.Privileged false), adding only the capabilities it needs with --cap-add.',
  docsUrl: RUN_DOCS,
}, (c, name) => (objectField(c, 'HostConfig')?.Privileged === true
  ? [{ path: ['spec', 'HostConfig', 'Privileged'], message: `container "${name}" runs with HostConfig.Privileged true` }]
  : []));

/** Capabilities that amount to root on the host, or close to it. */
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_ADMIN', 'BPF']);

export const containerCapabilities = inspectRule({
  id: 'docker-container-capabilities',
  title: 'Running containers must not add SYS_ADMIN, ALL or other host-level capabilities',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'SYS_ADMIN allows mount, namespace and BPF operations that are a known path out of the container; ALL adds '
    + 'every capability; SYS_MODULE loads kernel modules, SYS_PTRACE and DAC_READ_SEARCH read other processes and files, '
    + 'NET_ADMIN and BPF reconfigure the network. The guide\'s scripts flag CapAdd SYS_ADMIN (lines 527-530). The CAP_ '
    + 'prefix and letter case are ignored, as Docker ignores them.',
  remediation: 'Recreate the container without --cap-add SYS_ADMIN/ALL (HostConfig.CapAdd), with --cap-drop ALL and only the capability it needs (NET_BIND_SERVICE).',
  docsUrl: RUN_DOCS,
}, (c, name) => arrayField(objectField(c, 'HostConfig'), 'CapAdd').flatMap((cap, i) => {
  const plain = typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : '';
  return DANGEROUS_CAPABILITIES.has(plain)
    ? [{ path: ['spec', 'HostConfig', 'CapAdd', i], message: `container "${name}" adds capability ${show(cap)}` }]
    : [];
}));

export const containerReadOnlyRootfs = inspectRule({
  id: 'docker-container-read-only-rootfs',
  title: 'Running containers should have a read-only root filesystem',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'A writable root filesystem lets an intruder replace binaries and drop tools that survive until the '
    + 'container is recreated. The guide\'s checker flags HostConfig.ReadonlyRootfs false (lines 533 and 616); it is a '
    + 'warning here, as workload-read-only-root-fs is for pods (the checker counts it as critical only because its message '
    + 'contains the word "root", line 566).',
  remediation: 'Recreate the container with --read-only (HostConfig.ReadonlyRootfs true) and --tmpfs /tmp for the paths it writes.',
  docsUrl: 'https://docs.docker.com/reference/cli/docker/container/run/#read-only',
}, (c, name) => (objectField(c, 'HostConfig')?.ReadonlyRootfs === true
  ? []
  : [{ path: ['spec', 'HostConfig', 'ReadonlyRootfs'], message: `container "${name}" has a writable root filesystem (HostConfig.ReadonlyRootfs ${show(objectField(c, 'HostConfig')?.ReadonlyRootfs ?? false)})` }]));

export const containerRootUser = inspectRule({
  id: 'docker-container-root-user',
  title: 'Running containers must not run as root',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'Config.User is the user the container\'s process runs as; empty means the image\'s USER, and for the '
    + 'container itself an empty Config.User with no image USER is root. Root in a container is root on the host after an '
    + 'escape unless user namespaces remap it. The guide\'s checker tries to find this by starting the image with user "0" '
    + '(line 509), which succeeds for any image; docker inspect says it directly.',
  remediation: 'Recreate the container with --user 10001:10001 (Config.User), or build the image with a numeric non-root USER.',
  docsUrl: 'https://docs.docker.com/reference/cli/docker/container/run/#user',
}, (c, name) => {
  const user = stringField(objectField(c, 'Config'), 'User') ?? '';
  const id = user.split(':')[0];
  if (id === '') {
    return [{ path: ['spec', 'Config', 'User'], message: `container "${name}" has an empty Config.User, so it runs as root (docker inspect shows the image's USER here when it sets one)` }];
  }
  return id === 'root' || /^0+$/.test(id) ? [{ path: ['spec', 'Config', 'User'], message: `container "${name}" runs as user "${user}" (root)` }] : [];
});

export const containerHostNamespaces = inspectRule({
  id: 'docker-container-host-namespaces',
  title: 'Running containers must not share the host network, PID, IPC or UTS namespace',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'NetworkMode host puts the container on the host\'s network stack (every host port, no isolation); PidMode '
    + 'host shows it every host process to signal or trace; IpcMode host shares the host\'s shared memory; UTSMode host '
    + 'lets it rename the host. Kubernetes\' hostNetwork, hostPID and hostIPC (pss-baseline-host-namespaces) are the '
    + 'same risk.',
  remediation: 'Recreate the container without --network host, --pid host, --ipc host and --uts host (HostConfig.NetworkMode bridge or a user-defined network; PidMode, IpcMode and UTSMode empty or private).',
  docsUrl: 'https://docs.docker.com/engine/network/drivers/host/',
}, (c, name) => ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode'].flatMap((key) => (field(objectField(c, 'HostConfig'), key) === 'host'
  ? [{ path: ['spec', 'HostConfig', key], message: `container "${name}" sets HostConfig.${key} to "host"` }]
  : [])));

const DOCKER_SOCKET = /^\/(var\/)?run\/docker\.sock$/;

export const containerDockerSocket = inspectRule({
  id: 'docker-container-docker-socket',
  title: 'Running containers must not mount the Docker socket',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'A container with /var/run/docker.sock mounted can ask the daemon to start a privileged container with the '
    + 'host\'s / mounted: it is root on the host, whatever its own settings. Both Mounts and HostConfig.Binds are read.',
  remediation: 'Remove the -v /var/run/docker.sock mount (Mounts / HostConfig.Binds); give tools that need the API a socket proxy that allows only the calls they make.',
  docsUrl: 'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
}, (c, name) => [
  ...arrayField(c, 'Mounts').flatMap((m, i) => (DOCKER_SOCKET.test(stringField(m, 'Source') ?? '')
    ? [{ path: ['spec', 'Mounts', i, 'Source'], message: `container "${name}" mounts the Docker socket ${stringField(m, 'Source')}` }] : [])),
  // docker inspect lists a bind mount under Mounts and HostConfig.Binds: Binds is reported when Mounts lacks it.
  ...arrayField(objectField(c, 'HostConfig'), 'Binds').flatMap((b, i) => (typeof b === 'string' && DOCKER_SOCKET.test(b.split(':')[0])
    && !arrayField(c, 'Mounts').some((m) => stringField(m, 'Source') === b.split(':')[0])
    ? [{ path: ['spec', 'HostConfig', 'Binds', i], message: `container "${name}" binds the Docker socket (${b})` }] : [])),
]);

export const containerMemoryLimit = inspectRule({
  id: 'docker-container-memory-limit',
  title: 'Running containers should have a memory limit',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'Without a memory limit (HostConfig.Memory 0) one container can use all of the host\'s memory, and the '
    + 'kernel\'s OOM killer then picks victims among other containers and the daemon. Kubernetes\' resources.limits.memory '
    + '(workload-resources) is the same control.',
  remediation: 'Recreate the container with --memory 256m (HostConfig.Memory, in bytes), sized to what it needs.',
  docsUrl: 'https://docs.docker.com/engine/containers/resource_constraints/#memory',
}, (c, name) => {
  const memory = field(objectField(c, 'HostConfig'), 'Memory');
  return typeof memory === 'number' && memory > 0 ? [] : [{ path: ['spec', 'HostConfig', 'Memory'], message: `container "${name}" has no memory limit (HostConfig.Memory ${show(memory ?? 0)})` }];
});

export const RUNNING_CONTAINER_RULES = [
  containerPrivileged, containerCapabilities, containerReadOnlyRootfs, containerRootUser, containerHostNamespaces, containerDockerSocket,
  containerMemoryLimit,
];
