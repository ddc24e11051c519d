import { arrayField, isObject, objectField, show, stringField } from '../../json';
import { daemonRule, daemonSetting } from './daemon';

const DAEMON_DOCS = 'https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file';

export const daemonIcc = daemonSetting({
  id: 'docker-daemon-icc',
  key: 'icc',
  want: false,
  title: 'The Docker daemon must disable inter-container communication',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'With icc left at its default (true), every container on the default bridge can reach every other on any '
    + 'port: one compromised container can probe the rest. The guide sets "icc": false (line 118); containers that must '
    + 'talk then do so over user-defined networks or published ports, on purpose.',
  remediation: 'Set "icc": false in /etc/docker/daemon.json and restart dockerd.',
  docsUrl: 'https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge',
});

export const daemonUsernsRemap = daemonRule({
  id: 'docker-daemon-userns-remap',
  title: 'The Docker daemon must remap container root to an unprivileged host user',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'Without user namespace remapping, UID 0 in a container is UID 0 on the host: a container escape is a root '
    + 'shell on the node. "userns-remap": "default" (the guide, line 119) maps container root to the unprivileged '
    + 'dockremap user\'s subordinate UIDs.',
  remediation: 'Set "userns-remap": "default" (or "<user>:<group>" with entries in /etc/subuid and /etc/subgid) in daemon.json.',
  docsUrl: 'https://docs.docker.com/engine/security/userns-remap/',
}, (config) => {
  const value = config['userns-remap'];
  if (typeof value === 'string' && value.trim() !== '') {
    return [];
  }
  return [value === undefined
    ? { path: ['spec'], message: 'daemon.json does not set "userns-remap", so container root is host root' }
    : { path: ['spec', 'userns-remap'], message: `daemon.json sets "userns-remap" to ${show(value)}` }];
});

export const daemonLiveRestore = daemonSetting({
  id: 'docker-daemon-live-restore',
  key: 'live-restore',
  want: true,
  title: 'The Docker daemon should keep containers running while it restarts',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'With live-restore off, stopping or upgrading dockerd stops every container, which discourages applying '
    + 'daemon security updates. The guide sets "live-restore": true (line 117).',
  remediation: 'Set "live-restore": true in daemon.json.',
  docsUrl: 'https://docs.docker.com/engine/daemon/live-restore/',
});

export const daemonUserlandProxy = daemonSetting({
  id: 'docker-daemon-userland-proxy',
  key: 'userland-proxy',
  want: false,
  title: 'The Docker daemon should forward ports with iptables, not the userland proxy',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'The userland proxy (docker-proxy, on by default) is a process per published port that hides the client\'s '
    + 'address from the container and adds code on the network path; with "userland-proxy": false (the guide, line 116) '
    + 'the kernel forwards the traffic.',
  remediation: 'Set "userland-proxy": false in daemon.json.',
  docsUrl: DAEMON_DOCS,
});

export const daemonNoNewPrivileges = daemonSetting({
  id: 'docker-daemon-no-new-privileges',
  key: 'no-new-privileges',
  want: true,
  title: 'The Docker daemon must start containers with no-new-privileges',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'Without no-new-privileges a process in a container can gain privileges through setuid and setgid '
    + 'binaries or file capabilities. Setting it daemon-wide is Docker\'s counterpart of Kubernetes\' '
    + 'allowPrivilegeEscalation: false, which the guide sets in its pod (line 140) but not in its daemon.json.',
  remediation: 'Set "no-new-privileges": true in daemon.json.',
  docsUrl: DAEMON_DOCS,
});

