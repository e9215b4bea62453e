export { default } from '@alertkit/vitest-config';
