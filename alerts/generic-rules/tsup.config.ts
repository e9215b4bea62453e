export { default } from '@alertkit/tsup-config';
