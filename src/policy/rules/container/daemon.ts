import { CONTAINER_KIND, DAEMON_KIND, isContainerInput } from '../../container-model';
import { isObject, JsonObject, show } from '../../json';
import { ObjectRule, Target, Violation } from '../../rule';
import { NOT_AN_API_OBJECT } from './admission';

type Meta = Omit<ObjectRule, 'scope' | 'check' | 'kinds'>;

/** Defines a rule over a daemon.json (objects of kind DockerDaemonConfig); the configuration is the object's spec. */
export function daemonRule(meta: Meta, check: (config: JsonObject, target: Target) => Violation[]): ObjectRule {
  return { admission: NOT_AN_API_OBJECT, ...meta, scope: 'object', kinds: [DAEMON_KIND], check: (t) => (isContainerInput(t.apiVersion, t.kind) && t.kind === DAEMON_KIND && isObject(t.object.spec) ? check(t.object.spec, t) : []) };
}

/** Defines a rule over one container of docker inspect output (kind DockerContainer); the container is the spec. */
export function inspectRule(meta: Meta, check: (container: JsonObject, name: string, target: Target) => Violation[]): ObjectRule {
  return {
    admission: NOT_AN_API_OBJECT,
    ...meta,
    scope: 'object',
    kinds: [CONTAINER_KIND],
    check: (t) => (isContainerInput(t.apiVersion, t.kind) && t.kind === CONTAINER_KIND && isObject(t.object.spec) ? check(t.object.spec, t.name, t) : []),
  };
}

/**
 * A daemon.json key that must hold one value: missing or different is a violation at the key (or at the object,
 * when missing). `fix` is the key and value to write.
 */
export function daemonSetting(meta: Meta & { key: string; want: unknown }): ObjectRule {
  return daemonRule(meta, (config) => {
    if (!Object.prototype.hasOwnProperty.call(config, meta.key)) {
      return [{ path: ['spec'], message: `daemon.json does not set "${meta.key}" (dockerd's default is not ${show(meta.want)})` }];
    }
    const value = config[meta.key];
    return value === meta.want ? [] : [{ path: ['spec', meta.key], message: `daemon.json sets "${meta.key}" to ${show(value)}` }];
  });
}
