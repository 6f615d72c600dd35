// The development config: see ../eslint.development.mjs.
export { default } from '../eslint.development.mjs';
