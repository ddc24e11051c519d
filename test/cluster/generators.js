'use strict';
// Random pods and pod-bearing workloads for the Pod Security suite (fast-check).
// Every object is one the API server accepts (it passes the 1.28 pod
// validation), so that its only possible refusal is Pod Security's: values
// are drawn from what each PSS control allows and forbids, and a few fix-ups
// keep the combinations valid (privileged needs allowPrivilegeEscalation not
// false, Windows pods carry no Linux-only fields, a HostProcess pod is
// hostNetwork with every container HostProcess, Localhost seccomp names a
// profile). Ephemeral containers are generated separately (they can only be
// added to an existing Pod, through the ephemeralcontainers subresource).

const fc = require('fast-check');
const { psaFixtures, wrapPod, POD_KIND_VERSIONS } = require('./fixtures');

/** A record whose keys are each present with probability 1/(1+absentWeight) (sparse: most objects deviate little). */
const some = (fields, absentWeight = 3) => fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k,
  fc.oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary: a, weight: 1 })])))
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
const bool = fc.boolean();

/** Every volume source the PSA fixtures use (all valid), plus the ones the restricted list allows. */
function volumePool() {
  const seen = new Map();
  for (const f of psaFixtures()) {
    for (const v of (f.object.spec && f.object.spec.volumes) || []) {
      const { name, ...source } = v;
      // A DaemonSet's pods share the disk across nodes: the API requires a GCE PD there to be read-only.
      if (source.gcePersistentDisk) source.gcePersistentDisk = { ...source.gcePersistentDisk, readOnly: true };
      seen.set(JSON.stringify(source), source);
    }
  }
  for (const source of [
    {}, { emptyDir: {} }, { configMap: { name: 'c' } }, { secret: { secretName: 's' } }, { downwardAPI: { items: [] } },
    { projected: { sources: [] } }, { persistentVolumeClaim: { claimName: 'c' } }, { csi: { driver: 'csi.example.com' } },
    { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
    { hostPath: { path: '/var/run' } }, { hostPath: { path: '/', type: 'Directory' } },
  ]) {
    seen.set(JSON.stringify(source), source);
  }
  return [...seen.values()];
}

const capability = fc.constantFrom('ALL', 'all', 'NET_BIND_SERVICE', 'CHOWN', 'NET_RAW', 'SYS_ADMIN', 'AUDIT_WRITE', 'KILL',
  'SETUID', 'SYS_TIME', 'MKNOD', 'SYS_CHROOT', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'SETGID', 'SETFCAP', 'SETPCAP', 'NET_ADMIN');
const seccomp = fc.constantFrom(
  { type: 'RuntimeDefault' }, { type: 'Localhost', localhostProfile: 'profiles/p.json' }, { type: 'Unconfined' },
);
const seLinux = some({
  type: fc.constantFrom('', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t', 'unconfined_t'),
  user: fc.constantFrom('', 'system_u', 'unconfined_u'),
  role: fc.constantFrom('', 'object_r', 'system_r'),
  level: fc.constantFrom('s0:c1', 's0'),
});
const windowsOptions = some({ hostProcess: bool, runAsUserName: fc.constant('ContainerUser') });
const uid = fc.constantFrom(0, 1, 1000, 65534);

const containerSecurityContext = some({
  privileged: bool,
  allowPrivilegeEscalation: bool,
  runAsNonRoot: bool,
  runAsUser: uid,
  runAsGroup: uid,
  procMount: fc.constantFrom('Default', 'Unmasked'),
  readOnlyRootFilesystem: bool,
  capabilities: some({ add: fc.uniqueArray(capability, { maxLength: 3 }), drop: fc.uniqueArray(capability, { maxLength: 3 }) }),
  seccompProfile: seccomp,
  seLinuxOptions: seLinux,
  windowsOptions,
});

const image = fc.constantFrom('registry.k8s.io/pause:3.9', 'nginx', 'ghcr.io/example/app@sha256:' + 'a'.repeat(64));

const container = (name, { ports = true, index = 0 } = {}) => some({
  securityContext: containerSecurityContext,
  ports: ports ? fc.array(some({ hostPort: fc.constantFrom(0, 8080, 9090) }), { maxLength: 2 }) : fc.constant(undefined),
}, 1).chain((c) => fc.tuple(image, fc.constantFrom(true, true, true, true, false)).map(([img, hardened]) => {
  const out = { name, image: img, ...c };
  if (hardened) {
    // Start from the restricted container fields; the drawn ones override them.
    out.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...out.securityContext };
  }
  if (out.ports !== undefined) {
    // containerPort is required; ports distinct across the pod's containers keep host-port pairs unique.
    const base = 10 * index;
    out.ports = out.ports.map((p, i) => ({
      containerPort: 8080 + base + i,
      ...(p.hostPort !== undefined ? { hostPort: p.hostPort === 0 ? 0 : p.hostPort + base + i } : {}),
    }));
  } else {
    delete out.ports;
  }
  return out;
}));

const sysctl = fc.constantFrom('kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'kernel.msgmax', 'net.core.somaxconn', 'vm.swappiness');

const podSecurityContext = some({
  runAsNonRoot: bool,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: seccomp,
  seLinuxOptions: seLinux,
  sysctls: fc.uniqueArray(sysctl, { maxLength: 2 }).map((names) => names.map((n) => ({ name: n, value: '1' }))),
  windowsOptions,
});

/** A pod spec (without ephemeral containers) and its annotations. */
function podArbitrary(volumes) {
  const volume = fc.constantFrom(...volumes);
  return fc.record({
    containers: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }).chain((xs) => fc.tuple(...xs.map((_, i) => container(`app${i}`, { index: i })))),
    initContainers: fc.oneof(fc.constant([]), fc.tuple(container('init0', { ports: false }))),
    rest: some({
      hostNetwork: bool,
      hostPID: bool,
      hostIPC: bool,
      os: fc.constantFrom({ name: 'linux' }, { name: 'windows' }),
      securityContext: podSecurityContext,
      restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
      hostUsers: fc.constant(false),
    }),
    volumes: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.uniqueArray(volume, { maxLength: 3 }), weight: 1 }),
    apparmor: some({
      app0: fc.constantFrom('runtime/default', 'localhost/custom', 'unconfined'),
      init0: fc.constantFrom('runtime/default', 'localhost/custom', 'unconfined'),
    }),
    otherAnnotation: bool,
    hardened: fc.constantFrom(true, true, true, false),
  }).map(({ containers, initContainers, rest, volumes: vols, apparmor, otherAnnotation, hardened }) => {
    const spec = { ...rest, containers: [...containers] };
    if (hardened) {
      spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...spec.securityContext };
    }
    if (initContainers.length) spec.initContainers = [...initContainers];
    if (vols.length) spec.volumes = vols.map((v, i) => ({ name: `v${i}`, ...v }));
    const annotations = {};
    for (const [c, profile] of Object.entries(apparmor)) {
      if (c === 'init0' && !spec.initContainers) continue;
      annotations[`container.apparmor.security.beta.kubernetes.io/${c}`] = profile;
    }
    if (otherAnnotation) annotations['example.com/note'] = 'x';
    return { spec, annotations };
  });
}