export const daemonLogRotation = daemonRule({
  id: 'docker-daemon-log-rotation',
  title: 'Container logs must be rotated (json-file or local with max-size and max-file)',
  severity: 'warning',
  profiles: ['container', 'hardened'],
  description: 'The default json-file log driver keeps every line a container writes: a noisy or hostile container fills '
    + 'the disk and takes the node down. The guide sets "log-driver": "json-file" with "log-opts" max-size 10m and '
    + 'max-file 3 (lines 108-113). A daemon.json without log-opts max-size and max-file (for json-file, the default '
    + 'driver) is reported.',
  remediation: 'Set "log-driver": "json-file" and "log-opts": {"max-size": "10m", "max-file": "3"} in daemon.json (or "log-driver": "local", which rotates by default).',
  docsUrl: 'https://docs.docker.com/engine/logging/drivers/json-file/',
}, (config) => {
  const driver = config['log-driver'] ?? 'json-file';
  if (driver !== 'json-file') {
    return [];
  }
  const opts = objectField(config, 'log-opts');
  const missing = ['max-size', 'max-file'].filter((k) => typeof opts?.[k] !== 'string' || opts[k] === '');
  if (!missing.length) {
    return [];
  }
  return [{ path: opts ? ['spec', 'log-opts'] : ['spec'], message: `daemon.json logs with json-file without log-opts ${missing.map((k) => `"${k}"`).join(' and ')}` }];
});

/** A hosts entry that listens on TCP. */
function tcpHost(host: string): boolean {
  return /^(tcp:\/\/|[0-9.]+:|:)/.test(host) && !/^tcp:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(host);
}

export const daemonTcpTls = daemonRule({
  id: 'docker-daemon-tcp-tls',
  title: 'The Docker API must not listen on TCP without TLS client verification',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'The Docker API is root on the host: anyone who reaches it can start a privileged container with / mounted. '
    + 'A "hosts" entry on tcp:// without "tlsverify": true and the tlscacert, tlscert and tlskey files lets anyone on the '
    + 'network do so (port 2375 is scanned for on the internet). Loopback addresses are not reported.',
  remediation: 'Remove the tcp:// entry from "hosts" (use unix:///var/run/docker.sock or SSH), or set "tlsverify": true with "tlscacert", "tlscert" and "tlskey" in daemon.json.',
  docsUrl: 'https://docs.docker.com/engine/security/protect-access/',
}, (config) => {
  const hosts = arrayField(config, 'hosts');
  const tls = config.tlsverify === true && ['tlscacert', 'tlscert', 'tlskey'].every((k) => !!stringField(config, k));
  if (tls) {
    return [];
  }
  return hosts.flatMap((host, i) => (typeof host === 'string' && tcpHost(host)
    ? [{ path: ['spec', 'hosts', i], message: `daemon.json serves the Docker API on "${host}" without "tlsverify": true and its certificates` }]
    : []));
});

export const daemonInsecureRegistries = daemonRule({
  id: 'docker-daemon-insecure-registries',
  title: 'The Docker daemon must not trust insecure registries',
  severity: 'error',
  profiles: ['container', 'hardened'],
  description: 'A registry listed in "insecure-registries" is pulled from over plain HTTP or with unverified TLS: anyone on '
    + 'the path can substitute the image, and every check made on the pushed image is void for the pulled one.',
  remediation: 'Remove "insecure-registries" from daemon.json and give the registry a TLS certificate (or put its CA in /etc/docker/certs.d/<registry>/ca.crt).',
  docsUrl: 'https://docs.docker.com/reference/cli/dockerd/#insecure-registries',
}, (config) => {
  const registries = config['insecure-registries'];
  if (registries === undefined || (Array.isArray(registries) && registries.length === 0)) {
    return [];
  }
  return Array.isArray(registries)
    ? registries.map((r, i) => ({ path: ['spec', 'insecure-registries', i], message: `daemon.json trusts insecure registry ${show(r)}` }))
    : [{ path: ['spec', 'insecure-registries'], message: `daemon.json sets "insecure-registries" to ${isObject(registries) ? 'a mapping' : show(registries)}` }];
});

export const DAEMON_RULES = [
  daemonIcc, daemonUsernsRemap, daemonLiveRestore, daemonUserlandProxy, daemonNoNewPrivileges, daemonLogRotation, daemonTcpTls,
  daemonInsecureRegistries,
];
