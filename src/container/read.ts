import { basename } from 'path';
import { Manifest } from '../policy/rule';
import { readDockerJson } from './docker-json';
import { isDockerfileName, readDockerfile } from './dockerfile';

export { isDockerfileName } from './dockerfile';

/** What a file holds, for the reader: the image and runtime inputs, or Kubernetes manifests. */
export type InputForm = 'dockerfile' | 'docker-json' | 'manifests';

/** Classifies an input by its name: Dockerfiles by name; JSON is told apart by content (see readContainerInput). */
export function inputFormOf(file: string): InputForm {
  return isDockerfileName(basename(file)) ? 'dockerfile' : file.toLowerCase().endsWith('.json') || file === '-' ? 'docker-json' : 'manifests';
}

/**
 * Reads a Dockerfile, a daemon.json or docker inspect output into the objects their rules judge; undefined when
 * the text is Kubernetes manifests (for the Kubernetes reader). Bad input is an InputError naming file and line.
 */
export function readContainerInput(file: string, name: string, text: string): Manifest[] | undefined {
  switch (inputFormOf(file)) {
    case 'dockerfile':
      return [readDockerfile(text, name)];
    case 'docker-json':
      return readDockerJson(text, name);
    default:
      return undefined;
  }
}