const LINUX_ONLY_POD = ['seLinuxOptions', 'seccompProfile', 'fsGroup', 'sysctls', 'runAsUser', 'runAsGroup'];
const LINUX_ONLY_CONTAINER = ['seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged',
  'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];

function allContainers(spec) {
  return [...(spec.initContainers || []), ...(spec.containers || []), ...(spec.ephemeralContainers || [])];
}

/** Makes a generated spec one that 1.28's pod validation accepts (see the header). */
function fixUp(spec) {
  const containers = allContainers(spec);
  for (const c of containers) {
    const sc = c.securityContext;
    if (!sc) continue;
    if (sc.allowPrivilegeEscalation === false && (sc.privileged === true
      || (sc.capabilities && (sc.capabilities.add || []).includes('CAP_SYS_ADMIN')))) {
      delete sc.allowPrivilegeEscalation;
    }
  }
  const hostProcess = [spec.securityContext, ...containers.map((c) => c.securityContext)]
    .some((sc) => sc && sc.windowsOptions && sc.windowsOptions.hostProcess === true);
  if (hostProcess) {
    // A HostProcess pod: hostNetwork, every container HostProcess, not Linux.
    spec.hostNetwork = true;
    for (const c of containers) {
      c.securityContext = { ...c.securityContext, windowsOptions: { ...(c.securityContext || {}).windowsOptions, hostProcess: true } };
    }
    if (spec.securityContext && spec.securityContext.windowsOptions) spec.securityContext.windowsOptions.hostProcess = true;
    if (spec.os && spec.os.name === 'linux') spec.os = { name: 'windows' };
  }
  if (spec.os && spec.os.name === 'windows') {
    delete spec.hostPID;
    delete spec.hostIPC;
    delete spec.hostUsers;
    if (spec.securityContext) for (const f of LINUX_ONLY_POD) delete spec.securityContext[f];
    for (const c of containers) {
      if (c.securityContext) for (const f of LINUX_ONLY_CONTAINER) delete c.securityContext[f];
    }
  } else if (spec.os && spec.os.name === 'linux') {
    if (spec.securityContext) delete spec.securityContext.windowsOptions;
    for (const c of containers) if (c.securityContext) delete c.securityContext.windowsOptions;
  }
  if (spec.hostNetwork) {
    // With hostNetwork the server defaults hostPort to containerPort and requires them equal.
    for (const c of containers) {
      for (const p of c.ports || []) if (p.hostPort) p.hostPort = p.containerPort;
    }
  }
  return spec;
}

/** An ephemeral container (no ports, probes or resources: the API forbids them there). */
const ephemeralContainer = container('debug0', { ports: false }).map((c) => ({ ...c, targetContainerName: 'app0' }));

/**
 * `n` generated objects: { label, object, ephemeral? } where object is a Pod or a pod-carrying workload, and
 * `ephemeral` (Pods only) is a list of ephemeral containers to add through the subresource.
 * `kinds` is cycled through so every kind gets n/9 objects; a quarter of the Pods get ephemeral containers.
 */
function generate(n, seed) {
  const volumes = volumePool();
  const kinds = Object.keys(POD_KIND_VERSIONS);
  const arb = fc.record({ pod: podArbitrary(volumes), ephemeral: fc.option(fc.tuple(ephemeralContainer), { freq: 3, nil: undefined }) });
  const samples = fc.sample(arb, { numRuns: n, seed });
  return samples.map(({ pod, ephemeral }, i) => {
    const kind = kinds[i % kinds.length];
    const spec = pod.spec;
    let eph;
    if (kind === 'Pod' && ephemeral) {
      // Fixed up together, as the ephemeral containers will sit in this pod; then split again.
      spec.ephemeralContainers = ephemeral.map((c) => JSON.parse(JSON.stringify(c)));
      fixUp(spec);
      eph = spec.ephemeralContainers;
      delete spec.ephemeralContainers;
    } else {
      fixUp(spec);
    }
    const object = wrapPod({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `gen-${i}`, ...(Object.keys(pod.annotations).length ? { annotations: pod.annotations } : {}) },
      spec,
    }, kind);
    return { label: `generated#${i} ${kind}${eph ? '+ephemeral' : ''}`, object, ...(eph ? { ephemeral: eph } : {}) };
  });
}

module.exports = { generate, fixUp, volumePool };
