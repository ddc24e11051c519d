export * from './hardened-app';
